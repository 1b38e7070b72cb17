"""cms.tasks: Wagtail's index updates run at once, except inside `tasks_held()`, where each runs once at the end."""

from collections import Counter

import pytest
from django.db import transaction
from django_tasks import task
from django_tasks.signals import task_enqueued
from wagtail.models import Page

from cms.services.disclosure import site_structure_ensure
from cms.services.sites import school_site_ensure
from cms.tasks import tasks_held

pytestmark = pytest.mark.django_db
CALLS: list[str] = []


@task()
def remember(value: str) -> None:
    CALLS.append(value)
    if value == "asks for more":
        remember.enqueue("asked for by a task")


@pytest.fixture(autouse=True)
def calls():
    CALLS.clear()
    yield CALLS
    CALLS.clear()


@pytest.fixture
def tasks_run():
    """(task, arguments) of every task run, in order."""
    run = []

    def record(sender, task_result, **kwargs):
        run.append((task_result.task.module_path, tuple(task_result.args)))

    task_enqueued.connect(record)
    yield run
    task_enqueued.disconnect(record)


def test_outside_a_held_block_a_task_runs_when_asked_for(calls):
    remember.enqueue("now")
    assert calls == ["now"]


def test_a_held_block_runs_each_task_once_at_its_end_in_the_order_first_asked(calls):
    with tasks_held():
        remember.enqueue("b")
        remember.enqueue("a")
        remember.enqueue("b")
        assert calls == []
    assert calls == ["b", "a"]


def test_an_inner_held_block_leaves_the_tasks_to_the_outer_one(calls):
    with tasks_held():
        with tasks_held():
            remember.enqueue("inner")
        assert calls == []
        remember.enqueue("inner")
    assert calls == ["inner"]


def test_tasks_asked_for_by_held_tasks_run_too(calls):
    with tasks_held():
        remember.enqueue("asks for more")
    assert calls == ["asks for more", "asked for by a task"]


def test_a_block_that_fails_drops_its_tasks_and_the_next_task_runs_at_once(calls):
    with pytest.raises(ZeroDivisionError), tasks_held():
        remember.enqueue("dropped")
        1 / 0  # noqa: B018
    assert calls == []
    remember.enqueue("after")
    assert calls == ["after"]


def test_a_new_school_site_indexes_each_page_once_and_its_pages_are_found_by_search(tasks_run):
    before = set(Page.objects.values_list("pk", flat=True))  # with the tree's root, made here if missing
    with transaction.atomic():
        site = school_site_ensure(hostname="new-school.localhost", title_ky="Жаңы мектеп", title_ru="Новая школа")
        site_structure_ensure(site=site)
    created = set(Page.objects.filter(depth__gt=1).values_list("pk", flat=True)) - before
    assert len(created) == 15  # home, info and its ten sections, news, feedback, site map

    counts = Counter(tasks_run)
    assert all(count == 1 for count in counts.values()), [key for key, count in counts.items() if count > 1]
    for index_task in ("modelsearch.tasks.insert_or_update_object_task", "wagtail.tasks.update_reference_index_task"):
        assert {int(args[2]) for path, args in counts if path == index_task} >= created

    found = Page.objects.live().descendant_of(site.root_page, inclusive=True).search("Новая школа")
    assert [page.pk for page in found] == [site.root_page_id]
