"""Dates the rules depend on: the D5 Monday deadline and the D7 final-grade window."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from diary.exceptions import DiaryValidationError


def entry_deadline(lesson_date: dt.date) -> dt.date:
    """D5: marks for a week's lessons are due by the Monday of the following week (inclusive)."""
    return lesson_date + dt.timedelta(days=7 - lesson_date.weekday())


def is_late_entry(lesson_date: dt.date, at: dt.datetime) -> bool:
    """D5: an entry made after the deadline Monday is allowed but recorded as late."""
    return timezone.localdate(at) > entry_deadline(lesson_date)


# D7 *(interpretation)*: lessons are stored by date and number, and no bell schedule is kept; the school day is
# taken to follow the usual rhythm of 45-minute lessons with 10-minute breaks from 08:00 (school time).
FIRST_LESSON_STARTS = dt.time(8, 0)
LESSON_MINUTES = 45
BREAK_MINUTES = 10


def lesson_ends_at(day: dt.date, lesson_no: int) -> dt.datetime:
    """When lesson `lesson_no` of `day` is over, in the school's time zone."""
    starts = dt.datetime.combine(day, FIRST_LESSON_STARTS, tzinfo=timezone.get_default_timezone())
    return starts + dt.timedelta(minutes=(max(lesson_no, 1) - 1) * (LESSON_MINUTES + BREAK_MINUTES) + LESSON_MINUTES)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def iso_week_start(text: str) -> dt.date:
    """The Monday of an ISO week written `2026-W47` (how pages and the API name a week); anything else is a
    DiaryValidationError, never a 500."""
    try:
        year, number = str(text).strip().upper().split("-W")
        if not dt.MINYEAR < int(year) < dt.MAXYEAR:  # the weeks before and after must exist too
            raise ValueError(year)
        return dt.date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        raise DiaryValidationError(
            _("Unknown week."), fields={"week": [_("Write the week as YYYY-Www, e.g. 2026-W47.")]}
        ) from None


def iso_week_name(day: dt.date) -> str:
    """`2026-W47` for any day of that week."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def local_date(day: dt.date) -> str:
    """A date in a message, as the reader's language writes it in short (30.11.2026)."""
    return date_format(day, "SHORT_DATE_FORMAT")


def month_label(value: str | dt.date | None) -> str:
    """A month as a reader names it in the active language (`ноябрь 2026`); `2026-11` is how reports and the API
    name it. Anything that is not a month is returned as it is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(f"{value}-01")
        except ValueError:
            return value
    if value is None:
        return ""
    return date_format(value, "YEAR_MONTH_FORMAT")
