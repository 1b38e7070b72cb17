"""Reads shaped for one screen each, in a constant number of queries (no query per student or lesson)."""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy

from diary.calendar import week_start
from diary.models import (
    AcademicYear,
    AuditEntry,
    DataCheck,
    Enrolment,
    FinalGrade,
    FinalWindowReopening,
    Guardian,
    GuardianLink,
    Inspection,
    Journal,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    StaffMember,
    Student,
    Subgroup,
    SubgroupMembership,
    Substitution,
    Thread,
    ThreadParticipant,
)
from diary.permissions import message_recipients, report_runs_visible_to

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
    for enrolment in enrolments.select_related("student"):
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


GRID_FIELDS = ("lesson_id", "student_id", "grade_1", "grade_2", "attendance", "comment", "version", "is_late")


def journal_grid(*, journal: Journal, period: Period) -> JournalGrid:
    """Students × lessons × cells × finals of one journal in one period, in 4 queries whatever its size."""
    enrolment = journal_enrolment(journal, period.start, period.end)
    lessons = list(
        Lesson.objects.filter(
            journal=journal, date__gte=period.start, date__lte=period.end, archived_at__isnull=True
        ).select_related("conducted_by")
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
        )
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
        averages={s.pk: _average(grades_by_student[s.pk]) for s in students},
        enrolment=enrolment,
    )


def _average(grades: list[int]) -> Decimal | None:
    if not grades:
        return None
    return (Decimal(sum(grades)) / len(grades)).quantize(Decimal("0.01"))


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


@dataclass
class DiaryDay:
    date: dt.date
    lessons: list[DiaryLesson]


def student_week(*, student: Student, day: dt.date, journal_ids: frozenset[int] | None = None) -> list[DiaryDay]:
    """A student's week (Monday–Saturday): lessons, topics, homework, grades, attendance, in 3 queries; only the
    lessons of `journal_ids` when given (D15: what a subject teacher sees)."""
    monday = week_start(day)
    saturday = monday + dt.timedelta(days=5)
    enrolments = list(
        Enrolment.objects.filter(student=student, date_from__lte=saturday).filter(
            Q(date_to__isnull=True) | Q(date_to__gte=monday)
        )
    )
    member_of = SubgroupMembership.objects.filter(student=student).values("subgroup_id")
    lessons = list(
        Lesson.objects.filter(
            journal__school_class_id__in=[e.school_class_id for e in enrolments], date__gte=monday,
            date__lte=saturday, archived_at__isnull=True, journal__archived_at__isnull=True,
        )
        .filter(Q(journal__subgroup__isnull=True) | Q(journal__subgroup_id__in=member_of))
        .filter(Q() if journal_ids is None else Q(journal_id__in=journal_ids))
        .select_related("journal__subject")
        .order_by("date", "lesson_no")
    )  # fmt: skip
    # A student who moved class mid-week sees each class's lessons only for the days they were in it.
    lessons = [
        lesson
        for lesson in lessons
        if any(
            e.school_class_id == lesson.journal.school_class_id
            and e.date_from <= lesson.date
            and (e.date_to is None or lesson.date <= e.date_to)
            for e in enrolments
        )
    ]
    marks = {mark.lesson_id: mark for mark in Mark.objects.filter(student=student, lesson__in=[x.pk for x in lessons])}
    days = []
    for offset in range(6):
        date = monday + dt.timedelta(days=offset)
        days.append(DiaryDay(date=date, lessons=[DiaryLesson(x, marks.get(x.pk)) for x in lessons if x.date == date]))
    return days


