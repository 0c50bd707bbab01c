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
