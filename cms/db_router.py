"""Reads that tolerate a little lag go to the PostgreSQL hot standby (the `replica` database); everything else to
the primary.

A request may read from the replica only when ``ReplicaReadMiddleware`` allows it: a GET or HEAD of an address in
``MEKTEP_REPLICA_PATHS`` (public pages, the families' diary reads, report downloads), from a session or token that
has not written in the last ``MEKTEP_REPLICA_PIN_SECONDS`` (read-your-writes across requests and nodes: the pin is
kept in the shared cache). Once a request writes, the rest of it reads from the primary. Sessions, tokens and
lockouts are always read from the primary. A replica that cannot be reached is skipped for
``MEKTEP_REPLICA_RETRY_SECONDS``, and a read request that the replica failed half-way is answered again from the
primary: losing the replica costs nothing but load on the primary.

Background tasks and management commands run outside any request, so they always use the primary.
"""

import contextvars
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
SAFE_METHODS = ("GET", "HEAD")
# Set for a while after every publish: the public site is read from the primary until the replica has the change,
# so that the page cache is never filled from a replica that is one publish behind (cms/cache.py).
PUBLISH_PIN_KEY = "mektep:db-pin:publish"
DIARY_PATH = re.compile(r"^/(ky|ru)/diary/|^/api/diary/")
# Read on the primary whatever the request: a fresh login must find its session and token at once.
PRIMARY_ONLY_APPS = {"sessions", "axes"}
PRIMARY_ONLY_MODELS = {"diary.apitoken", "diary.accountsession", "auth.user"}


@dataclass
class RequestDatabases:
    replica_allowed: bool
    wrote: bool = False
    used_replica: bool = False
    replica_failed: bool = False


_request = contextvars.ContextVar("mektep_request_databases", default=None)
_replica_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@memoize
def _replica_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


def replica_path(path: str) -> bool:
    return any(pattern.match(path) for pattern in _replica_patterns(tuple(settings.MEKTEP_REPLICA_PATHS)))


def replica_available() -> bool:
    """Whether the replica answers now (checked once per request, skipped for a while after a failure)."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    connection = connections[REPLICA]
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except DatabaseError as error:
        replica_failed(error)
        return False
    return True


def replica_failed(error: Exception) -> None:
    global _replica_down_until
    _replica_down_until = time.monotonic() + settings.MEKTEP_REPLICA_RETRY_SECONDS
    logger.warning("replica unavailable, reading from the primary for %ss: %s", settings.MEKTEP_REPLICA_RETRY_SECONDS,
                   error)  # fmt: skip
    connections[REPLICA].close()


def publish_pin() -> None:
    """After a publish: the public site reads from the primary for MEKTEP_REPLICA_PIN_SECONDS."""
    if replica_configured():
        cache.set(PUBLISH_PIN_KEY, 1, settings.MEKTEP_REPLICA_PIN_SECONDS)


class ReplicaRouter:
    """DATABASE_ROUTERS entry, active when a `replica` database is configured (DATABASE_REPLICA_URL)."""

    def db_for_read(self, model, **hints):
        state = _request.get()
        if state is None or not state.replica_allowed or state.wrote:
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS or model._meta.label_lower in PRIMARY_ONLY_MODELS:
            return PRIMARY
        if not state.used_replica:
            if not replica_available():
                state.replica_allowed = False
                return PRIMARY
            state.used_replica = True
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read from either may refer to one read from the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def pin_key(request) -> str | None:
    """Who is reading: the session cookie or the API token, hashed (never stored as they are)."""
    credential = request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.META.get("HTTP_AUTHORIZATION")
    if not credential:
        return None
    return "mektep:db-pin:" + hashlib.sha256(credential.encode()).hexdigest()[:32]


class ReplicaReadMiddleware:
    """Decides, per request, whether its reads may go to the replica (read-your-writes), and answers a read again
    from the primary when the replica failed under it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        key = pin_key(request)
        allowed = request.method in SAFE_METHODS and replica_path(request.path_info)
        if allowed:
            pins = [key] if key is not None else []
            if not DIARY_PATH.match(request.path_info):
                pins.append(PUBLISH_PIN_KEY)
            allowed = not (pins and any(cache.get_many(pins).values()))
        state = RequestDatabases(replica_allowed=allowed)
        token = _request.set(state)
        try:
            response = self.get_response(request)
            if state.replica_failed and not state.wrote:
                logger.warning("answering %s again from the primary", request.path_info)
                state = RequestDatabases(replica_allowed=False)
                _request.set(state)
                response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote or request.method not in SAFE_METHODS:
            for credential_key in {key, self.response_pin_key(response)} - {None}:
                cache.set(credential_key, 1, settings.MEKTEP_REPLICA_PIN_SECONDS)
        return response

    def process_exception(self, request, exception):
        state = _request.get()
        if state is not None and state.used_replica and isinstance(exception, DatabaseError):
            state.replica_failed = True
            replica_failed(exception)

    @staticmethod
    def response_pin_key(response) -> str | None:
        # A login answers with a new session cookie: that session has just written too.
        morsel = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if morsel is None or not morsel.value:
            return None
        return "mektep:db-pin:" + hashlib.sha256(morsel.value.encode()).hexdigest()[:32]
