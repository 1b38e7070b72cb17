"""Django's health check of a persistent database connection, skipped while the connection has just proved healthy.

With `CONN_HEALTH_CHECKS` (cms/env.py), Django sends `SELECT 1` before the first query of every request that
reuses a connection, so that a connection the database dropped (a restart, a failover) is opened again instead of
failing the request. Under load that is one more round trip per request, on a connection that served the previous
request a millisecond ago. As connection pools do (HikariCP's "alive bypass window"), the check is skipped when
the connection finished its last request without a database error less than `RECENTLY_HEALTHY_SECONDS` ago; an
idle connection is checked as before. A database restart takes longer than that window, so the first request
after it still finds every reused connection checked.
"""

from time import monotonic

from django.core.signals import request_finished, request_started
from django.db import connections

RECENTLY_HEALTHY_SECONDS = 1.0


def _healthy_at_finish(**kwargs) -> None:
    """What is still open without a database error is healthy; outside requests, Django's check applies as set."""
    now = monotonic()
    for connection in connections.all(initialized_only=True):
        healthy = connection.connection is not None and not connection.errors_occurred
        connection.mektep_healthy_at = now if healthy else None
        connection.health_check_enabled = connection.settings_dict["CONN_HEALTH_CHECKS"]


def _skip_recent_check(**kwargs) -> None:
    """A connection healthy a moment ago is not checked in this request. The check is turned off for the request
    rather than marked done, which Django's own start-of-request receiver undoes, whichever runs first."""
    now = monotonic()
    for connection in connections.all(initialized_only=True):
        healthy_at = getattr(connection, "mektep_healthy_at", None)
        recent = healthy_at is not None and now - healthy_at < RECENTLY_HEALTHY_SECONDS
        connection.health_check_enabled = connection.settings_dict["CONN_HEALTH_CHECKS"] and not recent


def connect() -> None:
    request_finished.connect(_healthy_at_finish, dispatch_uid="mektep-healthy-at-finish")
    request_started.connect(_skip_recent_check, dispatch_uid="mektep-skip-recent-health-check")
