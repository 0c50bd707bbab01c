"""French phone numbers typed in the national format, overseas departments included
(tester t-youth 17: « 0692 12 34 56 », a Réunion mobile, was refused)."""

import pytest

from vocabulary.phones import FrenchPhoneNumberFormField, french_phone_number


@pytest.mark.parametrize(("typed", "e164"), [
    ("0692 12 34 56", "+262692123456"),  # Réunion, mobile
    ("0693 12 34 56", "+262693123456"),
    ("0262 12 34 56", "+262262123456"),  # Réunion, fixed line
    ("0690 12 34 56", "+590690123456"),  # Guadeloupe
    ("0691 28 34 56", "+590691283456"),
    ("0696 12 34 56", "+596696123456"),  # Martinique
    ("0697 12 34 56", "+596697123456"),
    ("0694 12 34 56", "+594694123456"),  # Guyane
    ("0639 01 23 45", "+262639012345"),  # Mayotte
    ("06 12 34 56 78", "+33612345678"),  # metropolitan numbers are read as before
    ("05.56.00.00.02", "+33556000002"),
    ("+262 692 12 34 56", "+262692123456"),  # international formats as typed
    ("0033 6 12 34 56 78", "+33612345678"),
])
def test_national_numbers_are_read_in_france_then_overseas(typed, e164):
    number = french_phone_number(typed)
    assert number.is_valid() and number.as_e164 == e164


@pytest.mark.parametrize("typed", ["0612", "0699 99 99 99 99", "abc"])
def test_numbers_valid_nowhere_stay_invalid(typed):
    number = french_phone_number(typed)
    assert not number.is_valid()


def test_the_form_field_accepts_an_overseas_number_and_shows_it_nationally():
    field = FrenchPhoneNumberFormField(required=False)
    number = field.clean("0692 12 34 56")
    assert number.as_e164 == "+262692123456" and number.as_national == "0692 12 34 56"
    assert field.clean("") in ("", None)


@pytest.mark.django_db
def test_every_phone_field_of_the_project_reads_overseas_numbers():
    """The model fields (admin, model forms, assignment) read the same way."""
    from django.apps import apps

    from vocabulary.phones import FrenchPhoneNumberField

    fields = [field for model in apps.get_models() for field in model._meta.get_fields()
              if type(field).__name__ == "PhoneNumberField"
              or isinstance(field, FrenchPhoneNumberField)]
    assert fields
    assert all(isinstance(field, FrenchPhoneNumberField) for field in fields)
    for field in fields:
        assert field.formfield().clean("0696 12 34 56").as_e164 == "+596696123456"
