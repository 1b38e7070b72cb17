"""Celery tasks: thin wrappers that take ids and call one service (schedules live in celery_app.py)."""

import logging

from celery import shared_task
from django.db import OperationalError

from diary.services.reports import ReportRunBusy, abandoned_after, report_build
from diary.services.sweep import sweep_run

logger = logging.getLogger(__name__)


@shared_task(name="diary.tasks.sweep", acks_late=True, time_limit=300, soft_time_limit=240)
def sweep() -> dict:
    """The periodic sweep: find every piece of due work for every school and queue it."""
    return sweep_run()


@shared_task(
    bind=True,
    name="diary.tasks.build_report",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=30 * 60,
    soft_time_limit=25 * 60,
)
def build_report(self, run_id: int) -> str | None:
    """D14: builds one report run; a second delivery of the same run does nothing (claimed once).

    While another worker holds the run, this delivery waits and tries again: if that worker died, the run is
    taken over once it has been abandoned long enough.
    """
    try:
        run = report_build(run_id=run_id)
    except ReportRunBusy as busy:
        countdown = max(1, min(60, int(abandoned_after().total_seconds() / 2)))
        raise self.retry(exc=busy, countdown=countdown, max_retries=100) from busy
    return run.status if run is not None else None
