"""finals_set (D7): only inside [last lesson of the period, period end + 2 days]; reopening is audited."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, FinalGrade
from diary.selectors.journal import suggested_final
from diary.services.finals import FinalChange, final_window_reopen, finals_set

pytestmark = pytest.mark.django_db

BISHKEK = dt.timezone(dt.timedelta(hours=6))


def at(day: int, month: int = 10, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=BISHKEK)


def set_finals(school, actor, values, when):
    finals = [FinalChange(student.pk, value) for student, value in zip(school.students, values, strict=False)]
    return finals_set(actor=actor.user, journal=school.journal, period=school.q1, finals=finals, at=when)


def test_finals_are_set_after_the_last_lesson_of_the_quarter(small_school):
    saved = set_finals(small_school, small_school.teacher, [5, "na", "exempt"], at(28))
    assert [final.value for final in saved] == ["5", "na", "exempt"]
    assert FinalGrade.objects.get(student=small_school.students[0]).grade == 5
    assert AuditEntry.objects.filter(field="final").count() == 3


def test_finals_before_the_last_lesson_are_too_early(small_school):
    with pytest.raises(DiaryValidationError) as refused:
        set_finals(small_school, small_school.teacher, [5], at(27))
    assert refused.value.code == "final_too_early"
    assert FinalGrade.objects.count() == 0


@pytest.mark.parametrize(("when", "allowed"), [(at(2, 11, 23), True), (at(3, 11, 0), False)])
def test_the_window_closes_two_days_after_the_period_ends(small_school, when, allowed):
    """Q1 ends on 31 October, so finals are accepted until the end of 2 November (Bishkek time)."""
    with time_machine.travel(when, tick=False):
        if allowed:
            finals_set(
                actor=small_school.teacher.user,
                journal=small_school.journal,
                period=small_school.q1,
                finals=[FinalChange(small_school.students[0].pk, 4)],
            )
        else:
            with pytest.raises(DiaryValidationError) as refused:
                finals_set(
                    actor=small_school.teacher.user,
                    journal=small_school.journal,
                    period=small_school.q1,
                    finals=[FinalChange(small_school.students[0].pk, 4)],
                )
            assert refused.value.code == "final_window_closed"
    assert FinalGrade.objects.count() == (1 if allowed else 0)


def test_the_administration_reopens_a_closed_window_and_the_reopening_is_audited(small_school):
    with time_machine.travel(at(10, 11), tick=False):
        final_window_reopen(
            actor=small_school.director.user,
            journal=small_school.journal,
            period=small_school.q1,
            until=dt.date(2026, 11, 12),
            reason="Оорулуу мугалим",
        )
        finals_set(
            actor=small_school.teacher.user,
            journal=small_school.journal,
            period=small_school.q1,
            finals=[FinalChange(small_school.students[0].pk, 4)],
        )
    final = FinalGrade.objects.get()
    assert final.is_late
    reopening = AuditEntry.objects.get(field="final_window")
    assert (reopening.by, reopening.reason) == (small_school.director.user, "Оорулуу мугалим")


def test_a_teacher_cannot_reopen_the_window(small_school):
    with pytest.raises(DiaryPermissionDenied):
        final_window_reopen(
            actor=small_school.teacher.user,
            journal=small_school.journal,
            period=small_school.q1,
            until=dt.date(2026, 11, 12),
            reason="…",
            at=at(10, 11),
        )


def test_reopening_needs_a_reason(small_school):
    with pytest.raises(DiaryValidationError):
        final_window_reopen(
            actor=small_school.director.user,
            journal=small_school.journal,
            period=small_school.q1,
            until=dt.date(2026, 11, 12),
            reason="  ",
            at=at(10, 11),
        )


@pytest.mark.parametrize("value", [6, 1, "five", "", None, True, "4.5"])
def test_values_that_are_not_a_final_grade_are_refused(small_school, value):
    with pytest.raises(DiaryValidationError):
        set_finals(small_school, small_school.teacher, [value], at(28))
    assert FinalGrade.objects.count() == 0


def test_a_teacher_of_another_journal_cannot_set_finals(small_school):
    with pytest.raises(DiaryPermissionDenied):
        set_finals(small_school, small_school.other_teacher, [5], at(28))


def test_a_student_outside_the_journal_is_refused(small_school):
    with pytest.raises(DiaryValidationError):
        finals_set(
            actor=small_school.teacher.user,
            journal=small_school.journal,
            period=small_school.q1,
            finals=[FinalChange(small_school.first_grader.pk, 5)],
            at=at(28),
        )


def test_numeric_finals_are_refused_in_grade_one(small_school):
    """D9."""
    with pytest.raises(DiaryValidationError):
        finals_set(
            actor=small_school.teacher.user,
            journal=small_school.journal_1a,
            period=small_school.q1,
            finals=[FinalChange(small_school.first_grader.pk, 5)],
            at=at(1, 11),
        )


@pytest.mark.parametrize(
    ("grades", "expected"),
    [([5, 4], 5), ([5] * 49 + [4] * 51, 4), ([3, 3, 4], 3), ([2], 2), ([], None)],
)
def test_the_suggested_final_rounds_half_up(grades, expected):
    """DOMAIN.md: 4.5 → 5 and 4.49 → 4 (the second list averages 4.49)."""
    if len(grades) == 100:
        assert Decimal(sum(grades)) / len(grades) == Decimal("4.49")
    assert suggested_final(grades, Decimal("0.50")) == expected


def test_changing_a_final_grade_needs_a_reason_and_the_first_entry_does_not(small_school):
    """D16: a final grade once set is changed only with a reason, which the audit trail keeps."""
    set_finals(small_school, small_school.teacher, [4], at(28))
    with pytest.raises(DiaryValidationError) as refused:
        set_finals(small_school, small_school.teacher, [5], at(29))
    assert refused.value.code == "reason_required"
    assert FinalGrade.objects.get(student=small_school.students[0]).value == "4"
    finals_set(
        actor=small_school.teacher.user, journal=small_school.journal, period=small_school.q1,
        finals=[FinalChange(small_school.students[0].pk, 5)], at=at(29), reason="Кайра тапшырды",
    )  # fmt: skip
    assert FinalGrade.objects.get(student=small_school.students[0]).value == "5"
    assert AuditEntry.objects.filter(field="final", new="5").get().reason == "Кайра тапшырды"


def test_the_administration_setting_a_final_in_a_teachers_journal_must_say_why(small_school):
    """D16: a final set by anyone but the journal's teacher needs a reason."""
    with pytest.raises(DiaryValidationError) as refused:
        set_finals(small_school, small_school.director, [4], at(28))
    assert refused.value.code == "reason_required"
    assert not FinalGrade.objects.exists()


def test_the_window_opens_once_the_last_lesson_is_over_not_at_the_start_of_its_day(small_school):
    """D7: the quarter's last lesson is the second of 28 October, over at 09:40 (45-minute lessons, 10-minute
    breaks, from 08:00): at 09:00 that day finals are too early, at 10:00 they are set."""
    with pytest.raises(DiaryValidationError) as refused:
        set_finals(small_school, small_school.teacher, [5], dt.datetime(2026, 10, 28, 9, tzinfo=BISHKEK))
    assert refused.value.code == "final_too_early"
    assert not FinalGrade.objects.exists()
    saved = set_finals(small_school, small_school.teacher, [5], dt.datetime(2026, 10, 28, 10, tzinfo=BISHKEK))
    assert [final.value for final in saved] == ["5"]
