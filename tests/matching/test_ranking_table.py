"""The ranking, as a table of hand-made situations: one profile, a handful of programme sheets,
and the order in which an advisor who knows the programmes' official conditions would put the
first three — written from those conditions (the demo sheets, checked against the organisers'
pages, and variants of them), not copied from the engine's output.

Each row says why. Together the rows cover every ranking component (domain, destination,
duration, timing, status, budget, languages, certainty), both tie rules (the most recently
reviewed sheet first, then a shared rank listed by title) and the residence condition.
"""

import json
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from matching.engine import Profile, Wishes, match
from programmes.exchange import parse_programmes
from programmes.sheet_data import SheetData

ON = date(2026, 12, 1)
DEMO = Path(__file__).resolve().parents[2] / "programmes" / "demo_programmes.json"


def _demo_sheets() -> dict[str, SheetData]:
    fields, errors = parse_programmes(json.loads(DEMO.read_text(encoding="utf-8")))
    assert not errors
    return {row["slug"]: SheetData.from_fields(row) for row in fields}


SHEETS = _demo_sheets()
GIRONDE_GRANT = SheetData(
    # A département's grant for projects abroad, open to its residents only (hand-made: the
    # format's own example of a residence condition).
    slug="gironde-bourse-projet-jeunes", title="Gironde : bourse projet jeunes",
    domains=("volunteering", "exchange"), destination_zones=("worldwide",), age_min=16,
    age_max=25, residence=("33",), verification="to_verify",
    verification_note="le montant de l'année.", last_reviewed=date(2026, 11, 23))
# The European Solidarity Corps splits individual volunteering into short-term (2 weeks to
# 2 months) and long-term (2 to 12 months) activities.
ESC_SHORT = replace(SHEETS["corps-europeen-de-solidarite"], slug="esc-court-terme",
                    title="Corps européen de solidarité : volontariat court",
                    duration_min_weeks=Decimal(2), duration_max_weeks=Decimal("8.7"))
ESC_LONG = replace(SHEETS["corps-europeen-de-solidarite"], slug="esc-long-terme",
                   title="Corps européen de solidarité : volontariat long",
                   duration_min_weeks=Decimal("8.7"), duration_max_weeks=Decimal("52.2"))
LIBRARY = {**SHEETS, GIRONDE_GRANT.slug: GIRONDE_GRANT, ESC_SHORT.slug: ESC_SHORT,
           ESC_LONG.slug: ESC_LONG}


def variant(slug: str, new_slug: str, **changes) -> SheetData:
    return replace(LIBRARY[slug], slug=new_slug, **changes)


def person(*, born=date(2002, 3, 15), status="job_seeker", postal_code="87000",
           languages=None, budget=1000, nationality="FR", **wishes) -> Profile:
    duration = wishes.pop("weeks", (None, None))
    return Profile(
        birth_date=born, nationality=nationality, status=status, postal_code=postal_code,
        education_level="bac", languages=languages if languages is not None else {"en": "B1"},
        budget_eur=budget,
        wishes=Wishes(domains=tuple(wishes.get("domains", ())),
                      zones=tuple(wishes.get("zones", ())),
                      countries=tuple(wishes.get("countries", ())),
                      duration_min_weeks=None if duration[0] is None else Decimal(duration[0]),
                      duration_max_weeks=None if duration[1] is None else Decimal(duration[1]),
                      departure=wishes.get("departure")))


@dataclass
class Case:
    why: str
    profile: Profile
    sheets: list  # slugs of LIBRARY or SheetData
    top: list[str]
    ranks: list[int] | None = None
    near_misses: list[str] = field(default_factory=list)
    lines: dict[str, str] = field(default_factory=dict)  # slug → a line its result must show
    reasons: dict[str, str] = field(default_factory=dict)  # slug → its one-line reason


