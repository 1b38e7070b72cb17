"""Production settings, as served to the benchmark: the same except that the site's URLs come with the reference
views it is measured against (bench/urls.py), and that static files are collected without gzip/brotli copies
(whitenoise's compression of every file takes minutes); the manifest, and so every `{% static %}` address, is the
same as in production. The diary's own static files, the only ones a diary page loads, are compressed after
collecting (bench/probe.py), as production's are, for B11.

In production nginx compresses HTML on its way out (`gzip on` in deploy/nginx/mektep.conf); the benchmark has no
nginx in front of gunicorn, so Django's GZipMiddleware does the same here, for B11's phone. It compresses only for
a client that asks (Accept-Encoding), which wrk, loading B1–B6, does not: their figures are unchanged."""

from cms.settings.production import *  # noqa: F403
from cms.settings.production import MIDDLEWARE, STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]

ROOT_URLCONF = "bench.urls"
