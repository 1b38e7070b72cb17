"""The journal's screens: the grid, its enrolment and history, a teacher's week and missing entries (D5, D6, D8)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, Subquery

from diary.calendar import week_start
from diary.models import (
    AuditEntry,
    Enrolment,
    FinalGrade,
    FinalWindowReopening,
    Journal,
    Lesson,
    Mark,
    Period,
    StaffMember,
    Student,
    SubgroupMembership,
    Substitution,
)

JOURNAL_RELATIONS = ("school", "school_class", "subject", "subgroup", "teacher")


def _journal_by_pk(pk: int):
    return Journal.objects.select_related(*JOURNAL_RELATIONS).filter(pk=pk)


def _journal_in_period(pk: int, period_id: int):
    reopenings = FinalWindowReopening.objects.filter(journal=OuterRef("pk"), period_id=period_id).order_by("-until")
    return _journal_by_pk(pk).annotate(reopened_until=Subquery(reopenings.values("until")[:1]))


def journal_by_pk(pk: int, period: Period | None = None) -> Journal | None:
    """The journal with its school, class, subject, subgroup and teacher; with a period, also `reopened_until`, the
    D7 window's latest reopening in that period. None when there is no such journal."""
    found = _journal_in_period(pk, period.pk) if period is not None else _journal_by_pk(pk)
    return found.first()


# A student of a journal's rows: the name and code shown, the keys the services compare (not the profile).
ENROLMENT_FIELDS = (
    "student_id", "date_from", "date_to", "student__school_id", "student__code", "student__last_name",
    "student__first_name", "student__patronymic", "student__user_id", "student__archived_at",
)  # fmt: skip


@dataclass
class JournalEnrolment:
    """Who belongs to a journal (its class, narrowed to its subgroup) and on which dates."""

    spans: dict[int, list[tuple[dt.date, dt.date | None]]]
    students: dict[int, Student]

    def is_enrolled(self, student_id: int, day: dt.date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.spans.get(student_id, ()))

    def ever_enrolled(self) -> list[Student]:
        return sorted(self.students.values(), key=lambda student: (student.last_name, student.first_name, student.pk))


def journal_enrolment(
    journal: Journal, date_from: dt.date, date_to: dt.date, *, with_students: bool = True
) -> JournalEnrolment:
    """Students enrolled in the journal's class at some point in [date_from, date_to] (one query); without
    `with_students`, only who is enrolled on which dates (what a save checks), not the student records."""
    enrolments = Enrolment.objects.filter(school_class_id=journal.school_class_id, date_from__lte=date_to).filter(
        Q(date_to__isnull=True) | Q(date_to__gte=date_from)
    )
    if journal.subgroup_id:
        members = SubgroupMembership.objects.filter(subgroup_id=journal.subgroup_id).values("student_id")
        enrolments = enrolments.filter(student_id__in=members)
    spans: dict[int, list] = defaultdict(list)
    students: dict[int, Student] = {}
    if not with_students:
        for student_id, start, end in enrolments.values_list("student_id", "date_from", "date_to"):
            spans[student_id].append((start, end))
        return JournalEnrolment(spans=dict(spans), students=students)
    for enrolment in enrolments.select_related("student").only(*ENROLMENT_FIELDS):
        spans[enrolment.student_id].append((enrolment.date_from, enrolment.date_to))
        students[enrolment.student_id] = enrolment.student
    return JournalEnrolment(spans=dict(spans), students=students)


def suggested_final(grades: list[int], threshold: Decimal) -> int | None:
    """The mean of current marks rounded up from `threshold` (DOMAIN.md: 4.5 → 5, 4.49 → 4); never imposed."""
    if not grades:
        return None
    mean = Decimal(sum(grades)) / Decimal(len(grades))
    whole = mean.to_integral_value(rounding=ROUND_FLOOR)
    return int(whole + 1) if mean - whole >= threshold else int(whole)


class GridCell(NamedTuple):
    """One filled cell of the grid, read as plain values (a 35 × 60 grid is 2,100 of them)."""

    lesson_id: int
    student_id: int
    grade_1: int | None
    grade_2: int | None
    attendance: str
    comment: str
    version: int
    is_late: bool

    @property
    def grades(self) -> list[int]:
        return [grade for grade in (self.grade_1, self.grade_2) if grade is not None]


