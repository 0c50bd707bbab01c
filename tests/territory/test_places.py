"""Finding where a young person lives from what they type (the committed open-data extract)."""

import pytest

from territory.places import (
    DEPARTEMENT_IN,
    PlaceError,
    in_place,
    near_place,
    normalise,
    place_find,
    postal_code_departements,
    source,
)


@pytest.mark.parametrize("typed", ["Bordeaux", "bordeaux", "BORDEAUX", " Bordeaux ", "33000"])
def test_a_commune_by_name_or_its_only_postal_code(typed):
    place = place_find(typed)
    assert (place.kind, place.label, place.departement) == ("commune", "Bordeaux (33)", "33")
    assert "33800" in place.communes[0].postal_codes


@pytest.mark.parametrize(("typed", "label"), [
    ("Saint-Junien", "Saint-Junien (87)"),
    ("st junien", "Saint-Junien (87)"),
    ("Angouleme", "Angoulême (16)"),
    ("ANGOULÊME", "Angoulême (16)"),
    ("Montemboeuf", "Montembœuf (16)"),
    ("l'isle d'espagnac", "L'Isle-d'Espagnac (16)"),
    ("Mérignac (17)", "Mérignac (17)"),
    ("merignac 33", "Mérignac (33)"),
    ("Mérignac, 33700", "Mérignac (33)"),
    ("33700 Mérignac", "Mérignac (33)"),
])
def test_names_compare_without_accents_case_punctuation_or_abbreviation(typed, label):
    assert place_find(typed).label == label


def test_homonyms_are_not_guessed_but_suggested_largest_first():
    with pytest.raises(PlaceError) as error:
        place_find("Mérignac")
    assert error.value.code == "place_ambiguous"
    assert [p.label for p in error.value.suggestions] == [
        "Mérignac (33)", "Mérignac (16)", "Mérignac (17)"]
    assert [p.query for p in error.value.suggestions] == [
        "Mérignac (33)", "Mérignac (16)", "Mérignac (17)"]
    assert all(place_find(p.query) == p for p in error.value.suggestions)


def test_a_name_that_is_both_a_departement_and_a_commune():
    with pytest.raises(PlaceError) as error:
        place_find("Landes")
    assert [(p.kind, p.label) for p in error.value.suggestions] == [
        ("departement", "Landes (40)"), ("commune", "Landes (17)")]


def test_departement_by_number_or_name():
    assert place_find("87").label == "Haute-Vienne (87)"
    assert place_find("haute vienne") == place_find("87")
    assert place_find("87").kind == "departement"
    assert place_find("87").query == "87"


def test_a_postal_code_shared_by_several_communes():
    place = place_find("87200")
    assert (place.kind, place.label, place.query) == ("postal_code", "code postal 87200", "87200")
    assert place.communes[0].name == "Saint-Junien"  # largest first
    assert {c.name for c in place.communes} >= {"Saint-Junien", "Saint-Brice-sur-Vienne"}
    assert place.is_local(commune="Saint-Brice-sur-Vienne", postal_code="87200",
                          departement="87")
    assert not place.is_local(commune="Limoges", postal_code="87000", departement="87")


def test_a_postal_code_numbered_outside_the_region_that_serves_one_of_its_communes():
    """37160 follows Indre-et-Loire's sorting office and also serves Buxeuil (Vienne): the
    booking form accepts it, so the search must too (it said « pas en Nouvelle-Aquitaine »)."""
    place = place_find("37160")
    assert (place.departement, [c.label for c in place.communes]) == ("86", ["Buxeuil (86)"])
    with pytest.raises(PlaceError) as error:
        place_find("37000")
    assert error.value.code == "place_outside_region"


def test_a_former_commune_leads_to_the_current_one():
    place = place_find("Ambleville")
    assert place.communes[0].name == "Lignières-Ambleville"
    assert place.label == "Ambleville, aujourd'hui Lignières-Ambleville (16)"
    assert place.query == "Lignières-Ambleville (16)"


def test_structure_in_the_commune_is_local_whatever_the_spelling():
    place = place_find("saint junien")
    assert place.is_local(commune="SAINT JUNIEN", postal_code="87200", departement="87")
    assert not place.is_local(commune="Saint-Junien", postal_code="23400", departement="23")
    assert not place_find("87").is_local(commune="Limoges", postal_code="87000",
                                         departement="87")


