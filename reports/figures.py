"""The figures of the annual report (bilan global annuel), gathered from the statistics of each
domain: ``bookings.statistics`` (interviews, attendance, young people, domains, programmes),
``bookings.compliance`` (hours offered each week against the weekly minimum),
``evaluations.statistics`` (the questionnaires' satisfaction) and ``advisors.statistics`` (the
network). Nothing is counted here: this module only calls them
for the year and the year before, and arranges the answers.

A constant number of queries, whatever the number of interviews (database aggregations); the
weekly hours are computed from the availability rules loaded once (``weekly_compliance``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from advisors.models import Structure
from advisors.statistics import NetworkFigures, network_figures, reference_day
from advisors.validators import NOUVELLE_AQUITAINE_DEPARTEMENTS
from bookings import statistics
from bookings.compliance import weekly_compliance
from bookings.statistics import (
    Attendance,
    Destinations,
    Filters,
    Outcome,
    ProgrammesSent,
    Ranked,
)
from evaluations.statistics import Satisfaction, satisfaction, satisfaction_by_structure

#: Called with a step's French description and a percentage of the whole figures' work.
Progress = Callable[[str, int], None]
#: Programmes listed in the report (most recommended first); the CSV has the same list.
TOP_PROGRAMMES = 30


def _no_progress(_step: str, _percent: int) -> None:
    return None


@dataclass(frozen=True)
class Summary:
    """One year's headline figures (interviews by outcome are those of
    ``bookings.statistics``): ``interviews`` booked, ``requests`` (not cancelled beforehand),
    ``attendance``, ``young_people`` received (distinct, held interviews), ``selections`` and
    ``programmes`` sent, the questionnaires' ``satisfaction`` (of the year's interviews) and
    the network."""

    year: int
    interviews: int
    requests: int
    attendance: Attendance
    young_people: int
    selections: int
    programmes: int
    satisfaction: Satisfaction
    network: NetworkFigures


@dataclass(frozen=True)
class WeekHours:
    """Hours a structure offered in one ISO week (``weekly_compliance``), with the reason
    when below the weekly minimum."""

    week_start: dt.date
    iso_year: int
    iso_week: int
    hours: float
    minimum: int
    reason: str

    @property
    def below_minimum(self) -> bool:
        return self.hours < self.minimum


@dataclass(frozen=True)
class StructureYear:
    """One structure's year: interviews by outcome, attendance, hours offered each week (only
    for structures active when the report is made: ``weeks`` is empty otherwise), the
    questionnaires' ``satisfaction`` (``None`` when none was sent about its interviews)."""

    id: int
    name: str
    departement: str
    outcomes: dict[str, int]
    weeks: list[WeekHours]
    satisfaction: Satisfaction | None = None

    @property
    def interviews(self) -> int:
        return sum(self.outcomes.values())

    @property
    def attendance(self) -> Attendance:
        return statistics.attendance_from_outcomes(self.outcomes)

    @property
    def hours_offered(self) -> float:
        return sum(week.hours for week in self.weeks)

    @property
    def weeks_below(self) -> int:
        return sum(week.below_minimum for week in self.weeks)


@dataclass(frozen=True)
class AnnualFigures:
    """Everything the report shows, for ``year`` as known at ``now``.

    ``by_month``: the 12 months (first day, a date) with their counts by outcome;
    ``by_departement``: the 12 départements of the region (structure's département) with
    their counts by outcome; ``structures``: every structure active now or with an interview
    in the year, by département then name; the other lists come from ``bookings.statistics``.
    """

    year: int
    now: dt.datetime
    reference_day: dt.date
    current: Summary
    previous: Summary
    by_month: list[tuple[dt.date, dict[str, int]]]
    by_departement: list[tuple[str, str, dict[str, int]]]
    structures: list[StructureYear]
    by_mode: dict[str, int]
    by_age_band: dict[str, int]
    by_youth_status: dict[str, int]
    by_youth_departement: dict[str, int]
    domains: list[Ranked]
    programmes: ProgrammesSent
    destinations: Destinations
    weeks_from: dt.date | None = None
    weeks_to: dt.date | None = None
    outcomes: list[str] = field(default_factory=lambda: list(Outcome.ORDER))


