"""Entering marks and attendance in a journal (D2, D5, D6, D9, D15, D16)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.calendar import is_late_entry, local_date
from diary.exceptions import DiaryConflict, DiaryValidationError
from diary.models import Attendance, AuditEntry, Journal, Lesson, Mark
from diary.permissions import JournalWriteAccess, journal_write_access
from diary.selectors.journal import journal_enrolment
from diary.services.audit import audit_entries_add, audit_entry
from diary.services.freshness import journals_changed, students_changed

MAX_GRADES_PER_CELL = 2
# What a save writes into a cell that already exists, besides its version and time.
MARK_FIELDS = ["grade_1", "grade_2", "attendance", "comment", "is_late", "updated_by_id"]
COMMENT_MAX_LENGTH = 300


@dataclass(frozen=True)
class CellChange:
    """One changed cell of the grid. A field left as None is left as it is; `grades=[]` clears the grades."""

    lesson_id: int
    student_id: int
    version: int | None
    grades: list[int] | None = None
    attendance: str | None = None
    comment: str | None = None


@dataclass
class MarksSaveResult:
    saved: int
    cells: list[Mark]


def _marks_update(marks: list[Mark], at: dt.datetime) -> None:
    """Writes changed cells that already exist (locked by the caller's select_for_update) with one UPDATE: a field
    that every cell gets the same value of is set once, the others with a CASE of one WHEN per value over the keys
    of the cells that get it. bulk_update writes a CASE with a WHEN per cell for every field, 240 for 30 cells,
    whose building was most of a save's time."""
    if not marks:
        return
    values: dict = {"version": F("version") + 1, "updated_at": at}
    for name in MARK_FIELDS:
        cells_by_value: dict = defaultdict(list)
        for mark in marks:
            cells_by_value[getattr(mark, name)].append(mark.pk)
        if len(cells_by_value) == 1:
            values[name] = next(iter(cells_by_value))
            continue
        field = Mark._meta.get_field(name)
        whens = [When(pk__in=pks, then=Value(value, output_field=field)) for value, pks in cells_by_value.items()]
        values[name] = Case(*whens, output_field=field)
    Mark.objects.filter(pk__in=[mark.pk for mark in marks]).update(**values)


def _reason_check(*, access: JournalWriteAccess, changes, existing: dict, lessons: dict, at: dt.datetime) -> None:
    """D16: a reason is required for an entry by anyone but the journal's teacher or its current substitute (the
    administration correcting), and for an edit after the D5 deadline. *(interpretation)* An edit changes a value
    the cell already holds (grades, a comment, or the attendance of a cell that exists); a first entry after the
    deadline is a late entry (D5), allowed without a reason and flagged late."""
    if access.corrects:
        raise DiaryValidationError(
            _("Say why you change another teacher's journal."), code="reason_required",
            fields={"reason": [_("Required.")]},
        )  # fmt: skip
    for change in changes:
        mark = existing.get((change.lesson_id, change.student_id))
        if mark is None or not is_late_entry(lessons[change.lesson_id], at):
            continue
        edits = (
            (change.grades is not None and mark.grades and list(change.grades) != mark.grades)
            or (change.attendance is not None and change.attendance != mark.attendance)
            or (change.comment is not None and mark.comment and change.comment != mark.comment)
        )
        if edits:
            raise DiaryValidationError(
                _("The entry deadline of this lesson has passed: say why you change what was entered."),
                code="reason_required", fields={"reason": [_("Required.")]},
            )  # fmt: skip


@transaction.atomic
def marks_save(
    *,
    actor,
    journal: Journal,
    changes: Sequence[CellChange],
    reason: str = "",
    at: dt.datetime | None = None,
) -> MarksSaveResult:
    """Validates the changes as a whole and saves all of them with their audit rows, or none (D16).

    Raises DiaryValidationError (per-change messages in `fields`, keyed by the change's index),
    DiaryPermissionDenied, or DiaryConflict when a cell's version is stale (its current state in `details`).
    """
    at = at or timezone.now()
    if not changes:
        return MarksSaveResult(saved=0, cells=[])
    access = journal_write_access(actor, journal).require()
    school = journal.school
    grade_level = journal.school_class.grade

    # The dates of the changed lessons that belong to this journal (a save reads no whole lesson).
    lessons = dict(
        Lesson.objects.filter(
            journal=journal, pk__in={change.lesson_id for change in changes}, archived_at__isnull=True
        ).values_list("pk", "date")
    )
    lesson_dates = list(lessons.values()) or [at.date()]
    enrolled = journal_enrolment(journal, min(lesson_dates), max(lesson_dates), with_students=False)

    today = timezone.localdate(at)
    in_future = False
    errors: dict[str, list[str]] = {}
    seen: set[tuple[int, int]] = set()
    for index, change in enumerate(changes):
        problems = []
        lesson_date = lessons.get(change.lesson_id)
        if (change.lesson_id, change.student_id) in seen:
            problems.append(_("This cell is changed twice in one save."))
        seen.add((change.lesson_id, change.student_id))
        if lesson_date is None:
            problems.append(_("This lesson is not in this journal."))
        elif lesson_date > today:
            # D5: a lesson that has not taken place yet holds no marks and no attendance.
            problems.append(
                _("The lesson of %(date)s has not taken place yet: marks and attendance are entered after it.")
                % {"date": local_date(lesson_date)}
            )
            in_future = True
        else:
            if not access.may_write_on(lesson_date):
                problems.append(_("You do not cover this journal on %(date)s.") % {"date": local_date(lesson_date)})
            if not enrolled.is_enrolled(change.student_id, lesson_date):
                problems.append(_("This student is not in this class or subgroup on %(date)s.") % {
                    "date": local_date(lesson_date)
                })  # fmt: skip
        if change.grades is not None:
            if change.grades and not school.grade_has_marks(grade_level):
                # D9: no marks in this grade level; attendance is still kept.
                problems.append(_("Grade %(grade)s gets no marks; only attendance is kept.") % {"grade": grade_level})
            elif len(change.grades) > MAX_GRADES_PER_CELL:
                problems.append(_("A lesson holds at most two grades per student."))
            elif any(not isinstance(g, int) or isinstance(g, bool) or g not in school.scale for g in change.grades):
                problems.append(_("A grade must be a whole number from %(low)s to %(high)s.") % {
                    "low": school.scale_min, "high": school.scale_max
                })  # fmt: skip
        if change.attendance is not None and change.attendance not in Attendance.values:
            problems.append(_("Unknown attendance mark."))
        if change.comment is not None and len(change.comment) > COMMENT_MAX_LENGTH:
            problems.append(_("A comment is at most 300 characters long."))
        if change.version is not None and (not isinstance(change.version, int) or change.version < 1):
            problems.append(_("The cell's version is not valid."))
        if problems:
            errors[str(index)] = problems
    if errors:
        raise DiaryValidationError(
            _("Nothing was saved: some changes are not valid."),
            code="lesson_in_future" if in_future else None,
            fields=errors,
        )

    pairs = {(change.lesson_id, change.student_id) for change in changes}
    existing = {
        (mark.lesson_id, mark.student_id): mark
        for mark in Mark.objects.select_for_update().filter(
            lesson_id__in={lesson_id for lesson_id, _student in pairs},
            student_id__in={student_id for _lesson, student_id in pairs},
        )
        if (mark.lesson_id, mark.student_id) in pairs
    }
    stale = [
        change
        for change in changes
        if (existing.get((change.lesson_id, change.student_id)) is None) != (change.version is None)
        or (change.version is not None and existing[(change.lesson_id, change.student_id)].version != change.version)
    ]
    if stale:
        current = [existing.get((change.lesson_id, change.student_id)) for change in stale]
        raise DiaryConflict(details=[mark for mark in current if mark is not None])
    if not reason.strip():
        _reason_check(access=access, changes=changes, existing=existing, lessons=lessons, at=at)

    to_create: list[Mark] = []
    to_update: list[Mark] = []
    audit: list[AuditEntry] = []
    for change in changes:
        late = is_late_entry(lessons[change.lesson_id], at)
        mark = existing.get((change.lesson_id, change.student_id))
        is_new = mark is None
        if is_new:
            mark = Mark(school_id=school.pk, lesson_id=change.lesson_id, student_id=change.student_id, version=0)
        before = {"grades": mark.grades, "attendance": None if is_new else mark.attendance, "comment": mark.comment}
        if change.grades is not None:
            mark.grade_1, mark.grade_2 = ([*change.grades, None, None])[:2]
        if change.attendance is not None:
            mark.attendance = change.attendance
        if change.comment is not None:
            mark.comment = change.comment
        after = {"grades": mark.grades, "attendance": mark.attendance, "comment": mark.comment}
        changed = [field for field in after if after[field] != before[field]]
        if is_new:
            # A new cell records its attendance even when it is the default, so the trail replays fully.
            changed = [field for field in after if field == "attendance" or after[field] != before[field]]
        if not changed:
            continue
        mark.version += 1
        mark.is_late = late
        mark.updated_by = actor
        mark.updated_at = at
        (to_create if is_new else to_update).append(mark)
        audit.extend(
            audit_entry(
                school_id=school.pk, at=at, by=actor, field=field, old=before[field], new=after[field],
                journal_id=journal.pk, lesson_id=change.lesson_id, student_id=change.student_id, reason=reason,
                is_late=late,
            )
            for field in changed
        )  # fmt: skip
    if to_create:
        try:
            with transaction.atomic():
                Mark.objects.bulk_create(to_create)
        except IntegrityError as error:
            # Another save filled one of these empty cells after they were read (two teachers at the same moment):
            # the same answer as a stale version, with the cells as they are now.
            current = Mark.objects.filter(
                lesson_id__in={mark.lesson_id for mark in to_create},
                student_id__in={mark.student_id for mark in to_create},
            )
            raise DiaryConflict(details=list(current)) from error
    _marks_update(to_update, at)
    if to_create or to_update:
        journals_changed(journal_ids=[journal.pk])
        students_changed(student_ids={mark.student_id for mark in to_create + to_update})
    audit_entries_add(audit)
    return MarksSaveResult(saved=len(to_create) + len(to_update), cells=to_create + to_update)