@dataclass
class SubjectResult:
    subject_id: int
    subject_name: str
    marks: list[int]
    average: Decimal | None
    final: FinalGrade | None


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
    subject_of_journal = {j.pk: j.subject_id for j in journals}
    for mark in marks:
        by_subject[subject_of_journal[mark.lesson.journal_id]].extend(mark.grades)
    finals = {f.subject_id: f for f in FinalGrade.objects.filter(student=student, period=period)}
    subjects = {j.subject_id: j.subject for j in journals}
    return [
        SubjectResult(
            subject_id=subject.pk,
            subject_name=subject.name,
            marks=by_subject[subject.pk],
            average=_average(by_subject[subject.pk]),
            final=finals.get(subject.pk),
        )
        for subject in sorted(subjects.values(), key=lambda s: s.name)
    ]


# A school's periods in the cache: an hour, and never past a change of its data version (which makes a new key).
PERIODS_SECONDS = 60 * 60
PERIOD_KEY = re.compile(r"^(quarter|half)-([1-4])$|^year$")


def year_periods(school, *, today: dt.date | None = None) -> list[Period]:
    """The periods of the school's academic year containing today (else its latest year), in one query: pages
    need both the chosen period and its siblings for a period switcher."""
    today = today or timezone.localdate()
    year = (
        AcademicYear.objects.filter(school=school)
        .annotate(current=Case(When(start__lte=today, end__gte=today, then=Value(0)), default=Value(1)))
        .order_by("current", "-start")
        .values("pk")[:1]
    )
    return list(Period.objects.filter(year_id=Subquery(year)))


def year_periods_cached(school, *, today: dt.date | None = None) -> list[Period]:
    """`year_periods` of a school object read in this request (its data version is current), through Django's
    cache: periods are the school's structure, no one's personal data, and change only with the school's data
    version."""
    today = today or timezone.localdate()
    key = f"diary:periods:{school.pk}:{school.data_version}:{today}"
    return cache.get_or_set(key, lambda: year_periods(school, today=today), PERIODS_SECONDS)


def period_pick(periods: list[Period], key: str | None, *, today: dt.date | None = None) -> Period | None:
    """`quarter-2`, `half-1` or `year` among a year's periods; no key = today's quarter (or half-year, or year)."""
    today = today or timezone.localdate()
    if not key:
        for kind in (Period.Kind.QUARTER, Period.Kind.HALF, Period.Kind.YEAR):
            for period in periods:
                if period.kind == kind and period.start <= today <= period.end:
                    return period
        # Between quarters (a holiday): the one that ended last.
        ended = [p for p in periods if p.kind == Period.Kind.QUARTER and p.start <= today]
        if ended:
            return max(ended, key=lambda period: period.end)
        return periods[0] if periods else None
    match = PERIOD_KEY.match(str(key))
    if match is None:
        return None
    if key == "year":
        return next((p for p in periods if p.kind == Period.Kind.YEAR), None)
    kind, number = match.group(1), int(match.group(2))
    return next((p for p in periods if p.kind == kind and p.number == number), None)


PERIOD_HELP = gettext_lazy(
    "Use quarter-1 … quarter-4, half-1, half-2 or year; for a past school year, the year it started first: "
    "2025-quarter-1."
)
# D3: a period of a past school year, named by the calendar year the school year started in (`2025-quarter-1`).
PAST_PERIOD_KEY = re.compile(r"^(\d{4})-((?:quarter|half)-[1-4]|year)$")


def school_years(school) -> list[AcademicYear]:
    """D3: every academic year of the school, newest first (1 query): the whole storage period stays reachable."""
    return list(AcademicYear.objects.filter(school=school).order_by("-start"))


@dataclass
class PeriodChoice:
    """D3: the periods of one school year, the one asked for, and how their keys are written (`2025-` for a past
    year, nothing for the current one)."""

    periods: list[Period]
    period: Period | None
    prefix: str = ""

    def key(self, period: Period) -> str:
        return f"{self.prefix}{period.key}"


def periods_for_key(school, key: str | None, *, today: dt.date | None = None) -> PeriodChoice:
    """D3: `2025-quarter-1` is the first quarter of the school year that started in 2025; `quarter-1` (or no key)
    one of the current year. An unknown key or year gives no period."""
    match = PAST_PERIOD_KEY.match(key or "")
    if match is None:
        periods = year_periods_cached(school, today=today)
        return PeriodChoice(periods, period_pick(periods, key, today=today))
    periods = list(Period.objects.filter(school=school, year__start__year=int(match.group(1))))
    period = period_pick(periods, match.group(2), today=today) if periods else None
    return PeriodChoice(periods, period, f"{match.group(1)}-")


