"""The administration's screens: the school's overview, substitutions (D6), inspections (D12), reopened windows (D7)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from diary.calendar import week_start
from diary.models import (
    AcademicYear,
    DataCheck,
    FinalWindowReopening,
    Guardian,
    Inspection,
    Journal,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    StaffMember,
    Substitution,
)
from diary.selectors.periods import in_calendar_order


def _journal_filter(prefix: str, school_class_id: int | None, teacher_id: int | None) -> Q:
    """The administration's filter of journals (or of inspections, `prefix="journal__"`) by class and teacher."""
    where = Q()
    if school_class_id is not None:
        where &= Q(**{f"{prefix}school_class_id": school_class_id})
    if teacher_id is not None:
        where &= Q(**{f"{prefix}teacher_id": teacher_id})
    return where


def _not_inspected(today: dt.date) -> Exists:
    this_month = Inspection.objects.filter(journal=OuterRef("pk"), at__year=today.year, at__month=today.month)
    return ~Exists(this_month)


def journals_not_inspected(
    school, today: dt.date | None = None, *, school_class_id: int | None = None, teacher_id: int | None = None
) -> list[Journal]:
    """D12: the school's journals with no inspection recorded in the current calendar month, of one class or one
    teacher if asked (1 query)."""
    today = today or timezone.localdate()
    return list(
        Journal.objects.filter(_not_inspected(today), _journal_filter("", school_class_id, teacher_id))
        .filter(school=school, archived_at__isnull=True)
        .select_related("school_class", "subject", "subgroup", "teacher")
    )


def inspections_recent(
    school, limit: int = 30, *, school_class_id: int | None = None, teacher_id: int | None = None
) -> list[Inspection]:
    """D12: the latest inspections of the school, of one class's or one teacher's journals if asked: who, when,
    which journal, remarks (1 query)."""
    return list(
        Inspection.objects.filter(_journal_filter("journal__", school_class_id, teacher_id), school=school)
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


@dataclass
class PeriodWindow:
    """D7: a period and the last day its final grades may be set."""

    period: Period
    finals_close: dt.date


@dataclass
class Attention:
    """What the administration's overview leads with: journals behind the weekly deadline (D5, D8), classes whose
    data were not checked this month (D11) and journals not inspected this month (D12)."""

    journals_behind: list[Journal]
    checks_due: list[SchoolClass]
    not_inspected: int

    @property
    def total(self) -> int:
        return len(self.journals_behind) + len(self.checks_due) + self.not_inspected


@dataclass
class SchoolOverview:
    year: AcademicYear | None
    periods: list[PeriodWindow]
    classes: list[SchoolClass]
    staff: list[StaffMember]
    counts: dict[str, int]
    attention: Attention | None = None


def journals_behind(school, since: dt.date, today: dt.date) -> list[Journal]:
    """D5, D8: the open journals with lessons from `since` whose entry deadline has passed (the Monday after the
    lesson's week, `diary.calendar.entry_deadline`) and that still have no topic, or nothing entered (no mark and
    no attendance), as the Monday reminder counts them; each with `without_topic` and `without_entries` (2 queries).
    """
    # D5: a lesson's deadline is the Monday after its week; it has passed for every lesson before the Monday of the
    # week of yesterday (on a Monday, last week's lessons are still due today).
    cutoff = week_start(today - dt.timedelta(days=1))
    gaps = {
        row["journal_id"]: row
        for row in Lesson.objects.filter(
            school=school, date__gte=since, date__lt=cutoff, archived_at__isnull=True,
            journal__archived_at__isnull=True,
        )
        .annotate(entered=Exists(Mark.objects.filter(lesson_id=OuterRef("pk"))))
        .filter(Q(topic="") | Q(entered=False))
        .values("journal_id")
        .annotate(without_topic=Count("pk", filter=Q(topic="")), without_entries=Count("pk", filter=Q(entered=False)))
        .order_by()
    }  # fmt: skip
    journals = list(
        Journal.objects.filter(pk__in=gaps)
        .select_related("school_class", "subject", "subgroup", "teacher")
        .order_by("school_class__grade", "school_class__code", "subject__code", "pk")
    )
    for journal in journals:
        journal.without_topic = gaps[journal.pk]["without_topic"]
        journal.without_entries = gaps[journal.pk]["without_entries"]
    return journals


def school_overview(school, today: dt.date | None = None) -> SchoolOverview:
    """The administration's view of the school: what needs attention (`Attention`, during the academic year), then
    the setup: year, periods with their D7 windows, classes with their size, staff and totals, in a constant number
    of queries."""
    today = today or timezone.localdate()
    years = AcademicYear.objects.filter(school=school).order_by("-start")
    year = years.filter(start__lte=today, end__gte=today).first() or years.first()
    if year is None:
        return SchoolOverview(year=None, periods=[], classes=[], staff=[], counts={})
    window = dt.timedelta(days=school.final_window_days)
    periods = [
        PeriodWindow(period, period.end + window) for period in in_calendar_order(Period.objects.filter(year=year))
    ]
    current = Q(enrolments__date_from__lte=today) & (
        Q(enrolments__date_to__isnull=True) | Q(enrolments__date_to__gte=today)
    )
    checked = DataCheck.objects.filter(
        school_class=OuterRef("pk"), checked_on__year=today.year, checked_on__month=today.month
    )
    classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("homeroom_teacher")
        .annotate(
            students_now=Count("enrolments__student", filter=current, distinct=True),
            checked_this_month=Exists(checked),  # D11 (interpretation): a check in each calendar month
        )
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
    in_year = year.start <= today <= year.end
    attention = Attention(
        journals_behind=journals_behind(school, year.start, today) if in_year else [],
        checks_due=[school_class for school_class in classes if not school_class.checked_this_month] if in_year else [],
        not_inspected=Journal.objects.filter(_not_inspected(today), school=school, archived_at__isnull=True).count()
        if in_year
        else 0,
    )
    return SchoolOverview(year=year, periods=periods, classes=classes, staff=staff, counts=counts, attention=attention)


def school_teachers(school) -> list[StaffMember]:
    """The school's active teachers, for choosing a substitute or a subgroup's teacher (1 query)."""
    staff = StaffMember.objects.filter(school=school, archived_at__isnull=True)
    return [member for member in staff if member.has_role("teacher")]


def final_window_reopenings(school, limit: int = 50) -> list:
    """D7: the latest reopened final-grade windows of the school (1 query)."""
    return list(
        FinalWindowReopening.objects.filter(school=school)
        .select_related("journal__school_class", "journal__subject", "journal__subgroup", "period", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def school_classes_on(school, day: dt.date) -> list[SchoolClass]:
    """The school's classes of the academic year that holds `day`, by grade and code (a move's choices)."""
    return list(
        SchoolClass.objects.filter(school=school, year__start__lte=day, year__end__gte=day)
        .select_related("year")
        .order_by("grade", "code")
    )
