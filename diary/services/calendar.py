"""Dates the rules depend on: the D5 Monday deadline and the D7 final-grade window."""

import datetime as dt

from django.utils import timezone


def entry_deadline(lesson_date: dt.date) -> dt.date:
    """D5: marks for a week's lessons are due by the Monday of the following week (inclusive)."""
    return lesson_date + dt.timedelta(days=7 - lesson_date.weekday())


def is_late_entry(lesson_date: dt.date, at: dt.datetime) -> bool:
    """D5: an entry made after the deadline Monday is allowed but recorded as late."""
    return timezone.localdate(at) > entry_deadline(lesson_date)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
