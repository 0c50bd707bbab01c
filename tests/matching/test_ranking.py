"""The ranking: the issue's example on the demo sheets, the two paths of the score agreeing,
durations compared as people mean them, and the ranked sequence."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from matching.engine import (
    DESTINATION_BORDER,
    WEIGHTS,
    Profile,
    Wishes,
    assess,
    explain,
    match,
)
from matching.management.commands.bench_matching import synthetic_fields
from programmes.exchange import parse_programmes
from programmes.sheet_data import SheetData

DEMO = Path(__file__).resolve().parents[2] / "programmes" / "demo_programmes.json"


@pytest.fixture(scope="module")
def demo_sheets() -> list[SheetData]:
    fields, errors = parse_programmes(json.loads(DEMO.read_text(encoding="utf-8")))
    assert not errors
    return [SheetData.from_fields(row) for row in fields]


# The issue's example: a job seeker born 10/06/2001, in Limoges, English B1, 800 €, wishing to
# volunteer in Europe for 20 to 52 weeks from March 2027, matched on 1 December 2026.
EXAMPLE = Profile(
    birth_date=date(2001, 6, 10), nationality="FR", status="job_seeker", postal_code="87000",
    languages={"en": "B1"}, budget_eur=800,
    wishes=Wishes(domains=("volunteering",), zones=("europe",), duration_min_weeks=Decimal(20),
                  duration_max_weeks=Decimal(52), departure=date(2027, 3, 1)))
STRADDLING = ("Arménie, Azerbaïdjan, Chypre, Géorgie, Russie, Turquie : à cheval sur "
              "l'Europe et l'Asie")


def test_the_issue_example_comes_out_in_the_stated_order(demo_sheets):
    result = match(EXAMPLE, demo_sheets, on=date(2026, 12, 1))
    first_five = result.results[:5]
    slugs = [item.slug for item in first_five]
    assert slugs[0] == "corps-europeen-de-solidarite"
    assert set(slugs[1:3]) == {"ofaj-volontariat-franco-allemand",
                               "service-civique-international"}
    assert set(slugs[3:5]) == {"corps-europeen-de-solidarite-humanitaire",
                               "volontariat-solidarite-internationale"}
    # The two partial fits are equal on every component and reviewed the same day: a tie.
    assert first_five[3].rank == first_five[4].rank == 4
    assert first_five[0].score < 1 and len({item.raw_score for item in first_five[:4]}) == 4
    by_slug = {item.slug: item for item in first_five}
    assert by_slug["corps-europeen-de-solidarite"].reason == (
        "Destination : Europe, comme souhaité (Union européenne, Islande, Liechtenstein, "
        "Norvège, République de Macédoine du Nord…)")
    assert by_slug["service-civique-international"].reason == (
        "Destination : Europe comme souhaité, parmi d'autres destinations (Monde entier)")
    franco_german = by_slug["ofaj-volontariat-franco-allemand"]
    assert not any(line.startswith("Durée") for line in franco_german.missing)
    assert ("Durée : 12 mois, dans votre souhait (de 4 mois et demi à 12 mois)"
            in franco_german.met)
    for slug in ("corps-europeen-de-solidarite-humanitaire",
                 "volontariat-solidarite-internationale"):
        assert by_slug[slug].reason.endswith(f"Europe seulement par des pays à cheval sur "
                                             f"deux continents ({STRADDLING})")
        assert {c.name: c.value for c in by_slug[slug].components}["destination"] == (
            DESTINATION_BORDER)


PROFILES = [
    EXAMPLE,
    Profile(birth_date=date(1996, 4, 12), nationality="FR", status="employee",
            education_level="bac+3", languages={"en": "B2", "es": "A2"}, budget_eur=3000,
            postal_code="33000",
            wishes=Wishes(domains=("working_holiday", "job"), zones=("oceania",),
                          countries=("CA",), duration_min_weeks=Decimal(26),
                          duration_max_weeks=Decimal(52), departure=date(2027, 9, 1))),
    Profile(birth_date=date(2004, 1, 1), nationality="DE", status="student",
            education_level="bac", languages={"de": "C1"}, budget_eur=None,
            wishes=Wishes(zones=("asia", "eu"), duration_max_weeks=Decimal(8))),
    Profile(birth_date=date(2000, 2, 29), nationality="MA", status=None, budget_eur=1700,
            wishes=Wishes(countries=("TR", "JP"), duration_min_weeks=Decimal(52))),
]


@pytest.mark.parametrize("profile", PROFILES)
def test_fast_score_equals_the_explained_components(profile, demo_sheets):
    """The ranking loop computes scores without lines; the explanation recomputes them from
    the components it shows. Both must agree, results and near misses alike."""
    sheets = demo_sheets + [SheetData.from_fields(row) for row in synthetic_fields(400)]
    result = match(profile, sheets, on=date(2026, 11, 23))
    assert len(result.results) + len(result.near_misses) > 50
    for item in [*result.results, *result.near_misses]:
        components = item.components
        weight = sum(component.weight for component in components)
        assert item.raw_score == pytest.approx(
            sum(c.weight * c.value for c in components) / weight, abs=1e-12)
        assert all(0 <= c.value <= 1 for c in components)
        assert 0 <= item.raw_score <= 1
        assert item.reason


def test_assess_and_explain_describe_one_sheet_whatever_its_outcome(demo_sheets):
    sheet = next(s for s in demo_sheets if s.slug == "pvt-nouvelle-zelande")
    older = replace(EXAMPLE, birth_date=date(1990, 1, 1),
                    wishes=Wishes(zones=("oceania",)))
    assessment = assess(older, sheet, on=date(2026, 12, 1))
    assert assessment.blocking == ("Âge : 36 ans, limite 30 ans",)
    assert assessment.reason == "Âge : 36 ans, limite 30 ans"
    assert explain(older, sheet, on=date(2026, 12, 1)) == (
        assessment.met, assessment.missing, assessment.blocking)
    assert {c.name for c in assessment.components} == {
        "destination", "status", "budget", "languages", "certainty"}
    assert set(WEIGHTS) >= {c.name for c in assessment.components}


@pytest.mark.parametrize(("wish", "sheet_range", "value"), [
    pytest.param((52, None), (130, None), 0.5, id="open-wish-meets-a-much-longer-programme"),
    pytest.param((52, None), (8.7, 52.2), 0.5, id="open-wish-barely-reached"),
    pytest.param((None, 2), (0.14, 4.29), 1.0, id="wish-open-below-starts-at-zero"),
    pytest.param((20, 52), (52.2, 52.2), 0.5, id="a-fixed-year-inside-the-wish"),
    pytest.param((20, 52), (53.2, None), 0.0, id="one-week-more-is-a-difference"),
    pytest.param((20, 52), (20.5, 52), 1.0, id="half-a-week-short-is-no-difference"),
])
def test_duration_component(wish, sheet_range, value):
    def weeks(number):
        return None if number is None else Decimal(str(number))

    profile = replace(EXAMPLE, wishes=Wishes(duration_min_weeks=weeks(wish[0]),
                                             duration_max_weeks=weeks(wish[1])))
    sheet = SheetData(slug="s", domains=("volunteering",),
                      destination_zones=("europe",), duration_min_weeks=weeks(sheet_range[0]),
                      duration_max_weeks=weeks(sheet_range[1]))
    components = {c.name: c.value for c in assess(profile, sheet, on=date(2026, 12, 1))
                  .components}
    assert components["duration"] == pytest.approx(value, abs=0.01)


def test_ranking_reads_like_a_sequence(demo_sheets):
    result = match(EXAMPLE, demo_sheets, on=date(2026, 12, 1))
    results = result.results
    assert len(results) == len(list(results)) > 5
    assert results[0] is results[0] and results[-1] is list(results)[-1]
    assert results[:2] == (results[0], results[1])
    assert results == tuple(results) and results != ()
    with pytest.raises(IndexError):
        results[len(results)]
    assert result.to_json(limit=2)["results"][1]["slug"] == results[1].slug
