"""Production: every secret from the environment; refuses to start without SECRET_KEY."""

from django.core.exceptions import ImproperlyConfigured

from cms.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CELERY_TASK_TIME_LIMIT,
    REDIS_URL,
    SECRET_KEY,
    STORAGES,
)

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production settings refuse to start without it. "
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))" '
        "and export it as SECRET_KEY."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Give the site's host names, comma-separated, "
        "e.g. ALLOWED_HOSTS=mektep.kg,www.mektep.kg"
    )

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# Celery: named queues, so that a long report never delays a notification; one worker may serve all three
# (CELERY_QUEUES in deploy/entrypoint.sh) or each its own.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "diary.tasks.build_report": {"queue": "reports"},
    "diary.tasks.notify*": {"queue": "notifications"},
    "diary.tasks.send*": {"queue": "notifications"},
}
CELERY_WORKER_SEND_TASK_EVENTS = env_bool("CELERY_WORKER_SEND_TASK_EVENTS", False)

# Media: on disk (MEDIA_ROOT) by default, or in S3-compatible object storage (django-storages) with
# MEDIA_STORAGE=s3. Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by boto3 itself.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", required=True),
                "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
                "region_name": env_str("AWS_S3_REGION_NAME"),
                "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN"),
                # Documents are served through Django with permission checks; files are never public by URL.
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3; got {MEDIA_STORAGE!r}.")

# A task whose worker died is handed to another worker after CELERY_VISIBILITY_TIMEOUT seconds (Redis); it must be
# longer than the longest task (the report time limit). A report run left "running" by a dead worker is taken over
# after REPORT_ABANDONED_SECONDS.
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * CELERY_TASK_TIME_LIMIT),
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 60),
    }
REPORT_ABANDONED_SECONDS = env_int("REPORT_ABANDONED_SECONDS", CELERY_TASK_TIME_LIMIT)
