"""Development settings: SQLite file and in-process tasks unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Template fragments ({% cache %}) are not kept in development: an edited template shows at once
# (the template loader reloads it; a kept fragment would not).
CACHES["template_fragments"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.dummy.DummyCache"
}
