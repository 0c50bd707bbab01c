"""The shared vocabulary's lists: each entry shown once, Kosovo among the countries."""

import pytest

from vocabulary import codes


def _lists():
    yield "languages", {code: str(name) for code, name in codes.LANGUAGE_NAMES.items()}
    yield "countries", codes.country_names_fr()
    for choices in (codes.Domain, codes.Status, codes.Zone, codes.EducationLevel,
                    codes.CefrLevel, codes.AgeReference):
        yield choices.__name__, codes.choices_dict(choices)


@pytest.mark.parametrize(("name", "labels"), list(_lists()))
def test_no_label_is_offered_twice(name, labels):
    shown = [label.casefold() for label in labels.values()]
    assert len(shown) == len(set(shown)), name


def test_norwegian_is_offered_once_and_its_standards_still_read():
    assert [code for code, name in codes.LANGUAGE_NAMES.items()
            if "norvégien" in str(name)] == ["no"]
    assert {"nb", "nn", "no"} <= codes.ISO_639_1
    assert codes.language_name("nb") == "norvégien (bokmål)"


def test_kosovo_is_a_country_of_europe():
    assert "XK" in codes.all_country_codes()
    assert codes.country_name("XK") == "Kosovo"
    assert codes.country_zones()["XK"] >= {"europe", "worldwide"}
    assert "eu" not in codes.country_zones()["XK"]