def year_filters(year: int) -> Filters:
    """The calendar year ``year`` as ``Filters`` (1 January – 31 December, Paris dates)."""
    return Filters(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


def _summary(year: int, *, now: dt.datetime, today: dt.date) -> Summary:
    filters = year_filters(year)
    outcomes = {key[0]: n for key, n in
                statistics.interview_counts(filters, "outcome", now=now).items()}
    cancelled = {Outcome.CANCELLED_BY_YOUTH, Outcome.CANCELLED_BY_STRUCTURE}
    sent = statistics.programmes_sent(filters, top=0)
    return Summary(
        year=year,
        interviews=sum(outcomes.values()),
        requests=sum(n for outcome, n in outcomes.items() if outcome not in cancelled),
        attendance=statistics.attendance_from_outcomes(outcomes),
        young_people=statistics.young_people_received(filters),
        selections=sent.selections,
        programmes=sent.programmes,
        satisfaction=satisfaction(filters),
        network=network_figures(year=year, today=today),
    )


def _weeks_of(year: int, last_day: dt.date) -> tuple[dt.date, int]:
    """Monday of the ISO week holding 1 January, and the number of weeks up to the one
    holding ``last_day``."""
    first = dt.date(year, 1, 1)
    monday = first - dt.timedelta(days=first.weekday())
    last_monday = last_day - dt.timedelta(days=last_day.weekday())
    return monday, (last_monday - monday).days // 7 + 1


def annual_figures(*, year: int, now: dt.datetime,
                   progress: Progress = _no_progress) -> AnnualFigures:
    """The report's figures for the calendar ``year`` as known at ``now`` (aware datetime;
    its Paris date is the reference day when the year is not over). ``progress`` is told each
    step. Raises ``ValueError`` for a year that has not begun at ``now``.

    Weekly hours: ISO weeks from the one holding 1 January to the one holding the reference
    day (so the first and last weeks may straddle the year), for the structures active at
    ``now`` (the rule of ``bookings.compliance``, source: convention, 3 hours a week).
    """
    today = now.astimezone(statistics.PARIS).date()
    last = reference_day(year, today)
    filters = year_filters(year)
    progress("Chiffres de l'année et de l'année précédente", 0)
    current = _summary(year, now=now, today=today)
    previous = _summary(year - 1, now=now, today=today)
    progress("Entretiens par mois, département, structure", 20)
    months = statistics.interview_counts(filters, "month", "outcome", now=now)
    by_month = [(dt.date(year, month, 1),
                 {outcome: months.get((dt.date(year, month, 1), outcome), 0)
                  for outcome in Outcome.ORDER}) for month in range(1, 13)]
    departements = statistics.interview_counts(filters, "structure_departement", "outcome",
                                               now=now)
    by_departement = [(code, name, {outcome: departements.get((code, outcome), 0)
                                    for outcome in Outcome.ORDER})
                      for code, name in NOUVELLE_AQUITAINE_DEPARTEMENTS.items()]
    by_structure = statistics.interviews_by_structure_and_outcome(filters, now=now)
    satisfaction_of = satisfaction_by_structure(filters)

    def single(*dimensions: str, queryset=None) -> dict[str, int]:
        counts = statistics.interview_counts(filters, *dimensions, now=now, queryset=queryset)
        return {key[0]: n for key, n in counts.items()}

    requests = statistics.interview_requests(filters)
    by_mode = single("mode")
    by_age_band = single("age_band", queryset=requests)
    by_youth_status = single("youth_status", queryset=requests)
    by_youth_departement = single("youth_departement", queryset=requests)
    domains = statistics.domains_requested(filters)
    programmes = statistics.programmes_sent(filters, top=TOP_PROGRAMMES)
    destinations = statistics.destinations_requested(filters)

    progress("Heures offertes chaque semaine", 50)
    monday, weeks = _weeks_of(year, last)
    compliance = weekly_compliance(start_week=monday, weeks=weeks, now=now)
    weeks_by_structure: dict[int, list[WeekHours]] = {}
    for row in compliance:
        weeks_by_structure.setdefault(row.structure_id, []).append(WeekHours(
            week_start=row.week_start, iso_year=row.iso_year, iso_week=row.iso_week,
            hours=row.hours_offered, minimum=row.minimum_hours, reason=row.reason))
    ids = set(weeks_by_structure) | set(by_structure)
    structures = [
        StructureYear(id=s.pk, name=s.public_name, departement=s.departement,
                      outcomes=by_structure.get(s.pk, {}),
                      weeks=weeks_by_structure.get(s.pk, []),
                      satisfaction=satisfaction_of.get(s.pk))
        for s in Structure.objects.filter(pk__in=ids).order_by("departement", "public_name",
                                                                "pk")
    ]
    progress("Chiffres prêts", 100)
    return AnnualFigures(
        year=year, now=now, reference_day=last, current=current, previous=previous,
        by_month=by_month, by_departement=by_departement, structures=structures,
        by_mode=by_mode, by_age_band=by_age_band, by_youth_status=by_youth_status,
        by_youth_departement=by_youth_departement, domains=domains, programmes=programmes,
        destinations=destinations,
        weeks_from=monday, weeks_to=monday + dt.timedelta(weeks=weeks, days=-1),
    )
