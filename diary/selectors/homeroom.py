"""The homeroom teacher's screens: the class, its summary for a period, subgroups (D10) and data checks (D11)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from diary.models import (
    AccessCode,
    DataCheck,
    FinalGrade,
    Journal,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    StaffMember,
    Student,
    Subgroup,
)
from diary.selectors.administration import school_teachers
from diary.selectors.periods import in_calendar_order, period_pick


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


def class_unused_codes_count(school_class, students: list[Student] | None = None) -> int:
    """D4: how many codes printed for the class's students and guardians without an account still work: printing the
    class's slips again voids them. `students`: the class's students with their guardians, where already loaded."""
    students = class_students(school_class) if students is None else students
    student_ids = [student.pk for student in students if student.user_id is None]
    guardian_ids = {guardian.pk for student in students for guardian in student.guardians.all() if not guardian.user_id}
    return (
        AccessCode.objects.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .filter(Q(student_id__in=student_ids) | Q(guardian_id__in=guardian_ids))
        .count()
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
        periods=in_calendar_order(Period.objects.filter(year_id=school_class.year_id)),
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