@dataclass
class JournalGrid:
    journal: Journal
    period: Period
    students: list[Student]
    lessons: list[Lesson]
    cells: dict[tuple[int, int], GridCell]
    finals: dict[int, FinalGrade]
    suggested_finals: dict[int, int | None] = field(default_factory=dict)
    averages: dict[int, Decimal | None] = field(default_factory=dict)
    # Who belongs to the journal on which dates: a cell of a day a student was not in the class takes no entry.
    enrolment: JournalEnrolment | None = None


# The lesson columns' header (date, number, topic, homework, who conducted it) and the finals' column.
GRID_LESSON_FIELDS = (
    "school_id", "journal_id", "date", "lesson_no", "topic", "homework", "archived_at", "conducted_by__code",
    "conducted_by__last_name", "conducted_by__first_name", "conducted_by__patronymic",
)  # fmt: skip
GRID_FINAL_FIELDS = ("student_id", "subject_id", "period_id", "journal_id", "value", "grade", "version", "is_late")
GRID_FIELDS = ("lesson_id", "student_id", "grade_1", "grade_2", "attendance", "comment", "version", "is_late")


def journal_grid(*, journal: Journal, period: Period) -> JournalGrid:
    """Students × lessons × cells × finals of one journal in one period, in 4 queries whatever its size."""
    enrolment = journal_enrolment(journal, period.start, period.end)
    lessons = list(
        Lesson.objects.filter(journal=journal, date__gte=period.start, date__lte=period.end, archived_at__isnull=True)
        .select_related("conducted_by")
        .only(*GRID_LESSON_FIELDS)
    )
    # By the lessons' keys, not a join on the lessons' dates: one index range per lesson whatever the planner
    # believes of the tables' sizes (a join planned from stale statistics can scan every mark of the school).
    cells = {
        (row[0], row[1]): GridCell(*row)
        for row in Mark.objects.filter(lesson_id__in=[lesson.pk for lesson in lessons]).values_list(*GRID_FIELDS)
    }
    finals = {
        final.student_id: final
        for final in FinalGrade.objects.filter(
            subject_id=journal.subject_id, period=period, student_id__in=enrolment.students
        ).only(*GRID_FINAL_FIELDS)
    }
    grades_by_student: dict[int, list[int]] = defaultdict(list)
    for cell in cells.values():
        grades_by_student[cell.student_id].extend(cell.grades)
    threshold = journal.school.final_rounding_threshold
    students = enrolment.ever_enrolled()
    return JournalGrid(
        journal=journal,
        period=period,
        students=students,
        lessons=lessons,
        cells=cells,
        finals=finals,
        suggested_finals={s.pk: suggested_final(grades_by_student[s.pk], threshold) for s in students},
        averages={s.pk: grades_average(grades_by_student[s.pk]) for s in students},
        enrolment=enrolment,
    )


def grades_average(grades: list[int]) -> Decimal | None:
    if not grades:
        return None
    return (Decimal(sum(grades)) / len(grades)).quantize(Decimal("0.01"))


def journal_history(
    journal: Journal, *, student_id: int | None = None, field: str = "", date_from: dt.date | None = None,
    date_to: dt.date | None = None, by_id: int | None = None,
):  # fmt: skip
    """D16: a journal's audit trail, newest first, narrowed by student, field, date range and author."""
    entries = AuditEntry.objects.filter(journal=journal).select_related("by", "student", "lesson", "period")
    if student_id:
        entries = entries.filter(student_id=student_id)
    if field:
        entries = entries.filter(field=field)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    if by_id:
        entries = entries.filter(by_id=by_id)
    return entries.order_by("-at", "-pk")


def journal_history_authors(journal: Journal) -> list[tuple[int, str]]:
    """The accounts that ever changed this journal, for the history filter (1 query)."""
    from django.contrib.auth import get_user_model

    authors = AuditEntry.objects.filter(journal=journal, by__isnull=False).values("by_id").distinct()
    return list(get_user_model().objects.filter(pk__in=authors).order_by("username").values_list("pk", "username"))


def last_overdue_day(today: dt.date) -> dt.date:
    """D5: the last lesson date whose Monday deadline has passed by `today` (always a Sunday): lessons up to it
    that still lack marks or a topic are late."""
    return week_start(today - dt.timedelta(days=8)) + dt.timedelta(days=6)


