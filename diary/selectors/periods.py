"""The school's academic years and periods, and the period a page or an API request names (D3)."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy

from diary.models import (
    AcademicYear,
    Period,
)

# A school's periods in the cache: an hour, and never past a change of its data version (which makes a new key).
PERIODS_SECONDS = 60 * 60


def in_calendar_order(periods) -> list[Period]:
    """A year's periods as they are listed everywhere: quarters in calendar order, then half-years, then the year."""
    return sorted(periods, key=lambda period: period.calendar_key)


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
    return in_calendar_order(Period.objects.filter(year_id=Subquery(year)))


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
    periods = in_calendar_order(Period.objects.filter(school=school, year__start__year=int(match.group(1))))
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


def school_periods(school) -> list[Period]:
    """Every period of the school with its academic year, year by year in calendar order (1 query)."""
    periods = Period.objects.filter(school=school).select_related("year")
    return sorted(periods, key=lambda period: (period.year.start, period.calendar_key))
