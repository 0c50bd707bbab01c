"""The matching engine: a pure, deterministic function from a profile, a date and programme
sheets to ranked, explained results (format: /work/shared/formats/exchange-format.md).

It works on plain dataclasses, never on ORM objects: ``programmes.sheet_data.SheetData`` is a
sheet (built from the model's field values or from an imported JSON sheet); ``Profile`` comes
from matching.exchange or the MobilityProfile model.

Rules, in short:
- Hard conditions exclude: age on the sheet's reference date (``application`` = the matching
  date; ``departure`` = the profile's wished departure, or the matching date without one), with
  ``disability_age_max`` replacing the maximum for a person declaring a disability;
  nationality (``EU`` / ``EEA`` groups); status (``any`` = no condition); required language
  levels; minimum education. Information the profile does not give fails the condition it is
  needed for ("non renseigné"): the advisor sees what to ask.
- Wishes rank (see WEIGHTS). A profile without any wish gets every eligible sheet, ranked by
  the resources criteria only (budget, recommended languages), ties by slug, and no near miss
  (a near miss must match a wish).
- Age is counted in whole years by ``vocabulary.ages.age_on`` (a person born on 29 February
  turns a year older on 28 February in non-leap years).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from programmes.sheet_data import SheetData
from vocabulary import codes as voc
from vocabulary.ages import age_on
from vocabulary.formatting import format_date, format_eur, format_weeks_range

#: Weight of each ranking criterion. The score of a sheet is the weighted mean of the
#: criteria that apply to the person, each worth between 0 and 1:
#: - ``domains``: 1 if one of the sheet's domains is among the wished domains
#:   (applies when the person wishes domains);
#: - ``destination``: 1 if the sheet goes to a wished country, or to a country of a wished
#:   zone (applies when the person wishes zones or countries);
#: - ``duration``: 1 if the sheet's duration range overlaps the wished one (applies when the
#:   person gives a minimum or a maximum);
#: - ``timing``: 1 if the sheet has no deadline, or its deadline is between the matching date
#:   and the wished departure, so there is time to apply before leaving (applies when the
#:   person gives a departure date);
#: - ``budget``: 1 if the sheet asks for no minimum budget or the person's budget reaches it,
#:   otherwise budget / minimum (0 when the budget is unknown) — never excludes;
#: - ``languages``: share of the sheet's recommended (non-required) languages the person
#:   speaks at the recommended level (1 when it recommends none).
#: ``budget`` and ``languages`` always apply, so the score is defined for every profile.
WEIGHTS: Mapping[str, float] = {
    "domains": 0.30,
    "destination": 0.25,
    "duration": 0.15,
    "timing": 0.10,
    "budget": 0.12,
    "languages": 0.08,
}

_W_DOMAINS = WEIGHTS["domains"]
_W_DESTINATION = WEIGHTS["destination"]
_W_DURATION = WEIGHTS["duration"]
_W_TIMING = WEIGHTS["timing"]
_W_BUDGET = WEIGHTS["budget"]
_W_LANGUAGES = WEIGHTS["languages"]


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


class _Explanation:
    """The French lines of one sheet for one person, written on first use: ranking 5,000
    sheets needs only numbers, and a page or a ``--limit`` shows only the first few."""

    __slots__ = ("_ctx", "_lines", "_sheet")

    def __init__(self, ctx: _Context, sheet: SheetData):
        self._ctx = ctx
        self._sheet = sheet
        self._lines: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None = None

    def lines(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """(met, missing, blocking)."""
        if self._lines is None:
            met: list[str] = []
            missing: list[str] = []
            blocking: list[str] = []
            _hard_conditions(self._ctx, self._sheet, met, blocking)
            _wishes(self._ctx, self._sheet, met, missing)
            self._lines = (tuple(met), tuple(missing), tuple(blocking))
        return self._lines


@dataclass(frozen=True, slots=True)
class Match:
    """A sheet passing every hard condition: ``met`` and ``missing`` explain its score."""

    slug: str
    score: float
    explanation: _Explanation = field(repr=False, compare=False)

    @property
    def met(self) -> tuple[str, ...]:
        return self.explanation.lines()[0]

    @property
    def missing(self) -> tuple[str, ...]:
        return self.explanation.lines()[1]

    def to_json(self) -> dict:
        return {"slug": self.slug, "score": self.score, "met": list(self.met),
                "missing": list(self.missing)}


@dataclass(frozen=True, slots=True)
class NearMiss(Match):
    """A sheet failing exactly one hard condition (``blocking``) while matching a wish."""

    @property
    def blocking(self) -> tuple[str, ...]:
        return self.explanation.lines()[2]

    def to_json(self) -> dict:
        return {"slug": self.slug, "blocking": list(self.blocking)}


@dataclass(frozen=True, slots=True)
class MatchResult:
    date: date
    results: tuple[Match, ...]
    near_misses: tuple[NearMiss, ...]

    def to_json(self, *, limit: int | None = None) -> dict:
        return {
            "date": self.date.isoformat(),
            "results": [item.to_json() for item in self.results[:limit]],
            "near_misses": [item.to_json() for item in self.near_misses[:limit]],
        }


# --- French formatting ---------------------------------------------------------------------


def _join(items: Sequence[str], limit: int = 5) -> str:
    if len(items) > limit:
        return ", ".join(items[:limit]) + "…"
    return ", ".join(items)


# --- Matching ------------------------------------------------------------------------------

_NO_MIN = float("-inf")
_NO_MAX = float("inf")


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
    )


@dataclass(slots=True)
class _Context:
    """What the profile gives, computed once per ``match`` call."""

    profile: Profile
    on: date
    nationality: str | None
    status: str | None
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
    wish_country_set: frozenset[str]
    wish_zones: tuple[str, ...]
    wish_zone_set: frozenset[str]
    wishes_worldwide: bool
    wishes_destination: bool
    weight: float
    wish_duration: tuple[float, float] | None
    wish_duration_text: str
    wish_domains_text: str
    wish_destination_text: str
    budget_text: str
    labels: _Labels


def _context(profile: Profile, on: date) -> _Context:
    labels = _labels()
    wishes = profile.wishes
    wish_duration = None
    if wishes.duration_min_weeks is not None or wishes.duration_max_weeks is not None:
        wish_duration = (
            _NO_MIN if wishes.duration_min_weeks is None else float(wishes.duration_min_weeks),
            _NO_MAX if wishes.duration_max_weeks is None else float(wishes.duration_max_weeks))
    return _Context(
        profile=profile,
        on=on,
        nationality=profile.nationality,
        status=profile.status,
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
        wish_country_set=frozenset(wishes.countries),
        wish_zones=wishes.zones,
        wish_zone_set=frozenset(wishes.zones),
        wishes_worldwide=voc.Zone.WORLDWIDE in wishes.zones,
        wishes_destination=bool(wishes.zones or wishes.countries),
        weight=(_W_BUDGET + _W_LANGUAGES + (_W_DOMAINS if wishes.domains else 0)
                + (_W_DESTINATION if wishes.zones or wishes.countries else 0)
                + (_W_DURATION if wish_duration is not None else 0)
                + (_W_TIMING if wishes.departure else 0)),
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


def _hard_conditions(ctx: _Context, sheet: SheetData, met: list[str] | None = None,
                     blocking: list[str] | None = None) -> int:
    """Count the failed hard conditions. With lists given, also write one line per condition
    the sheet sets (failed ones in ``blocking``); without, stop counting at two."""
    explain = met is not None
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
                met.append(f"Statut : {ctx.status_label}, accepté")
            else:
                allowed = ", ".join(ctx.labels.status[code] for code in sheet.statuses)
                blocking.append(f"Statut : {ctx.status_label}, non accepté "
                                f"(réservé à : {allowed})")
    if sheet._education_rank is not None:
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


def _nationality_line(ctx: _Context, sheet: SheetData, passed: bool) -> str:
    nationality = ctx.nationality
    if nationality is None:
        return "Nationalité : non renseignée"
    names = ctx.labels.countries_and_groups
    accepted = _join([names.get(code, code) for code in sheet.nationalities])
    name = names[nationality]
    if not passed:
        return f"Nationalité : {name}, non acceptée (réservé à : {accepted})"
    if nationality in sheet.nationalities:
        return f"Nationalité : {name}, acceptée"
    return f"Nationalité : {name}, acceptée ({accepted})"


def _wishes(ctx: _Context, sheet: SheetData, met: list[str] | None = None,
            missing: list[str] | None = None) -> tuple[float, bool]:
    """Return (score, matched_a_wish); with lists given, also write the lines (see WEIGHTS)."""
    explain = met is not None
    total = 0.0
    matched_wish = False
    labels = ctx.labels
    if ctx.wish_domains:
        if ctx.wish_domains.isdisjoint(sheet.domains):
            if explain:
                missing.append(
                    f"Domaine : {', '.join(labels.domain[c] for c in sheet.domains)} ; "
                    f"vous cherchez : {ctx.wish_domains_text}")
        else:
            total += _W_DOMAINS
            matched_wish = True
            if explain:
                common = ", ".join(labels.domain[c] for c in sheet.domains
                                   if c in ctx.wish_domains)
                met.append(f"Domaine : {common}, comme vous le souhaitez")
    if ctx.wishes_destination:
        if (ctx.wishes_worldwide or not ctx.wish_country_set.isdisjoint(sheet._countries)
                or not ctx.wish_zone_set.isdisjoint(sheet._zones_touched)):
            total += _W_DESTINATION
            matched_wish = True
            if explain:
                names = ([labels.country[c] for c in ctx.wish_countries if c in sheet._countries]
                         + [labels.zone[z] for z in ctx.wish_zones
                            if z in sheet._zones_touched or z == "worldwide"])
                met.append(f"Destination : {_join(names)}, comme vous le souhaitez")
        elif explain:
            where = _join([labels.zone[z] for z in sheet.destination_zones]
                          + [labels.country[c] for c in sheet.destination_countries])
            missing.append(f"Destination : {where} ; vous souhaitez : "
                           f"{ctx.wish_destination_text}")
    if ctx.wish_duration is not None:
        low, high = sheet._duration
        wish_low, wish_high = ctx.wish_duration
        overlaps = low <= wish_high and wish_low <= high
        if overlaps:
            total += _W_DURATION
            matched_wish = True
        if explain:
            sheet_text = format_weeks_range(sheet.duration_min_weeks, sheet.duration_max_weeks)
            if overlaps:
                met.append(f"Durée : {sheet_text}, compatible avec votre souhait "
                           f"({ctx.wish_duration_text})")
            else:
                missing.append(f"Durée : {sheet_text} ; vous souhaitez {ctx.wish_duration_text}")
    if ctx.departure is not None:
        deadline = sheet.application_deadline
        if deadline is None:
            total += _W_TIMING
        elif deadline < ctx.on:
            if explain:
                missing.append(f"Candidature : date limite passée ({format_date(deadline)})")
        elif deadline > ctx.departure:
            if explain:
                missing.append(f"Candidature : jusqu'au {format_date(deadline)}, après votre "
                               f"départ souhaité le {ctx.departure_text}")
        else:
            total += _W_TIMING
            matched_wish = True
            if explain:
                met.append(f"Candidature : jusqu'au {format_date(deadline)}, avant votre "
                           f"départ souhaité le {ctx.departure_text}")
    # Budget and recommended languages always apply (so a profile without wishes is ranked);
    # ``ctx.weight`` is the sum of the weights that apply.
    minimum = sheet.budget_min_eur
    if not minimum:
        total += _W_BUDGET
    else:
        budget = ctx.budget
        enough = budget >= minimum
        total += _W_BUDGET if enough else _W_BUDGET * budget / minimum
        if explain:
            (met if enough else missing).append(
                f"Budget conseillé {format_eur(minimum)} : {ctx.budget_text}")
    if not sheet._recommended:
        total += _W_LANGUAGES
    else:
        reached = 0
        for code, rank, prefix in sheet._recommended:
            passed = ctx.language_ranks.get(code, 0) >= rank
            if passed:
                reached += 1
            if explain:
                have = ctx.profile.languages.get(code)
                (met if passed else missing).append(
                    prefix + ("non indiqué" if have is None else f"vous indiquez {have}"))
        total += _W_LANGUAGES * reached / len(sheet._recommended)
    return total / ctx.weight, matched_wish


def match(profile: Profile, sheets: Iterable[SheetData], *, on: date) -> MatchResult:
    """Match ``profile`` against ``sheets`` on the date ``on`` (see the module docstring)."""
    ctx = _context(profile, on)
    results: list[Match] = []
    near_misses: list[NearMiss] = []
    for sheet in sheets:
        fails = _hard_conditions(ctx, sheet)
        if fails > 1:
            continue
        score, matched_wish = _wishes(ctx, sheet)
        if not fails:
            results.append(Match(sheet.slug, round(score, 2), _Explanation(ctx, sheet)))
        elif matched_wish:
            near_misses.append(NearMiss(sheet.slug, round(score, 2), _Explanation(ctx, sheet)))
    results.sort(key=_rank)
    near_misses.sort(key=_rank)
    return MatchResult(date=on, results=tuple(results), near_misses=tuple(near_misses))


def _rank(item: Match) -> tuple[float, str]:
    return (-item.score, item.slug)


def explain(profile: Profile, sheet: SheetData, *,
            on: date) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(met, missing, blocking) lines of one sheet for one person, whatever its outcome."""
    return _Explanation(_context(profile, on), sheet).lines()
