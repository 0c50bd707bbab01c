"""Settings shared by every environment, driven by environment variables (see .env.example)."""

from datetime import date
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from somobilite.log import configure_structlog, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "somobilite.apps.SoMobiliteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",
    "phonenumber_field",
    "django_countries",
    "django_structlog",
    "csp",
    "outbox",
    "accounts",
    "territory",
    "advisors",
    "bookings",
    "programmes",
    "matching",
    "privacy",
    "evaluations",
    "support",
    "operations",
    "backoffice",
    "youth",
    "coordination",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "somobilite.csp.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request id on every log line of the request and of the tasks it queues (see log.py).
    "django_structlog.middlewares.RequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # U+0000 in a path or a field: a French 400 before any view (PostgreSQL cannot store it).
    "somobilite.middleware.RefuseNulCharacterMiddleware",
    # A bare 405 (a form's address opened as a page) becomes a French page: form_targets.py.
    "somobilite.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "somobilite.urls"
# Content-Security-Policy of every response (django-csp). The site's templates have no inline
# script or style; the few third-party pages that need more are relaxed in somobilite/csp.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # Bootstrap's own CSS draws the menu button, select arrows and check marks as data:
        # SVG images; an image cannot run anything.
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# A refused CSRF check gets the site's French page (the API answers JSON, see views).
CSRF_FAILURE_VIEW = "somobilite.views.csrf_failure"
# Sessions in the database, one statement per write (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
WSGI_APPLICATION = "somobilite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Django's `date` filter, with the 1st of the month written « 1er » in French;
            # the emails' greeting, with or without a name.
            "builtins": ["vocabulary.day_formats", "vocabulary.letters"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                # The first breadcrumb of the back office, per person (agenda or admin).
                "backoffice.context_processors.staff_home",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# Database connections. 0 opens one per request (the development server's threads would only
# pile persistent ones up); production keeps them (see production.py and `make bench`). Health
# checks make a kept connection that died (database restarted) reconnect instead of failing.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The development database (run-demo.sh), whose server answers requests in threads. A
    # transaction that has read and then writes while another one is writing fails at once
    # with "database is locked" (SQLite does not wait to upgrade a read lock): a double click
    # on « Confirmer mon rendez-vous » or « Envoyer ces programmes » gave a 500. Taking the
    # write lock when the transaction begins (IMMEDIATE) makes the second request wait for the
    # first, for up to `timeout` seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
# Server-side parameter binding: psycopg sends each statement with its parameters apart, and a
# statement a connection runs for the fifth time (DATABASE_PREPARE_THRESHOLD) is prepared on
# that connection (at most 100 per connection, psycopg's default), so PostgreSQL no longer
# parses and plans it again: PostgreSQL's CPU per booking fell by a quarter (README,
# "Performance"). Prepared statements live and die with their connection (a restart, a
# health check that reconnects, a rollback clears them: psycopg tracks it). Off behind a
# pooler in transaction mode (pgbouncer), which mixes sessions.
if IS_POSTGRES and env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=env.int("DATABASE_PREPARE_THRESHOLD", default=5))
if IS_POSTGRES and env.bool("DATABASE_POOL", default=False):
    # psycopg's pool, per process (for threaded servers; `make bench` compares it with
    # persistent connections under gunicorn's sync workers). Django forbids CONN_MAX_AGE with it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
        # Seconds a request waits for a connection before failing (PostgreSQL down).
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers and crawlers ask for at the site root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Help-request screenshots and the media bank: outside STATIC and MEDIA, no URL maps to it;
# views that check who asks serve the files as attachments (support.storage).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "support.storage.PrivateStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One Redis may serve both the cache and the Celery broker (REDIS_URL), or each its own.
REDIS_URL = env("REDIS_URL", default="")
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
# The cache is an optimisation, never a point of failure (see somobilite/cache.py): when Redis
# is down, reads miss, writes are dropped, rate limits fail open, each with a logged warning.
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.5)
CACHE_RETRY_AFTER_SECONDS = env.float("CACHE_RETRY_AFTER_SECONDS", default=5)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "somobilite.cache.FailSoftRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "somobilite",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
                "RETRY_AFTER_SECONDS": CACHE_RETRY_AFTER_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Template fragments that are the same for every visitor ({% cache %}, e.g. the fields of the
# booking form, 75 % of that page's CPU): kept in each process's memory, so that a deploy that
# changes them starts from nothing (a shared cache would serve the old markup), bounded.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    # The booking form's fields (a few per mode and day), the search's rows (one per
    # structure, mode and next free slot: ~1 kB each), the body of a structure's slots page
    # (one per structure, mode, week and set of free slots: ~5 kB), the site header and footer,
    # the top of each logged-in person's header (~2 kB, keyed on the account, its role and the
    # name it shows: _header.html). At most ~20 MB per process, whatever the traffic.
    "OPTIONS": {"MAX_ENTRIES": 3000},
}

