"""The electronic diary's data (D2). Every row belongs to one school; nothing is hard-deleted (D16)."""

from diary.models.access import AccessCode, AccountSession, ApiToken, Inspection, LoginEvent
from diary.models.audit import AuditEntry
from diary.models.base import SchoolOwned
from diary.models.journal import (
    Attendance,
    FinalGrade,
    FinalWindowReopening,
    Journal,
    Lesson,
    Mark,
    Substitution,
)
from diary.models.messaging import Message, Reminder, ReportRun, Thread, ThreadParticipant
from diary.models.people import (
    DataCheck,
    Enrolment,
    Guardian,
    GuardianLink,
    SchoolClass,
    StaffMember,
    StaffRole,
    Student,
    Subgroup,
    SubgroupMembership,
)
from diary.models.privacy import StudentAccessLog
from diary.models.school import AcademicYear, Holiday, Period, School, Subject

__all__ = [
    "AcademicYear",
    "AccessCode",
    "AccountSession",
    "ApiToken",
    "Attendance",
    "AuditEntry",
    "DataCheck",
    "Enrolment",
    "FinalGrade",
    "FinalWindowReopening",
    "Guardian",
    "GuardianLink",
    "Holiday",
    "Inspection",
    "Journal",
    "Lesson",
    "LoginEvent",
    "Mark",
    "Message",
    "Period",
    "Reminder",
    "ReportRun",
    "School",
    "SchoolClass",
    "SchoolOwned",
    "StaffMember",
    "StaffRole",
    "Student",
    "StudentAccessLog",
    "Subgroup",
    "SubgroupMembership",
    "Subject",
    "Substitution",
    "Thread",
    "ThreadParticipant",
]
