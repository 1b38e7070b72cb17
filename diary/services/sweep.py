"""The periodic sweep (D14): one pass over every school that queues whatever work is due."""

import logging
from collections.abc import Callable

from wagtail.models import Site

logger = logging.getLogger(__name__)

# Each finder takes a Site and returns the names of the work items it queued for it.
# Reports and reminders register their finders here.
DUE_WORK_FINDERS: list[Callable[[Site], list[str]]] = []


def sweep_run() -> dict:
    queued: list[str] = []
    sites = list(Site.objects.order_by("pk"))
    for site in sites:
        for finder in DUE_WORK_FINDERS:
            queued.extend(finder(site))
    logger.info("Sweep checked %d school site(s), queued %d task(s).", len(sites), len(queued))
    return {"sites": len(sites), "queued": queued}
