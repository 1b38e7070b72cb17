"""Lesson topics and homework on the lesson-planning page (D8), written by whoever may write the journal."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, Lesson
from diary.permissions import may_write_journal, staff_member_of
from diary.services.audit import audit_entries_add, audit_entry
from diary.services.calendar import is_late_entry

TOPIC_MAX_LENGTH = 500
HOMEWORK_MAX_LENGTH = 5000


@transaction.atomic
def lesson_update(
    *,
    actor,
    lesson: Lesson,
    topic: str | None = None,
    homework: str | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Lesson:
    """D8: records a lesson's topic and homework (None leaves a field as it is); audited (D16)."""
    at = at or timezone.now()
    journal = lesson.journal
    if lesson.archived_at is not None:
        raise DiaryValidationError(_("This lesson has been removed from the timetable."), code="lesson_archived")
    if not may_write_journal(actor, journal, lesson.date):
        raise DiaryPermissionDenied(_("Only the journal's teacher, a substitute or the administration may write here."))
    errors = {}
    if topic is not None and (not isinstance(topic, str) or len(topic) > TOPIC_MAX_LENGTH):
        errors["topic"] = [_("A lesson topic is text of at most 500 characters.")]
    if homework is not None and (not isinstance(homework, str) or len(homework) > HOMEWORK_MAX_LENGTH):
        errors["homework"] = [_("Homework is text of at most 5000 characters.")]
    if errors:
        raise DiaryValidationError(_("Nothing was saved: some fields are not valid."), fields=errors)

    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    late = is_late_entry(lesson.date, at)
    entries = []
    for field, value in (("topic", topic), ("homework", homework)):
        if value is None or getattr(lesson, field) == value.strip():
            continue
        entries.append(
            audit_entry(
                school_id=lesson.school_id, at=at, by=actor, field=getattr(AuditEntry.Field, field.upper()),
                old=getattr(lesson, field), new=value.strip(), journal_id=journal.pk, lesson_id=lesson.pk,
                reason=reason, is_late=late,
            )
        )  # fmt: skip
        setattr(lesson, field, value.strip())
    if entries:
        staff = staff_member_of(actor, journal.school)
        # D6: the teacher who records the lesson conducted it (a substitute, on the days they cover).
        if staff is not None and (staff.pk == journal.teacher_id or not staff.is_administration):
            lesson.conducted_by = staff
        lesson.full_clean()
        lesson.save()
        audit_entries_add(entries)
    return lesson
