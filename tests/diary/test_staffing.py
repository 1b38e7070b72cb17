"""Substitutions (D6), subgroup splits (D10) and moving a student between classes without losing history."""

import datetime as dt

import pytest

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, Enrolment, Journal, Lesson, Mark, Substitution
from diary.selectors.journal import journal_grid
from diary.services.marks import CellChange, marks_save
from diary.services.staffing import SubgroupSpec, student_move, subgroups_split, substitution_create
from tests import factories

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 11, 12, 9, tzinfo=dt.UTC)


def test_only_the_administration_assigns_substitutes(small_school):
    with pytest.raises(DiaryPermissionDenied):
        substitution_create(
            actor=small_school.teacher.user,
            journal=small_school.journal,
            teacher=small_school.other_teacher,
            date_from=dt.date(2026, 9, 7),
            date_to=dt.date(2026, 9, 9),
        )
    assert Substitution.objects.count() == 1  # only the personas fixture's own


@pytest.mark.parametrize(
    ("teacher", "date_from", "date_to"),
    [
        ("teacher", dt.date(2026, 9, 7), dt.date(2026, 9, 9)),  # own journal
        ("other_teacher", dt.date(2026, 9, 9), dt.date(2026, 9, 7)),  # ends before it starts
        ("other_teacher", dt.date(2027, 6, 1), dt.date(2027, 6, 5)),  # outside the year
    ],
)
def test_substitutions_with_bad_teacher_or_dates_are_refused(small_school, teacher, date_from, date_to):
    with pytest.raises(DiaryValidationError):
        substitution_create(
            actor=small_school.director.user,
            journal=small_school.journal,
            teacher=getattr(small_school, teacher),
            date_from=date_from,
            date_to=date_to,
        )
    assert Substitution.objects.count() == 1  # only the personas fixture's own


def test_a_substitution_is_recorded_in_the_audit_trail(small_school):
    substitution_create(
        actor=small_school.director.user,
        journal=small_school.journal,
        teacher=small_school.other_teacher,
        date_from=dt.date(2026, 9, 7),
        date_to=dt.date(2026, 9, 9),
    )
    entry = AuditEntry.objects.filter(field="substitution").latest("pk")
    assert entry.new["teacher"] == small_school.other_teacher.code


def split(school, groups, actor=None, at=AT):
    return subgroups_split(
        actor=(actor or school.homeroom).user,
        school_class=school.class_5a,
        subject=school.journal.subject,
        period=school.q2,
        groups=groups,
        at=at,
    )


def test_the_homeroom_teacher_splits_a_class_into_subgroups_each_with_its_own_journal(small_school):
    """D10."""
    lesson = factories.LessonFactory(journal=small_school.journal, date=dt.date(2026, 11, 16), lesson_no=3)
    first, second, third = small_school.students
    journals = split(
        small_school,
        [
            SubgroupSpec("1", small_school.teacher, [first.pk, second.pk]),
            SubgroupSpec("2", small_school.other_teacher, [third.pk]),
        ],
    )
    assert [journal.teacher for journal in journals] == [small_school.teacher, small_school.other_teacher]
    grid = journal_grid(journal=journals[1], period=small_school.q2)
    assert [student.pk for student in grid.students] == [third.pk]
    assert [(x.date, x.lesson_no) for x in grid.lessons] == [(lesson.date, lesson.lesson_no)]
    assert Lesson.objects.get(pk=lesson.pk).archived_at is not None


def test_every_student_must_be_in_exactly_one_subgroup(small_school):
    first, second, third = small_school.students
    with pytest.raises(DiaryValidationError):
        split(
            small_school,
            [
                SubgroupSpec("1", small_school.teacher, [first.pk, second.pk]),
                SubgroupSpec("2", small_school.other_teacher, [second.pk, third.pk]),
            ],
        )
    with pytest.raises(DiaryValidationError):
        split(
            small_school,
            [
                SubgroupSpec("1", small_school.teacher, [first.pk]),
                SubgroupSpec("2", small_school.other_teacher, [second.pk]),
            ],
        )
    assert Journal.objects.filter(subgroup__isnull=False).count() == 0


def test_a_split_long_after_the_period_started_is_refused(small_school):
    first, second, third = small_school.students
    with pytest.raises(DiaryValidationError) as refused:
        split(
            small_school,
            [
                SubgroupSpec("1", small_school.teacher, [first.pk]),
                SubgroupSpec("2", small_school.other_teacher, [second.pk, third.pk]),
            ],
            at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        )
    assert refused.value.code == "subgroup_split_too_late"


def test_a_student_moved_mid_quarter_keeps_both_journals_history(small_school):
    student = small_school.students[0]
    other_class = factories.SchoolClassFactory(year=small_school.class_5a.year, code="5Б", grade=5)
    other_journal = factories.JournalFactory(
        school_class=other_class, subject=small_school.journal.subject, teacher=small_school.other_teacher
    )
    late_lesson = factories.LessonFactory(journal=other_journal, date=dt.date(2026, 10, 28), lesson_no=4)
    on = dt.datetime(2026, 9, 8, 10, tzinfo=dt.UTC)
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        at=on,
        changes=[CellChange(small_school.lessons[0].pk, student.pk, None, grades=[5])],
    )
    student_move(actor=small_school.director.user, student=student, to_class=other_class, on_date=dt.date(2026, 10, 1))
    marks_save(
        actor=small_school.other_teacher.user,
        journal=other_journal,
        at=dt.datetime(2026, 10, 28, tzinfo=dt.UTC),
        changes=[CellChange(late_lesson.pk, student.pk, None, grades=[4])],
    )
    with pytest.raises(DiaryValidationError):  # no longer in 5А on 26 October
        marks_save(
            actor=small_school.teacher.user,
            journal=small_school.journal,
            at=on,
            changes=[CellChange(small_school.lessons[2].pk, student.pk, None, grades=[3])],
        )
    assert Mark.objects.filter(student=student).count() == 2
    assert list(Enrolment.objects.filter(student=student).values_list("date_to", flat=True)) == [
        dt.date(2026, 9, 30),
        None,
    ]
    assert student.pk in {s.pk for s in journal_grid(journal=small_school.journal, period=small_school.q1).students}
