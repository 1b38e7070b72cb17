"""gunicorn settings for the web processes: `gunicorn -c deploy/gunicorn.conf.py cms.wsgi:application`.

Every value comes from the environment (docs/operations.md lists them); the defaults suit one server with the
balancer on the same machine.
"""

import gc
import json
import multiprocessing
import sys
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cms.client import address_from_environ
from cms.env import env_bool, env_int, env_str

bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = env_int("GUNICORN_THREADS", 1)
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# A worker is replaced after this many requests, so that a slow leak never grows without bound.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The application is loaded once in the master and shared by the forked workers (with gc.freeze below).
preload_app = env_bool("GUNICORN_PRELOAD", True)
accesslog = env_str("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "info").lower()
proc_name = "mektep-web"

TRUSTED_PROXIES = env_int("MEKTEP_TRUSTED_PROXIES", 0)
if env_str("LOG_FORMAT", "plain") == "json":
    access_log_format = json.dumps(
        {"time": "%(t)s", "client": "%(h)s", "method": "%(m)s", "path": "%(U)s", "query": "%(q)s",
         "status": "%(s)s", "bytes": "%(B)s", "ms": "%(M)s", "agent": "%(a)s", "logger": "gunicorn.access"}
    )  # fmt: skip
else:
    access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'


class ClientAddressLogger(Logger):
    """The access log names the client the way the throttles and lockouts do (cms/client.py)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = address_from_environ(environ, TRUSTED_PROXIES) or "-"
        return atoms


logger_class = ClientAddressLogger


def when_ready(server):
    # Objects made while loading the application never change: keep the collector off their pages, so that the
    # forked workers share them instead of each copying them on the first collection.
    gc.freeze()


def post_fork(server, worker):
    # Nothing opened in the master (a database connection) is shared with a worker.
    from django.db import connections

    connections.close_all()
