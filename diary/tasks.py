"""Celery tasks: thin wrappers that take ids and call one service (schedules live in celery_app.py)."""

import logging

from celery import shared_task

from diary.services.sweep import sweep_run

logger = logging.getLogger(__name__)


@shared_task(name="diary.tasks.sweep", acks_late=True, time_limit=300, soft_time_limit=240)
def sweep() -> dict:
    """The periodic sweep: find every piece of due work for every school and queue it."""
    return sweep_run()
