"""The journal grid and a student's week/period are read in a constant number of queries (no N+1)."""

import datetime as dt

import pytest
from django.utils import translation

from diary.models import Journal, Period
from diary.selectors.family import student_period, student_week
from diary.selectors.journal import journal_grid
from diary.services.finals import FinalChange, finals_set
from diary.services.marks import CellChange, marks_save
from tests import factories

pytestmark = pytest.mark.django_db


def fill(school, students: int, lessons: int) -> tuple[Journal, Period]:
    """A journal of `students` × `lessons`, every cell with a grade."""
    school_class = factories.SchoolClassFactory(year=school.class_5a.year, grade=6, homeroom_teacher=school.homeroom)
    pupils = [factories.EnrolmentFactory(school_class=school_class).student for _ in range(students)]
    journal = factories.JournalFactory(
        school_class=school_class, teacher=school.teacher, subject=school.journal.subject
    )
    days = [dt.date(2026, 9, 1) + dt.timedelta(days=index) for index in range(lessons)]
    rows = [factories.LessonFactory(journal=journal, date=day, lesson_no=1) for day in days]
    changes = [
        CellChange(lesson.pk, pupil.pk, None, grades=[4 + (lesson.pk + pupil.pk) % 2])
        for lesson in rows
        for pupil in pupils
    ]
    # Entered on the day of the last lesson (D5: not before a lesson takes place).
    at = dt.datetime.combine(days[-1], dt.time(12), tzinfo=dt.UTC)
    marks_save(actor=school.teacher.user, journal=journal, changes=changes, at=at)
    return journal, school.q1


@pytest.mark.parametrize(("students", "lessons"), [(2, 3), (12, 20)])
def test_the_journal_grid_takes_four_queries_whatever_its_size(
    small_school, django_assert_num_queries, students, lessons
):
    journal, period = fill(small_school, students, lessons)
    journal = Journal.objects.select_related("school", "school_class").get(pk=journal.pk)
    with django_assert_num_queries(4):
        grid = journal_grid(journal=journal, period=period)
        # What the grid's page and API show of its rows and columns is read with it: no query per row.
        names = [(student.code, student.full_name, student.first_name) for student in grid.students]
        columns = [
            (lesson.date, lesson.lesson_no, lesson.topic, lesson.homework, lesson.conducted_by)
            for lesson in grid.lessons
        ]
    assert all(code and name for code, name, _first in names)
    assert len(columns) == lessons
    assert len(grid.students) == students
    assert len(grid.lessons) == lessons
    assert len(grid.cells) == students * lessons
    assert all(grade in (4, 5) for grade in grid.suggested_finals.values())


def test_the_grid_shows_finals_and_suggestions(small_school):
    first = small_school.students[0]
    at = dt.datetime(2026, 10, 28, 12, tzinfo=dt.UTC)
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        at=at,
        changes=[
            CellChange(small_school.lessons[0].pk, first.pk, None, grades=[5, 4]),
            CellChange(small_school.lessons[1].pk, first.pk, None, grades=[5]),
        ],
    )
    finals_set(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        period=small_school.q1,
        finals=[FinalChange(first.pk, 4)],
        at=at,
    )
    grid = journal_grid(journal=small_school.journal, period=small_school.q1)
    assert grid.suggested_finals[first.pk] == 5  # mean 4.67
    assert grid.finals[first.pk].value == "4"
    assert str(grid.averages[first.pk]) == "4.67"


@pytest.mark.parametrize("lessons", [3, 25])
def test_a_students_week_takes_a_constant_number_of_queries(small_school, django_assert_num_queries, lessons):
    journal, _period = fill(small_school, 2, lessons)
    student = journal.school_class.enrolments.first().student
    with django_assert_num_queries(2):
        days = student_week(student=student, day=dt.date(2026, 9, 2))
        # Everything the week's page and API show is read with them: no query per lesson.
        shown_fields = [
            (item.subject, item.lesson_no, item.topic, item.homework, item.mark.attendance, item.mark.comment,
             item.mark.get_attendance_display(), [entry.grade for entry in item.grade_entries])
            for day in days
            for item in day.lessons
        ]  # fmt: skip
    assert all(fields[0] == journal.subject.name_ky and fields[-1] for fields in shown_fields)
    assert [day.date for day in days] == [dt.date(2026, 8, 31) + dt.timedelta(days=n) for n in range(6)]
    shown = [entry for day in days for entry in day.lessons]
    assert len(shown) == min(lessons, 5)
    assert all(entry.mark is not None and entry.mark.grades for entry in shown)


def test_a_students_week_names_subjects_in_the_active_language_else_in_kyrgyz(small_school):
    journal, _period = fill(small_school, 1, 1)
    student = journal.school_class.enrolments.first().student
    subject = journal.subject
    subject.name_ky, subject.name_ru = "Математика", "Математика (ru)"
    subject.save()

    def names(language):
        with translation.override(language):
            return [
                item.subject for day in student_week(student=student, day=dt.date(2026, 9, 1)) for item in day.lessons
            ]

    assert names("ky") == ["Математика"]
    assert names("ru") == ["Математика (ru)"]
    subject.name_ru = ""
    subject.save()
    assert names("ru") == ["Математика"]


def test_a_students_period_lists_each_subject_with_marks_average_and_final(small_school, django_assert_num_queries):
    journal, period = fill(small_school, 1, 6)
    student = journal.school_class.enrolments.first().student
    with django_assert_num_queries(3):
        subjects = student_period(student=student, period=period)
    assert len(subjects) == 1
    assert len(subjects[0].marks) == 6
    assert subjects[0].average is not None
