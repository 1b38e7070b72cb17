"""Local development: `make run`. Debug on, an insecure key unless SECRET_KEY is set."""

from cms.env import env_list, env_str

from .base import *  # noqa: F403
from .base import MIDDLEWARE, STORAGES

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Static files come from the app folders here (runserver / live server); whitenoise is for production.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise.")]
