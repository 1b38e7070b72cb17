"""D16: the append-only audit trail, written in the same transaction as the change it records."""

import datetime as dt
from collections.abc import Iterable

from diary.models import AuditEntry
from diary.services.bulk import prepared, prepared_datetime, rows_insert

AUDIT_COLUMNS = ("school", "at", "by", "journal", "lesson", "student", "period", "field", "old", "new", "reason",
                 "is_late")  # fmt: skip


def audit_entries_add(entries: Iterable[AuditEntry]) -> int:
    """Writes the entries (made by `audit_entry`) in one statement; returns how many. The entries themselves are
    not saved objects afterwards (no primary keys): the trail is read back from the table."""
    moments: dict[dt.datetime, object] = {}  # a save's entries share one moment: prepared once

    def row(entry: AuditEntry) -> tuple:
        at = moments.get(entry.at)
        if at is None:
            at = moments[entry.at] = prepared_datetime(entry.at)
        return (
            entry.school_id, at, entry.by_id, entry.journal_id, entry.lesson_id, entry.student_id, entry.period_id,
            entry.field, prepared(AuditEntry, "old", entry.old), prepared(AuditEntry, "new", entry.new),
            entry.reason, entry.is_late,
        )  # fmt: skip

    return rows_insert(AuditEntry, AUDIT_COLUMNS, map(row, entries))


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


def admin_edit_record(*, actor, instance, old: dict, at: dt.datetime | None = None) -> int:
    """D16: a correction of diary data on an admin screen (a period, a pupil's name, a class, the school's settings)
    joins the same audit trail as the services' changes: who, when, the old and the new values of what changed."""
    from django.utils import timezone

    new = {name: getattr(instance, name) for name in old}
    changed = [name for name in old if old[name] != new[name]]
    if not changed:
        return 0

    def plain(value):
        return value if value is None or isinstance(value, bool | int | str | list | dict) else str(value)

    school_id = instance.pk if instance._meta.model_name == "school" else instance.school_id
    student_id = instance.pk if instance._meta.model_name == "student" else None
    return audit_entries_add(
        [
            audit_entry(
                school_id=school_id, at=at or timezone.now(), by=actor, field=AuditEntry.Field.ADMIN_EDIT,
                old={"record": str(instance._meta.verbose_name), "id": instance.pk,
                     **{name: plain(old[name]) for name in changed}},
                new={"record": str(instance._meta.verbose_name), "id": instance.pk,
                     **{name: plain(new[name]) for name in changed}},
                student_id=student_id,
            )
        ]
    )  # fmt: skip