@dataclass
class MissingEntries:
    """D5, D8: one journal's lessons in a date range that have no topic, or no mark or attendance at all."""

    journal: Journal
    without_topic: list[Lesson] = field(default_factory=list)
    without_marks: list[Lesson] = field(default_factory=list)


def missing_entries(
    *, date_from: dt.date, date_to: dt.date, journals=None, lessons_of: Q | None = None
) -> dict[int, MissingEntries]:
    """D5, D8: per journal, the lessons of [date_from, date_to] missing a topic or every mark, in 1 query whatever
    the number of journals. `journals` (a queryset or ids) and/or `lessons_of` (a condition on lessons) say whose."""
    marked = Mark.objects.filter(lesson=OuterRef("pk"))
    lessons = Lesson.objects.filter(
        date__gte=date_from, date__lte=date_to, archived_at__isnull=True, journal__archived_at__isnull=True
    )
    if journals is not None:
        lessons = lessons.filter(journal__in=journals)
    if lessons_of is not None:
        lessons = lessons.filter(lessons_of)
    lessons = (
        lessons.annotate(marked=Exists(marked))
        .filter(Q(topic="") | Q(marked=False))
        .select_related("journal__school_class", "journal__subject", "journal__subgroup", "journal__teacher")
        .order_by("journal__school_class__grade", "journal__school_class__code", "journal_id", "date", "lesson_no")
    )  # fmt: skip
    missing: dict[int, MissingEntries] = {}
    for lesson in lessons:
        entry = missing.setdefault(lesson.journal_id, MissingEntries(journal=lesson.journal))
        if not lesson.topic:
            entry.without_topic.append(lesson)
        if not lesson.marked:
            entry.without_marks.append(lesson)
    return missing


@dataclass
class TeacherWeek:
    """A teacher's week: their own lessons and the ones they cover as a substitute (D6), and those covers."""

    monday: dt.date
    lessons: list[Lesson]
    substitutions: list[Substitution]
    covered_lesson_ids: set[int] = field(default_factory=set)

    def on(self, day: dt.date) -> list[Lesson]:
        return [lesson for lesson in self.lessons if lesson.date == day]


def covered_lessons(substitutions) -> Q:
    """D6: a condition on lessons: those of the substituted journals on the substituted days."""
    covered = Q(pk__in=[])
    for substitution in substitutions:
        covered |= Q(journal_id=substitution.journal_id, date__gte=substitution.date_from,
                     date__lte=substitution.date_to)  # fmt: skip
    return covered


def teacher_missing_entries(*, staff: StaffMember, date_from: dt.date, date_to: dt.date) -> dict[int, MissingEntries]:
    """D5, D6, D8: what a teacher has not entered for [date_from, date_to]: their own journals' lessons and the
    lessons they covered as a substitute on those days (not the rest of the covered journal), in 2 queries."""
    substitutions = Substitution.objects.filter(
        teacher=staff, cancelled_at__isnull=True, date_from__lte=date_to, date_to__gte=date_from
    )
    return missing_entries(
        date_from=date_from, date_to=date_to, lessons_of=Q(journal__teacher=staff) | covered_lessons(substitutions)
    )


def teacher_week(*, staff: StaffMember, day: dt.date) -> TeacherWeek:
    """The Monday–Sunday week of `day` for a teacher, in 2 queries: current and coming substitutions (D6), then
    the lessons of their journals plus the covered journals' lessons on the covered days."""
    monday = week_start(day)
    sunday = monday + dt.timedelta(days=6)
    substitutions = list(
        Substitution.objects.filter(teacher=staff, cancelled_at__isnull=True, date_to__gte=monday)
        .select_related("journal__school_class", "journal__subject", "journal__subgroup", "journal__teacher")
        .order_by("date_from", "pk")
    )
    covered = covered_lessons(substitutions)
    lessons = list(
        Lesson.objects.filter(date__gte=monday, date__lte=sunday, archived_at__isnull=True,
                              journal__archived_at__isnull=True)
        .filter(Q(journal__teacher=staff) | covered)
        .select_related("journal__school_class", "journal__subject", "journal__subgroup")
        .order_by("date", "lesson_no")
    )  # fmt: skip
    own = {lesson.pk for lesson in lessons if lesson.journal.teacher_id == staff.pk}
    return TeacherWeek(
        monday=monday,
        lessons=lessons,
        substitutions=substitutions,
        covered_lesson_ids={lesson.pk for lesson in lessons} - own,
    )
