"""The matching engine: a pure, deterministic function from a profile, a date and programme
sheets to ranked, explained results (format: /work/shared/formats/exchange-format.md).

It works on plain dataclasses, never on ORM objects: ``programmes.sheet_data.SheetData`` is a
sheet (built from the model's field values or from an imported JSON sheet); ``Profile`` comes
from matching.exchange or the MobilityProfile model.

Rules, in short:
- Hard conditions exclude: age on the sheet's reference date (``application`` = the matching
  date; ``departure`` = the profile's wished departure, or the matching date without one), with
  ``disability_age_max`` replacing the maximum for a person declaring a disability;
  nationality (``EU`` / ``EEA`` groups); status (``any`` = no condition); residence (the
  départements the profile's postal code may stand for); required language levels; minimum
  education. Information the profile does not give fails the condition it is needed for
  ("non renseigné"): the advisor sees what to ask.
- The fit ranks: a score between 0 and 1, the weighted mean of the components that apply to
  the person (see WEIGHTS, the one place where they are set and explained). Results are ranked
  on the unrounded score; ``score`` is that value rounded for display.
- Ties (exactly equal scores, hence equal fits): the sheet reviewed most recently comes first
  (its information is the freshest); sheets equal on that too share the same ``rank`` and are
  listed by title. The slug never decides.
- Each result has a one-line ``reason`` (see REASON_LOSS): what holds it back most when
  something does, otherwise its strongest fit, destination first.
- A near miss fails exactly one hard condition and meets at least one wish (domain,
  destination, duration or a reachable application deadline). A profile without any wish gets
  every eligible sheet, ranked by the criteria that do not need a wish, and no near miss.
- Durations are compared in weeks with 4.35 weeks a month, and two durations less than one
  week apart are the same duration (52 weeks is 12 months); they are written as people say
  them (vocabulary.formatting.format_duration).
- Age is counted in whole years by ``vocabulary.ages.age_on`` (a person born on 29 February
  turns a year older on 28 February in non-leap years).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple, TypeVar, overload

from programmes.sheet_data import VERIFIED, SheetData
from territory.places import postal_code_departements
from vocabulary import codes as voc
from vocabulary.ages import age_on
from vocabulary.formatting import (
    SAME_DURATION_WEEKS,
    WEEKS_PER_MONTH,
    format_date,
    format_eur,
    format_weeks_range,
)

#: Weight of each ranking component. The score of a sheet is the weighted mean of the
#: components that apply to the person, each worth between 0 and 1 (the values below are the
#: constants of this module, so a line and its value never disagree):
#: - ``domains`` (applies when the person wishes domains): 1 if one of the sheet's domains is
#:   wished, else 0. The heaviest: a programme of another kind is another project.
#: - ``destination`` (applies when the person wishes zones or countries): how much of the
#:   sheet lies where the person wants to go. 1 when the sheet names a wished country or goes
#:   only to the wished zones; DESTINATION_IN_ZONE when a wished country is inside a zone the
#:   sheet names (Germany in « Union européenne »); DESTINATION_WIDE + the share of the
#:   sheet's countries inside the wished zones (up to 1) when it also goes elsewhere (« monde
#:   entier » for a wish of Europe: about 0.68); DESTINATION_BORDER when the wished zone is
#:   reached only through countries straddling two continents (Turkey for Europe), which the
#:   line names; 0 otherwise. Wishing « worldwide » is met by any sheet.
#: - ``duration`` (applies when the person gives a minimum or a maximum): 0 when the ranges
#:   do not meet, else DURATION_OVERLAP + the rest times the share of the wished range the
#:   sheet's range covers (ends less than a week apart count as equal; a wish open below
#:   starts at 0, one open above ends at DURATION_LONGEST, the longest stays the format's
#:   programmes offer).
#: - ``timing`` (applies when the person gives a departure date): 1 if the sheet has no
#:   deadline or its deadline falls between the matching date and the departure, else 0.
#: - ``status`` (applies when the person's status is known): 1 for a programme made for
#:   statuses that include theirs (job seekers, students, apprentices…), STATUS_ANY for one
#:   open to any status. The sheets made for someone are usually the better-suited help.
#: - ``budget`` (always): 1 with no minimum or a budget at least BUDGET_MARGIN above it,
#:   down to 0.8 at exactly the minimum, then 0.8 × budget / minimum (0 when unknown); it
#:   never excludes. The margin covers exchange rates and the costs estimates leave out.
#: - ``languages`` (always): mean over the sheet's recommended (non-required) languages of 1
#:   at the level, LANGUAGE_ONE_BELOW one level below, 0 otherwise (1 when none).
#: - ``certainty`` (always): 1 for a verified sheet, CERTAINTY_TO_VERIFY for one whose
#:   conditions are still to verify. The lightest: it only decides between otherwise equal
#:   fits, and no other component's real difference is outweighed by it.
WEIGHTS: Mapping[str, float] = {
    "domains": 0.26,
    "destination": 0.24,
    "duration": 0.14,
    "timing": 0.08,
    "status": 0.06,
    "budget": 0.10,
    "languages": 0.08,
    "certainty": 0.04,
}

DESTINATION_IN_ZONE = 0.8
DESTINATION_WIDE = 0.6
DESTINATION_BORDER = 0.25
DURATION_OVERLAP = 0.5
#: 24 months in weeks (VIE, VSI, working holiday in Canada): where a wish « at least N » ends
#: when measuring how much of it a sheet covers.
DURATION_LONGEST = 24 * WEEKS_PER_MONTH
STATUS_ANY = 0.5
BUDGET_MARGIN = 0.2
LANGUAGE_ONE_BELOW = 0.5
CERTAINTY_TO_VERIFY = 0.5
#: The reason names the component that costs the sheet the most score when it costs at least
#: this much (5 points out of 100), otherwise the sheet's strongest full fit.
REASON_LOSS = 0.05

#: French names of the components (the matching panel shows them next to their value).
COMPONENT_LABELS: Mapping[str, str] = {
    "domains": "Domaine", "destination": "Destination", "duration": "Durée",
    "timing": "Candidature", "status": "Statut", "budget": "Budget", "languages": "Langues",
    "certainty": "Fiabilité de la fiche",
}
#: Order in which a full fit is chosen as the reason (the most telling first).
_REASON_ORDER = ("destination", "duration", "domains", "status", "timing", "languages",
                 "budget", "certainty")
#: Components that are wishes (a near miss must meet one of them).
_WISHES = ("domains", "destination", "duration", "timing")

_W_DOMAINS = WEIGHTS["domains"]
_W_DESTINATION = WEIGHTS["destination"]
_W_DURATION = WEIGHTS["duration"]
_W_TIMING = WEIGHTS["timing"]
_W_STATUS = WEIGHTS["status"]
_W_BUDGET = WEIGHTS["budget"]
_W_LANGUAGES = WEIGHTS["languages"]
_W_CERTAINTY = WEIGHTS["certainty"]


# --- Input data ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Wishes:
    domains: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    duration_min_weeks: Decimal | None = None
    duration_max_weeks: Decimal | None = None
    departure: date | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    birth_date: date
    nationality: str | None
    status: str | None
    education_level: str | None = None
    disability: bool = False
    languages: Mapping[str, str] = field(default_factory=dict)
    budget_eur: int | None = None
    postal_code: str = ""
    wishes: Wishes = field(default_factory=Wishes)


# --- Output --------------------------------------------------------------------------------


class Component(NamedTuple):
    """One ranking component of one sheet for one person: ``value`` between 0 and 1,
    ``weight`` from WEIGHTS, ``label`` in French (COMPONENT_LABELS)."""

    name: str
    label: str
    weight: float
    value: float


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the engine says about one sheet for one person (see ``assess``)."""

    raw_score: float
    components: tuple[Component, ...]
    met: tuple[str, ...]
    missing: tuple[str, ...]
    blocking: tuple[str, ...]
    reason: str

    @property
    def score(self) -> float:
        return round(self.raw_score, 2)