def school_year_choices(school, choice: PeriodChoice) -> list[dict]:
    """D3: the year selector: each school year, the key of its first period, and whether it is the one shown."""
    years = school_years(school)
    shown_year = choice.period.year_id if choice.period is not None else None
    current = years[0].pk if years and not choice.prefix and shown_year is None else shown_year
    latest = year_periods_cached(school)
    latest_year = latest[0].year_id if latest else None
    return [
        {
            "label": f"{year.start.year}–{year.end.year}",
            "key": "" if year.pk == latest_year else f"{year.start.year}-quarter-1",
            "current": year.pk == current,
        }
        for year in years
    ]


def class_students(school_class, on: dt.date | None = None) -> list[Student]:
    """The class's students today (or on a date), with their guardians, in 2 queries."""
    on = on or timezone.localdate()
    return list(
        Student.objects.filter(
            enrolments__school_class=school_class, enrolments__date_from__lte=on, archived_at__isnull=True
        )
        .filter(Q(enrolments__date_to__isnull=True) | Q(enrolments__date_to__gte=on))
        .prefetch_related("guardians")
        .order_by("last_name", "first_name")
        .distinct()
    )


@dataclass
class StudentSummary:
    student: Student
    absent: int = 0
    sick: int = 0
    excused: int = 0
    late: int = 0
    grades: int = 0
    grade_sum: int = 0
    low_finals: int = 0

    @property
    def missed(self) -> int:
        return self.absent + self.sick + self.excused

    @property
    def average(self) -> Decimal | None:
        if not self.grades:
            return None
        return (Decimal(self.grade_sum) / self.grades).quantize(Decimal("0.01"))


@dataclass
class ClassSummary:
    """A class's attendance and progress in one period: one row per student and the class totals."""

    period: Period
    rows: list[StudentSummary]
    lessons: int

    @property
    def missed(self) -> int:
        return sum(row.missed for row in self.rows)

    @property
    def late(self) -> int:
        return sum(row.late for row in self.rows)

    @property
    def average(self) -> Decimal | None:
        grades = sum(row.grades for row in self.rows)
        if not grades:
            return None
        return (Decimal(sum(row.grade_sum for row in self.rows)) / grades).quantize(Decimal("0.01"))

    @property
    def students_with_low_finals(self) -> int:
        return sum(1 for row in self.rows if row.low_finals)


def class_summary(*, school_class: SchoolClass, period: Period, students: list[Student]) -> ClassSummary:
    """Absences, lateness, marks and final grades below the pass mark of a class's students in a period; the sums
    are computed in the database, so the page costs 3 queries whatever the class's size."""
    in_period = Q(
        lesson__journal__school_class=school_class, lesson__date__gte=period.start, lesson__date__lte=period.end,
        lesson__archived_at__isnull=True, lesson__journal__archived_at__isnull=True,
    )  # fmt: skip
    rows = {student.pk: StudentSummary(student=student) for student in students}
    counts = (
        Mark.objects.filter(in_period, student_id__in=rows)
        .values("student_id")
        .annotate(
            absent=Count("pk", filter=Q(attendance="absent")),
            sick=Count("pk", filter=Q(attendance="sick")),
            excused=Count("pk", filter=Q(attendance="excused")),
            late=Count("pk", filter=Q(attendance="late")),
            grades=Count("grade_1") + Count("grade_2"),
            grade_sum=Sum("grade_1", default=0) + Sum("grade_2", default=0),
        )
    )
    for count in counts:
        row = rows[count["student_id"]]
        row.absent, row.sick, row.excused, row.late = count["absent"], count["sick"], count["excused"], count["late"]
        row.grades, row.grade_sum = count["grades"], count["grade_sum"]
    pass_mark = school_class.school.scale_min + 1
    low = (
        FinalGrade.objects.filter(period=period, student_id__in=rows, grade__lt=pass_mark)
        .values("student_id")
        .annotate(n=Count("pk"))
    )
    for final in low:
        rows[final["student_id"]].low_finals = final["n"]
    lessons = Lesson.objects.filter(
        journal__school_class=school_class, date__gte=period.start, date__lte=period.end, archived_at__isnull=True,
        journal__archived_at__isnull=True, journal__subgroup__isnull=True,
    ).count()  # fmt: skip
    return ClassSummary(period=period, rows=list(rows.values()), lessons=lessons)


