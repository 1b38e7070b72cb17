"""A reused database connection is health-checked at the start of a request unless it finished a request cleanly
less than a second ago (cms/connections.py); a connection the database dropped is still opened again."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, connections

from cms import connections as health
from diary.models import School


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(health, "monotonic", clock)
    return clock


@pytest.fixture
def checks(monkeypatch):
    """How many times Django asked the database whether the connection still works."""
    asked = []
    wrapper_class = type(connections["default"])
    original = wrapper_class.is_usable

    def is_usable(self):
        asked.append(self.alias)
        return original(self)

    monkeypatch.setattr(wrapper_class, "is_usable", is_usable)
    return asked


def a_request() -> int:
    """What a WSGI server does around a request (the test client leaves Django's receivers out); one query."""
    request_started.send(sender=None, environ={})
    try:
        return School.objects.count()
    finally:
        request_finished.send(sender=None)


# A transaction around the test would make Django close the connection at the end of a request.
pytestmark = pytest.mark.django_db(transaction=True)


def assert_checked_only_once_idle(clock, checks) -> None:
    a_request()  # opens the connection (a new connection needs no check)
    checks.clear()
    for _ in range(5):
        clock.now += 0.2
        a_request()
    assert checks == []
    clock.now += health.RECENTLY_HEALTHY_SECONDS + 0.1
    a_request()
    assert checks == ["default"]


def test_a_connection_busy_a_moment_ago_is_not_checked_and_an_idle_one_is(clock, checks):
    assert_checked_only_once_idle(clock, checks)


def test_a_request_with_a_database_error_has_its_connection_checked_before_the_next(clock, checks):
    a_request()
    checks.clear()
    request_started.send(sender=None, environ={})
    connection.errors_occurred = True  # what a failed query leaves behind
    request_finished.send(sender=None)
    clock.now += 0.1
    assert a_request() >= 0
    # Checked at the end of that request (Django's receiver), or again before the next query when Django's
    # receiver runs after ours: never trusted on the strength of the window.
    assert checks and set(checks) == {"default"}


def test_a_connection_the_database_dropped_is_opened_again_once_idle(clock):
    assert a_request() >= 0
    if connection.vendor == "postgresql":  # SQLite has no server to drop the connection
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
            password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True,
        ) as other:  # fmt: skip
            backend = connection.connection.info.backend_pid
            other.execute("SELECT pg_terminate_backend(%s)", [backend])
        clock.now += health.RECENTLY_HEALTHY_SECONDS + 0.1
        assert a_request() >= 0
        assert connection.connection.info.backend_pid != backend


def test_the_order_of_the_request_receivers_does_not_matter(clock, checks):
    """Django's test client, for one, connects Django's own receiver again after ours."""
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        signal.connect(close_old_connections)
    assert_checked_only_once_idle(clock, checks)
