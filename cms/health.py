"""`/healthz` (the process answers) and `/readyz` (it can serve: database, Redis, migrations) for load balancers.

Answered by the first middleware, before the HTTPS redirect, the host check, the language prefix and the page cache:
a balancer probes a node by its address over plain HTTP, and must see that node's own state, never a cached page.
"""

import logging
import time

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATHS = {"/healthz", "/healthz/"}
READY_PATHS = {"/readyz", "/readyz/"}
# Once every migration is applied a process stops asking (a deploy that adds migrations starts new processes).
_migrations_applied = False


def database_check(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def redis_check() -> None:
    if not settings.REDIS_URL:
        return
    from django_redis import get_redis_connection

    get_redis_connection("default").ping()


def migrations_check() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections["default"])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    _migrations_applied = True


def readiness() -> tuple[bool, dict]:
    """Every check with its outcome and time; a replica that is down does not make a node unready (reads fall back
    to the primary, cms/db_router.py)."""
    checks = {"database": lambda: database_check("default"), "redis": redis_check, "migrations": migrations_check}
    if "replica" in settings.DATABASES:
        checks["replica"] = lambda: database_check("replica")
    results = {}
    ready = True
    for name, check in checks.items():
        started = time.monotonic()
        try:
            check()
        except Exception as error:  # whatever fails (database, socket, pending migrations) means not ready
            results[name] = {"ok": False, "error": error.__class__.__name__}
            logger.warning("readiness check %s failed: %s", name, error)
            if name != "replica":
                ready = False
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return ready, results


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the two probe addresses and passes everything else on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path in HEALTH_PATHS:
            response = HttpResponse("ok\n", content_type="text/plain")
        elif path in READY_PATHS:
            ready, results = readiness()
            response = JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)
        else:
            return self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response
