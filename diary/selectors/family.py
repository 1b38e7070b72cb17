"""A student's and a guardian's screens: the week and the period's grades."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from diary.calendar import week_start
from diary.models import (
    Enrolment,
    FinalGrade,
    Journal,
    Lesson,
    Mark,
    Period,
    Student,
    SubgroupMembership,
)
from diary.selectors.journal import grades_average


def student_journals(student: Student, date_from: dt.date, date_to: dt.date) -> list[Journal]:
    """The journals a student belongs to in a date range: their classes' journals, subgroups narrowed (2 queries)."""
    class_ids = (
        Enrolment.objects.filter(student=student, date_from__lte=date_to)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=date_from))
        .values("school_class_id")
    )
    member_of = SubgroupMembership.objects.filter(student=student).values("subgroup_id")
    return list(
        Journal.objects.filter(school_class_id__in=class_ids, archived_at__isnull=True)
        .filter(Q(subgroup__isnull=True) | Q(subgroup_id__in=member_of))
        .select_related("subject", "teacher", "school_class")
    )


@dataclass
class DiaryLesson:
    lesson: Lesson
    mark: Mark | None

    @property
    def grade_entries(self) -> list["GradeEntry"]:
        return mark_grade_entries(self.mark, self.lesson) if self.mark else []


@dataclass
class DiaryDay:
    date: dt.date
    lessons: list[DiaryLesson]


# What the week shows of a lesson, its subject and a mark: a week is about 30 lessons, each read as a model row;
# the other columns (timestamps, who conducted it, the journal's settings) are left unread.
WEEK_LESSON_FIELDS = (
    "date", "lesson_no", "topic", "homework", "journal__school_class_id", "journal__subject__name",
    "journal__subject__name_ky", "journal__subject__name_ru",
)  # fmt: skip
WEEK_MARK_FIELDS = ("lesson_id", "grade_1", "grade_2", "attendance", "comment")


def student_week(*, student: Student, day: dt.date, journal_ids: frozenset[int] | None = None) -> list[DiaryDay]:
    """A student's week (Monday–Saturday): lessons, topics, homework, grades, attendance, in 3 queries; only the
    lessons of `journal_ids` when given (D15: what a subject teacher sees)."""
    monday = week_start(day)
    saturday = monday + dt.timedelta(days=5)
    enrolments = list(
        Enrolment.objects.filter(student=student, date_from__lte=saturday)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=monday))
        .values_list("school_class_id", "date_from", "date_to")
    )
    member_of = SubgroupMembership.objects.filter(student=student).values("subgroup_id")
    lessons = list(
        Lesson.objects.filter(
            journal__school_class_id__in=[class_id for class_id, _start, _end in enrolments], date__gte=monday,
            date__lte=saturday, archived_at__isnull=True, journal__archived_at__isnull=True,
        )
        .filter(Q(journal__subgroup__isnull=True) | Q(journal__subgroup_id__in=member_of))
        .filter(Q() if journal_ids is None else Q(journal_id__in=journal_ids))
        .select_related("journal__subject")
        .only(*WEEK_LESSON_FIELDS)
        .order_by("date", "lesson_no")
    )  # fmt: skip
    # A student who moved class mid-week sees each class's lessons only for the days they were in it.
    if len(enrolments) > 1 or any(
        start > monday or (end is not None and end < saturday) for _c, start, end in enrolments
    ):
        lessons = [
            lesson
            for lesson in lessons
            if any(
                class_id == lesson.journal.school_class_id
                and start <= lesson.date
                and (end is None or lesson.date <= end)
                for class_id, start, end in enrolments
            )
        ]
    marks = {
        mark.lesson_id: mark
        for mark in Mark.objects.filter(student=student, lesson__in=[x.pk for x in lessons]).only(*WEEK_MARK_FIELDS)
    }
    by_date: dict[dt.date, list[DiaryLesson]] = defaultdict(list)
    for lesson in lessons:
        by_date[lesson.date].append(DiaryLesson(lesson, marks.get(lesson.pk)))
    return [DiaryDay(date=monday + dt.timedelta(days=offset), lessons=by_date[monday + dt.timedelta(days=offset)])
            for offset in range(6)]  # fmt: skip


@dataclass
class GradeEntry:
    """One grade with what a parent asks about it: the lesson's date, number and topic, and whether it is the
    lesson's first or second grade (`kind`)."""

    grade: int
    date: dt.date
    lesson_no: int
    topic: str
    kind: str  # "first" or "second"
    comment: str = ""


def mark_grade_entries(mark: Mark, lesson: Lesson) -> list[GradeEntry]:
    return [
        GradeEntry(grade, lesson.date, lesson.lesson_no, lesson.topic, kind, mark.comment)
        for grade, kind in ((mark.grade_1, "first"), (mark.grade_2, "second"))
        if grade is not None
    ]


@dataclass
class SubjectResult:
    subject_id: int
    subject_name: str
    marks: list[int]
    average: Decimal | None
    final: FinalGrade | None
    grades: list[GradeEntry] = field(default_factory=list)


def student_period(
    *, student: Student, period: Period, journal_ids: frozenset[int] | None = None
) -> list[SubjectResult]:
    """A student's marks per subject in a period, with averages and finals, in 3 queries; only the subjects of
    `journal_ids` when given (D15: what a subject teacher sees)."""
    journals = student_journals(student, period.start, period.end)
    if journal_ids is not None:
        journals = [journal for journal in journals if journal.pk in journal_ids]
    marks = Mark.objects.filter(
        student=student, lesson__journal__in=[j.pk for j in journals], lesson__date__gte=period.start,
        lesson__date__lte=period.end, lesson__archived_at__isnull=True,
    ).select_related("lesson").order_by("lesson__date", "lesson__lesson_no")  # fmt: skip
    by_subject: dict[int, list[int]] = defaultdict(list)
    entries: dict[int, list[GradeEntry]] = defaultdict(list)
    subject_of_journal = {j.pk: j.subject_id for j in journals}
    for mark in marks:
        by_subject[subject_of_journal[mark.lesson.journal_id]].extend(mark.grades)
        entries[subject_of_journal[mark.lesson.journal_id]].extend(mark_grade_entries(mark, mark.lesson))
    finals = {f.subject_id: f for f in FinalGrade.objects.filter(student=student, period=period)}
    subjects = {j.subject_id: j.subject for j in journals}
    return [
        SubjectResult(
            subject_id=subject.pk,
            subject_name=subject.name,
            marks=by_subject[subject.pk],
            average=grades_average(by_subject[subject.pk]),
            final=finals.get(subject.pk),
            grades=entries[subject.pk],
        )
        for subject in sorted(subjects.values(), key=lambda s: s.name)
    ]