def class_subgroups(school_class: SchoolClass) -> list[Subgroup]:
    """D10: the class's subgroups with their subject, period and members (2 queries)."""
    return list(
        Subgroup.objects.filter(school_class=school_class)
        .select_related("subject", "period")
        .prefetch_related("students")
        .order_by("subject__name", "period__start", "name")
    )


def journals_not_inspected(school, today: dt.date | None = None) -> list[Journal]:
    """D12: the school's journals with no inspection recorded in the current calendar month (1 query)."""
    today = today or timezone.localdate()
    this_month = Inspection.objects.filter(journal=OuterRef("pk"), at__year=today.year, at__month=today.month)
    return list(
        Journal.objects.filter(school=school, archived_at__isnull=True)
        .exclude(Exists(this_month))
        .select_related("school_class", "subject", "subgroup", "teacher")
    )


def inspections_recent(school, limit: int = 30) -> list[Inspection]:
    """D12: the latest inspections of the school: who, when, which journal, remarks (1 query)."""
    return list(
        Inspection.objects.filter(school=school)
        .select_related("journal__school_class", "journal__subject", "journal__subgroup", "inspector")
        .order_by("-at", "-pk")[:limit]
    )


def school_journals(school) -> list[Journal]:
    """The school's open journals for the administration's choice lists (1 query)."""
    return list(
        Journal.objects.filter(school=school, archived_at__isnull=True).select_related(
            "school_class", "subject", "subgroup", "teacher"
        )
    )


def substitutions_list(school, limit: int = 100) -> list[Substitution]:
    """D6: the school's substitutions, the latest first (1 query)."""
    return list(
        Substitution.objects.filter(school=school, cancelled_at__isnull=True)
        .select_related("journal__school_class", "journal__subject", "journal__subgroup", "teacher", "journal__teacher")
        .order_by("-date_from", "-pk")[:limit]
    )


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


@dataclass
class PeriodWindow:
    """D7: a period and the last day its final grades may be set."""

    period: Period
    finals_close: dt.date


@dataclass
class SchoolOverview:
    year: AcademicYear | None
    periods: list[PeriodWindow]
    classes: list[SchoolClass]
    staff: list[StaffMember]
    counts: dict[str, int]


def school_overview(school, today: dt.date | None = None) -> SchoolOverview:
    """The administration's view of the school's setup: year, periods with their D7 windows, classes with their
    size, staff and totals, in a constant number of queries."""
    today = today or timezone.localdate()
    years = AcademicYear.objects.filter(school=school).order_by("-start")
    year = years.filter(start__lte=today, end__gte=today).first() or years.first()
    if year is None:
        return SchoolOverview(year=None, periods=[], classes=[], staff=[], counts={})
    window = dt.timedelta(days=school.final_window_days)
    periods = [PeriodWindow(period, period.end + window) for period in Period.objects.filter(year=year)]
    current = Q(enrolments__date_from__lte=today) & (
        Q(enrolments__date_to__isnull=True) | Q(enrolments__date_to__gte=today)
    )
    classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("homeroom_teacher")
        .annotate(students_now=Count("enrolments__student", filter=current, distinct=True))
    )
    staff = list(StaffMember.objects.filter(school=school, archived_at__isnull=True).order_by("last_name"))
    counts = {
        "classes": len(classes),
        "students": sum(school_class.students_now for school_class in classes),
        "staff": len(staff),
        "staff_with_accounts": sum(1 for member in staff if member.user_id),
        "guardians": Guardian.objects.filter(school=school, archived_at__isnull=True).count(),
        "journals": Journal.objects.filter(school=school, archived_at__isnull=True).count(),
    }
    return SchoolOverview(year=year, periods=periods, classes=classes, staff=staff, counts=counts)


