"""The dates a form accepts, and the birth date rule."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from vocabulary.dates import (
    FIRST_DAY,
    LAST_DAY,
    is_plausible_day,
    validate_birth_date,
    validate_plausible_day,
)

TODAY = dt.date(2026, 3, 19)


def test_the_range_is_inclusive_and_a_datetime_counts_by_its_date():
    assert is_plausible_day(FIRST_DAY) and is_plausible_day(LAST_DAY)
    assert not is_plausible_day(FIRST_DAY - dt.timedelta(days=1))
    assert not is_plausible_day(LAST_DAY + dt.timedelta(days=1))
    assert not is_plausible_day(dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert is_plausible_day(dt.datetime(2099, 12, 31, 23, 59, tzinfo=dt.UTC))


def test_the_validator_says_the_range_in_french():
    validate_plausible_day(None)
    with pytest.raises(ValidationError) as refused:
        validate_plausible_day(dt.date(9999, 12, 31))
    assert refused.value.messages == ["Choisissez une date entre 2000 et 2099."]
    assert refused.value.code == "implausible_date"


@pytest.mark.parametrize("birth_date", [TODAY, dt.date(2026, 3, 20), dt.date(1905, 3, 19),
                                        dt.date(1, 1, 1)])
def test_impossible_birth_dates(birth_date):
    with pytest.raises(ValidationError) as refused:
        validate_birth_date(birth_date, today=TODAY)
    assert refused.value.messages == ["Cette date de naissance n'est pas possible."]


@pytest.mark.parametrize("birth_date", [None, dt.date(2026, 3, 18), dt.date(1906, 1, 1)])
def test_possible_birth_dates(birth_date):
    validate_birth_date(birth_date, today=TODAY)


@pytest.mark.django_db
def test_every_birth_date_field_of_the_project_refuses_an_impossible_date():
    """The admin and every model form take the rule from the model field (tester t-youth 12)."""
    from django.apps import apps

    fields = [field for model in apps.get_models() for field in model._meta.get_fields()
              if field.name == "birth_date" and field.concrete]
    assert {field.model._meta.label for field in fields} >= {
        "bookings.Appointment", "matching.MobilityProfile"}
    for field in fields:
        with pytest.raises(ValidationError) as refused:
            field.run_validators(dt.date(200, 1, 1))
        assert refused.value.messages == ["Cette date de naissance n'est pas possible."]
        field.run_validators(dt.date(2004, 5, 17))

