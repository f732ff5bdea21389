"""Qingfeng settings: one file, every deployment value read from the environment.

See the configuration table in README.md.
"""

import datetime as dt
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("QF_TESTING", "pytest" in sys.modules)

if DEBUG or TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-qingfeng-never-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("环境变量 SECRET_KEY 太短：生产环境至少 50 个字符")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("环境变量 ALLOWED_HOSTS 未设置：关闭 DEBUG 时必须列出域名")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "organisations",
    "campaigns",
    "activities",
    "monthly",
    "sites.apps.SitesConfig",
    "assessments",
    "notifications",
    "reports",
    "dashboard",
    "accounts",
    "audit",
    "workdays",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names, far-future cache headers, gzip and brotli (WhiteNoise);
    # nginx may serve STATIC_ROOT directly instead, the same files.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "config.middleware.RefuseNulMiddleware",
    "config.middleware.PrivateFilesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.DatabaseBusyMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "organisations.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'qingfeng.sqlite3'}")
try:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"环境变量 DATABASE_URL 无法解析：{exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is written by the web process and the Celery worker at once: the
    # WAL journal lets readers go on while one writes, every write transaction takes the write
    # lock when it begins (IMMEDIATE: no deadlock between two upgrading readers), and a writer
    # waits up to SQLITE_BUSY_SECONDS for the lock instead of failing at once. A write that
    # still cannot get it is answered by config.middleware.DatabaseBusyMiddleware.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env_int("SQLITE_BUSY_SECONDS", 20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery ---------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("环境变量 REDIS_URL 应以 redis:// 或 rediss:// 开头")

# How long a web request may wait for Redis (cache or broker) before treating it as down.
REDIS_TIMEOUT_SECONDS = env_int("REDIS_TIMEOUT_SECONDS", 2)


# Rendered page fragments whose key already names the version of everything in them (the
# dashboard's tables: dashboard.cached.township_key reads the versions from the shared cache on
# every request). Kept in each process's memory: a reload costs no round trip to Redis and no
# 100 KB transfer; a changed figure changes the key, so nothing stale is ever served.
FRAGMENT_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "qf-fragments",
    "OPTIONS": {"MAX_ENTRIES": 300},
}