class _Explanation:
    """The assessment of one sheet for one person, written on first use: ranking 5,000
    sheets needs only numbers, and a page or a ``--limit`` shows only the first few."""

    __slots__ = ("_assessment", "_ctx", "_sheet")

    def __init__(self, ctx: _Context, sheet: SheetData):
        self._ctx = ctx
        self._sheet = sheet
        self._assessment: Assessment | None = None

    def assessment(self) -> Assessment:
        if self._assessment is None:
            self._assessment = _assess(self._ctx, self._sheet)
        return self._assessment

    def lines(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """(met, missing, blocking)."""
        assessment = self.assessment()
        return assessment.met, assessment.missing, assessment.blocking


@dataclass(slots=True, eq=False)
class Match:
    """A sheet passing every hard condition: ``met`` and ``missing`` explain its score.

    ``score`` is rounded to two decimals for display; ranking uses ``raw_score``. ``rank``
    starts at 1 and is shared by exactly tied sheets (see the module docstring)."""

    slug: str
    score: float
    explanation: _Explanation = field(repr=False, compare=False)
    raw_score: float = 0.0
    rank: int = 0

    @property
    def met(self) -> tuple[str, ...]:
        return self.explanation.lines()[0]

    @property
    def missing(self) -> tuple[str, ...]:
        return self.explanation.lines()[1]

    @property
    def reason(self) -> str:
        """One line saying why the sheet is where it is in the ranking."""
        return self.explanation.assessment().reason

    @property
    def components(self) -> tuple[Component, ...]:
        return self.explanation.assessment().components

    def to_json(self) -> dict[str, Any]:
        return {"slug": self.slug, "rank": self.rank, "score": self.score,
                "reason": self.reason, "met": list(self.met), "missing": list(self.missing),
                "components": {item.name: round(item.value, 2) for item in self.components}}


@dataclass(slots=True, eq=False)
class NearMiss(Match):
    """A sheet failing exactly one hard condition (``blocking``) while matching a wish."""

    @property
    def blocking(self) -> tuple[str, ...]:
        return self.explanation.lines()[2]

    @property
    def reason(self) -> str:
        return self.blocking[0]

    def to_json(self) -> dict[str, Any]:
        return {"slug": self.slug, "blocking": list(self.blocking)}


@dataclass(frozen=True, slots=True)
class MatchResult:
    """``results`` and ``near_misses`` are Ranking sequences (best first, built on read)."""

    date: date
    results: Sequence[Match]
    near_misses: Sequence[NearMiss]

    def to_json(self, *, limit: int | None = None) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "results": [item.to_json() for item in self.results[:limit]],
            "near_misses": [item.to_json() for item in self.near_misses[:limit]],
        }


