"""Durations said as people say them, départements read from postal codes and named with
their article, and the countries straddling two continents."""

import pytest

from vocabulary.codes import (
    departement_of_postal_code,
    of_departement,
    of_departements,
    transcontinental_countries,
)
from vocabulary.formatting import format_count, format_duration, format_duration_range


@pytest.mark.parametrize(("weeks", "text"), [
    (0.14, "1 jour"), (0.71, "5 jours"), (1, "1 semaine"), (1.43, "10 jours"),
    (2, "2 semaines"), (4.35, "4 semaines"), (8, "8 semaines"), (8.7, "2 mois"),
    (13.05, "3 mois"), (20, "4 mois et demi"), (26.1, "6 mois"), (52, "12 mois"),
    (52.2, "12 mois"), (104.4, "24 mois"),
])
def test_weeks_under_two_months_months_from_two_months(weeks, text):
    assert format_duration(weeks) == text


@pytest.mark.parametrize(("low", "high", "text"), [
    (2, 52.2, "de 2 semaines à 12 mois"), (8.7, 52.2, "de 2 à 12 mois"),
    (52, 52.2, "12 mois"), (2, 4.35, "de 2 à 4 semaines"), (0.71, 3, "de 5 jours à 3 semaines"),
    (13.05, None, "à partir de 3 mois"), (None, 104.4, "jusqu'à 24 mois"), (None, None, "libre"),
])
def test_duration_ranges(low, high, text):
    assert format_duration_range(low, high) == text


@pytest.mark.parametrize(("postal_code", "departement"), [
    ("33000", "33"), ("87000", "87"), ("64100", "64"), ("20000", "2A"), ("20167", "2A"),
    ("20200", "2B"), ("97400", "974"), ("97600", "976"), ("98000", None), ("00100", None),
    ("3300", None), ("", None), ("abcde", None),
])
def test_departement_of_postal_code(postal_code, departement):
    assert departement_of_postal_code(postal_code) == departement


@pytest.mark.parametrize(("codes", "text"), [
    (["33"], "de la Gironde"), (["40"], "des Landes"), (["46"], "du Lot"),
    (["47"], "de Lot-et-Garonne"), (["28"], "d'Eure-et-Loir"), (["01"], "de l'Ain"),
    (["974"], "de La Réunion"), (["40", "33"], "de la Gironde et des Landes"),
    (["87", "86", "16"], "de la Charente, de la Vienne et de la Haute-Vienne"),
    (["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"],
     "de la Nouvelle-Aquitaine"),
])
def test_departements_named_with_their_article(codes, text):
    assert of_departements(codes) == text
    if len(codes) == 1:
        assert of_departement(codes[0]) == text


def test_straddling_countries_are_the_caucasus_cyprus_russia_and_turkey():
    assert transcontinental_countries() == dict.fromkeys(
        ("AM", "AZ", "CY", "GE", "RU", "TR"), ("europe", "asia"))


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 structure"), (1, "1 structure"), (2, "2 structures"), (1500, "1 500 structures")])
def test_counts_take_the_plural_from_two_on(count, expected):
    assert format_count(count, "structure") == expected
    assert format_count(count, "travail", "travaux").endswith(
        "travail" if count < 2 else "travaux")
