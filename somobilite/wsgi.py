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
    """What a worker's first requests would otherwise do (about a second of CPU, measured by
    ``make bench`` and by a first booking in a fresh process: form +80 ms, hold +160 ms,
    confirmation +70 ms): import every view through the URL configuration, load the French
    translations, compile the public pages' templates and the booking form's field templates
    (crispy-forms loads them while rendering, with and without errors) and their validators'
    patterns, read the region's communes (``territory.places``: a place search and the postal
    code of every booking), load Celery's tasks and publishing classes (the app finalised, its
    result backend and broker transport found through package metadata) and build the
    public-holiday tables of this year and the next (the slot calendar's). Nothing here reads
    the database or the cache, or connects to the broker."""
    from django.conf import settings
    from django.template.loader import get_template, render_to_string
    from django.urls import reverse
    from django.utils import timezone, translation

    from bookings.forms import BookingForm
    from bookings.models import Mode
    from bookings.slots import is_public_holiday
    from somobilite.celery import app as celery_app
    from territory.places import source

    today = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        reverse("home")
        reverse("bookings:structure_slots", args=["structure"])
        for name in WARM_TEMPLATES:
            get_template(name)
        typed = {"email": "jeune@exemple.fr", "guardian_email": "parent@exemple.fr",
                 "phone": "06 12 34 56 78", "birth_date": "31/12/2000", "postal_code": "33000"}
        # Unbound, then with every field in error, then typed (the validators compile their
        # patterns and load their metadata on first use: email, phone number, dates).
        for data in (None, {}, typed):
            form = BookingForm(data, modes=tuple(Mode.values), interview_day=today, today=today)
            form.is_valid()
            render_to_string("bookings/_book_fields.html", {"form": form, "today": today})
    source()
    celery_app.finalize(auto=True)  # binds every task, done by the first publish otherwise
    celery_app.backend  # noqa: B018 (a property that resolves and builds the backend)
    celery_app.connection_for_write().get_transport_cls()
    for warmed in (today.year, today.year + 1):
        is_public_holiday(dt.date(warmed, 1, 1))


warm_up()
