"""Production settings, as served to the benchmark: the same except that the site's URLs come with the reference
views it is measured against (bench/urls.py), and that static files are collected without gzip/brotli copies
(whitenoise's compression takes minutes and no scenario fetches a static file); the manifest, and so every
`{% static %}` address, is the same as in production."""

from cms.settings.production import *  # noqa: F403
from cms.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}

ROOT_URLCONF = "bench.urls"
