"""Lesson topics and homework on the lesson-planning page (D8), written by whoever may write the journal."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.calendar import is_late_entry, local_date
from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, Journal, Lesson
from diary.permissions import journal_write_access
from diary.services.audit import audit_entries_add, audit_entry
from diary.services.freshness import class_students_changed, journals_changed

TOPIC_MAX_LENGTH = 500
HOMEWORK_MAX_LENGTH = 5000


@dataclass(frozen=True)
class LessonChange:
    """A lesson's new topic and/or homework; None leaves a field as it is."""

    lesson_id: int
    topic: str | None = None
    homework: str | None = None


def _problems(change: LessonChange) -> dict[str, list[str]]:
    errors = {}
    if change.topic is not None and (not isinstance(change.topic, str) or len(change.topic) > TOPIC_MAX_LENGTH):
        errors["topic"] = [_("A lesson topic is text of at most 500 characters.")]
    if change.homework is not None and (
        not isinstance(change.homework, str) or len(change.homework) > HOMEWORK_MAX_LENGTH
    ):
        errors["homework"] = [_("Homework is text of at most 5000 characters.")]
    return errors


@transaction.atomic
def lessons_update(
    *,
    actor,
    journal: Journal,
    changes: Sequence[LessonChange],
    reason: str = "",
    at: dt.datetime | None = None,
) -> list[Lesson]:
    """D8: records topics and homework of a journal's lessons, all or nothing, audited (D16).

    The writer is the journal's teacher, a substitute on the days they cover (who is then recorded as having
    conducted the lesson, D6), or the administration.
    """
    at = at or timezone.now()
    access = journal_write_access(actor, journal).require()

    lessons = {
        lesson.pk: lesson
        for lesson in Lesson.objects.select_for_update().filter(journal=journal, pk__in=[c.lesson_id for c in changes])
    }
    errors: dict[str, list[str]] = {}
    for index, change in enumerate(changes):
        lesson = lessons.get(change.lesson_id)
        problems = [message for messages in _problems(change).values() for message in messages]
        if lesson is None:
            problems.append(_("This lesson is not in this journal."))
        elif lesson.archived_at is not None:
            problems.append(_("This lesson has been removed from the timetable."))
        elif not access.may_write_on(lesson.date):
            problems.append(_("You do not cover this journal on %(date)s.") % {"date": local_date(lesson.date)})
        if problems:
            errors[str(index)] = problems
    if errors:
        raise DiaryValidationError(_("Nothing was saved: some fields are not valid."), fields=errors)

    changed: list[Lesson] = []
    entries: list[AuditEntry] = []
    for change in changes:
        lesson = lessons[change.lesson_id]
        late = is_late_entry(lesson.date, at)
        touched = False
        for field, value in (("topic", change.topic), ("homework", change.homework)):
            if value is None or getattr(lesson, field) == value.strip():
                continue
            entries.append(
                audit_entry(
                    school_id=lesson.school_id,
                    at=at,
                    by=actor,
                    field=getattr(AuditEntry.Field, field.upper()),
                    old=getattr(lesson, field),
                    new=value.strip(),
                    journal_id=journal.pk,
                    lesson_id=lesson.pk,
                    reason=reason,
                    is_late=late,
                )
            )
            setattr(lesson, field, value.strip())
            touched = True
        if touched:
            if not access.administration or access.own:
                lesson.conducted_by = access.staff
            lesson.updated_at = at
            changed.append(lesson)
    Lesson.objects.bulk_update(changed, ["topic", "homework", "conducted_by", "updated_at"])
    if changed:
        journals_changed(journal_ids=[journal.pk])
        class_students_changed(school_class_id=journal.school_class_id)
    audit_entries_add(entries)
    return [lessons[change.lesson_id] for change in changes]


def lesson_update(
    *,
    actor,
    lesson: Lesson,
    topic: str | None = None,
    homework: str | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Lesson:
    """D8 for one lesson (the lesson-planning page's header cell)."""
    errors = _problems(LessonChange(lesson.pk, topic, homework))
    if errors:
        raise DiaryValidationError(_("Nothing was saved: some fields are not valid."), fields=errors)
    if lesson.archived_at is not None:
        raise DiaryValidationError(_("This lesson has been removed from the timetable."), code="lesson_archived")
    try:
        (updated,) = lessons_update(
            actor=actor,
            journal=lesson.journal,
            reason=reason,
            at=at,
            changes=[LessonChange(lesson.pk, topic, homework)],
        )
    except DiaryValidationError as error:
        raise DiaryPermissionDenied(error.fields.get("0", [error.message])[0]) from error
    return updated
