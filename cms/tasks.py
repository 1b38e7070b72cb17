"""The background-task backend of Wagtail's own tasks (search index, reference index): Django's immediate one, able to
hold repeats back while many pages are built.

Wagtail queues both index updates on every save of a page, and a new published page is saved more than once
(created, then published; three times by Wagtail's own save_revision().publish()): a new school's fifteen pages
would be indexed thirty times or more, each time re-reading the whole search index for its title norms. Inside
`tasks_held()` each distinct task (same task, same arguments) is run once, at the end, in the order first asked
for; outside it, tasks run at once as before.
"""

import contextlib
import functools
import json
import threading

from django_tasks.backends.immediate import ImmediateBackend as DjangoImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

_held = threading.local()


class ImmediateBackend(DjangoImmediateBackend):
    def enqueue(self, task, args, kwargs):
        held = getattr(_held, "tasks", None)
        if held is None:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        # Task arguments are JSON by contract, so their JSON tells repeats apart.
        key = (self.alias, task.module_path, json.dumps([args, kwargs], sort_keys=True, default=str))
        held.setdefault(key, (self, task, args, kwargs))
        return TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )


@contextlib.contextmanager
def _holding():
    if getattr(_held, "tasks", None) is not None:  # an outer block runs them
        yield
        return
    _held.tasks = {}
    try:
        yield
        while _held.tasks:  # a task may ask for more tasks: they are run too, once each
            batch, _held.tasks = _held.tasks, {}
            for backend, task, args, kwargs in batch.values():
                DjangoImmediateBackend.enqueue(backend, task, args, kwargs)
    finally:
        _held.tasks = None


def tasks_held(function=None):
    """Context manager or decorator: immediate tasks asked for inside run once each when the block ends without an
    error (and are dropped with the block's changes when it raises)."""
    if function is None:
        return _holding()

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with _holding():
            return function(*args, **kwargs)

    return wrapper
