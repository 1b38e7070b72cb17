"""The periodic sweep (D14): one pass over every school that queues whatever work is due."""

import logging
from collections.abc import Callable

from django.db import transaction

from diary.models import School
from diary.services.background import BUILD_REPORT_TASK, task_enqueue
from diary.services.reminders import data_check_remind, finals_remind, inspection_remind, weekly_entries_remind
from diary.services.reports import due_report_runs

logger = logging.getLogger(__name__)


def reports_due_queue(school: School) -> list[str]:
    """D14: queues a build of every report that is due for the school and not built yet."""
    runs = due_report_runs(school=school)
    for run in runs:
        transaction.on_commit(lambda run_id=run.pk: task_enqueue(BUILD_REPORT_TASK, run_id))
    return [run.key for run in runs]


def reminders_send(school: School) -> list[str]:
    """D5, D7, D11, D12: the reminders that are due now, each sent once."""
    return weekly_entries_remind(school) + finals_remind(school) + data_check_remind(school) + inspection_remind(school)


# Each finder takes a School and returns the names of the work items it queued (or sent) for it.
DUE_WORK_FINDERS: list[Callable[[School], list[str]]] = [reports_due_queue, reminders_send]


@transaction.atomic
def sweep_run() -> dict:
    queued: list[str] = []
    schools = list(School.objects.order_by("pk"))
    for school in schools:
        for finder in DUE_WORK_FINDERS:
            # One school's or one finder's failure is logged and undone alone; the sweep goes on with the rest.
            try:
                with transaction.atomic():
                    queued.extend(finder(school))
            except Exception:
                logger.exception("Sweep: %s failed for school %s", finder.__name__, school.code)
    logger.info("Sweep checked %d school(s), queued %d task(s).", len(schools), len(queued))
    return {"schools": len(schools), "queued": queued}
