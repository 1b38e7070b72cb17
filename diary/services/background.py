"""Handing work to the background workers from a web request (D14) without ever failing or stalling the request."""

import logging

from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# One quick retry: a web request that asks for a report must not wait for a broker that is down. The work is not
# lost: the run stays `pending` in the database and the periodic sweep queues every due run that is not done.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def task_enqueue(task, *args) -> bool:
    """Queues `task(*args)`; with the broker unreachable, logs it and returns False instead of raising.

    The result is not kept (`ignore_result`): tasks record their outcome in the database, and subscribing to a
    result store that is down would hold the request for many seconds.
    """
    try:
        task.apply_async(args, ignore_result=True, retry=True, retry_policy=PUBLISH_RETRY)
    except (BrokerUnavailable, RedisError, OSError) as error:
        logger.warning("Could not queue %s%r: %s; the sweep will queue it again", task.name, args, error)
        return False
    return True