DEPARTURE = date(2027, 9, 1)
CASES = {
    # --- destination ------------------------------------------------------------------
    "destination-named-country-above-its-zone-above-worldwide": Case(
        "The Franco-German volunteering goes only to Germany; the ESC to the EU and partner "
        "countries, Germany among them; the Service civique anywhere.",
        person(domains=["volunteering"], countries=["DE"], languages={"de": "B1"}),
        ["service-civique-international", "corps-europeen-de-solidarite",
         "ofaj-volontariat-franco-allemand"],
        ["ofaj-volontariat-franco-allemand", "corps-europeen-de-solidarite",
         "service-civique-international"],
        reasons={"ofaj-volontariat-franco-allemand": "Destination : Allemagne, comme souhaité"}),
    "destination-only-the-wished-zone-above-worldwide-above-border-countries": Case(
        "For Europe: the ESC goes only there, the Service civique everywhere, the "
        "humanitarian strand and the VSI only to countries straddling Europe and Asia (tied: "
        "same fit, same review date, listed by title).",
        person(domains=["volunteering"], zones=["europe"]),
        ["volontariat-solidarite-internationale", "corps-europeen-de-solidarite-humanitaire",
         "service-civique-international", "corps-europeen-de-solidarite"],
        ["corps-europeen-de-solidarite", "service-civique-international",
         "corps-europeen-de-solidarite-humanitaire"], ranks=[1, 2, 3],
        lines={"volontariat-solidarite-internationale": "Turquie : à cheval sur l'Europe et "
                                                        "l'Asie"}),
    "destination-asia-mostly-above-worldwide-above-turkey-only": Case(
        "For Asia: the VSI goes to Asia and a few other regions, the Service civique "
        "everywhere, the ESC only through Turkey and Cyprus.",
        person(domains=["volunteering"], zones=["asia"]),
        ["corps-europeen-de-solidarite", "service-civique-international",
         "volontariat-solidarite-internationale"],
        ["volontariat-solidarite-internationale", "service-civique-international",
         "corps-europeen-de-solidarite"],
        lines={"corps-europeen-de-solidarite": "Chypre, Turquie : à cheval sur l'Europe et "
                                               "l'Asie"}),
    "destination-a-wished-straddling-country-is-a-real-wish": Case(
        "Turkey wished by name: the ESC names it, the humanitarian strand reaches it through "
        "Asia, the Service civique through the world.",
        person(domains=["volunteering"], countries=["TR"]),
        ["service-civique-international", "corps-europeen-de-solidarite-humanitaire",
         "corps-europeen-de-solidarite"],
        ["corps-europeen-de-solidarite", "corps-europeen-de-solidarite-humanitaire",
         "service-civique-international"]),
    "destination-eu-wish-erasmus-above-worldwide-grant": Case(
        "A Limoges student wishing the EU: Erasmus+ goes to the EU and six partner "
        "countries, the Haute-Vienne grant anywhere; the language assistants are a job.",
        person(status="student", domains=["studies"], zones=["eu"]),
        ["assistants-de-langue-francaise", "haute-vienne-aide-mobilite-etudiants",
         "erasmus-plus-etudes"],
        ["erasmus-plus-etudes", "haute-vienne-aide-mobilite-etudiants",
         "assistants-de-langue-francaise"]),
    "destination-no-overlap-comes-last": Case(
        "Oceania: the Australian and New Zealand working holidays go there, the Japanese one "
        "does not.",
        person(born=date(2001, 1, 1), domains=["working_holiday"], zones=["oceania"],
               budget=5000),
        ["pvt-japon", "pvt-australie", "pvt-nouvelle-zelande"],
        ["pvt-australie", "pvt-nouvelle-zelande", "pvt-japon"], ranks=[1, 1, 3]),
    "destination-worldwide-wish-is-met-by-every-sheet": Case(
        "« Anywhere » makes destination equal: the domain decides.",
        person(domains=["job"], zones=["worldwide"], born=date(2000, 5, 5)),
        ["pvt-coree-du-sud", "vie-volontariat-international-en-entreprise",
         "ofqj-stages-emplois-quebec"],
        ["ofqj-stages-emplois-quebec", "vie-volontariat-international-en-entreprise",
         "pvt-coree-du-sud"], ranks=[1, 1, 3]),
    # --- domain -----------------------------------------------------------------------
    "domain-the-project-comes-before-the-place": Case(
        "An au pair wish in Europe: the au pair sheet; then programmes in Europe of another "
        "kind (Eurodyssée, ESC, tied) — never ahead of it.",
        person(domains=["au_pair"], zones=["europe"], budget=600),
        ["eurodyssee", "corps-europeen-de-solidarite", "au-pair-europe"],
        ["au-pair-europe", "corps-europeen-de-solidarite", "eurodyssee"], ranks=[1, 2, 2]),
    # --- status -----------------------------------------------------------------------
    "status-made-for-job-seekers-above-open-to-all": Case(
        "A Limoges job seeker wanting an internship in Europe: Erasmus+ for job seekers and "
        "the Région's internship are made for them (tied, listed by title), Eurodyssée is "
        "open to all.",
        person(domains=["internship"], zones=["europe"]),
        ["eurodyssee", "region-nouvelle-aquitaine-stage-demandeurs-emploi",
         "erasmus-plus-stage-demandeurs-emploi"],
        ["erasmus-plus-stage-demandeurs-emploi",
         "region-nouvelle-aquitaine-stage-demandeurs-emploi", "eurodyssee"], ranks=[1, 1, 3]),
    "status-students-internship": Case(
        "A student's internship in Europe: Erasmus+ higher education is made for students, "
        "Eurodyssée is open to all, the Québec offices go elsewhere.",
        person(status="student", domains=["internship"], zones=["europe"]),
        ["ofqj-stages-emplois-quebec", "eurodyssee", "erasmus-plus-stage-superieur"],
        ["erasmus-plus-stage-superieur", "eurodyssee", "ofqj-stages-emplois-quebec"]),
    "status-vocational-apprentice-is-not-higher-education": Case(
        "A CAP apprentice: Erasmus+ vocational training is for them; Erasmus+ higher "
        "education is not (a near miss that says so), Eurodyssée is open to all.",
        person(status="vet_apprentice", domains=["internship", "training"], zones=["europe"]),
        ["erasmus-plus-stage-superieur", "eurodyssee", "erasmus-plus-formation-professionnelle"],
        ["erasmus-plus-formation-professionnelle", "eurodyssee"],
        near_misses=["erasmus-plus-stage-superieur"]),
    # --- duration ---------------------------------------------------------------------
    "duration-covering-the-whole-wish-first": Case(
        "Anywhere, 20 weeks to a year: long-term ESC covers it all, the Service civique (6 to "
        "12 months) part of it, short-term ESC (2 weeks to 2 months) none.",
        person(domains=["volunteering"], zones=["worldwide"], weeks=(20, 52)),
        ["esc-court-terme", "service-civique-international", "esc-long-terme"],
        ["esc-long-terme", "service-civique-international", "esc-court-terme"]),
    "duration-52-weeks-is-twelve-months": Case(
        "A year in Germany: the Franco-German volunteering lasts 12 months (52.2 weeks), "
        "which is the year wished.",
        person(domains=["volunteering"], countries=["DE"], weeks=(52, 52),
               languages={"de": "A2"}),
        ["service-civique-international", "esc-court-terme",
         "ofaj-volontariat-franco-allemand"],
        ["ofaj-volontariat-franco-allemand", "service-civique-international",
         "esc-court-terme"],
        lines={"ofaj-volontariat-franco-allemand": "Durée : 12 mois, couvre votre souhait "
                                                   "(12 mois)"}),
    "duration-six-months-meets-26-1-weeks": Case(
        "Six months anywhere, volunteering or internship: the Service civique (from 26.1 "
        "weeks) and Eurodyssée (3 to 7 months) both offer it (tied, by title); short-term "
        "ESC does not.",
        person(domains=["volunteering", "internship"], zones=["worldwide"], weeks=(26, 26)),
        ["esc-court-terme", "service-civique-international", "eurodyssee"],
        ["eurodyssee", "service-civique-international", "esc-court-terme"], ranks=[1, 1, 3]),
    "duration-wish-open-above": Case(
        "At least a year abroad as an au pair: the United States (12 to 24 months) fits, the "
        "European stays (2 to 12 months) just reach it.",
        person(born=date(2004, 4, 4), domains=["au_pair"], weeks=(52, None),
               languages={"en": "B2"}, budget=2000),
        ["au-pair-europe", "au-pair-etats-unis"],
        ["au-pair-etats-unis", "au-pair-europe"]),
    # --- timing -----------------------------------------------------------------------
    "timing-deadline-passed-ranks-below": Case(
        "Leaving in September 2027: a call closing in January 2027 is reachable, one that "
        "closed in October 2026 is not; a sheet without deadline is reachable (tied with the "
        "first, by title).",
        person(domains=["volunteering"], countries=["DE"], departure=DEPARTURE,
               languages={"de": "B1"}),
        [variant("ofaj-volontariat-franco-allemand", "vfa-appel-clos",
                 title="A – appel clos", application_deadline=date(2026, 10, 1)),
         variant("ofaj-volontariat-franco-allemand", "vfa-appel-ouvert",
                 title="B – appel ouvert", application_deadline=date(2027, 1, 15)),
         variant("ofaj-volontariat-franco-allemand", "vfa-sans-date",
                 title="C – au fil de l'eau")],
        ["vfa-appel-ouvert", "vfa-sans-date", "vfa-appel-clos"], ranks=[1, 1, 3]),
    "timing-deadline-after-departure-ranks-below": Case(
        "Leaving mid-January 2027: a call closing in March 2027 is for later departures.",
        person(domains=["volunteering"], countries=["DE"], departure=date(2027, 1, 15),
               languages={"de": "B1"}),
        [variant("ofaj-volontariat-franco-allemand", "vfa-mars", title="A – mars",
                 application_deadline=date(2027, 3, 1)),
         variant("ofaj-volontariat-franco-allemand", "vfa-decembre", title="B – décembre",
                 application_deadline=date(2026, 12, 20))],
        ["vfa-decembre", "vfa-mars"]),
    # --- budget -----------------------------------------------------------------------
    "budget-margin-then-shortfall": Case(
        "2,500 € for a working holiday in Oceania: New Zealand asks about 2,300 €, Australia "
        "about 3,100 €; Japan is elsewhere.",
        person(born=date(2003, 5, 10), domains=["working_holiday"], zones=["oceania"],
               languages={"en": "B2"}, budget=2500),
        ["pvt-japon", "pvt-australie", "pvt-nouvelle-zelande"],
        ["pvt-nouvelle-zelande", "pvt-australie", "pvt-japon"]),
    "budget-without-margin-below-no-minimum": Case(
        "A job in Canada with 1,800 €: the Québec offices ask no sum, the working holiday "
        "about 1,700 € (little margin); the VIE goes anywhere.",
        person(born=date(2002, 2, 2), domains=["job"], countries=["CA"],
               languages={"en": "B2"}, budget=1800),
        ["vie-volontariat-international-en-entreprise", "pvt-canada",
         "ofqj-stages-emplois-quebec"],
        ["ofqj-stages-emplois-quebec", "pvt-canada",
         "vie-volontariat-international-en-entreprise"]),
    # --- languages --------------------------------------------------------------------
    "languages-one-level-below-is-half-way": Case(
        "Working holidays anywhere with 5,000 € and English A2: Korea recommends no language, "
        "Canada English B1 (one level below), Japan Japanese A2 (not spoken).",
        person(born=date(2001, 9, 9), domains=["working_holiday"], languages={"en": "A2"},
               budget=5000),
        ["pvt-japon", "pvt-canada", "pvt-coree-du-sud"],
        ["pvt-coree-du-sud", "pvt-canada", "pvt-japon"]),
    # --- certainty --------------------------------------------------------------------
    "certainty-verified-first-when-all-else-is-equal": Case(
        "Two identical ESC sheets: the verified one first.",
        person(domains=["volunteering"], zones=["europe"]),
        [variant("corps-europeen-de-solidarite", "esc-verifiee", title="Z – vérifiée",
                 verification="verified", verification_note=""),
         "service-civique-international", "corps-europeen-de-solidarite"],
        ["esc-verifiee", "corps-europeen-de-solidarite", "service-civique-international"]),
    "certainty-never-outweighs-a-real-difference": Case(
        "A verified Service civique still goes everywhere: the ESC to verify goes only to "
        "Europe and stays first.",
        person(domains=["volunteering"], zones=["europe"]),
        [variant("service-civique-international", "sc-verifie", verification="verified",
                 verification_note=""), "corps-europeen-de-solidarite"],
        ["corps-europeen-de-solidarite", "sc-verifie"]),
    # --- ties -------------------------------------------------------------------------
    "tie-most-recently-reviewed-first": Case(
        "Same programme described twice: the sheet reviewed last first, whatever the slugs.",
        person(domains=["volunteering"], zones=["europe"]),
        [variant("corps-europeen-de-solidarite", "a-ancienne", title="A",
                 last_reviewed=date(2026, 1, 10)),
         variant("corps-europeen-de-solidarite", "z-recente", title="Z",
                 last_reviewed=date(2026, 11, 30))],
        ["z-recente", "a-ancienne"], ranks=[1, 2]),
    "tie-shared-rank-listed-by-title-not-slug": Case(
        "Same fit, same review date: a shared rank, listed by title (the slugs run the other "
        "way).",
        person(domains=["volunteering"], zones=["europe"]),
        [variant("corps-europeen-de-solidarite", "a-slug", title="Titre C"),
         variant("corps-europeen-de-solidarite", "b-slug", title="Titre B"),
         variant("corps-europeen-de-solidarite", "c-slug", title="Titre A")],
        ["c-slug", "b-slug", "a-slug"], ranks=[1, 1, 1]),
    # --- residence --------------------------------------------------------------------
    "residence-haute-vienne-grant-for-a-limoges-student": Case(
        "A Limoges student, 3 to 9 months of studies anywhere: the Haute-Vienne grant and "
        "Erasmus+ are both made for students and cover the stay (tied, by title).",
        person(status="student", domains=["studies"], zones=["worldwide"], weeks=(13, 39)),
        ["assistants-de-langue-francaise", "haute-vienne-aide-mobilite-etudiants",
         "erasmus-plus-etudes"],
        ["erasmus-plus-etudes", "haute-vienne-aide-mobilite-etudiants",
         "assistants-de-langue-francaise"], ranks=[1, 1, 3]),
    "residence-bordeaux-student-gets-a-near-miss": Case(
        "The same student living in Bordeaux: the Haute-Vienne grant is for Haute-Vienne "
        "residents only.",
        person(status="student", postal_code="33000", domains=["studies"],
               zones=["worldwide"], weeks=(13, 39)),
        ["haute-vienne-aide-mobilite-etudiants", "erasmus-plus-etudes"],
        ["erasmus-plus-etudes"], near_misses=["haute-vienne-aide-mobilite-etudiants"]),
    "residence-gironde-grant-for-a-bordeaux-volunteer": Case(
        "A Bordeaux volunteer (Gironde): the Gironde grant goes anywhere, the ESC only to "
        "Europe as wished; both listed.",
        person(postal_code="33800", domains=["volunteering"], zones=["europe"]),
        ["gironde-bourse-projet-jeunes", "corps-europeen-de-solidarite"],
        ["corps-europeen-de-solidarite", "gironde-bourse-projet-jeunes"],
        lines={"gironde-bourse-projet-jeunes": "Réservé aux habitants de la Gironde : code "
                                               "postal 33800, accepté"}),
    "residence-limoges-volunteer-near-miss-for-gironde": Case(
        "The same volunteer in Limoges: a near miss, « Réservé aux habitants de la Gironde ».",
        person(domains=["volunteering"], zones=["europe"]),
        ["gironde-bourse-projet-jeunes", "corps-europeen-de-solidarite"],
        ["corps-europeen-de-solidarite"], near_misses=["gironde-bourse-projet-jeunes"]),
    "residence-whole-region-named-as-the-region": Case(
        "A Paris job seeker: the Région's internship is for Nouvelle-Aquitaine residents, "
        "Erasmus+ for job seekers is national.",
        person(postal_code="75011", domains=["internship"], zones=["europe"]),
        ["region-nouvelle-aquitaine-stage-demandeurs-emploi",
         "erasmus-plus-stage-demandeurs-emploi"],
        ["erasmus-plus-stage-demandeurs-emploi"],
        near_misses=["region-nouvelle-aquitaine-stage-demandeurs-emploi"]),
    "residence-corsica-postal-codes": Case(
        "Bastia (20200) is in Haute-Corse: a Corse-du-Sud grant is a near miss there.",
        person(postal_code="20200", domains=["volunteering"], zones=["europe"]),
        [variant("gironde-bourse-projet-jeunes", "corse-du-sud", residence=("2A",)),
         "corps-europeen-de-solidarite"],
        ["corps-europeen-de-solidarite"], near_misses=["corse-du-sud"]),
    "residence-postal-code-across-two-departements": Case(
        "33220 serves Sainte-Foy-la-Grande (Gironde) and Port-Sainte-Foy-et-Ponchapt "
        "(Dordogne): a Dordogne grant stays listed, with the doubt said.",
        person(postal_code="33220", domains=["volunteering"], zones=["europe"]),
        [variant("gironde-bourse-projet-jeunes", "dordogne", residence=("24",)),
         "corps-europeen-de-solidarite"],
        ["corps-europeen-de-solidarite", "dordogne"],
        lines={"dordogne": "Réservé aux habitants de la Dordogne : le code postal 33220 "
                           "dessert aussi des communes de la Gironde, à vérifier selon votre "
                           "commune"}),
    "residence-postal-code-of-another-departement-numbering": Case(
        "37160 is numbered in Indre-et-Loire but also serves a commune of the Vienne: the "
        "Région's internship stays open to that young person.",
        person(postal_code="37160", domains=["internship"], zones=["europe"]),
        ["region-nouvelle-aquitaine-stage-demandeurs-emploi", "eurodyssee"],
        ["region-nouvelle-aquitaine-stage-demandeurs-emploi", "eurodyssee"]),
    "residence-failure-without-a-met-wish-is-no-near-miss": Case(
        "A Limoges job seeker wanting a working holiday in Canada: a Gironde grant for "
        "projects in Europe matches no wish, so it is not shown at all.",
        person(domains=["working_holiday"], countries=["CA"], born=date(2001, 1, 1),
               budget=3000),
        [variant("gironde-bourse-projet-jeunes", "gironde-europe", destination_zones=("europe",)),
         "pvt-canada"],
        ["pvt-canada"]),
    # --- near misses ------------------------------------------------------------------
    "near-miss-one-hard-condition-and-a-wish": Case(
        "31 years old: the New Zealand working holiday stops at 30 (near miss), Australia "
        "and Canada go to 35.",
        person(born=date(1995, 6, 1), domains=["working_holiday"], zones=["oceania"],
               budget=4000, languages={"en": "B2"}),
        ["pvt-nouvelle-zelande", "pvt-australie", "pvt-canada"],
        ["pvt-australie", "pvt-canada"], near_misses=["pvt-nouvelle-zelande"]),
    "near-miss-border-countries-are-not-a-met-wish": Case(
        "36 years old, wishing only Europe: the ESC (18–30) is a near miss since it goes "
        "there; the humanitarian strand (18–35) reaches Europe only through Turkey and the "
        "Caucasus, which is no met wish: not shown.",
        person(born=date(1990, 1, 1), zones=["europe"]),
        ["corps-europeen-de-solidarite-humanitaire", "corps-europeen-de-solidarite"],
        [], near_misses=["corps-europeen-de-solidarite"]),
}