# --- Lines ---------------------------------------------------------------------------------

def _join(items: Sequence[str], limit: int = 5) -> str:
    if len(items) > limit:
        return ", ".join(items[:limit]) + "…"
    return ", ".join(items)


# --- Matching ------------------------------------------------------------------------------

_NO_MAX = float("inf")
_TOLERANCE = SAME_DURATION_WEEKS
_BUDGET_AT_MINIMUM = 0.8
_CERTAINTY_TO_VERIFY_POINTS = _W_CERTAINTY * CERTAINTY_TO_VERIFY


@dataclass(frozen=True, slots=True)
class _Labels:
    """French labels as plain strings, resolved once (lazy translations are slow in a loop)."""

    domain: dict[str, str]
    status: dict[str, str]
    education: dict[str, str]
    zone: dict[str, str]
    country: dict[str, str]
    nationality_group: dict[str, str]
    of_language: dict[str, str]
    continent: dict[str, str]

    @property
    def countries_and_groups(self) -> dict[str, str]:
        return {**self.country, **self.nationality_group}


@cache
def _labels() -> _Labels:
    return _Labels(
        domain=voc.choices_dict(voc.Domain),
        status=voc.choices_dict(voc.Status),
        education=voc.choices_dict(voc.EducationLevel),
        zone=voc.choices_dict(voc.Zone),
        country=voc.country_names_fr(),
        nationality_group={code: str(label)
                           for code, label in voc.NATIONALITY_GROUP_LABELS.items()},
        of_language=voc.of_language_labels(),
        continent={str(code): str(label) for code, label in voc.CONTINENT_WITH_ARTICLE.items()},
    )


@dataclass(slots=True)
class _Context:
    """What the profile gives, computed once per ``match`` call."""

    profile: Profile
    on: date
    nationality: str | None
    status: str | None
    #: Where the person may live: the département the postal code's digits say, and those of
    #: the region's communes it serves (several when it crosses a limit, as 33220 does).
    departements: frozenset[str]
    disability: bool
    budget: int
    age_application: int
    age_departure: int
    departure: date | None
    departure_text: str
    status_label: str
    language_ranks: dict[str, int]
    education_rank: int
    education_text: str
    wish_domains: frozenset[str]
    wish_countries: tuple[str, ...]
    wish_zones: tuple[str, ...]
    wish_zone_countries: frozenset[str]
    #: The wished zones' countries that straddle no two continents.
    wish_zone_core: frozenset[str]
    wishes_worldwide: bool
    wishes_destination: bool
    weight: float
    wish_duration: tuple[float, float, float] | None
    wish_duration_text: str
    wish_domains_text: str
    wish_destination_text: str
    budget_text: str
    labels: _Labels
    destination_memo: dict[object, float] = field(default_factory=dict)


def _departements(postal_code: str) -> frozenset[str]:
    by_digits = voc.departement_of_postal_code(postal_code)
    if by_digits is None:
        return frozenset()
    return postal_code_departements(postal_code) | {by_digits}


def _context(profile: Profile, on: date) -> _Context:
    labels = _labels()
    wishes = profile.wishes
    wish_duration = None
    if wishes.duration_min_weeks is not None or wishes.duration_max_weeks is not None:
        low = 0.0 if wishes.duration_min_weeks is None else float(wishes.duration_min_weeks)
        high = _NO_MAX if wishes.duration_max_weeks is None else float(wishes.duration_max_weeks)
        # (low, high, where coverage is measured up to)
        wish_duration = (low, high, min(high, max(DURATION_LONGEST, low)))
    zone_countries = voc.zone_countries()
    wishes_destination = bool(wishes.zones or wishes.countries)
    wish_zone_countries = frozenset().union(
        *(zone_countries[zone] for zone in wishes.zones if zone != voc.Zone.WORLDWIDE))
    return _Context(
        profile=profile,
        on=on,
        nationality=profile.nationality,
        status=profile.status,
        departements=_departements(profile.postal_code),
        disability=profile.disability,
        budget=profile.budget_eur or 0,
        age_application=age_on(profile.birth_date, on),
        age_departure=age_on(profile.birth_date, wishes.departure or on),
        departure=wishes.departure,
        departure_text=format_date(wishes.departure) if wishes.departure else "",
        status_label=labels.status.get(profile.status or "", ""),
        language_ranks={code: voc.CEFR_RANK[level] for code, level in profile.languages.items()},
        education_rank=(-1 if profile.education_level is None
                        else voc.EDUCATION_RANK[profile.education_level]),
        education_text=("non renseigné" if profile.education_level is None
                        else f"vous indiquez {labels.education[profile.education_level]}"),
        wish_domains=frozenset(wishes.domains),
        wish_countries=wishes.countries,
        wish_zones=wishes.zones,
        wish_zone_countries=wish_zone_countries,
        wish_zone_core=wish_zone_countries.difference(voc.transcontinental_countries()),
        wishes_worldwide=voc.Zone.WORLDWIDE in wishes.zones,
        wishes_destination=wishes_destination,
        weight=(_W_BUDGET + _W_LANGUAGES + _W_CERTAINTY
                + (_W_DOMAINS if wishes.domains else 0)
                + (_W_DESTINATION if wishes_destination else 0)
                + (_W_DURATION if wish_duration is not None else 0)
                + (_W_TIMING if wishes.departure else 0)
                + (_W_STATUS if profile.status else 0)),
        wish_duration=wish_duration,
        wish_duration_text=format_weeks_range(wishes.duration_min_weeks,
                                              wishes.duration_max_weeks),
        wish_domains_text=", ".join(labels.domain[code] for code in wishes.domains),
        wish_destination_text=_join([labels.zone[z] for z in wishes.zones]
                                    + [labels.country[c] for c in wishes.countries]),
        budget_text=("budget non renseigné" if profile.budget_eur is None
                     else f"vous indiquez {format_eur(profile.budget_eur)}"),
        labels=labels,
    )


