"""The periodic sweep (D14): one pass over every school that queues whatever work is due."""

import logging
from collections.abc import Callable

from diary.models import School

logger = logging.getLogger(__name__)

# Each finder takes a School and returns the names of the work items it queued for it.
# Reports and reminders register their finders here.
DUE_WORK_FINDERS: list[Callable[[School], list[str]]] = []


def sweep_run() -> dict:
    queued: list[str] = []
    schools = list(School.objects.order_by("pk"))
    for school in schools:
        for finder in DUE_WORK_FINDERS:
            queued.extend(finder(school))
    logger.info("Sweep checked %d school(s), queued %d task(s).", len(schools), len(queued))
    return {"schools": len(schools), "queued": queued}