def _sheets(case: Case) -> list[SheetData]:
    return [LIBRARY[item] if isinstance(item, str) else item for item in case.sheets]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_ranking_table(case):
    result = match(case.profile, _sheets(case), on=ON)
    top = result.results[:3]
    assert [item.slug for item in top] == case.top, case.why
    if case.ranks is not None:
        assert [item.rank for item in top] == case.ranks, case.why
    else:
        assert [item.rank for item in top] == list(range(1, len(top) + 1)), case.why
    assert [item.slug for item in result.near_misses] == case.near_misses, case.why
    everything = {item.slug: item for item in [*result.results, *result.near_misses]}
    for slug, line in case.lines.items():
        item = everything[slug]
        shown = [*item.met, *item.missing, *getattr(item, "blocking", ())]
        assert any(line in text for text in shown), (line, shown)
    for slug, reason in case.reasons.items():
        assert everything[slug].reason == reason


def test_the_table_covers_what_the_issue_asks():
    assert len(CASES) >= 30
    for prefix in ("destination", "domain", "status", "duration", "timing", "budget",
                   "languages", "certainty", "tie-most-recently", "tie-shared",
                   "residence", "near-miss"):
        assert any(name.startswith(prefix) for name in CASES), prefix


def test_residence_near_miss_lines():
    sheets = [GIRONDE_GRANT, SHEETS["region-nouvelle-aquitaine-stage-demandeurs-emploi"]]
    limoges = person(domains=["volunteering", "internship"], zones=["europe"],
                     postal_code="87000")
    paris = replace(limoges, postal_code="75011")
    unknown = replace(limoges, postal_code="")
    assert {item.slug: item.blocking for item in match(limoges, sheets, on=ON).near_misses} == {
        "gironde-bourse-projet-jeunes": ("Réservé aux habitants de la Gironde",)}
    assert {item.slug: item.reason for item in match(paris, sheets, on=ON).near_misses} == {
        "gironde-bourse-projet-jeunes": "Réservé aux habitants de la Gironde",
        "region-nouvelle-aquitaine-stage-demandeurs-emploi":
            "Réservé aux habitants de la Nouvelle-Aquitaine"}
    assert {item.blocking for item in match(unknown, sheets, on=ON).near_misses} == {
        ("Réservé aux habitants de la Gironde : code postal non renseigné",),
        ("Réservé aux habitants de la Nouvelle-Aquitaine : code postal non renseigné",)}
