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
