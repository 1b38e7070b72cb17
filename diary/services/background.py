"""Handing work to the background workers from a web request (D14) without ever failing or stalling the request."""

import logging

from celery import signature
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The names the task modules register (diary/tasks.py).
SWEEP_TASK = "diary.tasks.sweep"
BUILD_REPORT_TASK = "diary.tasks.build_report"

# One quick retry: a web request that asks for a report must not wait for a broker that is down. The work is not
# lost: the run stays `pending` in the database and the periodic sweep queues every due run that is not done.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def task_enqueue(task_name: str, *args) -> bool:
    """Queues the task named `task_name` with `args`; with the broker unreachable, logs it and returns False
    instead of raising.

    Tasks are named, not imported: the task modules import their services, never the other way round. The
    result is not kept (`ignore_result`): tasks record their outcome in the database, and subscribing to a
    result store that is down would hold the request for many seconds.
    """
    try:
        signature(task_name, args=args).apply_async(ignore_result=True, retry=True, retry_policy=PUBLISH_RETRY)
    except (BrokerUnavailable, RedisError, OSError) as error:
        logger.warning("Could not queue %s%r: %s; the sweep will queue it again", task_name, args, error)
        return False
    return True