# --- Hard conditions -----------------------------------------------------------------------

def _age_line(ctx: _Context, sheet: SheetData, age: int, age_max: int | None,
              by_departure: bool, passed: bool) -> str:
    label = f"Âge au départ ({ctx.departure_text})" if by_departure and ctx.departure else "Âge"
    age_min = sheet.age_min
    suffix = (f" en situation de handicap ({sheet.age_max} ans sinon)"
              if age_max != sheet.age_max else "")
    if not passed:
        if age_min is not None and age < age_min:
            return f"{label} : {age} ans, minimum {age_min} ans"
        return f"{label} : {age} ans, limite {age_max} ans{suffix}"
    if age_min is not None and age_max is not None:
        return f"{label} : {age} ans, accepté de {age_min} à {age_max} ans{suffix}"
    if age_min is not None:
        return f"{label} : {age} ans, accepté à partir de {age_min} ans"
    return f"{label} : {age} ans, accepté jusqu'à {age_max} ans{suffix}"


#: Default of the line sinks when only numbers are wanted: never written to (``explain`` is
#: False then), so ranking 5,000 sheets allocates no list.
_NO_LINES: list[str] = []


def _hard_conditions(ctx: _Context, sheet: SheetData, met: list[str] = _NO_LINES,
                     blocking: list[str] = _NO_LINES,
                     caveats: list[str] | None = None) -> int:
    """Count the failed hard conditions. With lists given, also write one line per condition
    the sheet sets (failed ones in ``blocking``, a condition met with a doubt also in
    ``caveats``); without, stop counting at two."""
    explain = met is not _NO_LINES
    fails = 0
    if sheet.age_min is not None or sheet.age_max is not None:
        by_departure = sheet.age_reference == "departure"
        age = ctx.age_departure if by_departure else ctx.age_application
        age_max = sheet.age_max
        if ctx.disability and sheet.disability_age_max is not None and age_max is not None:
            age_max = sheet.disability_age_max
        passed = ((sheet.age_min is None or age >= sheet.age_min)
                  and (age_max is None or age <= age_max))
        if not passed:
            fails += 1
        if explain:
            (met if passed else blocking).append(
                _age_line(ctx, sheet, age, age_max, by_departure, passed))
    if sheet._nationality_set is not None:
        passed = ctx.nationality in sheet._nationality_set
        if not passed:
            fails += 1
        if explain:
            (met if passed else blocking).append(_nationality_line(ctx, sheet, passed))
    if sheet._status_set is not None:
        passed = ctx.status in sheet._status_set
        if not passed:
            fails += 1
        if explain:
            if ctx.status is None:
                blocking.append("Statut : non renseigné")
            elif passed:
                met.append(_status_line(ctx, sheet))
            else:
                allowed = ", ".join(ctx.labels.status[code] for code in sheet.statuses)
                blocking.append(f"Statut : {ctx.status_label}, non accepté "
                                f"(réservé à : {allowed})")
    if sheet._residence_set is not None:
        passed = not sheet._residence_set.isdisjoint(ctx.departements)
        if not passed:
            fails += 1
        if explain:
            text = f"Réservé aux habitants {voc.of_departements(sheet.residence or ())}"
            postal_code = ctx.profile.postal_code
            others = ctx.departements - sheet._residence_set
            if passed:
                met.append(f"{text} : code postal {postal_code}, accepté")
                if others and caveats is not None:
                    caveats.append(f"{text} : le code postal {postal_code} dessert aussi des "
                                   f"communes {voc.of_departements(others)}, à vérifier selon "
                                   f"votre commune")
            elif not postal_code:
                blocking.append(f"{text} : code postal non renseigné")
            else:
                blocking.append(text)
    if sheet._education_rank is not None and sheet.education_min is not None:
        passed = ctx.education_rank >= sheet._education_rank
        if not passed:
            fails += 1
        if explain:
            (met if passed else blocking).append(
                f"Niveau d'études minimum {ctx.labels.education[sheet.education_min]} : "
                f"{ctx.education_text}")
    if fails > 1 and not explain:
        return fails
    for code, rank, prefix in sheet._required:
        passed = ctx.language_ranks.get(code, 0) >= rank
        if not passed:
            fails += 1
        if explain:
            have = ctx.profile.languages.get(code)
            (met if passed else blocking).append(
                prefix + ("non indiqué" if have is None else f"vous indiquez {have}"))
    return fails


