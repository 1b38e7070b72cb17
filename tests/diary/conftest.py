"""A small school for the diary's tests, with the personas of TESTING.md and what each may do (D15).

- director:      administration of the school — sees and writes every journal, reopens finals, assigns substitutes
- teacher:       teaches `journal` (math, 5А) — writes it
- other_teacher: teaches nothing in 5А — may not write `journal` except as an assigned substitute
- homeroom:      homeroom teacher of 5А — reads 5А's journals, does not write them
- students:      three pupils of 5А; `first_grader` is in 1А, where no marks are given (D9)
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from diary.models import Journal, Lesson, Period, School, SchoolClass, StaffMember, Student
from tests import factories


@dataclass
class SmallSchool:
    school: School
    q1: Period
    q2: Period
    director: StaffMember
    teacher: StaffMember
    other_teacher: StaffMember
    homeroom: StaffMember
    class_5a: SchoolClass
    class_1a: SchoolClass
    students: list[Student]
    first_grader: Student
    journal: Journal
    journal_1a: Journal
    lessons: list[Lesson]
    lesson_1a: Lesson


@pytest.fixture
def small_school(db) -> SmallSchool:
    school = factories.SchoolFactory(code="s5")
    year = factories.AcademicYearFactory(school=school)
    q1 = factories.PeriodFactory(year=year, number=1, start=dt.date(2026, 9, 1), end=dt.date(2026, 10, 31))
    q2 = factories.PeriodFactory(year=year, number=2, start=dt.date(2026, 11, 10), end=dt.date(2026, 12, 28))
    director = factories.StaffMemberFactory(school=school, roles=["director"], user__username="director")
    teacher = factories.StaffMemberFactory(school=school, user__username="teacher")
    other_teacher = factories.StaffMemberFactory(school=school, user__username="other_teacher")
    homeroom = factories.StaffMemberFactory(school=school, user__username="homeroom")
    class_5a = factories.SchoolClassFactory(year=year, code="5А", grade=5, homeroom_teacher=homeroom)
    class_1a = factories.SchoolClassFactory(year=year, code="1А", grade=1, homeroom_teacher=other_teacher)
    students = [factories.EnrolmentFactory(school_class=class_5a).student for _ in range(3)]
    first_grader = factories.EnrolmentFactory(school_class=class_1a).student
    journal = factories.JournalFactory(school_class=class_5a, teacher=teacher, subject__code="math")
    journal_1a = factories.JournalFactory(school_class=class_1a, teacher=teacher, subject=journal.subject)
    # Monday and Wednesday of the week 7–11 September, then the last lessons of the quarter.
    dates = [dt.date(2026, 9, 7), dt.date(2026, 9, 9), dt.date(2026, 10, 26), dt.date(2026, 10, 28)]
    lessons = [factories.LessonFactory(journal=journal, date=day, lesson_no=2) for day in dates]
    lesson_1a = factories.LessonFactory(journal=journal_1a, date=dt.date(2026, 9, 7), lesson_no=1)
    return SmallSchool(
        school=school,
        q1=q1,
        q2=q2,
        director=director,
        teacher=teacher,
        other_teacher=other_teacher,
        homeroom=homeroom,
        class_5a=class_5a,
        class_1a=class_1a,
        students=students,
        first_grader=first_grader,
        journal=journal,
        journal_1a=journal_1a,
        lessons=lessons,
        lesson_1a=lesson_1a,
    )
