"""People's names as typed into the product's forms (tester t-book8 #7: « 😀 » or a lone
zero-width space was accepted as a first or last name, and then greeted people in e-mails).

- ``has_a_letter(value) -> bool``: whether ``value`` holds at least one letter of any script
  (Unicode general category L*: « Léa », « Nguyễn », « O'Brien », « 李 » pass).
- ``validate_person_name(value)``: a form field validator; raises
  ``django.core.exceptions.ValidationError`` (code ``name_without_letter``) with the French
  message ``NAME_MESSAGE``. An empty value passes: requiredness is the field's.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NAME_MESSAGE = _("Écrivez-le avec des lettres.")


def has_a_letter(value: str) -> bool:
    """True when ``value`` holds a letter of any script (Unicode category L*)."""
    return any(unicodedata.category(character).startswith("L") for character in value)


def validate_person_name(value: str) -> None:
    """Form validator (see the module docstring)."""
    if value and not has_a_letter(value):
        raise ValidationError(NAME_MESSAGE, code="name_without_letter")
