"""Report runs (D14): asking for a report records one run per (school, kind, period or month)."""

import datetime as dt
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import Period, ReportRun, School
from diary.permissions import is_administration, staff_member_of
from diary.services.report_progress import progress_summary

MONTH_PATTERN = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def report_key(*, school: School, kind: str, period: Period | None, month: str) -> str:
    return f"{school.pk}:{kind}:{period.key if period else month}"


@transaction.atomic
def report_request(*, actor, school: School, kind: str, period: Period | None = None, month: str = "") -> ReportRun:
    """The run for this report, created the first time it is asked for; asking again returns the same run."""
    staff = staff_member_of(actor, school)
    if staff is None:
        raise DiaryPermissionDenied(_("Only the school's staff may ask for reports."))
    if kind not in ReportRun.Kind.values:
        raise DiaryValidationError(
            _("Unknown report."), fields={"kind": [_("Choose activity, progress or compliance.")]}
        )
    if kind == ReportRun.Kind.ACTIVITY:
        if not is_administration(actor, school):
            raise DiaryPermissionDenied(_("Only the administration may ask for the activity report."))
        if not MONTH_PATTERN.match(month or ""):
            raise DiaryValidationError(_("Unknown report."), fields={"month": [_("Give a month as YYYY-MM.")]})
        period = None
    else:
        if period is None:
            raise DiaryValidationError(_("Unknown report."), fields={"period": [_("Choose a period.")]})
        month = ""
    key = report_key(school=school, kind=kind, period=period, month=month)
    run = ReportRun.objects.filter(key=key).first()
    if run is not None:
        return run
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(
                school=school, kind=kind, period=period, month=month, key=key, requested_by=actor
            )
    except IntegrityError:
        return ReportRun.objects.get(key=key)
    from diary.tasks import build_report  # the task module imports this one

    transaction.on_commit(lambda: build_report.delay(run.pk))
    return run


# Kinds that can be built so far; the others stay pending until their builder exists.
BUILDERS = {
    ReportRun.Kind.PROGRESS: lambda run: progress_summary(period=run.period),
}
# A run left "running" longer than the task's hard time limit belonged to a worker that died.
ABANDONED_AFTER = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def report_run_claim(*, run_id: int) -> ReportRun | None:
    """Claims a run for building with one conditional update, so that two workers never build the same run."""
    now = timezone.now()
    claimable = Q(status__in=[ReportRun.Status.PENDING, ReportRun.Status.FAILED]) | Q(
        status=ReportRun.Status.RUNNING, updated_at__lt=now - ABANDONED_AFTER
    )
    claimed = ReportRun.objects.filter(claimable, pk=run_id).update(status=ReportRun.Status.RUNNING, updated_at=now)
    return ReportRun.objects.select_related("period", "school").get(pk=run_id) if claimed else None


def report_build(*, run_id: int) -> ReportRun | None:
    """D14: builds one run's summary exactly once; None when it is done already or being built elsewhere."""
    run = report_run_claim(run_id=run_id)
    if run is None:
        return None
    builder = BUILDERS.get(run.kind)
    if builder is None:
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.PENDING)
        return run
    try:
        summary = builder(run)
    except Exception:
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.FAILED)
        raise
    run.summary = summary
    run.status = ReportRun.Status.DONE
    run.save(update_fields=["summary", "status", "updated_at"])
    return run


def due_report_runs(*, school: School, today: dt.date | None = None) -> list[ReportRun]:
    """D14, D7: a period's progress report is due once the period ended and its final-grade window closed."""
    today = today or timezone.localdate()
    closed_before = today - dt.timedelta(days=school.final_window_days)
    due = []
    for period in Period.objects.filter(school=school, end__lt=closed_before):
        key = report_key(school=school, kind=ReportRun.Kind.PROGRESS, period=period, month="")
        run, _created = ReportRun.objects.get_or_create(
            key=key, defaults={"school": school, "kind": ReportRun.Kind.PROGRESS, "period": period}
        )
        if run.status != ReportRun.Status.DONE:
            due.append(run)
    return due
