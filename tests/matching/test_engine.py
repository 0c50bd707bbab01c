"""The matching engine, table-driven: one case per hard condition and per wish, with edges."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from matching.engine import WEIGHTS, Profile, Wishes, match
from programmes.sheet_data import LanguageRequirement, SheetData
from vocabulary.ages import age_on
from vocabulary.formatting import format_eur

ON = date(2026, 11, 23)


def person(**changes) -> Profile:
    base = Profile(birth_date=date(1996, 4, 12), nationality="FR", status="employee",
                   education_level="bac+3", disability=False,
                   languages={"en": "B2", "es": "A2"}, budget_eur=3000, wishes=Wishes())
    return replace(base, **changes)


def sheet(slug="fiche", **fields) -> SheetData:
    fields.setdefault("domains", ("working_holiday",))
    fields.setdefault("destination_countries", ("CA",))
    return SheetData(slug=slug, **fields)


def outcome(profile: Profile, one_sheet: SheetData, on: date = ON):
    """« result », « near_miss » or « excluded », with the lines."""
    result = match(profile, [one_sheet], on=on)
    if result.results:
        return "result", result.results[0]
    if result.near_misses:
        return "near_miss", result.near_misses[0]
    return "excluded", None


# --- Age -----------------------------------------------------------------------------------

AGE_CASES = [
    # (birth_date, matching date, accepted from 18 to age_max, expected age, passes)
    pytest.param(date(1990, 11, 24), ON, 35, 35, True, id="turns-36-the-day-after"),
    pytest.param(date(1990, 11, 23), ON, 35, 36, False, id="turns-36-on-the-day"),
    pytest.param(date(1990, 11, 22), ON, 35, 36, False, id="turned-36-the-day-before"),
    pytest.param(date(2008, 11, 23), ON, 35, 18, True, id="turns-18-on-the-day"),
    pytest.param(date(2008, 11, 24), ON, 35, 17, False, id="turns-18-the-day-after"),
    pytest.param(date(2004, 2, 29), date(2022, 2, 27), 35, 17, False,
                 id="leap-day-birth-27-feb-of-non-leap-year"),
    pytest.param(date(2004, 2, 29), date(2022, 2, 28), 35, 18, True,
                 id="leap-day-birth-older-on-28-feb-of-non-leap-year"),
    pytest.param(date(2004, 2, 29), date(2022, 3, 1), 35, 18, True, id="leap-day-birth-1-march"),
    pytest.param(date(2004, 2, 29), date(2024, 2, 28), 35, 19, True,
                 id="leap-day-birth-28-feb-of-leap-year-not-yet"),
    pytest.param(date(2004, 2, 29), date(2024, 2, 29), 35, 20, True, id="leap-day-birth-29-feb"),
    pytest.param(date(1990, 2, 28), date(2026, 2, 28), 35, 36, False,
                 id="36-on-28-feb"),
    pytest.param(date(1992, 2, 29), date(2027, 2, 28), 35, 35, True,
                 id="leap-day-birth-turns-35-on-28-feb"),
    pytest.param(date(1992, 2, 29), date(2028, 2, 28), 35, 35, True,
                 id="leap-day-birth-still-35-on-28-feb-of-leap-year"),
    pytest.param(date(1992, 2, 29), date(2028, 2, 29), 35, 36, False,
                 id="leap-day-birth-36-on-29-feb-of-leap-year"),
]


@pytest.mark.parametrize(("birth", "on", "age_max", "expected_age", "passes"), AGE_CASES)
def test_age_limits_on_the_reference_date(birth, on, age_max, expected_age, passes):
    assert age_on(birth, on) == expected_age
    # The convention is dateutil's: a 29-February birth turns older on 28 February.
    assert age_on(birth, on) == relativedelta(on, birth).years
    kind, _ = outcome(person(birth_date=birth), sheet(age_min=18, age_max=age_max), on=on)
    assert (kind == "result") is passes


def test_age_line_is_specific_to_the_person():
    _, item = outcome(person(birth_date=date(1996, 4, 12)), sheet(age_min=18, age_max=35))
    assert "Âge : 30 ans, accepté de 18 à 35 ans" in item.met


def test_age_below_minimum_blocks():
    profile = person(birth_date=date(2010, 1, 1), wishes=Wishes(countries=("CA",)))
    kind, item = outcome(profile, sheet(age_min=18, age_max=30))
    assert kind == "near_miss"
    assert item.blocking == ("Âge : 16 ans, minimum 18 ans",)


@pytest.mark.parametrize(("departure", "expected_kind", "line"), [
    pytest.param(date(2027, 9, 1), "near_miss",
                 "Âge au départ (1er septembre 2027) : 31 ans, limite 30 ans",
                 id="older-at-departure"),
    pytest.param(None, "result", "Âge : 30 ans, accepté de 18 à 30 ans",
                 id="no-departure-counts-on-the-matching-date"),
])
def test_age_on_departure(departure, expected_kind, line):
    profile = person(wishes=Wishes(countries=("CA",), departure=departure))
    kind, item = outcome(profile, sheet(age_min=18, age_max=30, age_reference="departure"))
    assert kind == expected_kind
    assert line in (item.blocking if kind == "near_miss" else item.met)


@pytest.mark.parametrize(("disability", "disability_age_max", "expected_kind"), [
    pytest.param(False, 35, "near_miss", id="no-disability-limit-30"),
    pytest.param(True, 35, "result", id="disability-extends-to-35"),
    pytest.param(True, None, "near_miss", id="disability-without-extension"),
])
def test_disability_extension(disability, disability_age_max, expected_kind):
    profile = person(birth_date=date(1993, 1, 1), disability=disability,
                     wishes=Wishes(countries=("CA",)))
    kind, item = outcome(profile, sheet(age_min=18, age_max=30,
                                        disability_age_max=disability_age_max))
    assert kind == expected_kind
    if kind == "result":
        assert ("Âge : 33 ans, accepté de 18 à 35 ans en situation de handicap (30 ans sinon)"
                in item.met)


# --- Nationality, status, education, required languages -------------------------------------

@pytest.mark.parametrize(("nationality", "nationalities", "passes"), [
    pytest.param("FR", ("FR",), True, id="listed-country"),
    pytest.param("MA", ("FR",), False, id="unlisted-country"),
    pytest.param("DE", ("EU",), True, id="eu-member-in-EU"),
    pytest.param("NO", ("EU",), False, id="norway-not-in-EU"),
    pytest.param("NO", ("EEA",), True, id="norway-in-EEA"),
    pytest.param("CH", ("EEA",), False, id="switzerland-not-in-EEA"),
    pytest.param("MA", None, True, id="null-is-no-condition"),
])
def test_nationality(nationality, nationalities, passes):
    kind, _ = outcome(person(nationality=nationality), sheet(nationalities=nationalities))
    assert (kind == "result") is passes


def test_nationality_lines():
    _, item = outcome(person(nationality="DE"), sheet(nationalities=("EU",)))
    assert "Nationalité : Allemagne, acceptée (pays de l'Union européenne)" in item.met
    profile = person(nationality="MA", wishes=Wishes(countries=("CA",)))
    _, item = outcome(profile, sheet(nationalities=("FR", "EU")))
    assert item.blocking == ("Nationalité : Maroc, non acceptée (réservé à : France, pays de "
                             "l'Union européenne)",)


@pytest.mark.parametrize(("status", "statuses", "passes"), [
    pytest.param("employee", ("any",), True, id="any"),
    pytest.param("student", ("student", "he_apprentice"), True, id="listed"),
    pytest.param("vet_apprentice", ("student", "he_apprentice"), False,
                 id="vet-apprentice-not-higher-education"),
    pytest.param(None, ("student",), False, id="unknown-status-fails"),
])
def test_status(status, statuses, passes):
    kind, _ = outcome(person(status=status), sheet(statuses=statuses))
    assert (kind == "result") is passes


@pytest.mark.parametrize(("level", "minimum", "passes"), [
    pytest.param("bac+3", "bac+2", True, id="above"),
    pytest.param("bac+2", "bac+2", True, id="equal"),
    pytest.param("bac", "bac+2", False, id="below"),
    pytest.param(None, "bac", False, id="not-given"),
    pytest.param("none", None, True, id="no-minimum"),
])
def test_education_minimum(level, minimum, passes):
    kind, _ = outcome(person(education_level=level), sheet(education_min=minimum))
    assert (kind == "result") is passes


@pytest.mark.parametrize(("languages", "passes", "line"), [
    pytest.param({"en": "B1"}, False, "Niveau d'anglais B2 demandé : vous indiquez B1", id="below"),
    pytest.param({"en": "B2"}, True, "Niveau d'anglais B2 demandé : vous indiquez B2", id="equal"),
    pytest.param({"en": "C2"}, True, "Niveau d'anglais B2 demandé : vous indiquez C2", id="above"),
    pytest.param({}, False, "Niveau d'anglais B2 demandé : non indiqué", id="not-spoken"),
])
def test_required_language(languages, passes, line):
    profile = person(languages=languages, wishes=Wishes(countries=("CA",)))
    kind, item = outcome(profile, sheet(languages=(LanguageRequirement("en", "B2", True),)))
    assert (kind == "result") is passes
    assert line in (item.met if passes else item.blocking)


# --- Wishes --------------------------------------------------------------------------------

@pytest.mark.parametrize(("wishes", "sheet_fields", "met_line", "missing_line"), [
    pytest.param(Wishes(domains=("working_holiday", "job")), {},
                 "Domaine : vacances-travail (PVT), comme souhaité", None,
                 id="domain-matches"),
    pytest.param(Wishes(domains=("studies",)), {}, None,
                 "Domaine : vacances-travail (PVT) ; vous cherchez : études", id="domain-differs"),
    pytest.param(Wishes(countries=("CA",)), {},
                 "Destination : Canada, comme souhaité", None, id="country-listed"),
    pytest.param(Wishes(countries=("JP",)), {"destination_zones": ("asia",),
                                             "destination_countries": ()},
                 "Destination : Japon comme souhaité, parmi d'autres pays (Asie)", None,
                 id="zone-of-sheet-contains-wished-country"),
    pytest.param(Wishes(zones=("oceania",)), {"destination_countries": ("AU",)},
                 "Destination : Océanie, comme souhaité (Australie)", None,
                 id="wished-zone-contains-sheet-country"),
    pytest.param(Wishes(countries=("PE",)), {"destination_zones": ("worldwide",),
                                             "destination_countries": ()},
                 "Destination : Pérou comme souhaité, parmi d'autres pays (Monde entier)", None,
                 id="worldwide-contains-every-country"),
    pytest.param(Wishes(zones=("oceania",)), {}, None,
                 "Destination : Canada ; vous souhaitez : Océanie", id="destination-differs"),
    pytest.param(Wishes(duration_min_weeks=Decimal(26), duration_max_weeks=Decimal(52)),
                 {"duration_min_weeks": Decimal(1), "duration_max_weeks": Decimal(104)},
                 "Durée : de 1 semaine à 24 mois, couvre votre souhait (de 6 à 12 mois)", None,
                 id="duration-overlaps"),
    pytest.param(Wishes(duration_max_weeks=Decimal(2)),
                 {"duration_min_weeks": Decimal("4.35"), "duration_max_weeks": None},
                 None, "Durée : à partir de 4 semaines ; vous souhaitez jusqu'à 2 semaines",
                 id="duration-disjoint"),
    pytest.param(Wishes(departure=date(2027, 9, 1)), {"application_deadline": date(2027, 3, 1)},
                 "Candidature : jusqu'au 1er mars 2027, avant votre départ souhaité le "
                 "1er septembre 2027", None, id="timing-deadline-before-departure"),
    pytest.param(Wishes(departure=date(2027, 9, 1)), {"application_deadline": date(2026, 10, 1)},
                 None, "Candidature : date limite passée (1er octobre 2026)",
                 id="timing-deadline-passed"),
    pytest.param(Wishes(departure=date(2027, 1, 15)), {"application_deadline": date(2027, 3, 1)},
                 None, "Candidature : jusqu'au 1er mars 2027, après votre départ souhaité le "
                 "15 janvier 2027", id="timing-deadline-after-departure"),
])
def test_wishes_are_explained(wishes, sheet_fields, met_line, missing_line):
    kind, item = outcome(person(wishes=wishes), sheet(**sheet_fields))
    assert kind == "result"
    if met_line:
        assert met_line in item.met
    if missing_line:
        assert missing_line in item.missing


# Without wishes nor status, the applicable weights are budget, languages and certainty.
RESOURCES = WEIGHTS["budget"] + WEIGHTS["languages"] + WEIGHTS["certainty"]


@pytest.mark.parametrize(("budget", "line", "budget_value"), [
    pytest.param(3000, ("met", "Budget conseillé 1 700 € : vous indiquez 3 000 €"), 1.0,
                 id="enough-with-margin"),
    pytest.param(1800, ("met", "Budget conseillé 1 700 € : vous indiquez 1 800 €, avec peu de "
                               "marge"), 0.8 + 0.2 * (1800 / 1700 - 1) / 0.2,
                 id="enough-without-the-20-percent-margin"),
    pytest.param(1500, ("missing", "Budget conseillé 1 700 € : vous indiquez 1 500 €"),
                 0.8 * 1500 / 1700, id="short-never-excludes"),
    pytest.param(None, ("missing", "Budget conseillé 1 700 € : budget non renseigné"), 0.0,
                 id="unknown"),
])
def test_budget_margin(budget, line, budget_value):
    kind, item = outcome(person(budget_eur=budget, status=None), sheet(budget_min_eur=1700))
    assert kind == "result"
    assert line[1] in getattr(item, line[0])
    expected = (WEIGHTS["budget"] * budget_value + WEIGHTS["languages"]
                + WEIGHTS["certainty"]) / RESOURCES
    assert item.raw_score == pytest.approx(expected)
    assert item.score == round(expected, 2)


@pytest.mark.parametrize(("languages", "where", "value"), [
    pytest.param({"en": "B2"}, "met", 1.0, id="recommended-reached"),
    pytest.param({"en": "A2"}, "missing", 0.5, id="one-level-below-counts-half"),
    pytest.param({"en": "A1"}, "missing", 0.0, id="two-levels-below-does-not-exclude"),
])
def test_recommended_language(languages, where, value):
    kind, item = outcome(person(languages=languages),
                         sheet(languages=(LanguageRequirement("en", "B1", False),)))
    assert kind == "result"
    assert any(line.startswith("Niveau d'anglais B1 conseillé") for line in getattr(item, where))
    assert {c.name: c.value for c in item.components}["languages"] == value


# --- Ranking, near misses, no wish ---------------------------------------------------------

def test_ranking_best_first_ties_by_review_date_then_shared_rank():
    wishes = Wishes(domains=("working_holiday",), countries=("CA",))
    sheets = [
        sheet("c-other", title="C", domains=("studies",), destination_countries=("JP",)),
        sheet("b-canada", title="A même titre", last_reviewed=date(2026, 10, 1)),
        sheet("a-canada", title="Z même fiche", last_reviewed=date(2026, 6, 1)),
        sheet("d-domain-only", title="D", destination_countries=("JP",)),
        sheet("e-canada", title="B même fiche", last_reviewed=date(2026, 6, 1)),
    ]
    result = match(person(wishes=wishes, status=None), sheets, on=ON)
    # Same fit: the most recently reviewed first; equal on that too, the same rank, by title.
    assert [(item.slug, item.rank) for item in result.results] == [
        ("b-canada", 1), ("e-canada", 2), ("a-canada", 2), ("d-domain-only", 4),
        ("c-other", 5)]
    applicable = (WEIGHTS["domains"] + WEIGHTS["destination"] + RESOURCES)
    assert [item.raw_score for item in result.results] == pytest.approx([
        1.0, 1.0, 1.0, (WEIGHTS["domains"] + RESOURCES) / applicable,
        RESOURCES / applicable])


@pytest.mark.parametrize(("profile_changes", "sheet_fields", "expected"), [
    pytest.param({"status": "student"}, {"statuses": ("employee",)}, "near_miss",
                 id="fails-one-and-matches-a-wish"),
    pytest.param({"status": "student", "nationality": "MA"},
                 {"statuses": ("employee",), "nationalities": ("FR",)}, "excluded",
                 id="fails-two-is-not-a-near-miss"),
    pytest.param({"status": "student", "wishes": Wishes(countries=("JP",))},
                 {"statuses": ("employee",)}, "excluded",
                 id="fails-one-without-matching-a-wish"),
    pytest.param({"status": "student", "wishes": Wishes()}, {"statuses": ("employee",)},
                 "excluded", id="fails-one-and-no-wish-at-all"),
])
def test_near_miss_rules(profile_changes, sheet_fields, expected):
    changes = {"wishes": Wishes(countries=("CA",)), **profile_changes}
    kind, _ = outcome(person(**changes), sheet(**sheet_fields))
    assert kind == expected


def test_no_wish_at_all_ranks_by_the_criteria_that_need_none():
    sheets = [sheet("b-free", title="B"), sheet("c-needs-money", budget_min_eur=5000),
              sheet("a-free", title="A")]
    result = match(person(budget_eur=None, status=None), sheets, on=ON)
    assert [(item.slug, item.rank, item.score) for item in result.results] == [
        ("a-free", 1, 1.0), ("b-free", 1, 1.0),
        ("c-needs-money", 3, round((WEIGHTS["languages"] + WEIGHTS["certainty"]) / RESOURCES,
                                   2))]
    assert result.near_misses == ()


def test_json_output_shape():
    result = match(person(wishes=Wishes(countries=("CA",))),
                   [sheet("pvt-canada", age_min=18, age_max=35),
                    sheet("pvt-japon", age_min=18, age_max=29)], on=ON)
    assert result.to_json() == {
        "date": "2026-11-23",
        "results": [{"slug": "pvt-canada", "rank": 1,
                     # Open to any status: 0.5 of its 0.06, out of 0.24 + 0.06 + 0.22.
                     "score": round(1 - 0.03 / 0.52, 2),
                     "reason": "Destination : Canada, comme souhaité",
                     "met": ["Âge : 30 ans, accepté de 18 à 35 ans",
                             "Destination : Canada, comme souhaité"],
                     "missing": [],
                     "components": {"destination": 1.0, "status": 0.5, "budget": 1.0,
                                    "languages": 1.0, "certainty": 1.0}}],
        "near_misses": [{"slug": "pvt-japon", "blocking": ["Âge : 30 ans, limite 29 ans"]}],
    }
    assert result.to_json(limit=0)["results"] == []


def test_match_is_deterministic():
    sheets = [sheet(f"s{n}", budget_min_eur=n * 100) for n in range(20)]
    profile = person(wishes=Wishes(domains=("job",)))
    assert (match(profile, sheets, on=ON).to_json()
            == match(profile, list(reversed(sheets)), on=ON).to_json())


@pytest.mark.parametrize(("amount", "text"), [(0, "0 €"), (950, "950 €"), (1700, "1 700 €"),
                                              (1234567, "1 234 567 €")])
def test_euro_format(amount, text):
    assert format_eur(amount) == text
