"""A student's and a guardian's screens: the week and the period's grades."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import FilteredRelation, Q
from modeltranslation.utils import get_language, resolution_order

from diary.calendar import week_start
from diary.models import (
    Attendance,
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
class WeekMark:
    """The student's own mark on a lesson of their week."""

    grade_1: int | None
    grade_2: int | None
    attendance: str
    comment: str

    @property
    def grades(self) -> list[int]:
        return [grade for grade in (self.grade_1, self.grade_2) if grade is not None]

    def get_attendance_display(self) -> str:
        # As a model's get_FOO_display: the choice's label, else the stored value.
        return str(dict(Attendance.choices).get(self.attendance, self.attendance))


@dataclass
class DiaryLesson:
    """A lesson of a student's week: its subject in the active language, number, topic and homework, and the
    student's mark (None: nothing entered)."""

    pk: int
    date: dt.date
    lesson_no: int
    subject: str
    topic: str
    homework: str
    mark: WeekMark | None

    @property
    def grade_entries(self) -> list["GradeEntry"]:
        return mark_grade_entries(self.mark, self) if self.mark else []


@dataclass
class DiaryDay:
    date: dt.date
    lessons: list[DiaryLesson]


def _translated(row: dict, name: str, languages: tuple[str, ...]) -> str:
    """A translated field read by `values()` under its per-language names (`languages`: the active language and its
    fallbacks, as modeltranslation's `resolution_order` gives them): the first text found, as a model row reads it."""
    return next((row[f"{name}_{language}"] for language in languages if row[f"{name}_{language}"]), "")


def student_week(*, student: Student, day: dt.date, journal_ids: frozenset[int] | None = None) -> list[DiaryDay]:
    """A student's week (Monday–Saturday): lessons, topics, homework, grades, attendance, in 2 queries; only the
    lessons of `journal_ids` when given (D15: what a subject teacher sees)."""
    monday = week_start(day)
    saturday = monday + dt.timedelta(days=5)
    enrolments = list(
        Enrolment.objects.filter(student=student, date_from__lte=saturday)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=monday))
        .values_list("school_class_id", "date_from", "date_to")
    )
    member_of = SubgroupMembership.objects.filter(student=student).values("subgroup_id")
    languages = resolution_order(get_language())
    # A week is about 30 lessons: read as plain rows with the student's own mark joined to each (one query, none of
    # the columns the week does not show).
    rows = (
        Lesson.objects.filter(
            journal__school_class_id__in=[class_id for class_id, _start, _end in enrolments], date__gte=monday,
            date__lte=saturday, archived_at__isnull=True, journal__archived_at__isnull=True,
        )
        .filter(Q(journal__subgroup__isnull=True) | Q(journal__subgroup_id__in=member_of))
        .filter(Q() if journal_ids is None else Q(journal_id__in=journal_ids))
        .annotate(own_mark=FilteredRelation("marks", condition=Q(marks__student=student)))
        .order_by("date", "lesson_no")
        .values(
            "pk", "date", "lesson_no", "topic", "homework", "journal__school_class_id",
            *(f"journal__subject__name_{language}" for language in languages),
            "own_mark__pk", "own_mark__grade_1", "own_mark__grade_2", "own_mark__attendance", "own_mark__comment",
        )
    )  # fmt: skip
    # A student who moved class mid-week sees each class's lessons only for the days they were in it.
    if len(enrolments) > 1 or any(
        start > monday or (end is not None and end < saturday) for _c, start, end in enrolments
    ):
        rows = [
            row
            for row in rows
            if any(
                class_id == row["journal__school_class_id"]
                and start <= row["date"]
                and (end is None or row["date"] <= end)
                for class_id, start, end in enrolments
            )
        ]
    by_date: dict[dt.date, list[DiaryLesson]] = defaultdict(list)
    for row in rows:
        mark = None
        if row["own_mark__pk"] is not None:
            mark = WeekMark(
                grade_1=row["own_mark__grade_1"], grade_2=row["own_mark__grade_2"],
                attendance=row["own_mark__attendance"], comment=row["own_mark__comment"],
            )  # fmt: skip
        subject = _translated(row, "journal__subject__name", languages)
        lesson = DiaryLesson(
            pk=row["pk"], date=row["date"], lesson_no=row["lesson_no"], subject=subject, topic=row["topic"],
            homework=row["homework"], mark=mark,
        )  # fmt: skip
        by_date[row["date"]].append(lesson)
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


def mark_grade_entries(mark: Mark | WeekMark, lesson: Lesson | DiaryLesson) -> list[GradeEntry]:
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
