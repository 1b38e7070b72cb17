"""D15: who may see and do what in the diary. Every view, API endpoint, selector and service asks here;
one module per group of screens, mirroring diary/views/, the names re-exported here.

- Students: their own data. Guardians: their children's.
- Subject teachers: their journals, and the journals they cover as substitutes (D6).
- Homeroom teachers: read their class's journals and data; issue their class's access codes (D4).
- Director, deputy, diary administrator: the whole school; the director and deputies inspect journals (D12).
- Nobody: another school. Deactivated accounts: nothing.
"""

from diary.permissions.family import (
    current_class,
    is_adult,
    may_administer_privacy,
    may_export_student,
    student_journals_shown,
    students_visible_to,
    visible_student,
)
from diary.permissions.homeroom import (
    may_issue_code,
    may_link_person,
    may_manage_class,
    may_move_student,
    may_split_class,
)
from diary.permissions.journal import (
    JOURNAL_WRITE_REFUSED,
    JournalWriteAccess,
    covered_dates,
    current_substitutions,
    journal_write_access,
    journals_visible_to,
    may_read_journal_history,
    may_set_final_grades,
    may_view_journal,
)
from diary.permissions.mail import message_recipients
from diary.permissions.people import (
    User,
    administered_school_ids,
    children_of,
    is_administration,
    is_inspector,
    may_change_school_rules,
    own_students_query,
    school_of,
    staff_member_of,
    student_of,
)
from diary.permissions.reports import ReportScope, report_runs_visible_to, report_scope

__all__ = [
    "JOURNAL_WRITE_REFUSED",
    "JournalWriteAccess",
    "ReportScope",
    "User",
    "administered_school_ids",
    "children_of",
    "covered_dates",
    "current_class",
    "current_substitutions",
    "is_administration",
    "is_adult",
    "is_inspector",
    "journal_write_access",
    "journals_visible_to",
    "may_administer_privacy",
    "may_change_school_rules",
    "may_export_student",
    "may_issue_code",
    "may_link_person",
    "may_manage_class",
    "may_move_student",
    "may_read_journal_history",
    "may_set_final_grades",
    "may_split_class",
    "may_view_journal",
    "message_recipients",
    "own_students_query",
    "report_runs_visible_to",
    "report_scope",
    "school_of",
    "staff_member_of",
    "student_journals_shown",
    "student_of",
    "students_visible_to",
    "visible_student",
]