# Celery: a real broker when CELERY_BROKER_URL (default REDIS_URL) is set, else tasks run
# in-process. Publishing a task after commit makes one connection attempt, bounded in time: with
# the broker down the request goes on and the outbox sweep sends the email later.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL) or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
_publish_retries = env.int("CELERY_PUBLISH_MAX_RETRIES", default=0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": _publish_retries,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT_SECONDS", default=1),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": _publish_retries,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fix-up closes the database connections around every task unless this is set;
# set, it closes them every that many tasks, and between those Django's own rules apply
# (CONN_MAX_AGE, health checks: somobilite/celery.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)

# The health endpoint reports a worker as missing when the heartbeat task (every minute) has not
# run for this long (seconds).
CELERY_HEARTBEAT_MAX_AGE_SECONDS = env.int("CELERY_HEARTBEAT_MAX_AGE_SECONDS", default=180)

# The outbox sweep (a periodic task) sends emails whose own task was lost or failed, once they
# are this old (seconds).
OUTBOX_SWEEP_DELAY_SECONDS = env.int("OUTBOX_SWEEP_DELAY_SECONDS", default=120)
# After a failed attempt an email waits OUTBOX_RETRY_BASE_SECONDS, doubled at each failure up to
# OUTBOX_RETRY_MAX_SECONDS; the sweep gives up after OUTBOX_MAX_ATTEMPTS (the row stays in admin,
# "en échec"). Defaults: 1 min, 1 h, 30 attempts (about a day). See outbox/delivery.py.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=3600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=30)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
# Seconds one SMTP connection may block (login codes are sent during the request).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=10)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="So Mobilité <ne-pas-repondre@somobilite.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
COORDINATION_EMAIL = env("COORDINATION_EMAIL", default="coordination@somobilite.fr")
# The evaluation questionnaire (issue 14): its link works this many days after it is sent; an
# interview held this many days ago or less still gets one (a task that missed days catches up).
EVALUATION_LINK_DAYS = env.int("EVALUATION_LINK_DAYS", default=30)
EVALUATION_INVITE_WINDOW_DAYS = env.int("EVALUATION_INVITE_WINDOW_DAYS", default=7)
# Upload limits (bytes): a help request's screenshot (issue 13: 5 MB), a media bank file.
HELP_SCREENSHOT_MAX_BYTES = env.int("HELP_SCREENSHOT_MAX_BYTES", default=5 * 1024 * 1024)
MEDIA_BANK_MAX_BYTES = env.int("MEDIA_BANK_MAX_BYTES", default=30 * 1024 * 1024)

