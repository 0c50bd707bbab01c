"""A person's name must hold a letter (tester t-book8 #7)."""

import pytest
from django.core.exceptions import ValidationError

from vocabulary.names import NAME_MESSAGE, has_a_letter, validate_person_name


@pytest.mark.parametrize("name", ["Léa", "Nguyễn", "O'Brien", "Jean-Éric", "李", "X Æ A-12", "Ø"])
def test_names_of_every_script_pass(name):
    assert has_a_letter(name)
    validate_person_name(name)


@pytest.mark.parametrize("name", ["😀", "\u200b", "1234", "-", "'.'", "\u200b\u200d"])
def test_a_name_without_a_letter_is_refused_in_french(name):
    with pytest.raises(ValidationError) as refused:
        validate_person_name(name)
    assert refused.value.messages == [str(NAME_MESSAGE)]
    assert refused.value.code == "name_without_letter"


def test_an_empty_value_is_left_to_the_field_s_requiredness():
    validate_person_name("")
