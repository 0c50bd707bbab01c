"""The WSGI entry point warms a worker up before its first request, without touching the
database or the cache."""

import datetime as dt

from django.utils import timezone

from bookings.slots import calendar


def test_warm_up_builds_this_year_and_next_years_holidays_without_a_query():
    # No database access is allowed in this test: a query would raise.
    from somobilite import wsgi

    calendar._french_holidays.cache_clear()
    wsgi.warm_up()
    year = timezone.localdate().year
    warmed = calendar._french_holidays.cache_info()
    assert warmed.currsize == 2
    calendar.is_public_holiday(dt.date(year + 1, 12, 25))
    assert calendar._french_holidays.cache_info().hits == warmed.hits + 1  # no table built


def test_warm_up_loads_what_a_first_booking_would_load():
    """The communes, the form's field templates and validators, and Celery's tasks: measured,
    they were ~300 ms of CPU of a worker's first booking (somobilite/wsgi.py)."""
    from django.core.validators import EmailValidator
    from django.template import engines
    from django.utils.functional import empty

    from somobilite import wsgi
    from somobilite.celery import app as celery_app
    from territory import places

    places._gazetteer.cache_clear()
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    wsgi.warm_up()
    assert places._gazetteer.cache_info().currsize == 1
    assert {"bootstrap5/field.html", "bootstrap5/layout/help_text_and_errors.html",
            "bookings/_book_fields.html"} <= set(loader.get_template_cache)
    assert EmailValidator.domain_regex._wrapped is not empty
    assert celery_app.finalized
