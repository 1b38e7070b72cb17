"""D16: the append-only audit trail, written in the same transaction as the change it records."""

import datetime as dt
from collections.abc import Iterable

from diary.models import AuditEntry


def audit_entries_add(entries: Iterable[AuditEntry]) -> int:
    """Writes the entries (made by `audit_entry`) with one bulk_create; returns how many."""
    return len(AuditEntry.objects.bulk_create(list(entries)))


def audit_entry(
    *,
    school_id: int,
    at: dt.datetime,
    by,
    field: str,
    old,
    new,
    journal_id: int | None = None,
    lesson_id: int | None = None,
    student_id: int | None = None,
    period_id: int | None = None,
    reason: str = "",
    is_late: bool = False,
) -> AuditEntry:
    return AuditEntry(
        school_id=school_id,
        at=at,
        by=by if getattr(by, "is_authenticated", False) else None,
        field=field,
        old=old,
        new=new,
        journal_id=journal_id,
        lesson_id=lesson_id,
        student_id=student_id,
        period_id=period_id,
        reason=reason[:300],
        is_late=is_late,
    )
