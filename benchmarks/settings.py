"""Settings of the HTTP benchmark: the production settings, served over plain HTTP on loopback.

Only what plain HTTP on loopback requires differs from production (no HTTPS redirect, cookies
without the ``Secure`` flag), static files are served without collectstatic, and there are the
bare view of ``benchmarks.urls`` and the mailbox email backend that lets the load generator read
the codes it is sent.
"""

from somobilite.settings.production import *  # noqa: F403
from somobilite.settings.production import env

ROOT_URLCONF = "benchmarks.urls"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "benchmarks.mailbox.EmailBackend"
BENCH_MAILBOX_DIR = env("BENCH_MAILBOX_DIR")
# Plain storage, served from the app folders: collectstatic (a minute of compression) is not
# what is measured, and ``{% static %}`` costs the same without the manifest.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