def inbox_threads(user):
    """The conversations `user` takes part in, newest first, each with `unread` (messages from others since the
    user last read it) and its participants' accounts: a constant number of queries per page."""
    my_last_read = ThreadParticipant.objects.filter(thread=OuterRef("pk"), user=user).values("last_read_at")[:1]
    unread = ~Q(messages__sender=user) & (Q(my_last_read__isnull=True) | Q(messages__created_at__gt=F("my_last_read")))
    return (
        Thread.objects.filter(participants__user=user)
        .annotate(my_last_read=Subquery(my_last_read))
        .annotate(unread=Count("messages", filter=unread, distinct=True))
        .prefetch_related("participants__user")
        .order_by("-updated_at", "-pk")
    )


def account_names(user_ids) -> dict[int, str]:
    """The name of the person behind each account (staff, guardian or student), in 3 queries; accounts of nobody
    in a school are left out (callers show the username)."""
    ids = set(user_ids)
    names: dict[int, str] = {}
    for model in (StaffMember, Guardian, Student):
        for person in model.objects.filter(user_id__in=ids - set(names)).only(
            "user_id", "last_name", "first_name", "patronymic"
        ):
            names.setdefault(person.user_id, person.full_name)
    return names


@dataclass
class RecipientGroup:
    """One `<optgroup>` of the compose form: a role, or a role within a class."""

    kind: str
    class_code: str
    options: list[tuple[int, str]]


def _current_class_code(student_ref: str, today: dt.date):
    return Subquery(
        Enrolment.objects.filter(student_id=OuterRef(student_ref), date_from__lte=today)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=today))
        .order_by("-date_from")
        .values("school_class__code")[:1]
    )


def message_recipient_groups(user, *, search: str = "", today: dt.date | None = None) -> list[RecipientGroup]:
    """Whom `user` may write to (D15, decided by `message_recipients`), grouped for the compose form:
    administration, teachers, then students and guardians by class. `search` keeps the people whose name (or
    child's name, or class) contains it. Five queries, whatever the school's size."""
    today = today or timezone.localdate()
    allowed = message_recipients(user).values("pk")
    groups: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    seen: set[tuple[str, str, int]] = set()

    def add(kind: str, class_code: str, user_id: int, label: str) -> None:
        if search and search.casefold() not in f"{label} {class_code}".casefold():
            return
        if (kind, class_code, user_id) not in seen:
            seen.add((kind, class_code, user_id))
            groups[(kind, class_code)].append((user_id, label))

    for staff in StaffMember.objects.filter(user_id__in=allowed, archived_at__isnull=True).order_by(
        "last_name", "first_name"
    ):
        add("administration" if staff.is_administration else "teachers", "", staff.user_id, staff.full_name)
    students = (
        Student.objects.filter(user_id__in=allowed, archived_at__isnull=True)
        .annotate(class_code=_current_class_code("pk", today))
        .order_by("last_name", "first_name")
    )
    for student in students:
        add("students", student.class_code or "", student.user_id, student.full_name)
    links = (
        GuardianLink.objects.filter(guardian__user_id__in=allowed, guardian__archived_at__isnull=True)
        .select_related("guardian", "student")
        .annotate(class_code=_current_class_code("student_id", today))
        .order_by("guardian__last_name", "guardian__first_name")
    )
    for link in links:
        label = f"{link.guardian.full_name} ({link.student.short_name})"
        add("guardians", link.class_code or "", link.guardian.user_id, label)
    order = {"administration": 0, "teachers": 1, "students": 2, "guardians": 3}
    return [
        RecipientGroup(kind=kind, class_code=code, options=options)
        for (kind, code), options in sorted(groups.items(), key=lambda item: (item[0][1], order[item[0][0]]))
    ]


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