def _status_line(ctx: _Context, sheet: SheetData) -> str:
    return f"Statut : {ctx.status_label}, accepté"


def _nationality_line(ctx: _Context, sheet: SheetData, passed: bool) -> str:
    nationality = ctx.nationality
    if nationality is None:
        return "Nationalité : non renseignée"
    names = ctx.labels.countries_and_groups
    nationalities = sheet.nationalities or ()
    accepted = _join([names.get(code, code) for code in nationalities])
    name = names[nationality]
    if not passed:
        return f"Nationalité : {name}, non acceptée (réservé à : {accepted})"
    if nationality in nationalities:
        return f"Nationalité : {name}, acceptée"
    return f"Nationalité : {name}, acceptée ({accepted})"


# --- Components ----------------------------------------------------------------------------

def _destination(ctx: _Context, sheet: SheetData) -> tuple[float, str, tuple[str, ...]]:
    """(value, kind, countries) — kind: ``any`` (the person wishes worldwide), ``named`` (the
    sheet names a wished country, listed), ``zone`` (the sheet goes only to the wished zones),
    ``in_zone`` (a wished country, listed, inside a zone of the sheet), ``wide`` (the wished
    zones and elsewhere), ``border`` (only straddling countries, listed), ``none``. Set tests
    without building sets first: this runs once per destination set in the ranking loop."""
    if ctx.wishes_worldwide:
        return 1.0, "any", ()
    named = tuple(code for code in ctx.wish_countries if code in sheet._named)
    if named:
        return 1.0, "named", named
    best: tuple[float, str, tuple[str, ...]] = (0.0, "none", ())
    countries = sheet._countries
    inside = tuple(code for code in ctx.wish_countries if code in countries)
    if inside:
        value = (DESTINATION_WIDE + (1 - DESTINATION_WIDE) * len(inside) / len(countries)
                 if sheet._worldwide else DESTINATION_IN_ZONE)
        best = (value, "in_zone", inside)
    wished = ctx.wish_zone_countries
    if not wished or countries.isdisjoint(wished):
        return best
    if countries.isdisjoint(ctx.wish_zone_core):
        candidate = (DESTINATION_BORDER, "border", tuple(sorted(countries & wished)))
    elif countries <= wished:
        candidate = (1.0, "zone", ())
    else:
        share = len(countries & wished) / len(countries)
        candidate = (DESTINATION_WIDE + (1 - DESTINATION_WIDE) * share, "wide", ())
    return candidate if candidate[0] > best[0] else best


def _destination_value(ctx: _Context, sheet: SheetData) -> float:
    """``_destination``'s value, memoised per destination set for this profile (many sheets
    share their destinations: « Union européenne », « monde entier »…)."""
    key = (sheet._named, sheet._countries)
    value = ctx.destination_memo.get(key)
    if value is None:
        value = ctx.destination_memo[key] = _destination(ctx, sheet)[0]
    return value


def _duration(ctx: _Context, sheet: SheetData) -> tuple[float, float]:
    """(value, coverage): 0 when the sheet's range and the wished one do not meet (ends less
    than a week apart meet); otherwise the share of the wished range the sheet covers."""
    low, high = sheet._duration
    if ctx.wish_duration is None:  # no wished duration: the component does not apply
        return 0.0, 0.0
    wish_low, wish_high, cover_high = ctx.wish_duration
    if low - wish_high >= _TOLERANCE or wish_low - high >= _TOLERANCE:
        return 0.0, 0.0
    width = cover_high - wish_low
    if width < _TOLERANCE:
        return 1.0, 1.0
    gap_low = low - wish_low if low - wish_low >= _TOLERANCE else 0.0
    gap_high = cover_high - high if cover_high - high >= _TOLERANCE else 0.0
    coverage = max(0.0, (width - gap_low - gap_high) / width)
    return DURATION_OVERLAP + (1 - DURATION_OVERLAP) * coverage, coverage


def _budget(ctx: _Context, sheet: SheetData) -> float:
    minimum = sheet.budget_min_eur
    if not minimum or ctx.budget >= minimum * (1 + BUDGET_MARGIN):
        return 1.0
    ratio = ctx.budget / minimum
    if ratio >= 1:
        return min(1.0, _BUDGET_AT_MINIMUM
                   + (1 - _BUDGET_AT_MINIMUM) * (ratio - 1) / BUDGET_MARGIN)
    return _BUDGET_AT_MINIMUM * ratio


