"""The dates a person may type into the product's forms and addresses.

The range is deliberately wide for planning (agenda, availability, absences, statistics
periods, programme deadlines) and still refuses what can only be a typing mistake: a year 1 or a
year 9999 cannot even be turned into an aware datetime in every time zone (Python raises
``OverflowError``), so a form that let them through turned a typo into a server error.

- ``FIRST_DAY`` / ``LAST_DAY``: the first and last accepted Paris dates (both included).
- ``is_plausible_day(day) -> bool``.
- ``validate_plausible_day(value)``: a form field validator for a ``date`` or a ``datetime``;
  raises ``django.core.exceptions.ValidationError`` (code ``implausible_date``) with the
  French message ``OUT_OF_RANGE_MESSAGE``.

Birth dates have their own rule, the one every form, model field and service applies (testers
t-adv 5 and t-youth 12: « vous aurez 1826 ans »): not today or later, not more than
``MAX_HUMAN_AGE_YEARS`` years ago — ``is_possible_birth_date(value, *, today) -> bool``,
``validate_birth_date(value, *, today)`` for forms that know their day, and
``validate_birth_date_today(value)`` for model fields (today's Paris date), all with the
message ``BIRTH_DATE_MESSAGE``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
OUT_OF_RANGE_MESSAGE = _("Choisissez une date entre %(first)s et %(last)s.")

#: Older birth dates are typing mistakes (the oldest person on record lived 122 years).
MAX_HUMAN_AGE_YEARS = 120
BIRTH_DATE_MESSAGE = _("Cette date de naissance n'est pas possible.")


def is_plausible_day(day: dt.date) -> bool:
    """True when ``day`` (a date; a datetime counts by its own calendar date) is within
    ``FIRST_DAY``–``LAST_DAY``."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return FIRST_DAY <= day <= LAST_DAY


def validate_plausible_day(value: dt.date | None) -> None:
    """Form validator (see the module docstring). ``None`` passes: requiredness is the field's."""
    if value is not None and not is_plausible_day(value):
        raise ValidationError(OUT_OF_RANGE_MESSAGE, code="implausible_date",
                              params={"first": FIRST_DAY.year, "last": LAST_DAY.year})


def is_possible_birth_date(value: dt.date, *, today: dt.date) -> bool:
    """A birth date is before ``today`` (a Paris date) and at most ``MAX_HUMAN_AGE_YEARS``
    years (by calendar year) before it."""
    return value < today and today.year - value.year <= MAX_HUMAN_AGE_YEARS


def validate_birth_date(value: dt.date | None, *, today: dt.date) -> None:
    """Form validator of ``is_possible_birth_date``. Raises ``ValidationError`` (code
    ``birth_date_impossible``, ``BIRTH_DATE_MESSAGE``). ``None`` passes."""
    if value is not None and not is_possible_birth_date(value, today=today):
        raise ValidationError(BIRTH_DATE_MESSAGE, code="birth_date_impossible")


def validate_birth_date_today(value: dt.date | None) -> None:
    """Model field validator: ``validate_birth_date`` with today's Paris date (the admin and
    every model form of a birth date get it from the field)."""
    validate_birth_date(value, today=timezone.localdate())
