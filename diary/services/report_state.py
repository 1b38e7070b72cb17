"""D14: the state of the data a report is built from, and when a report's figures stop changing.

A report run remembers the state of its data (`ReportRun.data_state`). The state is read in a few aggregate queries
over what the report counts; every row it reads is append-only or raises a version when it changes:
- the school's `data_version` (classes, enrolments, subgroups, staff, students, subjects, periods, the scale:
  diary/services/freshness.py);
- the audit trail (D16) of the period's lessons and final grades, or of the month: every change to a mark,
  attendance, topic, homework, final grade or final-grade window adds an entry, and entries are never changed;
- the data checks (D11), journal inspections (D12), internal mail (D11, D13) and logins of those dates;
- the day, while the period or month is still running (the compliance report counts the lessons held so far).

Asking for a report whose state equals a run's state gives that run; asking after the state changed, a new run.
"""

import datetime as dt
import hashlib

from django.db.models import Count, Max, Q
from django.utils import timezone

from diary.models import (
    AuditEntry,
    DataCheck,
    FinalWindowReopening,
    Inspection,
    LoginEvent,
    Message,
    Period,
    School,
)


def _counted(queryset) -> tuple[int, int]:
    """How many rows and the highest id: rows are only ever added, so any addition changes the pair."""
    found = queryset.aggregate(n=Count("pk"), last=Max("pk"))
    return found["n"], found["last"] or 0


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """The first and the last day of the month `YYYY-MM`."""
    year, number = (int(part) for part in month.split("-"))
    first = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def report_data_state(*, school: School, kind: str, period: Period | None, month: str) -> str:
    """D14: a short fingerprint of everything the report counts, as it is now."""
    school_version = School.objects.filter(pk=school.pk).values_list("data_version", flat=True).first()
    today = timezone.localdate()
    if period is not None:
        start, end = period.start, period.end
        audit = AuditEntry.objects.filter(school=school).filter(
            Q(lesson__date__gte=start, lesson__date__lte=end) | Q(period=period)
        )
    else:
        start, end = month_days(month)
        audit = AuditEntry.objects.filter(school=school, at__date__gte=start, at__date__lte=end)
    parts: list = [kind, school_version, *_counted(audit), today if today <= end else None]
    if kind != "progress":
        parts += [
            *_counted(DataCheck.objects.filter(school=school, checked_on__gte=start, checked_on__lte=end)),
            *_counted(Inspection.objects.filter(school=school, at__date__gte=start, at__date__lte=end)),
            *_counted(Message.objects.filter(school=school, created_at__date__gte=start, created_at__date__lte=end)),
        ]
    if kind == "activity":
        parts += _counted(LoginEvent.objects.filter(school=school, at__date__gte=start, at__date__lte=end))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def final_window_closes(period: Period) -> dt.date:
    """D7: the last day final grades of the period may be set: the period's end plus the school's window, or the
    latest day a reopened window runs to."""
    regular = period.end + dt.timedelta(days=period.school.final_window_days)
    reopened = FinalWindowReopening.objects.filter(period=period).aggregate(until=Max("until"))["until"]
    return max(regular, reopened) if reopened else regular


def report_closes(*, period: Period | None, month: str) -> dt.date:
    """D14: the last day a report's figures may still change: the period's final-grade window (D7), or the month."""
    if period is not None:
        return final_window_closes(period)
    return month_days(month)[1]


def official_generation(period: Period) -> int:
    """D7, D14: which reopenings of the period's final-grade window the official run includes (the latest one's id):
    a new reopening means a new official run once its window has closed too."""
    return FinalWindowReopening.objects.filter(period=period).aggregate(last=Max("pk"))["last"] or 0
