"""The test suite: fast hashing, files in a temporary folder, tasks run in-process by default."""

import tempfile
from pathlib import Path

from cms.env import env_str

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, STORAGES

SECRET_KEY = env_str("SECRET_KEY", "test-only-insecure-key")
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="mektep-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that need a real worker switch this off for themselves (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
AXES_ENABLED = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker process can read what a test wrote.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / "mektep-test.sqlite3")}
# Static files come from the app folders here (runserver / live server); whitenoise is for production.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise.")]