@dataclass
class ClassPage:
    """What the homeroom teacher's page of a class shows (D4, D10, D11)."""

    students: list[Student]
    guardians_count: int
    guardians_with_accounts: int
    checks: list[DataCheck]
    check_due: bool
    periods: list[Period]
    period: Period | None
    summary: ClassSummary | None
    subgroups: list[Subgroup]
    journals: list[Journal]

    @property
    def last_check(self) -> DataCheck | None:
        return self.checks[0] if self.checks else None


@dataclass
class SplitChoices:
    """D10: what a class may be split by: the subjects of its class journals, its year's periods, the teachers."""

    subjects: list
    periods: list[Period]
    teachers: list[StaffMember]


def class_split_choices(school_class: SchoolClass) -> SplitChoices:
    """3 queries."""
    journals = Journal.objects.filter(school_class=school_class, archived_at__isnull=True, subgroup__isnull=True)
    return SplitChoices(
        subjects=[journal.subject for journal in journals.select_related("subject").order_by("subject__name")],
        periods=list(Period.objects.filter(year_id=school_class.year_id)),
        teachers=school_teachers(school_class.school_id),
    )


def data_check_due(school_class: SchoolClass, today: dt.date | None = None) -> bool:
    """D11 (interpretation): due when no check was recorded in the current calendar month."""
    today = today or timezone.localdate()
    return not school_class.data_checks.filter(checked_on__year=today.year, checked_on__month=today.month).exists()


def class_page(
    *, school_class: SchoolClass, periods: list[Period], period_key: str | None, today: dt.date
) -> ClassPage:
    """The class list with guardians, the last data check and whether one is due, the period's summary and the
    subgroups, in a constant number of queries whatever the class's size."""
    students = class_students(school_class, today)
    guardians = {guardian.pk: guardian for student in students for guardian in student.guardians.all()}
    period = period_pick(periods, period_key, today=today)
    return ClassPage(
        students=students,
        guardians_count=len(guardians),
        guardians_with_accounts=sum(1 for guardian in guardians.values() if guardian.user_id),
        checks=list(DataCheck.objects.filter(school_class=school_class).select_related("checked_by")[:6]),
        check_due=data_check_due(school_class, today),
        periods=periods,
        period=period,
        summary=class_summary(school_class=school_class, period=period, students=students) if period else None,
        subgroups=class_subgroups(school_class),
        journals=list(
            Journal.objects.filter(school_class=school_class, archived_at__isnull=True)
            .select_related("subject", "subgroup", "teacher")
            .order_by("subject__name", "subgroup__name")
        ),
    )


def school_teachers(school) -> list[StaffMember]:
    """The school's active teachers, for choosing a substitute or a subgroup's teacher (1 query)."""
    staff = StaffMember.objects.filter(school=school, archived_at__isnull=True)
    return [member for member in staff if member.has_role("teacher")]


def school_periods(school) -> list[Period]:
    """Every period of the school, the latest first, with its academic year (1 query)."""
    return list(Period.objects.filter(school=school).select_related("year").order_by("-start", "kind"))


def final_window_reopenings(school, limit: int = 50) -> list:
    """D7: the latest reopened final-grade windows of the school (1 query)."""
    return list(
        FinalWindowReopening.objects.filter(school=school)
        .select_related("journal__school_class", "journal__subject", "journal__subgroup", "period", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def report_runs_list(user, school, limit: int = 100) -> list:
    """D14: the report runs this viewer may see (D15), the latest first (1 query)."""
    return list(
        report_runs_visible_to(user, school)
        .select_related("period__year", "requested_by")
        .order_by("-created_at", "-pk")[:limit]
    )
