"""The 1st of the month is written « 1er » wherever a date goes through a Django format
(vocabulary/day_formats.py): templates (the built-in ``date`` filter is replaced) and the views
that format in Python. An email: tests/bookings/test_notifications.py."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation

from vocabulary.day_formats import date_format


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(("value", "format_string", "expected"), [
    (dt.date(2026, 12, 1), "l j F Y", "mardi 1er décembre 2026"),
    (dt.date(2026, 12, 2), "l j F Y", "mercredi 2 décembre 2026"),
    (dt.date(2027, 1, 1), "j b", "1er jan"),
    (dt.date(2026, 12, 1), "d/m/Y", "01/12/2026"),  # numeric dates take no ordinal
    (dt.date(2026, 12, 1), r"\j j", "j 1er"),  # an escaped j is a letter, not the day
    (dt.date(2026, 12, 11), "j F", "11 décembre"),
    (dt.date(2026, 12, 21), "j F", "21 décembre"),
])
def test_the_date_filter_writes_the_first_of_the_month_as_an_ordinal(value, format_string,
                                                                      expected):
    with translation.override("fr"):
        assert render("{{ value|date:format_string }}", value=value,
                      format_string=format_string) == expected
        assert date_format(value, format_string) == expected


def test_the_day_tested_is_the_day_shown_in_paris():
    # 23:30 UTC on 30 November is 00:30 on 1 December in Paris.
    moment = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    with translation.override("fr"):
        assert render('{{ m|date:"j F Y à H:i" }}', m=moment) == "1er décembre 2026 à 00:30"
        assert render("{{ d|date }}", d=dt.date(2026, 12, 1)) == "1er décembre 2026"


def test_other_languages_keep_django_s_own_output():
    with translation.override("en"):
        assert render('{{ d|date:"j F Y" }}', d=dt.date(2026, 12, 1)) == "1 December 2026"


def test_what_the_filter_does_not_format_passes_through_as_before():
    with translation.override("fr"):
        assert render('{{ v|date:"j F" }}|{{ n|date:"j F" }}', v="", n=None) == "|"
