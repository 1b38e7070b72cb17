"""The test suite: fast hashing, files in a temporary folder, tasks run in-process by default."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from cms.env import env_bool, env_str

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, MIDDLEWARE, REDIS_URL, STORAGES, VAR_DIR

SECRET_KEY = env_str("SECRET_KEY", "test-only-insecure-key")
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# A worker started by a test shares that test's media folder through MEKTEP_TEST_MEDIA_ROOT.
MEDIA_ROOT = Path(env_str("MEKTEP_TEST_MEDIA_ROOT", "") or tempfile.mkdtemp(prefix="mektep-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that need a real worker switch this off for themselves (tests/test_celery_worker.py), and for the worker
# they start (CELERY_TASK_ALWAYS_EAGER=0), so that its retries go through the broker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
AXES_ENABLED = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (VAR_DIR / "test").mkdir(parents=True, exist_ok=True)
    # A file, not memory, so that a Celery worker process can read what a test wrote; inside this checkout's var/,
    # so that two checkouts on one machine never share a test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test" / "mektep-test.sqlite3")}
# Parallel test processes (pytest-xdist: gw0, gw1, …) each take a Redis database of their own, since a test empties
# the cache it uses; each also gets a database of its own from pytest-django.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker.startswith("gw"):
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{1 + int(_worker[2:])}").geturl()
    CACHES = {
        name: {**config, "LOCATION": REDIS_URL} if config.get("LOCATION") else config for name, config in CACHES.items()
    }
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL

# Static files come from the app folders here (runserver / live server); whitenoise is for production.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise.")]

# The crash test of the report worker (tests/test_report_crash.py) slows a build down and shortens the time after
# which a run left "running" by a dead worker is taken over, and after which Redis redelivers an unacked task.
if env_str("REPORT_ABANDONED_SECONDS", ""):
    REPORT_ABANDONED_SECONDS = int(env_str("REPORT_ABANDONED_SECONDS", ""))
if env_str("CELERY_VISIBILITY_TIMEOUT", ""):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(env_str("CELERY_VISIBILITY_TIMEOUT", "")),
        # Look for unacknowledged tasks of dead workers every second (by default only every 100 s).
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
