"""The database router (cms/db_router.py): lag-tolerant reads on the replica, read-your-writes, replica-down fallback.

The decisions are tested here with a stand-in view that asks the router; `make test-topology` runs the same code
against a real PostgreSQL primary and hot standby.
"""

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from wagtail.models import Page

from cms import db_router
from cms.db_router import PRIMARY, REPLICA, ReplicaReadMiddleware, ReplicaRouter

FAMILY_WEEK = "/ky/diary/students/7/week/"
JOURNAL = "/ky/diary/journals/3/"
router = ReplicaRouter()


@pytest.fixture
def replica(monkeypatch):
    """A replica configured and answering; `replica.up = False` takes it away."""

    class Replica:
        up = True

    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router, "replica_available", lambda: Replica.up)
    return Replica


def serve(method: str, path: str, *, session: str | None = "abc", write: bool = False, reads=(Page,)):
    """One request through the middleware; the view reads the given models (and writes first if asked)."""
    seen = []

    def view(request):
        if write:
            router.db_for_write(Page)
        seen.extend(router.db_for_read(model) for model in reads)
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method.lower())(path)
    if session:
        request.COOKIES["sessionid"] = session
    ReplicaReadMiddleware(view)(request)
    return seen


def test_a_family_reading_its_week_reads_from_the_replica(replica):
    assert serve("GET", FAMILY_WEEK) == [REPLICA]


def test_public_pages_and_report_downloads_read_from_the_replica(replica):
    assert serve("GET", "/ru/info/staff/", session=None) == [REPLICA]
    assert serve("GET", "/api/v2/pages/", session=None) == [REPLICA]
    assert serve("GET", "/api/diary/v1/reports/5/files/xlsx/") == [REPLICA]


def test_a_teachers_journal_and_every_write_go_to_the_primary(replica):
    assert serve("GET", JOURNAL) == [PRIMARY]
    assert serve("POST", FAMILY_WEEK) == [PRIMARY]


def test_sessions_are_always_read_from_the_primary(replica):
    assert serve("GET", FAMILY_WEEK, reads=(Session, Page)) == [PRIMARY, REPLICA]


def test_a_request_that_wrote_reads_its_own_writes_from_the_primary(replica):
    assert serve("GET", FAMILY_WEEK, write=True) == [PRIMARY]


def test_a_session_that_just_wrote_reads_from_the_primary_for_a_while(replica, settings):
    settings.MEKTEP_REPLICA_PIN_SECONDS = 30
    serve("POST", "/api/diary/v1/journals/3/marks/", session="teacher-session")
    assert serve("GET", FAMILY_WEEK, session="teacher-session") == [PRIMARY]
    # Someone else is not held back by that write.
    assert serve("GET", FAMILY_WEEK, session="parent-session") == [REPLICA]


def test_a_replica_that_is_down_sends_reads_to_the_primary(replica):
    replica.up = False
    assert serve("GET", FAMILY_WEEK) == [PRIMARY]


def test_without_a_replica_every_read_goes_to_the_primary():
    assert serve("GET", FAMILY_WEEK) == [PRIMARY]


def test_a_read_the_replica_failed_half_way_is_answered_again_from_the_primary(replica, monkeypatch):
    monkeypatch.setattr(db_router, "replica_failed", lambda error: None)
    answers = []

    def view(request):
        database = router.db_for_read(Page)
        answers.append(database)
        if database == REPLICA:
            raise OperationalError("terminating connection due to administrator command")
        return HttpResponse(database)

    middleware = ReplicaReadMiddleware(view)

    def handled(request):
        # What Django's handler does around a view: process_exception, then a 500 page.
        try:
            return view(request)
        except OperationalError as error:
            middleware.process_exception(request, error)
            return HttpResponse(status=500)

    middleware.get_response = handled
    response = middleware(RequestFactory().get(FAMILY_WEEK))
    assert answers == [REPLICA, PRIMARY]
    assert response.status_code == 200
    assert response.content == PRIMARY.encode()


def test_outside_a_request_tasks_and_commands_use_the_primary(replica):
    assert router.db_for_read(Page) == PRIMARY
    assert router.db_for_write(Page) == PRIMARY


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(PRIMARY, "diary") is True
    assert router.allow_migrate(REPLICA, "diary") is False


def test_after_a_publish_the_public_site_reads_from_the_primary_for_a_while(replica, settings):
    settings.MEKTEP_REPLICA_PIN_SECONDS = 30
    db_router.publish_pin()
    assert serve("GET", "/ky/news/", session=None) == [PRIMARY]
    # Families' reads do not depend on what editors publish.
    assert serve("GET", FAMILY_WEEK) == [REPLICA]
