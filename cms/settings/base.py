"""Settings shared by every environment. Safe for production: no secret has a default here."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from cms.env import database_from_env, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parents[2]
# Files the running system writes (SQLite database, media, Celery's embedded queue, reports).
VAR_DIR = Path(env_str("MEKTEP_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # wagtail_modeltranslation must precede the apps whose models it translates.
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "modeltranslation",
    "cms",
    "home",
    "diary",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # /healthz and /readyz: before the HTTPS redirect, the host check, the language prefix and the page cache.
    "cms.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cms.middleware.PersonalDataNoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication (a visitor with no session cookie is anonymous), outside everything whose
    # headers (language, CSP, frame options) are cached with the page.
    "cms.cache.AnonymousPageCacheMiddleware",
    # Which database a request reads from (a no-op without DATABASE_REPLICA_URL); after the page cache, whose hits
    # read no database.
    "cms.db_router.ReplicaReadMiddleware",
    "cms.middleware.SessionCookieFormMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Students' and shared computers' sessions end after a short idle time (diary/session_length.py).
    "diary.session_length.SessionIdleMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that a lockout answers before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(str(VAR_DIR / "mektep.sqlite3"))}
# A PostgreSQL hot standby for the reads that tolerate a little lag (cms/db_router.py); none by default.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = database_from_env("", "DATABASE_REPLICA_URL")
    # A replica that does not answer is skipped quickly, not waited for.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASE_ROUTERS = ["cms.db_router.ReplicaRouter"]
MEKTEP_REPLICA_PATHS = env_list(
    "MEKTEP_REPLICA_PATHS",
    [
        # The public site and its API (not the diary under it).
        r"^/(ky|ru)/(?!diary/)",
        r"^/api/v2/",
        r"^/sitemap\.xml$",
        # Families reading their week, period and children; report downloads.
        r"^/(ky|ru)/diary/(children/|students/\d+/(week|period)/)",
        r"^/api/diary/v1/students/\d+/(diary|grades)/$",
        r"^/(ky|ru)/diary/reports/\d+/files/",
        r"^/api/diary/v1/reports/\d+/files/",
    ],
)
# Read-your-writes: after a write, a session's or token's reads stay on the primary for this long.
MEKTEP_REPLICA_PIN_SECONDS = env_int("MEKTEP_REPLICA_PIN_SECONDS", 15)
# A replica that failed is not tried again for this long.
MEKTEP_REPLICA_RETRY_SECONDS = env_int("MEKTEP_REPLICA_RETRY_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # D15/security: repeated failed logins lock out before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Usernames are case-insensitive at login (cms/auth.py).
    "cms.auth.CaseInsensitiveModelBackend",
    # Kept so that sessions opened before the case-insensitive backend (they name this one) stay signed in.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.middleware.lockout_response"
# Failures are counted under the normalised (lowercased) username: "Aibek" and "aibek" are one account.
AXES_USERNAME_CALLABLE = "cms.auth.axes_username"
# The number of reverse proxies in front of the web processes whose X-Forwarded-For is trusted (cms/client.py).
MEKTEP_TRUSTED_PROXIES = env_int("MEKTEP_TRUSTED_PROXIES", 0)
# Students' sessions, and sessions signed in with "shared computer" ticked, end with the browser and after this many
# idle seconds; everyone else's last SESSION_COOKIE_AGE.
MEKTEP_SESSION_IDLE_SECONDS_STUDENT = env_int("MEKTEP_SESSION_IDLE_SECONDS_STUDENT", 1800)
MEKTEP_SESSION_IDLE_SECONDS_SHARED = env_int("MEKTEP_SESSION_IDLE_SECONDS_SHARED", 900)
AXES_CLIENT_IP_CALLABLE = "cms.client.client_ip"
# W6: the public feedback form's limits: questions per client address per hour, and per school site per day.
MEKTEP_FEEDBACK_PER_ADDRESS_PER_HOUR = env_int("MEKTEP_FEEDBACK_PER_ADDRESS_PER_HOUR", 10)
MEKTEP_FEEDBACK_PER_SITE_PER_DAY = env_int("MEKTEP_FEEDBACK_PER_SITE_PER_DAY", 200)

# L1: Kyrgyz (the state language, default) and Russian (the official language).
# Language names are written in their own language, as every language switcher does.
LANGUAGE_CODE = "ky"
LANGUAGES = [("ky", "Кыргызча"), ("ru", "Русский")]
# Our own catalogue first, so that our wording wins; then the ky/ru catalogues of the Wagtail and Django apps we
# install (`manage.py vendor_messages`), which fill what Wagtail and Django do not ship in Kyrgyz or lack in Russian.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "vendor"]
LANGUAGE_COOKIE_NAME = "mektep_language"
USE_I18N = True
# Local formats (a decimal comma and "30-ноябрь" in Kyrgyz, "ноябрь 2026" in both) over Django's own.
FORMAT_MODULE_PATH = ["cms.formats"]
TIME_ZONE = "Asia/Bishkek"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "ky"
MODELTRANSLATION_LANGUAGES = ("ky", "ru")
# A visitor never sees an empty field when the other language has it; W3 still reports it (L3).
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ky", "ru")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Wagtail
WAGTAIL_SITE_NAME = "Mektep"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Wagtail's index updates run in the request (Django's immediate task backend).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# W8: documents are served through Django (permission checks), as downloads, of a few safe types.
WAGTAILDOCS_DOCUMENT_MODEL = "cms.SchoolDocument"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "jpg", "png"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
MEKTEP_DOCUMENT_MAX_MB = env_int("MEKTEP_DOCUMENT_MAX_MB", 20)
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ru", "Русский"), ("ky", "Кыргызча"), ("en", "English")]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Cache and background work: Redis when REDIS_URL is set; otherwise an embedded default
# (local memory cache, Celery over a folder) so the project runs with no server installed.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # django-redis: Redis down is an empty cache, logged, not an error page; short timeouts keep requests moving.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 2, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    _queue = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Exchange tables; kombu's default is a "control" folder in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery' / 'results'}"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# Template fragments whose keys hold the version of what they show (`{% cache … using="fragments" %}`).
CACHES["fragments"] = {**CACHES["default"], "TIMEOUT": 600}

# Whole-page cache of the public site for anonymous visitors (cms/cache.py).
MEKTEP_PAGE_CACHE = env_bool("MEKTEP_PAGE_CACHE", True)

# Personal data: a student who left is anonymised after this many years; from this age a student
# downloads their own data (before it, their guardians do).
MEKTEP_RETENTION_YEARS = env_int("MEKTEP_RETENTION_YEARS", 5)
MEKTEP_ADULT_AGE = env_int("MEKTEP_ADULT_AGE", 18)

# D6: a substitute reads the journal they covered for this many days after the last covered date.
MEKTEP_SUBSTITUTE_GRACE_DAYS = env_int("MEKTEP_SUBSTITUTE_GRACE_DAYS", 7)

# E-mail: SMTP when EMAIL_HOST is set; otherwise mail is written to the log (nothing is sent).
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mektep@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Django's sessions: in the database, read through Redis when there is one. Every login session is also noted beside
# its account (diary.AccountSession), so that all of an account's sessions can be ended at once.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
# Messages (shown once after a save) are kept in that session: every page that shows them reads the session anyway,
# where the default (a signed cookie, falling back to the session) costs each request a signer and a second store.
# Only logged-in people are ever sent one.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = False
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Wagtail's admin sets inline styles; scripts stay restricted to our own files.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        # The diary's service worker and its web app manifest, both our own (diary/views/offline.py).
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "diary.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["diary.api.parsers.DiaryJSONParser"],
    "EXCEPTION_HANDLER": "diary.api.base.exception_handler",
    # A flood brake on login and redeem, far above what a class behind one address sends: failures are what is
    # limited (django-axes per username and address; the access-code counters in diary/services/access.py).
    "DEFAULT_THROTTLE_RATES": {"auth": env_str("API_AUTH_RATE", "600/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": MEKTEP_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mektep diary API",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["cms.openapi.diary_endpoints_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.openapi.error_responses",
        "cms.openapi.without_rule_ids",
    ],
}

LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        # One JSON object a line, for a log collector (LOG_FORMAT=json).
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail runs its search-index and reference-index tasks in-process; one line each is noise.
        "django_tasks": {"level": "WARNING"},
    },
}
