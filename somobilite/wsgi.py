"""WSGI entry point (gunicorn, see gunicorn.conf.py). Each worker warms up before it accepts
its first request, so that no young person pays for what every process does once."""

import datetime as dt
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somobilite.settings.production")

application = get_wsgi_application()

# The public pages' templates (their parents and includes are compiled with them).
WARM_TEMPLATES = (
    "home.html",
    "bookings/search.html",
    "bookings/structure_slots.html",
    "bookings/book.html",
    "bookings/confirm_code.html",
    "bookings/booked.html",
    "bookings/manage.html",
)


def warm_up() -> None:
    """What a worker's first request would otherwise do (about half a second of CPU, measured
    by ``make bench``): import every view through the URL configuration, load the French
    translations, compile the public pages' templates and build the public-holiday tables of
    this year and the next (the slot calendar's, imported from the ``holidays`` package on first
    use). Nothing here reads the database or the cache."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import reverse
    from django.utils import timezone, translation

    from bookings.slots import is_public_holiday

    with translation.override(settings.LANGUAGE_CODE):
        reverse("home")
        reverse("bookings:structure_slots", args=["structure"])
        for name in WARM_TEMPLATES:
            get_template(name)
    year = timezone.localdate().year
    for warmed in (year, year + 1):
        is_public_holiday(dt.date(warmed, 1, 1))


warm_up()