def redis_caches(url: str) -> dict:
    """CACHES for a Redis at `url`. A Redis that cannot be reached is a cache miss (logged by
    django_redis as "Exception ignored"), never an error page: figures are computed from the
    rows instead."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS,
            },
        },
        "fragments": FRAGMENT_CACHE,
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT_SECONDS
    # The result store is retried as briefly as the broker (Celery's default is ~20 s).
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
        "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
    }
else:
    # The embedded default: a broker that needs no server. The worker and beat share the
    # folders below, so a single machine runs real background work with neither Redis nor
    # a message server installed.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": FRAGMENT_CACHE,
    }
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{_broker_dir / 'results'}"

CELERY_TIMEZONE = "Asia/Shanghai"
# Publishing a task from a web request gives up quickly when the broker is down (one retry,
# a couple of seconds at most); the caller keeps the work in the database and the beat
# job `reports.requeue_stale` (or the outbox flush) hands it over when the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600 * 24
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic job, each with `expires` so that missed runs never pile up.
CELERY_BEAT_SCHEDULE: dict = {
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": env_int("REMINDER_SWEEP_SECONDS", 300),
        "options": {"expires": max(1, env_int("REMINDER_SWEEP_SECONDS", 300) - 10)},
    },
    "reports-requeue-stale": {
        "task": "reports.requeue_stale",
        "schedule": 60,
        "options": {"expires": 50},
    },
    "activities-requeue-uploads": {
        "task": "activities.requeue_uploads",
        "schedule": 60,
        "options": {"expires": 50},
    },
    "sites-reviews-due": {
        "task": "sites.mark_reviews_due",
        "schedule": crontab(hour=1, minute=20),
        "options": {"expires": 3600},
    },
}

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # django-axes refuses a locked account or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password older than this must be changed before anything else (0: never).
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)

# Login failures (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords the account, and the
# address they came from, are refused for LOGIN_LOCKOUT_MINUTES; the office can unlock early.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = (
    ["username", "ip_address"] if env_bool("LOGIN_LOCK_IP", True) else ["username"]
)
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # the audit log records logins
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
AXES_VERBOSE = False
# The request header a trusted reverse proxy sets to the client address (deploy/: X-Real-IP).
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")
OTP_TOTP_ISSUER = "清风平台"
# Two factors are required for office staff, district roles, auditors and administrators in
# production; `make run`'s demo (DEBUG) lets them in with the password alone so the demo logins
# work without an authenticator app (they may still enrol one).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)

# Sessions: signed out after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after login.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)

# Audit records are kept at least this long (等保 2.0 asks for six months).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("环境变量 AUDIT_RETENTION_DAYS 不得少于 180 天")

# --- I18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed names (collectstatic writes the manifest; run it on deploy). Under DEBUG the plain
# names are used, so `make run` needs no collectstatic; tests use plain storage (one test
# collects into a temporary folder and checks the hashed, compressed, long-cached files).
# The PDF fonts under static/fonts are read from disk by the reports, never sent to browsers:
# WhiteNoise does not spend minutes compressing them.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "xz", "br"),
    *("woff", "woff2", "ttf", "otf", "ttc", "pdf", "mp4", "webm"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"  # never routed publicly: files go out through access-checked views
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# When set (e.g. "/protected/"), file views answer with X-Accel-Redirect and nginx sends the bytes.
PROTECTED_MEDIA_ACCEL_PREFIX = env_str("PROTECTED_MEDIA_ACCEL_PREFIX", "")
FILE_UPLOAD_MAX_MB = env_int("FILE_UPLOAD_MAX_MB", 20)
RECORD_UPLOAD_MAX_MB = env_int("RECORD_UPLOAD_MAX_MB", 100)
# Pictures whose header declares more pixels are refused before decoding (decompression bombs).
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Files one record may carry: evidence of an activity record, photos of a site, rectification files.
RECORD_MAX_FILES = env_int("RECORD_MAX_FILES", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads larger than this are streamed to a temporary file as they arrive (never held in a
# web worker's memory); evidence photos are then processed by the Celery worker.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_KB", 256) * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
if env_str("FILE_UPLOAD_TEMP_DIR", ""):
    FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR", "")
# An evidence file whose processing run has not ended this long after it started (its worker
# died) or that has waited this long for a worker is sent again by the beat job; after
# PHOTO_MAX_ATTEMPTS interrupted runs it fails with that reason.
PHOTO_STALE_SECONDS = env_int("PHOTO_STALE_SECONDS", 180)
PHOTO_MAX_ATTEMPTS = env_int("PHOTO_MAX_ATTEMPTS", 3)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "清风平台 <noreply@qingfeng.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
_https = env_bool("HTTPS", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
if _https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Bootstrap progress bars and ECharts set inline style attributes.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The ledger's covering index (INCLUDE columns) is PostgreSQL's; SQLite simply ignores them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# A report whose worker has not shown a sign of life (heartbeat) for this long, or that has
# waited this long in the queue, is handed to the worker again by the beat job; after
# REPORT_MAX_ATTEMPTS interrupted runs it is marked failed (with a retry button).
REPORT_STALE_SECONDS = env_int("REPORT_STALE_SECONDS", 300)
REPORT_MAX_ATTEMPTS = env_int("REPORT_MAX_ATTEMPTS", 3)
# Excel exports (reports.Export) run on the same job machine; finished ones are removed after
# this many days by the beat job.
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", 7)

# Dashboard figures are cached this long; a committed record change invalidates them at once.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

if TESTING:
    # Each pytest-xdist worker gets its own media folder and cache namespace.
    _worker = env_str("PYTEST_XDIST_WORKER", "main")
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    MEDIA_ROOT = Path(env_str("TEST_MEDIA_ROOT", str(VAR_DIR / "test-media"))) / _worker
    # A process-local cache, emptied before every test (tests/conftest.py): a shared Redis
    # would carry cached figures from one test, or one run, into the next.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": _worker,
        },
        "fragments": FRAGMENT_CACHE,
    }
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

VAR_DIR.mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# The 通报's categories, most important first: praise (表扬) before criticism (批评); a code left
# out follows in its declared order (assessments.models.NoticeEntry.Category).
NOTICE_CATEGORY_ORDER = env_list(
    "NOTICE_CATEGORY_ORDER",
    [
        "named_site",
        "ahead",
        "best_practice",
        "overdue_rectifications",
        "overdue_tasks",
        "missing_reports",
        "incomplete_archives",
        "year_end_low",
        "other",
    ],
)