def _language_value(ctx: _Context, code: str, rank: int) -> float:
    have = ctx.language_ranks.get(code, 0)
    if have >= rank:
        return 1.0
    return LANGUAGE_ONE_BELOW if have and have == rank - 1 else 0.0


def _score(ctx: _Context, sheet: SheetData) -> tuple[float, bool]:
    """(score, meets_a_wish) — the fast path of ``_assess``: the same values without the
    lines, with the small helpers written inline (this runs for every sheet; a test checks
    that both paths agree)."""
    total = 0.0
    matched_wish = False
    if ctx.wish_domains and not ctx.wish_domains.isdisjoint(sheet.domains):
        total += _W_DOMAINS
        matched_wish = True
    if ctx.wishes_destination:
        key = (sheet._named, sheet._countries)
        value = ctx.destination_memo.get(key)
        if value is None:
            value = ctx.destination_memo[key] = _destination(ctx, sheet)[0]
        total += _W_DESTINATION * value
        if value > DESTINATION_BORDER:
            matched_wish = True
    wish_duration = ctx.wish_duration
    if wish_duration is not None:
        low, high = sheet._duration
        wish_low, wish_high, cover_high = wish_duration
        if low - wish_high < _TOLERANCE and wish_low - high < _TOLERANCE:
            matched_wish = True
            width = cover_high - wish_low
            if width < _TOLERANCE:
                total += _W_DURATION
            else:
                gap = ((low - wish_low if low - wish_low >= _TOLERANCE else 0.0)
                       + (cover_high - high if cover_high - high >= _TOLERANCE else 0.0))
                coverage = (width - gap) / width if gap < width else 0.0
                total += _W_DURATION * (DURATION_OVERLAP + (1 - DURATION_OVERLAP) * coverage)
    if ctx.departure is not None:
        deadline = sheet.application_deadline
        if deadline is None:
            total += _W_TIMING
        elif ctx.on <= deadline <= ctx.departure:
            total += _W_TIMING
            matched_wish = True
    if ctx.status is not None:
        status_set = sheet._status_set
        if status_set is None:
            total += _W_STATUS * STATUS_ANY
        elif ctx.status in status_set:
            total += _W_STATUS
    minimum = sheet.budget_min_eur
    if not minimum or ctx.budget >= minimum * (1 + BUDGET_MARGIN):
        total += _W_BUDGET
    else:
        total += _W_BUDGET * _budget(ctx, sheet)
    recommended = sheet._recommended
    if not recommended:
        total += _W_LANGUAGES
    else:
        ranks = ctx.language_ranks
        reached = 0.0
        for code, rank, _prefix in recommended:
            have = ranks.get(code, 0)
            if have >= rank:
                reached += 1.0
            elif have and have == rank - 1:
                reached += LANGUAGE_ONE_BELOW
        total += _W_LANGUAGES * reached / len(recommended)
    total += _W_CERTAINTY if sheet.verification == VERIFIED else _CERTAINTY_TO_VERIFY_POINTS
    return total / ctx.weight, matched_wish


@dataclass(slots=True)
class _Part:
    """A component being explained: its value and its lines."""

    name: str
    value: float
    met: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: A line used only as the reason (for a component that writes no line of its own).
    reason_line: str = ""

    def line(self) -> str:
        return (self.missing or self.met or [self.reason_line])[0]


def _destination_part(ctx: _Context, sheet: SheetData) -> _Part:
    labels = ctx.labels
    value, kind, countries = _destination(ctx, sheet)
    part = _Part("destination", value)
    where = _join([labels.zone[z] for z in sheet.destination_zones]
                  + [labels.country[c] for c in sheet.destination_countries])
    wished_zones = _join([labels.zone[z] for z in ctx.wish_zones
                          if z != voc.Zone.WORLDWIDE])
    if kind == "any":
        part.met.append(f"Destination : {where}, toutes destinations vous conviennent")
    elif kind == "named":
        part.met.append(f"Destination : {_join([labels.country[c] for c in countries])}, "
                        f"comme souhaité")
    elif kind == "zone":
        part.met.append(f"Destination : {wished_zones}, comme souhaité ({where})")
    elif kind == "in_zone":
        part.met.append(f"Destination : {_join([labels.country[c] for c in countries])} "
                        f"comme souhaité, parmi d'autres pays ({where})")
    elif kind == "wide":
        part.met.append(f"Destination : {wished_zones} comme souhaité, parmi d'autres "
                        f"destinations ({where})")
    elif kind == "border":
        groups: dict[tuple[str, ...], list[str]] = {}
        straddling = voc.transcontinental_countries()
        for code in sorted(countries, key=lambda c: labels.country[c]):
            groups.setdefault(straddling[code], []).append(labels.country[code])
        detail = " ; ".join(
            f"{', '.join(names)} : à cheval sur "
            f"{' et '.join(labels.continent[c] for c in continents)}"
            for continents, names in groups.items())
        part.missing.append(f"Destination : {where} ; {wished_zones} seulement par des pays à "
                            f"cheval sur deux continents ({detail})")
    else:
        part.missing.append(f"Destination : {where} ; vous souhaitez : "
                            f"{ctx.wish_destination_text}")
    return part