# django-allauth: email is the login; young people log in by a code sent by email.
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_FORMS = {"login": "accounts.forms.SiteLoginForm"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# Every email's subject starts with this, added by the outbox (outbox/delivery.py) and by
# Django's mail_admins: allauth and the apps write their subjects without it.
EMAIL_SUBJECT_PREFIX = "[So Mobilité] "
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Rate limits (allauth's format, "amount/period/per", comma-separated); each may be set from the
# environment as RATE_LIMIT_<ACTION> (e.g. RATE_LIMIT_BOOKING_HOLD="30/h/ip,5/h/key"; empty: none).
# Counts live in the cache: while it is unavailable they fail open (see somobilite/cache.py).
_RATE_LIMIT_DEFAULTS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/ip,5/5m/key",
    "request_login_code": "10/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    # Booking form submissions that reach the hold of a slot (bookings.views.book).
    "booking_hold": "30/h/ip,5/h/key",
    # Waiting-list sign-ups (bookings.views.waiting_list): each sends a confirmation email.
    "waiting_list": "10/h/ip,3/h/key",
}
ACCOUNT_RATE_LIMITS = {action: env(f"RATE_LIMIT_{action.upper()}", default=rate)
                       for action, rate in _RATE_LIMIT_DEFAULTS.items()}
# The client's address behind a reverse proxy (rate limits, staff access log): see
# accounts/client_ip.py. How many proxies of ours append to X-Forwarded-For (0: none, use the
# connection's address), or the header a proxy sets to the client's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "So Mobilité"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"
# Countries beyond ISO 3166-1, known to django-countries (fields, forms, names) and so to the
# shared vocabulary (vocabulary.codes): Kosovo, with the code the European Union uses (it takes
# part in Erasmus+ and the European Solidarity Corps; see the exchange format).
COUNTRIES_OVERRIDE = {"XK": "Kosovo"}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Business settings (product rules that coordinators may tune per deployment).
INTERVIEW_DURATION_MINUTES = env.int("INTERVIEW_DURATION_MINUTES", default=60)
BOOKING_MIN_NOTICE_HOURS = env.int("BOOKING_MIN_NOTICE_HOURS", default=48)
BOOKING_HORIZON_WEEKS = env.int("BOOKING_HORIZON_WEEKS", default=8)
WEEKLY_MINIMUM_HOURS = env.int("WEEKLY_MINIMUM_HOURS", default=3)
REMINDER_HOURS_BEFORE = env.int("REMINDER_HOURS_BEFORE", default=24)
# How long a slot stays held while the young person types the code sent by email.
BOOKING_HOLD_MINUTES = env.int("BOOKING_HOLD_MINUTES", default=15)
# How long a booking made by an advisor for a young person waits for their code or link
# (never past the interview's start).
STAFF_HOLD_HOURS = env.int("STAFF_HOLD_HOURS", default=24)
# How many slots one client address may hold at once before their email codes are typed (a
# brake on strangers hoarding slots with invented addresses; a shared school or library
# connection still books a few at a time).
BOOKING_MAX_PENDING_HOLDS_PER_CLIENT = env.int("BOOKING_MAX_PENDING_HOLDS_PER_CLIENT", default=3)
# How many people on the waiting list are told about one freed slot.
WAITING_LIST_BATCH_SIZE = env.int("WAITING_LIST_BATCH_SIZE", default=3)
VIDEO_MEETING_URL_TEMPLATE = env(
    "VIDEO_MEETING_URL_TEMPLATE", default="https://visio.somobilite.fr/{room}"
)
# Young people are anonymised this long after their last activity (last appointment).
PERSONAL_DATA_RETENTION_MONTHS = env.int("PERSONAL_DATA_RETENTION_MONTHS", default=24)
# How long the record of staff access to young people's data is kept.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=365)
# Date after which the whole So Mobilité programme stops (ISO date), if one is announced.
_programme_end = env("PROGRAMME_GENERAL_END_DATE", default="")
PROGRAMME_GENERAL_END_DATE = date.fromisoformat(_programme_end) if _programme_end else None
# A programme sheet not reviewed for this many months is flagged « à revoir » in admin.
PROGRAMME_REVIEW_MONTHS = env.int("PROGRAMME_REVIEW_MONTHS", default=12)

# Structured logs without personal data (somobilite/log.py): LOG_FORMAT "json" (production's
# default) or "console" (development's).
LOGGING = logging_config(fmt=env("LOG_FORMAT", default="console"),
                         level=env("LOG_LEVEL", default="INFO"))
configure_structlog()
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# Celery workers keep this configuration (see somobilite/celery.py).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
