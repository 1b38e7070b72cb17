"""Celery tasks: thin wrappers that take ids and call one service (schedules live in celery_app.py).

Each task imports its service in its body: services name the tasks they queue (diary/services/background.py)
and never import this module, so imports run one way.
"""

import logging

from celery import shared_task
from django.db import OperationalError

from diary.services.background import BUILD_REPORT_TASK, SWEEP_TASK

logger = logging.getLogger(__name__)


@shared_task(name=SWEEP_TASK, acks_late=True, time_limit=300, soft_time_limit=240)
def sweep() -> dict:
    """The periodic sweep: find every piece of due work for every school and queue it."""
    from diary.services.sweep import sweep_run

    return sweep_run()


@shared_task(
    bind=True,
    name=BUILD_REPORT_TASK,
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
    from diary.services.reports import ReportRunBusy, abandoned_after, report_build

    try:
        run = report_build(run_id=run_id)
    except ReportRunBusy as busy:
        countdown = max(1, min(60, int(abandoned_after().total_seconds() / 2)))
        raise self.retry(exc=busy, countdown=countdown, max_retries=100) from busy
    return run.status if run is not None else None
