"""The administration's screens: the school's overview, substitutions (D6), inspections (D12), reopened windows (D7)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from diary.models import (
    AcademicYear,
    FinalWindowReopening,
    Guardian,
    Inspection,
    Journal,
    Period,
    SchoolClass,
    StaffMember,
    Substitution,
)
from diary.selectors.periods import in_calendar_order


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
    periods = [
        PeriodWindow(period, period.end + window) for period in in_calendar_order(Period.objects.filter(year=year))
    ]
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