@pytest.mark.parametrize(("typed", "code", "suggested"), [
    ("", "place_empty", []),
    ("Toulouse", "place_unknown", []),
    ("Bordeau", "place_unknown", ["Bordeaux (33)"]),
    ("Limoge", "place_unknown", ["Limoges (87)"]),
    ("75001", "place_outside_region", []),
    ("31", "place_outside_region", []),
    ("33999", "postal_code_unknown", []),
    ("1234", "place_format", []),
    ("Pessac (87)", "place_unknown", []),
])
def test_unknown_places_are_refused_with_a_reason(typed, code, suggested):
    with pytest.raises(PlaceError) as error:
        place_find(typed)
    assert error.value.code == code
    assert error.value.message
    assert [p.label for p in error.value.suggestions][:len(suggested)] == suggested


def test_the_beginning_of_a_name_suggests_the_communes_it_begins():
    with pytest.raises(PlaceError) as error:
        place_find("Saint-Jun")
    assert [p.label for p in error.value.suggestions] == [
        "Saint-Junien (87)", "Saint-Junien-les-Combes (87)", "Saint-Junien-la-Bregère (23)"]


def test_normalise():
    assert normalise("  L'Isle-d'Espagnac ") == "l isle d espagnac"
    assert normalise("Ste-Foy-la-Grande") == "sainte foy la grande"
    assert normalise("Vœuil-et-Giget") == "voeuil et giget"


def test_the_extract_records_its_source_and_covers_the_twelve_departements():
    info = source()
    assert info["package"] == "@etalab/decoupage-administratif"
    assert info["version"]
    assert "Licence Ouverte" in info["licence"]
    assert "build_communes" in info["rebuild"]
    for code in ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"):
        assert place_find(code).departement == code
    # Each département's prefecture is found by its name.
    for town, code in [("Angoulême", "16"), ("La Rochelle", "17"), ("Tulle", "19"),
                       ("Guéret", "23"), ("Périgueux", "24"), ("Bordeaux", "33"),
                       ("Mont-de-Marsan", "40"), ("Agen", "47"), ("Pau", "64"),
                       ("Niort", "79"), ("Poitiers", "86"), ("Limoges", "87")]:
        assert place_find(town).departement == code


@pytest.mark.parametrize(("postal_code", "departements"), [
    ("87000", {"87"}), ("33220", {"24", "33"}), ("37160", {"86"}), ("75011", set()),
    ("", set()),
])
def test_the_departements_a_postal_code_serves(postal_code, departements):
    assert postal_code_departements(postal_code) == departements


@pytest.mark.parametrize(("name", "at", "near"), [
    ("Bordeaux", "à Bordeaux", "de Bordeaux"),
    ("Le Bouscat", "au Bouscat", "du Bouscat"),
    ("Les Adjots", "aux Adjots", "des Adjots"),
    ("La Rochelle", "à La Rochelle", "de La Rochelle"),
    ("L'Isle-d'Espagnac", "à L'Isle-d'Espagnac", "de L'Isle-d'Espagnac"),
    ("Angoulême", "à Angoulême", "d'Angoulême"),
    ("Le Teich", "au Teich", "du Teich"),
    ("Lesparre-Médoc", "à Lesparre-Médoc", "de Lesparre-Médoc"),  # « Les » only as a word
])
def test_prepositions_contract_with_the_article_of_a_communes_name(name, at, near):
    assert (in_place(name), near_place(name)) == (at, near)


@pytest.mark.parametrize(("typed", "near", "within"), [
    ("33", "en Gironde (33)", "en Gironde (33)"),
    ("40", "dans les Landes (40)", "dans les Landes (40)"),
    ("47", "dans le Lot-et-Garonne (47)", "dans le Lot-et-Garonne (47)"),
    ("Le Bouscat", "près du Bouscat (33)", "au Bouscat (33)"),
    ("Pessac", "près de Pessac (33)", "à Pessac (33)"),
])
def test_place_labels_for_headings(typed, near, within):
    place = place_find(typed)
    assert (place.near_label, place.in_label) == (near, within)


def test_every_departement_of_the_region_has_its_preposition():
    from territory.places import _gazetteer

    assert set(DEPARTEMENT_IN) == set(_gazetteer().departements)
