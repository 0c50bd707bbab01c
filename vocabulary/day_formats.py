"""Dates written in French with the first of the month as « 1er » (« mardi 1er décembre
2026 », never « mardi 1 décembre »), everywhere the product writes a date through a Django
format string — templates, emails, PDFs and the few views that format in Python.

The rule is the French typographic one (Imprimerie nationale, *Lexique des règles
typographiques*: the first day of the month is an ordinal, « 1er », the others cardinals).
``vocabulary.formatting.format_date`` already wrote it so for the matching engine and the sheets;
the templates went through Django's ``date`` filter, which writes « 1 » (tester t-book8 #10).

- ``french_day_format(value, format_string) -> str``: ``format_string`` with each unescaped
  ``j`` (day of the month without leading zero) followed by an escaped « er » when ``value`` is
  the first of a month and the active language is French; otherwise ``format_string``
  unchanged. ``d`` (« 01/12/2026 ») is left as it is: numeric dates take no ordinal.
- ``date_format(value, format_string) -> str``: ``django.utils.formats.date_format`` with that
  rule (a ``date`` or a ``datetime``, written as given: convert to Paris time first).
- The template library ``vocabulary.day_formats`` (a built-in of the template engine, see
  ``TEMPLATES`` in the settings) replaces Django's ``date`` filter by the same filter with that
  rule, so that every ``{{ value|date:"l j F" }}`` follows it without a change of template.
"""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.template import defaultfilters
from django.utils import formats, translation

_DAY_OF_MONTH = re.compile(r"(?<!\\)j")

register = template.Library()


def french_day_format(value: object, format_string: str) -> str:
    """See the module docstring. ``value`` is anything the ``date`` filter accepts; only a
    ``date`` (or ``datetime``) on the 1st changes the format."""
    if (isinstance(value, dt.date) and value.day == 1 and "j" in format_string
            and (translation.get_language() or "").startswith("fr")):
        return _DAY_OF_MONTH.sub(r"j\\e\\r", format_string)
    return format_string


def date_format(value: dt.date, format_string: str) -> str:
    """``value`` written with ``format_string`` (Django's date format characters) in the active
    language, the 1st as « 1er » (module docstring)."""
    return formats.date_format(value, french_day_format(value, format_string))


@register.filter(expects_localtime=True, is_safe=False)
def date(value: dt.date | dt.datetime | str | None, arg: str | None = None) -> str:
    """Django's ``date`` filter (same arguments, same output) with the 1st of the month
    written « 1er » in French. ``value`` arrives in local time (``expects_localtime``), so the
    day tested is the day shown."""
    if arg is None and isinstance(value, dt.date):
        arg = formats.get_format("DATE_FORMAT")
    if isinstance(arg, str):
        arg = french_day_format(value, arg)
    return defaultfilters.date(value, arg)
