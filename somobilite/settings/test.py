"""Test settings: same database and broker choice as the environment, fast and quiet."""

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
