"""Django settings for Bygdebas.

Everything that differs between a laptop and production comes from environment variables;
see the README's "Configuration" table. The defaults give a working embedded set-up
(SQLite, mail printed to the console, tasks run immediately).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

DEBUG = env_bool("DJANGO_DEBUG", default=False)
PRODUCTION = env_bool("BYGDEBAS_PRODUCTION", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when BYGDEBAS_PRODUCTION is on.")
    SECRET_KEY = "insecure-development-key-only-for-local-use"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
if TESTING:
    # The test cast's networks live on a.test and b.test.
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, ".test"]

INSTALLED_APPS = [
    "bygdebas.core",
    "bygdebas.plan",
    "bygdebas.events",
    "bygdebas.members",
    "bygdebas.recruitment",
    "bygdebas.connectivity",
    "bygdebas.webhooks",
    "bygdebas.widgets",
    "bygdebas.national",
    "bygdebas.advocacy",
    "bygdebas.newsletter",
    "bygdebas.projects",
    "bygdebas.conditions",
    "bygdebas.public",
    "bygdebas.api",
    "bygdebas.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
]
if TESTING:
    # Small models for the tests of the shared pieces (moderation, confirmation); no migrations.
    INSTALLED_APPS.append("bygdebas.core.tests.testapp")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bygdebas.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "bygdebas.core.middleware.NetworkMiddleware",
    "bygdebas.core.middleware.PrivateCacheMiddleware",
]

ROOT_URLCONF = "bygdebas.urls"
WSGI_APPLICATION = "bygdebas.wsgi.application"
ASGI_APPLICATION = "bygdebas.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bygdebas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bygdebas.core.context_processors.network",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default, tuned for a web application: WAL so readers never block the
# writer, a busy timeout instead of "database is locked", and enforced foreign keys.
SQLITE_PATH = Path(os.environ.get("BYGDEBAS_SQLITE_PATH", BASE_DIR / "var" / "bygdebas.sqlite3"))
# How long a writer waits for another writer before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_S = int(os.environ.get("BYGDEBAS_SQLITE_BUSY_TIMEOUT_S", 20))
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA foreign_keys=ON;"
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000};"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_TIMEOUT_S,
}
if os.environ.get("DATABASE_URL"):
    # Persistent connections suit production's fixed worker pool; the development server starts a
    # thread per request and would leave one open connection behind each.
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0)),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": dict(SQLITE_OPTIONS),
            "TEST": {"NAME": os.environ.get("BYGDEBAS_TEST_SQLITE_PATH") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Test users are created thousands of times; the default hasher would dominate the run.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "plan:home"
LOGOUT_REDIRECT_URL = "public:home"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# Numbers are grouped where it helps (intcomma), never years or ids.
USE_THOUSAND_SEPARATOR = False

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("BYGDEBAS_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "bygdebas" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production WhiteNoise serves straight from the source folders, so `make demo` needs no
# collectstatic; production serves the hashed, compressed copies collectstatic made.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "bygdebas" / "site_root"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("BYGDEBAS_MEDIA_ROOT", BASE_DIR / "var" / "media"))
if TESTING:
    import tempfile

    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bygdebas-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads (plan documents, action attachments) are checked against this limit in forms.
BYGDEBAS_MAX_UPLOAD_BYTES = int(os.environ.get("BYGDEBAS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Cache and Redis ------------------------------------------------------------------------
# With REDIS_URL every process shares one cache (and the RQ task queue, when chosen below); the
# rate limits then count there. Without it each process has its own memory cache, and the rate
# limits count in the database instead (bygdebas.core.ratelimit), so every process sees one count.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background tasks (django.tasks) --------------------------------------------------------
# Immediate when developing and testing; the database-backed worker in production
# (`python manage.py db_worker`). With Redis, RQ (`python manage.py rqworker …`, see
# docs/operations.md). BYGDEBAS_TASKS_BACKEND takes a backend's dotted path or one of these names.
TASKS_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS_BACKEND = os.environ.get("BYGDEBAS_TASKS_BACKEND", "database" if PRODUCTION else "immediate")
TASKS_BACKEND = TASKS_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
if TASKS_BACKEND == "django_tasks_rq.RQBackend":
    if not REDIS_URL:
        raise RuntimeError("The RQ task backend needs REDIS_URL.")
    INSTALLED_APPS.append("django_rq")
    # One queue, Django's default; every task uses it. A connectivity analysis of a large feed
    # can take minutes, so a job may run for an hour before RQ gives up on it.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60 * 60}}
if TESTING:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# A failed mail delivery is tried again after this many seconds times 2, 4, 8 and 16.
BYGDEBAS_MAIL_RETRY_DELAY_S = float(os.environ.get("BYGDEBAS_MAIL_RETRY_DELAY_S", 60))

# --- Mail -----------------------------------------------------------------------------------
# Mail printed to the terminal readably (a login link can be copied from it), not as raw MIME.
CONSOLE_MAIL_BACKEND = "bygdebas.core.mail_console.EmailBackend"
# Real SMTP in production (default: an MTA on localhost:25) or whenever EMAIL_HOST is set;
# otherwise, when developing, messages are printed to the console.
if os.environ.get("EMAIL_HOST") or PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": 15,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": CONSOLE_MAIL_BACKEND}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bygdebas <noreply@bygdebas.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# No external requests at all: every asset is ours. Map tiles, when configured, are the only
# outside origin and are added to img-src explicitly.
MAP_TILE_URL = os.environ.get("BYGDEBAS_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("BYGDEBAS_MAP_TILE_ATTRIBUTION", "")
_tile_origin = []
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _parts = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    _tile_origin = [f"{_parts.scheme}://{_parts.netloc.split('{')[0]}"] if _parts.netloc else []
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_tile_origin],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    DEBUG = False
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Bygdebas ------------------------------------------------------------------------------
# Rate limit for public forms and the login form: this many POSTs per client per window.
BYGDEBAS_RATE_LIMIT_POSTS = int(os.environ.get("BYGDEBAS_RATE_LIMIT_POSTS", 10))
BYGDEBAS_RATE_LIMIT_WINDOW_S = int(os.environ.get("BYGDEBAS_RATE_LIMIT_WINDOW_S", 600))
# The same forms, counted per network (all clients together: a flood from many addresses) and
# per e-mail address given in the form (mail to one address from many clients), per window.
BYGDEBAS_RATE_LIMIT_NETWORK_POSTS = int(
    os.environ.get("BYGDEBAS_RATE_LIMIT_NETWORK_POSTS", 50 * BYGDEBAS_RATE_LIMIT_POSTS)
)
BYGDEBAS_RATE_LIMIT_EMAIL_POSTS = int(
    os.environ.get("BYGDEBAS_RATE_LIMIT_EMAIL_POSTS", BYGDEBAS_RATE_LIMIT_POSTS)
)
# With several networks on one installation and no host match, use this one (slug).
BYGDEBAS_DEFAULT_NETWORK = os.environ.get("BYGDEBAS_DEFAULT_NETWORK", "")
# The site's address, for links in mail sent outside a request (reminders, offers from the schedule).
# Where the site is served, for links in mail sent without a request. When developing it
# follows HOST and PORT, as `make demo` and `make serve` use them.
BYGDEBAS_BASE_URL = os.environ.get("BYGDEBAS_BASE_URL") or (
    "http://127.0.0.1:8000"
    if PRODUCTION
    else f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
)
# Membership renewal: reminders this many days after the request, lapse after this many days,
# and how long a renewal link stays valid.
BYGDEBAS_MEMBERSHIP_REMINDER_DAYS = tuple(
    int(day) for day in os.environ.get("BYGDEBAS_MEMBERSHIP_REMINDER_DAYS", "14,28").split(",")
)
BYGDEBAS_MEMBERSHIP_LAPSE_DAYS = int(os.environ.get("BYGDEBAS_MEMBERSHIP_LAPSE_DAYS", 60))
BYGDEBAS_MEMBERSHIP_TOKEN_MAX_AGE_DAYS = int(
    os.environ.get("BYGDEBAS_MEMBERSHIP_TOKEN_MAX_AGE_DAYS", 60)
)
# People without a role in a member organisation for this many years are listed for erasure.
MEMBERS_RETENTION_YEARS = int(os.environ.get("MEMBERS_RETENTION_YEARS", 3))
# A connectivity analysis that has run this long without a sign of progress, or waited this long
# in the queue, is marked as failed so staff can run it again (sweep_connectivity, and its page).
CONNECTIVITY_STALLED_AFTER_S = int(os.environ.get("CONNECTIVITY_STALLED_AFTER_S", 15 * 60))
CONNECTIVITY_QUEUED_STALLED_AFTER_S = int(
    os.environ.get("CONNECTIVITY_QUEUED_STALLED_AFTER_S", 24 * 60 * 60)
)
# The largest timetable (GTFS zip) staff may upload, and how much it may unpack to in all (a feed
# beyond either is refused with a clear error before it is read).
BYGDEBAS_MAX_FEED_BYTES = int(os.environ.get("BYGDEBAS_MAX_FEED_BYTES", 200 * 1024 * 1024))
CONNECTIVITY_MAX_FEED_UNPACKED_BYTES = int(
    os.environ.get("CONNECTIVITY_MAX_FEED_UNPACKED_BYTES", 2 * 1024 * 1024 * 1024)
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Shared pieces in core: images, search (see docs/architecture.md) ----------------------
# An uploaded image larger than this is refused before it is decoded.
BYGDEBAS_MAX_IMAGE_BYTES = int(os.environ.get("BYGDEBAS_MAX_IMAGE_BYTES", 15 * 1024 * 1024))
# An image with more pixels than this (width × height, read from its header) is refused before it
# is decoded: a small file can declare a huge picture (a decompression bomb). 50 megapixels
# holds any phone or camera photo.
BYGDEBAS_MAX_IMAGE_PIXELS = int(os.environ.get("BYGDEBAS_MAX_IMAGE_PIXELS", 50_000_000))
# The widths (px) every image is stored in; never wider than the original.
BYGDEBAS_IMAGE_WIDTHS = tuple(
    int(width) for width in os.environ.get("BYGDEBAS_IMAGE_WIDTHS", "480,960,1600").split(",")
)
# Results per page of a search.
BYGDEBAS_SEARCH_PAGE_SIZE = int(os.environ.get("BYGDEBAS_SEARCH_PAGE_SIZE", 20))
# Confirmation by e-mail (core.confirmation): a sign-up, report or "me too" not confirmed within
# this many days is deleted by purge_unconfirmed, and its link no longer works. Per purpose in
# BYGDEBAS_CONFIRMATION_DAYS, e.g. "newsletter.subscription=7,conditions.report=3".
BYGDEBAS_CONFIRMATION_DEFAULT_DAYS = int(os.environ.get("BYGDEBAS_CONFIRMATION_DEFAULT_DAYS", 7))
BYGDEBAS_CONFIRMATION_DAYS = {
    purpose.strip(): int(days)
    for purpose, _sep, days in (
        item.partition("=") for item in env_list("BYGDEBAS_CONFIRMATION_DAYS")
    )
}

# --- Open API (bygdebas.api) ----------------------------------------------------------------
# Requests per minute: a new key's default (each key keeps its own, set on the staff page), and
# per client address for the public endpoints, which need no key.
BYGDEBAS_API_RATE_LIMIT = 600
BYGDEBAS_API_PUBLIC_RATE_LIMIT = 300

# --- Webhooks (docs/architecture.md, "Webhooks") ---------------------------------------------
# A failed delivery waits these many seconds before its next try (the last one repeats).
BYGDEBAS_WEBHOOK_RETRY_DELAYS_S = [5, 300, 1800, 7200, 18000, 36000, 36000]
# After this many failures in a row an endpoint is disabled and its administrators are told.
BYGDEBAS_WEBHOOK_MAX_FAILURES = 8
BYGDEBAS_WEBHOOK_TIMEOUT_S = 10
# Delivered messages (their bodies name people) are deleted from the log after this many days.
BYGDEBAS_WEBHOOK_LOG_DAYS = 30
# Outside production, endpoints on this machine or a private network may be called.
BYGDEBAS_WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool(
    "BYGDEBAS_WEBHOOK_ALLOW_PRIVATE_HOSTS", default=not PRODUCTION
)
# --- Newsletter (docs/operations.md, "Newsletter") -------------------------------------------
# Messages per minute each network's newsletter may send (its sender's reputation); 0: no limit.
BYGDEBAS_NEWSLETTER_RATE_PER_MINUTE = int(
    os.environ.get("BYGDEBAS_NEWSLETTER_RATE_PER_MINUTE", 6000)
)
# Recipients one sending task claims and sends over one SMTP connection.
BYGDEBAS_NEWSLETTER_BATCH_SIZE = 500
# A temporary SMTP failure (4xx) is tried again after this many seconds times 2, 4, 8…, at most
# BYGDEBAS_NEWSLETTER_MAX_ATTEMPTS times in all.
BYGDEBAS_NEWSLETTER_RETRY_DELAY_S = 300.0
BYGDEBAS_NEWSLETTER_MAX_ATTEMPTS = 5
# A claimed recipient whose worker has not reported within this many seconds is sent again
# (on PostgreSQL a dead worker's claims are released at once; this is the fallback).
BYGDEBAS_NEWSLETTER_CLAIM_TIMEOUT_S = 600
# Alerts to crisis-preparedness contact chains go by mail and through this SMS backend (a class
# with send_messages(messages) -> int); the default writes to the console (docs/operations.md).
BYGDEBAS_SMS_BACKEND = os.environ.get(
    "BYGDEBAS_SMS_BACKEND",
    "bygdebas.conditions.sms.LocmemBackend"
    if TESTING
    else "bygdebas.conditions.sms.ConsoleBackend",
)