def _duration_part(ctx: _Context, sheet: SheetData) -> _Part:
    value, coverage = _duration(ctx, sheet)
    part = _Part("duration", value)
    sheet_text = format_weeks_range(sheet.duration_min_weeks, sheet.duration_max_weeks)
    wish = ctx.wish_duration_text
    if not value:
        part.missing.append(f"Durée : {sheet_text} ; vous souhaitez {wish}")
    elif coverage >= 0.999:
        part.met.append(f"Durée : {sheet_text}, couvre votre souhait ({wish})")
    else:
        low, high = sheet._duration
        wish_low, wish_high, _cover_high = ctx.wish_duration or (0.0, 0.0, 0.0)
        if low > wish_low - _TOLERANCE and high < wish_high + _TOLERANCE:
            part.met.append(f"Durée : {sheet_text}, dans votre souhait ({wish})")
        else:
            part.met.append(f"Durée : {sheet_text}, couvre une partie de votre souhait ({wish})")
    return part


def _timing_part(ctx: _Context, sheet: SheetData) -> _Part:
    deadline = sheet.application_deadline
    if deadline is None:
        return _Part("timing", 1.0, reason_line="Candidature : sans date limite")
    part = _Part("timing", 0.0)
    if deadline < ctx.on:
        part.missing.append(f"Candidature : date limite passée ({format_date(deadline)})")
    elif ctx.departure is not None and deadline > ctx.departure:
        part.missing.append(f"Candidature : jusqu'au {format_date(deadline)}, après votre "
                            f"départ souhaité le {ctx.departure_text}")
    else:
        part.value = 1.0
        part.met.append(f"Candidature : jusqu'au {format_date(deadline)}, avant votre départ "
                        f"souhaité le {ctx.departure_text}")
    return part


def _parts(ctx: _Context, sheet: SheetData) -> list[_Part]:
    """The components that apply to the person, with their lines (see WEIGHTS)."""
    labels = ctx.labels
    parts = []
    if ctx.wish_domains:
        if ctx.wish_domains.isdisjoint(sheet.domains):
            parts.append(_Part("domains", 0.0, missing=[
                f"Domaine : {', '.join(labels.domain[c] for c in sheet.domains)} ; "
                f"vous cherchez : {ctx.wish_domains_text}"]))
        else:
            common = ", ".join(labels.domain[c] for c in sheet.domains if c in ctx.wish_domains)
            parts.append(_Part("domains", 1.0, met=[f"Domaine : {common}, comme souhaité"]))
    if ctx.wishes_destination:
        parts.append(_destination_part(ctx, sheet))
    if ctx.wish_duration is not None:
        parts.append(_duration_part(ctx, sheet))
    if ctx.departure is not None:
        parts.append(_timing_part(ctx, sheet))
    if ctx.status is not None:
        if sheet._status_set is None:
            parts.append(_Part("status", STATUS_ANY,
                               reason_line="Statut : programme ouvert à toutes les situations"))
        else:
            value = 1.0 if ctx.status in sheet._status_set else 0.0
            parts.append(_Part("status", value, reason_line=(
                f"Statut : programme conçu pour votre situation ({ctx.status_label})"
                if value else f"Statut : {ctx.status_label}, non accepté")))
    budget = _Part("budget", _budget(ctx, sheet), reason_line="Budget : aucun minimum conseillé")
    minimum = sheet.budget_min_eur
    if minimum:
        line = f"Budget conseillé {format_eur(minimum)} : {ctx.budget_text}"
        if ctx.budget < minimum:
            budget.missing.append(line)
        elif budget.value < 1:
            budget.met.append(f"{line}, avec peu de marge")
        else:
            budget.met.append(line)
    parts.append(budget)
    languages = _Part("languages", 1.0, reason_line="Langues : aucun niveau conseillé")
    if sheet._recommended:
        values = []
        for code, rank, prefix in sheet._recommended:
            value = _language_value(ctx, code, rank)
            values.append(value)
            have = ctx.profile.languages.get(code)
            (languages.met if value == 1 else languages.missing).append(
                prefix + ("non indiqué" if have is None else f"vous indiquez {have}"))
        languages.value = sum(values) / len(values)
    parts.append(languages)
    if sheet.verification == VERIFIED:
        parts.append(_Part("certainty", 1.0, reason_line="Fiche vérifiée"))
    else:
        parts.append(_Part("certainty", CERTAINTY_TO_VERIFY,
                           missing=[f"À vérifier : {sheet.verification_note}"]))
    return parts


