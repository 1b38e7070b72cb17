"""Final grades for a period (D7), the window they may be set in, and its reopening by the administration."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.calendar import lesson_ends_at, local_date
from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, FinalGrade, FinalWindowReopening, Journal, Lesson, Period
from diary.permissions import is_administration, may_set_final_grades, staff_member_of
from diary.selectors.journal import journal_enrolment
from diary.services.audit import audit_entries_add, audit_entry
from diary.services.freshness import journals_changed, students_changed

NON_NUMERIC_FINALS = (FinalGrade.NOT_ASSESSED, FinalGrade.EXEMPT)


@dataclass(frozen=True)
class FinalWindow:
    opens: dt.date
    closes: dt.date
    reopened_until: dt.date | None = None
    # D7: the moment the period's last lesson is over; the window opens then, not at the start of its day.
    opens_at: dt.datetime | None = None

    def state(self, now: dt.datetime | dt.date) -> str:
        """The window at a moment (or on a day, taken as its end)."""
        if isinstance(now, dt.datetime):
            today = timezone.localdate(now)
            if self.opens_at is not None and now < self.opens_at:
                return "too_early"
        else:
            today = now
        if today < self.opens:
            return "too_early"
        if today <= self.closes or (self.reopened_until is not None and today <= self.reopened_until):
            return "open"
        return "closed"


_READ = object()


def final_window(
    *, journal: Journal, period: Period, lessons: Sequence[Lesson] | None = None, reopened_until=_READ
) -> FinalWindow:
    """D7: from the journal's last lesson in the period to `final_window_days` (2) after the period ends.

    `lessons` (the journal's lessons of the period) and `reopened_until` (the latest reopening's date, or None):
    when the caller has already read them, as the grid page does with its journal, which saves two queries."""
    if lessons is None:
        last = (
            Lesson.objects.filter(
                journal=journal, date__gte=period.start, date__lte=period.end, archived_at__isnull=True
            )
            .order_by("-date", "-lesson_no")
            .values_list("date", "lesson_no")
            .first()
        )
    else:
        last = max(((lesson.date, lesson.lesson_no) for lesson in lessons), default=None)
    last_lesson = last[0] if last else None
    if reopened_until is _READ:
        reopened_until = FinalWindowReopening.objects.filter(journal=journal, period=period).aggregate(
            until=Max("until")
        )["until"]
    return FinalWindow(
        opens=last_lesson or period.end,
        opens_at=lesson_ends_at(*last) if last else None,
        closes=period.end + dt.timedelta(days=journal.school.final_window_days),
        reopened_until=reopened_until,
    )


@dataclass(frozen=True)
class FinalChange:
    student_id: int
    value: str | int


def _normalise(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip().lower()
    return None


@transaction.atomic
def finals_set(
    *,
    actor,
    journal: Journal,
    period: Period,
    finals: Sequence[FinalChange],
    reason: str = "",
    at: dt.datetime | None = None,
) -> list[FinalGrade]:
    """D7: sets final grades inside the window only; all or nothing, audited (D16)."""
    at = at or timezone.now()
    if not may_set_final_grades(actor, journal):
        raise DiaryPermissionDenied(_("Only the journal's teacher or the administration may set final grades."))
    staff = staff_member_of(actor, journal.school)
    if period.school_id != journal.school_id:
        raise DiaryValidationError(_("Unknown period."), code="unknown_period")

    window = final_window(journal=journal, period=period)
    state = window.state(at)
    if state == "too_early":
        raise DiaryValidationError(
            _("Final grades can be set from %(date)s, after the last lesson of the period.")
            % {"date": local_date(window.opens)},
            code="final_too_early",
        )
    if state == "closed":
        raise DiaryValidationError(
            _("The final-grade window closed on %(date)s. Ask the administration to reopen it.")
            % {"date": local_date(window.closes)},
            code="final_window_closed",
        )

    school = journal.school
    enrolled = journal_enrolment(journal, period.start, period.end)
    allowed = {str(g) for g in school.scale} | set(NON_NUMERIC_FINALS)
    errors: dict[str, list[str]] = {}
    seen = set()
    for index, change in enumerate(finals):
        value = _normalise(change.value)
        problems = []
        if change.student_id in seen:
            problems.append(_("This student's final grade is given twice."))
        seen.add(change.student_id)
        if change.student_id not in enrolled.students:
            problems.append(_("This student is not in this class or subgroup in this period."))
        if value not in allowed:
            problems.append(
                _("A final grade is a grade from %(low)s to %(high)s, “na” (not assessed) or “exempt”.")
                % {"low": school.scale_min, "high": school.scale_max}
            )
        elif value not in NON_NUMERIC_FINALS and not school.grade_has_marks(journal.school_class.grade):
            # D9: no marks in this grade level, so no numeric finals either.
            problems.append(_("Grade %(grade)s gets no marks.") % {"grade": journal.school_class.grade})
        if problems:
            errors[str(index)] = problems
    if errors:
        raise DiaryValidationError(_("Nothing was saved: some final grades are not valid."), fields=errors)

    late = timezone.localdate(at) > window.closes
    existing = {
        final.student_id: final
        for final in FinalGrade.objects.select_for_update().filter(
            subject_id=journal.subject_id, period=period, student_id__in=[c.student_id for c in finals]
        )
    }
    if not reason.strip() and (
        staff.pk != journal.teacher_id
        or any(
            change.student_id in existing and existing[change.student_id].value != _normalise(change.value)
            for change in finals
        )
    ):
        # D16: a final grade once set is changed only with a reason, as is any final set by someone other than the
        # journal's teacher.
        raise DiaryValidationError(
            _("Say why a final grade is changed."), code="reason_required", fields={"reason": [_("Required.")]}
        )
    saved, entries = [], []
    for change in finals:
        value = _normalise(change.value)
        final = existing.get(change.student_id)
        old = final.value if final else None
        if old == value:
            continue
        if final is None:
            final = FinalGrade(school=school, student_id=change.student_id, subject_id=journal.subject_id,
                               period=period, version=0)  # fmt: skip
        final.journal = journal
        final.value = value
        final.grade = None if value in NON_NUMERIC_FINALS else int(value)
        final.version += 1
        final.is_late = late
        final.updated_by = actor
        final.save()
        saved.append(final)
        entries.append(
            audit_entry(
                school_id=school.pk, at=at, by=actor, field=AuditEntry.Field.FINAL, old=old, new=value,
                journal_id=journal.pk, student_id=change.student_id, period_id=period.pk, reason=reason,
                is_late=late,
            )
        )  # fmt: skip
    if saved:
        # A final belongs to the student and the subject: every journal of that subject showing the student.
        students = {final.student_id for final in saved}
        journals_changed(
            journal_ids=Journal.objects.filter(
                subject_id=journal.subject_id, school_class__enrolments__student_id__in=students
            ).values_list("pk", flat=True)
        )
        students_changed(student_ids=students)
    audit_entries_add(entries)
    return saved


@transaction.atomic
def final_window_reopen(
    *, actor, journal: Journal, period: Period, until: dt.date, reason: str, at: dt.datetime | None = None
) -> FinalWindowReopening:
    """D7: the administration reopens a closed final-grade window until a date; audited (D16)."""
    at = at or timezone.now()
    if not is_administration(actor, journal.school):
        raise DiaryPermissionDenied(_("Only the administration may reopen the final-grade window."))
    if not reason or not reason.strip():
        raise DiaryValidationError(_("Say why the window is reopened."), fields={"reason": [_("Required.")]})
    if until < timezone.localdate(at):
        raise DiaryValidationError(_("The new closing date is in the past."), fields={"until": [_("Too early.")]})
    reopening = FinalWindowReopening(
        school=journal.school, journal=journal, period=period, until=until, reason=reason.strip(), created_by=actor
    )
    reopening.full_clean()
    reopening.save()
    audit_entries_add(
        [
            audit_entry(
                school_id=journal.school_id, at=at, by=actor, field=AuditEntry.Field.FINAL_WINDOW, old=None,
                new=until.isoformat(), journal_id=journal.pk, period_id=period.pk, reason=reason.strip(),
            )
        ]
    )  # fmt: skip
    return reopening
