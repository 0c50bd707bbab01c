"""French phone numbers, read the way people type them (django-phonenumber-field, Google's
libphonenumber).

People in the overseas departments type their numbers in the national format, like everyone
in France: « 0692 12 34 56 ». Read with the region FR alone, that is +33 692 12 34 56, which
does not exist, and the form refused a valid Réunion mobile (tester t-youth 17). The overseas
departments share France's national prefix 0 but have their own country codes, so a national
number that is not a valid metropolitan one is tried in each of them, in the order of
``OVERSEAS_REGIONS`` (libphonenumber knows which number ranges each one owns: 0692/0693
Réunion, 0690/0691 Guadeloupe, 0696/0697 Martinique, 0694 Guyane, 0639 Mayotte, and their
fixed lines 0262, 0590, 0596, 0594, 0269).

- ``french_phone_number(value, *, region="FR") -> PhoneNumber | value``: the one place a typed
  number is read; international numbers (« +262… », « 0033… ») are read as typed.
- ``FrenchPhoneNumberFormField`` and ``FrenchPhoneNumberField`` (model field; its admin and
  model forms use the form field): django-phonenumber-field's fields reading with it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from phonenumber_field import formfields, modelfields
from phonenumber_field.phonenumber import PhoneNumber, to_python

#: Overseas departments (ISO 3166-1 codes of libphonenumber), tried after FR in this order.
OVERSEAS_REGIONS = ("RE", "GP", "MQ", "GF", "YT")


def french_phone_number(value: Any, *, region: str | None = "FR") -> Any:
    """``value`` (a string typed by a person, or anything django-phonenumber-field's
    ``to_python`` takes) as a ``PhoneNumber``: read in ``region`` and, when that gives no
    valid number and the string is in the national format (a leading 0, not 00), in each of
    ``OVERSEAS_REGIONS``; the first valid reading wins, else the ``region`` reading is
    returned (invalid: the field's validator refuses it). Empty values come back unchanged."""
    number = to_python(value, region=region)
    if not isinstance(value, str) or not isinstance(number, PhoneNumber) or number.is_valid():
        return number
    typed = value.strip()
    if not typed.startswith("0") or typed.startswith("00"):
        return number
    for overseas in OVERSEAS_REGIONS:
        candidate = to_python(typed, region=overseas)
        if isinstance(candidate, PhoneNumber) and candidate.is_valid():
            return candidate
    return number


class FrenchPhoneNumberFormField(formfields.PhoneNumberField):  # type: ignore[misc]
    """django-phonenumber-field's form field, reading with ``french_phone_number``."""

    def to_python(self, value: Any) -> Any:
        return french_phone_number(forms.CharField.to_python(self, value), region=self.region)


class _FrenchPhoneNumberDescriptor(modelfields.PhoneNumberDescriptor):  # type: ignore[misc]
    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.name] = french_phone_number(value, region=self.field.region)


class FrenchPhoneNumberField(modelfields.PhoneNumberField):  # type: ignore[misc]
    """django-phonenumber-field's model field, reading with ``french_phone_number`` (on
    assignment and in its forms, the admin's included)."""

    descriptor_class = _FrenchPhoneNumberDescriptor

    def to_python(self, value: Any) -> Any:
        return french_phone_number(value, region=self.region)

    def formfield(self, form_class: Any = None, choices_form_class: Any = None,
                  **kwargs: Any) -> Any:
        return super().formfield(form_class=form_class or FrenchPhoneNumberFormField,
                                 choices_form_class=choices_form_class, **kwargs)
