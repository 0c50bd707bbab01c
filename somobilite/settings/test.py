"""Test settings: same database and broker choice as the environment, fast and quiet."""

from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Tests run tasks in-process even when REDIS_URL points at a real Redis (used for the cache and
# rate limits); the broker itself is exercised by tests that talk to it explicitly.
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Serve static files from the app folders without collectstatic (browser tests use them).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Under pytest-xdist, each worker gets its own Redis database (REDIS_URL's number + the worker's),
# so that one worker's cache.clear() or rate-limit counters never reach another's.
_worker = int(env("PYTEST_XDIST_WORKER", default="gw0").removeprefix("gw") or 0)  # noqa: F405
if _worker and CACHE_URL:  # noqa: F405
    _cache = urlsplit(CACHE_URL)  # noqa: F405
    _database = int(_cache.path.strip("/") or 0) + _worker
    CACHES["default"]["LOCATION"] = urlunsplit(_cache._replace(path=f"/{_database}"))  # noqa: F405