def _reason(ctx: _Context, parts: Sequence[_Part]) -> str:
    """The shortfall that costs the sheet most when it costs at least REASON_LOSS of the
    score, else the first full fit in _REASON_ORDER, else the heaviest component."""
    by_name = {part.name: part for part in parts}
    order = {name: index for index, name in enumerate(_REASON_ORDER)}
    # A shortfall is a wish not fully met or a line saying what is missing; a programme open
    # to every status is not one (it is only less targeted).
    shortfalls = [part for part in parts if part.missing or part.name in _WISHES]
    if shortfalls:
        worst = max(shortfalls, key=lambda part: (WEIGHTS[part.name] * (1 - part.value),
                                                  -order[part.name]))
        if WEIGHTS[worst.name] * (1 - worst.value) / ctx.weight >= REASON_LOSS:
            return worst.line()
    for name in _REASON_ORDER:
        part = by_name.get(name)
        if part is not None and part.value >= 0.999 and (part.met or part.reason_line):
            return (part.met or [part.reason_line])[0]
    return max(parts, key=lambda part: (WEIGHTS[part.name] * part.value,
                                        -order[part.name])).line()


def _assess(ctx: _Context, sheet: SheetData) -> Assessment:
    met: list[str] = []
    missing: list[str] = []
    blocking: list[str] = []
    _hard_conditions(ctx, sheet, met, blocking, missing)
    parts = _parts(ctx, sheet)
    for part in parts:
        met.extend(part.met)
        missing.extend(part.missing)
    components = tuple(Component(part.name, COMPONENT_LABELS[part.name], WEIGHTS[part.name],
                                 part.value) for part in parts)
    raw = sum(item.weight * item.value for item in components) / ctx.weight
    reason = blocking[0] if blocking else _reason(ctx, parts)
    return Assessment(raw_score=raw, components=components, met=tuple(met),
                      missing=tuple(missing), blocking=tuple(blocking), reason=reason)


_M = TypeVar("_M", bound=Match)


class Ranking(Sequence[_M]):
    """Matches best first, each built when first read: ranking 5,000 sheets needs only
    numbers, and a page shows the first few. A read-only sequence (indexing, slicing, ``len``,
    iteration, equality with any sequence of the same matches).

    Rows are (-score, -review day, title, slug, sheet), sorted as plain tuples; exact ties
    (same score, same review date) share a rank and are listed by title."""

    __slots__ = ("_cls", "_ctx", "_items", "_rows")

    def __init__(self, ctx: _Context, cls: type[_M],
                 rows: list[tuple[float, int, str, str, SheetData]]):
        rows.sort()
        self._ctx = ctx
        self._cls = cls
        self._rows = rows
        self._items: list[_M | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def _item(self, index: int) -> _M:
        item = self._items[index]
        if item is None:
            rows = self._rows
            negative, reviewed, _title, slug, sheet = rows[index]
            first = index
            while first and rows[first - 1][0] == negative and rows[first - 1][1] == reviewed:
                first -= 1
            item = self._items[index] = self._cls(
                slug, round(-negative, 2), _Explanation(self._ctx, sheet), -negative, first + 1)
        return item

    @overload
    def __getitem__(self, index: int) -> _M: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[_M, ...]: ...

    def __getitem__(self, index: int | slice) -> _M | tuple[_M, ...]:
        if isinstance(index, slice):
            return tuple(self._item(position) for position in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("Ranking index out of range")
        return self._item(index)

    def __iter__(self) -> Iterator[_M]:
        return (self._item(position) for position in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return NotImplemented if not isinstance(other, Sequence) else False
        return all(mine is theirs for mine, theirs in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ranking({[row[3] for row in self._rows]!r})"


def match(profile: Profile, sheets: Iterable[SheetData], *, on: date) -> MatchResult:
    """Match ``profile`` against ``sheets`` on the date ``on`` (see the module docstring):
    ``results`` (every sheet passing all hard conditions) and ``near_misses``, each best
    first with a ``rank``, ``score`` (0–1, rounded), ``raw_score``, ``reason``, ``met``,
    ``missing`` and ``components``. Raises nothing for valid SheetData and Profile."""
    ctx = _context(profile, on)
    results: list[tuple[float, int, str, str, SheetData]] = []
    near_misses: list[tuple[float, int, str, str, SheetData]] = []
    for sheet in sheets:
        fails = _hard_conditions(ctx, sheet)
        if fails > 1:
            continue
        score, matched_wish = _score(ctx, sheet)
        if not fails:
            results.append((-score, -sheet._reviewed, sheet.title, sheet.slug, sheet))
        elif matched_wish:
            near_misses.append((-score, -sheet._reviewed, sheet.title, sheet.slug, sheet))
    return MatchResult(date=on, results=Ranking(ctx, Match, results),
                       near_misses=Ranking(ctx, NearMiss, near_misses))


def assess(profile: Profile, sheet: SheetData, *, on: date) -> Assessment:
    """Everything about one sheet for one person on the date ``on``, whatever its outcome:
    score (rounded) and ``raw_score``, ``components``, ``reason`` (the blocking line when a
    hard condition fails) and the met, missing and blocking lines."""
    return _assess(_context(profile, on), sheet)


def explain(profile: Profile, sheet: SheetData, *,
            on: date) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(met, missing, blocking) lines of one sheet for one person, whatever its outcome."""
    assessment = assess(profile, sheet, on=on)
    return assessment.met, assessment.missing, assessment.blocking
