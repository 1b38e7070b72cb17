"""D14: the monthly user-activity report, computed in the database, and the login record it counts.

Per account of the school: logins, marks, attendance and topics entered (from the audit trail, D16), late entries
(D5), messages sent (D13) and journal inspections made (D12); then totals per role (administration, teacher, student,
guardian), and the month's inspections one by one (D12: who, when, which journal, remarks).
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from diary.models import (
    Attendance,
    AuditEntry,
    Guardian,
    Inspection,
    LoginEvent,
    Message,
    School,
    StaffMember,
    Student,
)
from diary.permissions import school_of
from diary.services.report_compliance import late_entries_by_user

ROLES = ("administration", "teacher", "student", "guardian")
COUNTS = ("logins", "marks", "attendance", "topics", "late_entries", "messages", "inspections")


def login_record(*, user, channel: str) -> LoginEvent | None:
    """Remembers a successful login for the activity report; accounts of no school are not counted."""
    school = school_of(user)
    if school is None:
        return None
    return LoginEvent.objects.create(school=school, user=user, channel=channel)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The school's local start of the month `YYYY-MM` and of the next one."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    year, number = (int(part) for part in month.split("-"))
    start = dt.datetime(year, number, 1, tzinfo=zone)
    following = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start, following


def _accounts(school: School) -> dict[int, dict]:
    """Every account of the school with its name and role; a staff role wins over a guardian one."""
    accounts: dict[int, dict] = {}
    for model, role in ((Guardian, "guardian"), (Student, "student")):
        for user_id, username, last, first in model.objects.filter(
            school=school, user__isnull=False, archived_at__isnull=True
        ).values_list("user_id", "user__username", "last_name", "first_name"):
            accounts[user_id] = {"user": username, "name": f"{last} {first}", "role": role}
    for member in StaffMember.objects.filter(
        school=school, user__isnull=False, archived_at__isnull=True
    ).select_related("user"):
        role = "administration" if member.is_administration else "teacher"
        accounts[member.user_id] = {"user": member.user.username, "name": member.short_name, "role": role}
    return accounts


def activity_summary(*, school: School, month: str) -> dict:
    """`{month, rows: [{user, name, role, logins, marks, attendance, topics, late_entries, messages}], roles: {…}}`."""
    start, end = month_bounds(month)
    logins = dict(
        LoginEvent.objects.filter(school=school, at__gte=start, at__lt=end)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    entries = {
        row["by_id"]: row
        for row in AuditEntry.objects.filter(school=school, at__gte=start, at__lt=end, by__isnull=False)
        .values("by_id")
        .annotate(
            marks=Count("pk", filter=Q(field=AuditEntry.Field.GRADES)),
            # A new cell records "present" by default; only attendance someone actually marked counts.
            attendance=Count("pk", filter=Q(field=AuditEntry.Field.ATTENDANCE) & ~Q(new=Attendance.PRESENT)),
            topics=Count("pk", filter=Q(field=AuditEntry.Field.TOPIC)),
        )
    }
    late = late_entries_by_user(AuditEntry.objects.filter(school=school, at__gte=start, at__lt=end))
    messages = dict(
        Message.objects.filter(school=school, created_at__gte=start, created_at__lt=end)
        .values("sender_id")
        .annotate(n=Count("pk"))
        .values_list("sender_id", "n")
    )
    # D12: the director's and deputies' journal inspections of the month.
    inspections = list(
        Inspection.objects.filter(school=school, at__gte=start, at__lt=end)
        .select_related("inspector", "journal__school_class", "journal__subject", "journal__subgroup")
        .order_by("at", "pk")
    )
    inspected: dict[int, int] = {}
    for inspection in inspections:
        inspected[inspection.inspector.user_id] = inspected.get(inspection.inspector.user_id, 0) + 1
    rows = []
    roles = {role: {"users": 0, "active": 0, **dict.fromkeys(COUNTS, 0)} for role in ROLES}
    for user_id, account in _accounts(school).items():
        made = entries.get(user_id, {})
        row = {
            **account,
            "logins": logins.get(user_id, 0),
            "marks": made.get("marks", 0),
            "attendance": made.get("attendance", 0),
            "topics": made.get("topics", 0),
            "late_entries": late.get(user_id, 0),
            "messages": messages.get(user_id, 0),
            "inspections": inspected.get(user_id, 0),
        }
        rows.append(row)
        totals = roles[row["role"]]
        totals["users"] += 1
        totals["active"] += 1 if row["logins"] else 0
        for key in COUNTS:
            totals[key] += row[key]
    rows.sort(key=lambda row: (ROLES.index(row["role"]), row["name"], row["user"]))
    return {
        "month": month,
        "rows": rows,
        "roles": roles,
        "inspections": [
            {
                "at": timezone.localtime(inspection.at).strftime("%d.%m.%Y %H:%M"),
                "inspector": inspection.inspector.short_name,
                "inspector_id": inspection.inspector_id,
                "journal": str(inspection.journal),
                "journal_id": inspection.journal_id,
                "remarks": inspection.remarks,
            }
            for inspection in inspections
        ],
    }
