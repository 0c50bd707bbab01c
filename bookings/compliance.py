"""Compliance of the weekly minimum: the hours each active structure's bookable advisors
publish per ISO week, net of absences and public holidays, against ``WEEKLY_MINIMUM_HOURS``
(the convention's commitment, owed in part in a week the convention covers in part:
``week_minimum``), with the reasons when below, in a fixed order (``REASON_PRECEDENCE``).

Public names: ``ComplianceRow``, ``REASON_PRECEDENCE``, ``week_minimum``,
``weekly_compliance(*, start_week, weeks, now)`` (reads
everything live, never the offers cache; a constant number of queries), and the
coordinators' watch of the whole network built on it, ``network_watch(*, today, weeks, now)``
(``NetworkWatch``: the weeks, untrained advisors, structures without a trained advisor,
conventions in notice or under formal notice, coverage by département).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext, ngettext

from advisors.conventions import convention_services_open
from advisors.models import Advisor, Convention, Structure, StructureStatus
from advisors.selectors import pick_current_convention
from somobilite import clock

from .models import AbsenceKind
from .slots.calendar import CONVENTION_FIELDS, Calendar, CalendarAdvisor, days_between


@dataclass(frozen=True, slots=True)
class ComplianceRow:
    """One active structure's ISO week: ``hours_offered`` (hours, booked or not) against
    ``minimum_hours``, the week's share of ``WEEKLY_MINIMUM_HOURS`` (``week_minimum``), and
    ``reasons`` (French, in ``REASON_PRECEDENCE`` order), joined in ``reason``."""

    structure_id: int
    structure_name: str
    departement: str
    week_start: dt.date
    iso_year: int
    iso_week: int
    hours_offered: float
    minimum_hours: int
    reason: str
    """``reasons`` joined by « ; ». Empty when the whole week is under convention and the
    minimum is met."""
    days_in_force: int = 7
    """Days of the week (0–7) on which the structure's convention is in force with its
    services started."""
    reasons: tuple[str, ...] = ()
    """Below the minimum, every cause that took hours off the week (or explains why none
    were published); a week the convention covers only in part or not at all says so first,
    even when its reduced minimum is met."""

    @property
    def below_minimum(self) -> bool:
        return self.hours_offered < self.minimum_hours

    @property
    def in_force(self) -> bool:
        """Whether the convention is in force on at least one day of the week."""
        return self.days_in_force > 0


REASON_PRECEDENCE = (
    "convention", "no_advisor", "not_designated", "not_trained", "withdrawn",
    "long_absence", "absence", "holiday", "published",
)
"""The order in which a week's reasons are given: the convention (nothing owed outside it,
its share in a week it covers in part), then the advisors (none bookable, or some not
bookable part of the week), then what took published hours off (long absences, other
absences, public holidays), and last what was published at all."""


def week_minimum(working_days_in_force: int) -> int:
    """The weekly minimum owed in a week whose convention is in force on
    ``working_days_in_force`` of its working days (Monday to Friday, 0–5): the commitment of
    ``WEEKLY_MINIMUM_HOURS`` per week (SPEC §3; convention, « au minimum 3 créneaux
    individuels d'1h par semaine ») binds only while the convention is in force, so a week
    it covers in part owes its share, rounded up to whole hours (3 h: 1 working day → 1 h,
    2–3 → 2 h, 4–5 → 3 h; none → 0 h). Public holidays do not reduce it: they are a reason
    given for the week, as before. Raises ``ValueError`` outside 0–5."""
    if not 0 <= working_days_in_force <= 5:
        raise ValueError(working_days_in_force)
    minimum: int = settings.WEEKLY_MINIMUM_HOURS
    return math.ceil(minimum * working_days_in_force / 5)


def weekly_compliance(
    *, start_week: dt.date, weeks: int, now: dt.datetime,
) -> list[ComplianceRow]:
    """Per active structure and ISO week from the week of ``start_week``: hours published by its
    bookable advisors, net of absences and public holidays (booked or not), against the
    week's minimum (``week_minimum``: all of ``WEEKLY_MINIMUM_HOURS`` when the convention is
    in force all week, its share when in part, none outside it), with the reasons
    (``ComplianceRow.reasons``). Constant number of queries (structures with their
    conventions, then the calendar's)."""
    structures = list(Structure.objects.filter(status=StructureStatus.ACTIVE)
                      .prefetch_related(Prefetch(
                          "conventions", queryset=Convention.objects.only(*CONVENTION_FIELDS)))
                      .order_by("departement", "public_name"))
    return _weekly_rows(structures, start_week=start_week, weeks=weeks, now=now)


def _weekly_rows(structures: list[Structure], *, start_week: dt.date, weeks: int,
                 now: dt.datetime) -> list[ComplianceRow]:
    """``weekly_compliance`` of ``structures`` (active, their conventions prefetched)."""
    monday = start_week - dt.timedelta(days=start_week.weekday())
    last_day = monday + dt.timedelta(weeks=weeks, days=-1)
    calendar = Calendar(advisors=Advisor.objects.filter(structure__in=structures),
                         first_day=monday, last_day=last_day, now=now, mode=None,
                         with_appointments=False)
    advisors_by_structure: dict[int, list[CalendarAdvisor]] = defaultdict(list)
    for advisor in calendar.advisors:
        advisors_by_structure[advisor.structure_id].append(advisor)
    days = list(days_between(monday, last_day))
    rows: list[ComplianceRow] = []
    for structure in structures:
        conventions = list(structure.conventions.all())
        in_force = [_services_open(conventions, day) for day in days]
        advisors = advisors_by_structure.get(structure.pk, [])
        tallies = [_WeekTally() for _ in range(weeks)]
        for advisor in advisors:
            weekdays = {weekday for weekday in range(7)
                        if calendar.recurring.get((advisor.id, weekday))}
            for index, day in enumerate(days):
                if in_force[index] and (day.weekday() in weekdays
                                        or (advisor.id, day) in calendar.one_off):
                    tallies[index // 7].add(calendar, advisor, day)
        for week, tally in enumerate(tallies):
            week_start = monday + dt.timedelta(weeks=week)
            week_in_force = in_force[week * 7:week * 7 + 7]
            minimum = week_minimum(sum(week_in_force[:5]))
            reasons = _reasons(calendar, advisors, days[week * 7:week * 7 + 7], week_in_force,
                               tally, minimum)
            iso = week_start.isocalendar()
            rows.append(ComplianceRow(structure.pk, structure.public_name,
                                      structure.departement, week_start, iso.year, iso.week,
                                      tally.hours, minimum, " ; ".join(reasons),
                                      sum(week_in_force), reasons))
    return rows


def _services_open(conventions: list[Convention], day: dt.date) -> bool:
    # advisors.selectors.structure_services_open, on the conventions prefetched.
    convention = pick_current_convention(conventions, day)
    return bool(convention and convention_services_open(convention, on=day))


def _advisor_cause(advisor: CalendarAdvisor, day: dt.date) -> str | None:
    """Why ``advisor`` cannot be booked on ``day`` for themselves (``Calendar.is_bookable``
    less the convention), or None."""
    if advisor.designated_on > day:
        return "not_designated"
    if advisor.withdrawn_on is not None and day >= advisor.withdrawn_on:
        return "withdrawn"
    if advisor.trained_on is None or advisor.trained_on > day:
        return "not_trained"
    return None


def _day_span(day: dt.date) -> tuple[int, int]:
    """A calendar day as epoch seconds, midnight to midnight on the Paris wall clock."""
    return (int(clock.paris_at(day, dt.time.min).timestamp()),
            int(clock.paris_at(day + dt.timedelta(days=1), dt.time.min).timestamp()))


class _WeekTally:
    """One structure's week on the days its convention is in force: the slots offered, the
    slots published but taken off, by cause (``REASON_PRECEDENCE`` keys), and whether a
    bookable advisor published anything."""

    def __init__(self) -> None:
        self.offered = 0
        self.lost: dict[str, int] = defaultdict(int)
        self.published = False

    @property
    def hours(self) -> float:
        minutes: int = settings.INTERVIEW_DURATION_MINUTES
        return self.offered * minutes / 60

    def add(self, calendar: Calendar, advisor: CalendarAdvisor, day: dt.date) -> None:
        published = calendar.published_count(advisor.id, day)
        if not published:
            return
        cause = _advisor_cause(advisor, day)
        if cause is not None:
            self.lost[cause] += published
            return
        self.published = True
        if day in calendar.holidays:
            self.lost["holiday"] += published
            return
        offered = calendar.offered_count(advisor, day)
        self.offered += offered
        if offered < published:
            # Taken off by absences (or, on the spring daylight-saving day, a start in the
            # skipped hour, which no absence explains).
            start, end = _day_span(day)
            kinds = {kind for s, e, kind in calendar.absence_kinds.get(advisor.id, ())
                     if s < end and start < e}
            if kinds:
                key = "long_absence" if AbsenceKind.LONG in kinds else "absence"
                self.lost[key] += published - offered


def _convention_reason(days: list[dt.date], in_force: list[bool], minimum: int) -> str:
    """The week's convention, told when it is not in force every day (else empty)."""
    if all(in_force):
        return ""
    if not any(in_force):
        return gettext("convention pas en vigueur")
    first = in_force.index(True)
    last = len(in_force) - 1 - in_force[::-1].index(True)
    if all(in_force[first:last + 1]) and first == 0:
        told = gettext("convention en vigueur jusqu'au %(day)s") % {
            "day": days[last].strftime("%d/%m")}
    elif all(in_force[first:last + 1]) and last == len(in_force) - 1:
        told = gettext("convention en vigueur à partir du %(day)s") % {
            "day": days[first].strftime("%d/%m")}
    else:
        count = sum(in_force)
        told = ngettext("convention en vigueur %(count)s jour sur 7",
                        "convention en vigueur %(count)s jours sur 7", count) % {"count": count}
    if minimum:
        return gettext("%(told)s : minimum dû %(minimum)s h") % {
            "told": told, "minimum": minimum}
    return gettext("%(told)s : pas de minimum cette semaine") % {"told": told}


def _reasons(calendar: Calendar, advisors: list[CalendarAdvisor], days: list[dt.date],
             in_force: list[bool], tally: _WeekTally, minimum: int) -> tuple[str, ...]:
    """The week's reasons in ``REASON_PRECEDENCE`` order: the convention when it is not in
    force every day; below the minimum, each cause that took published hours off, or else
    why nothing (or too little) was published."""
    found: dict[str, str] = {}
    convention = _convention_reason(days, in_force, minimum)
    if convention:
        found["convention"] = convention
    if tally.hours < minimum:
        days_in_force = [day for day, on in zip(days, in_force, strict=True) if on]
        bookable = [a for a in advisors
                    if any(_advisor_cause(a, day) is None for day in days_in_force)]
        if not bookable:
            found["no_advisor"] = gettext("aucun·e conseiller·ère formé·e et désigné·e")
        else:
            texts = {
                "not_designated": gettext("conseiller·ère pas encore désigné·e"),
                "not_trained": gettext("conseiller·ère pas encore formé·e"),
                "withdrawn": gettext("conseiller·ère retiré·e"),
                "long_absence": gettext("absence longue déclarée"),
                "absence": gettext("absence déclarée"),
                "holiday": gettext("jour férié dans la semaine"),
            }
            found.update((key, text) for key, text in texts.items() if tally.lost.get(key))
            if not tally.published and _away(calendar, bookable, days_in_force):
                # Nothing published while an advisor is away for long: they took their
                # periods off, the absence is the reason.
                found["long_absence"] = texts["long_absence"]
            elif tally.hours + sum(tally.lost.values()) < minimum:
                found["published"] = (
                    ngettext("moins de %(minimum)s h publiée", "moins de %(minimum)s h publiées",
                             minimum) % {"minimum": minimum}
                    if tally.published else gettext("rien de publié"))
    return tuple(found[key] for key in REASON_PRECEDENCE if key in found)


def _away(calendar: Calendar, advisors: list[CalendarAdvisor], days: list[dt.date]) -> bool:
    """Whether a long absence of one of ``advisors`` overlaps ``days`` (from the first to
    the last)."""
    start, end = _day_span(days[0])[0], _day_span(days[-1])[1]
    return any(kind == AbsenceKind.LONG and s < end and start < e
               for a in advisors for s, e, kind in calendar.absence_kinds.get(a.pk, ()))


# --- The coordinators' compliance watch (issue 14) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class StructureWeeks:
    """One active structure's ``ComplianceRow``s, one per week, in order."""

    structure_id: int
    structure_name: str
    departement: str
    weeks: list[ComplianceRow]

    @property
    def weeks_below(self) -> int:
        return sum(1 for row in self.weeks if row.below_minimum)


@dataclass(frozen=True, slots=True)
class AdvisorToTrain:
    """A current advisor of an active structure who has not attended the initial training."""

    name: str
    email: str
    structure_name: str
    departement: str
    designated_on: dt.date


@dataclass(frozen=True, slots=True)
class StructureWithoutTrained:
    """An active structure none of whose current advisors is trained (``advisors`` current
    designations, trained or not)."""

    structure_name: str
    departement: str
    advisors: int


@dataclass(frozen=True, slots=True)
class ConventionUnderWatch:
    """A structure whose current convention is in notice (the partner ends it) or under a
    formal notice left unanswered; ``end_date`` its last day in force, ``reason`` in French
    (``advisors.conventions.convention_status``)."""

    structure_name: str
    departement: str
    state: str
    state_label: str
    end_date: dt.date | None
    reason: str


@dataclass(frozen=True, slots=True)
class DepartementCoverage:
    """One département of the region: ``structures_active``, of them ``structures_open``
    (convention in force with services started today), ``structures_below`` (under the
    weekly minimum at least one of the weeks), ``slots_offered`` (one-interview slots over
    the weeks watched, booked or not)."""

    code: str
    name: str
    structures_active: int
    structures_open: int
    structures_below: int
    slots_offered: int


@dataclass(frozen=True)
class NetworkWatch:
    """Everything the compliance page shows, on ``today`` for ``week_starts`` (Mondays)."""

    today: dt.date
    week_starts: list[dt.date]
    minimum_hours: int
    structures: list[StructureWeeks]
    advisors_to_train: list[AdvisorToTrain]
    structures_without_trained: list[StructureWithoutTrained]
    conventions: list[ConventionUnderWatch]
    coverage: list[DepartementCoverage]

    @property
    def structures_below(self) -> list[StructureWeeks]:
        return [structure for structure in self.structures if structure.weeks_below]


def network_watch(*, today: dt.date, weeks: int, now: dt.datetime) -> NetworkWatch:
    """Where the network falls short (issue 14, SPEC §2–3), for the coordinators' compliance
    page: per active structure the hours offered in each of ``weeks`` ISO weeks from the week
    of ``today`` (a Paris date) against ``WEEKLY_MINIMUM_HOURS`` with the reason when below
    (``weekly_compliance``); the advisors of active structures who have not attended the
    initial training (their slots cannot be booked); active structures without a trained
    advisor; conventions in notice or under formal notice on ``today``; coverage by
    département. Every list is sorted by département then name.

    A constant number of queries (nine) whatever the size of the network."""
    from advisors.conventions import ConventionState
    from advisors.selectors import (
        designation_current_q,
        initial_training_attended,
        structure_convention_status,
        structure_services_open,
    )
    from advisors.validators import NOUVELLE_AQUITAINE_DEPARTEMENTS

    active = list(Structure.objects.filter(status=StructureStatus.ACTIVE)
                  .prefetch_related("conventions").order_by("departement", "public_name"))
    rows = _weekly_rows(active, start_week=today, weeks=weeks, now=now)
    by_structure: dict[int, list[ComplianceRow]] = defaultdict(list)
    for row in rows:
        by_structure[row.structure_id].append(row)
    structures = [StructureWeeks(r[0].structure_id, r[0].structure_name, r[0].departement, r)
                  for r in by_structure.values()]
    monday = today - dt.timedelta(days=today.weekday())

    trained = initial_training_attended(today).filter(user_id=OuterRef("user_id"))
    current = (Advisor.objects.filter(designation_current_q(today), user__is_active=True,
                                      structure__status=StructureStatus.ACTIVE)
               .annotate(trained=Exists(trained)))
    to_train = [
        AdvisorToTrain(f"{first} {last}".strip() or email, email, structure, departement,
                       designated_on)
        for first, last, email, structure, departement, designated_on in
        current.filter(trained=False)
        .order_by("structure__departement", "structure__public_name", "user__last_name",
                  "user__first_name")
        .values_list("user__first_name", "user__last_name", "user__email",
                     "structure__public_name", "structure__departement", "designated_on")
    ]
    has_trained = Exists(current.filter(trained=True, structure_id=OuterRef("pk")))
    advisors = Count("advisors", filter=designation_current_q(today, "advisors__")
                     & Q(advisors__user__is_active=True))
    without_trained = [
        StructureWithoutTrained(*row) for row in
        Structure.objects.filter(status=StructureStatus.ACTIVE).filter(~has_trained)
        .annotate(current_advisors=advisors).order_by("departement", "public_name")
        .values_list("public_name", "departement", "current_advisors")
    ]

    watched_states = {ConventionState.NOTICE_RUNNING, ConventionState.FORMAL_NOTICE_PENDING}
    conventions: list[ConventionUnderWatch] = []
    open_by_departement: dict[str, int] = defaultdict(int)
    active_by_departement: dict[str, int] = defaultdict(int)
    for structure in active:
        active_by_departement[structure.departement] += 1
        if structure_services_open(structure, today):
            open_by_departement[structure.departement] += 1
        status = structure_convention_status(structure, today)
        if status is not None and status.state in watched_states:
            conventions.append(ConventionUnderWatch(
                structure.public_name, structure.departement, status.state,
                status.label, status.end_date, status.reason))

    slots_per_hour = 60 / settings.INTERVIEW_DURATION_MINUTES
    coverage = []
    for code, name in NOUVELLE_AQUITAINE_DEPARTEMENTS.items():
        here = [s for s in structures if s.departement == code]
        coverage.append(DepartementCoverage(
            code, name, active_by_departement.get(code, 0), open_by_departement.get(code, 0),
            sum(1 for s in here if s.weeks_below),
            round(sum(row.hours_offered for s in here for row in s.weeks) * slots_per_hour)))
    return NetworkWatch(
        today=today,
        week_starts=[monday + dt.timedelta(weeks=week) for week in range(weeks)],
        minimum_hours=settings.WEEKLY_MINIMUM_HOURS,
        structures=structures,
        advisors_to_train=to_train,
        structures_without_trained=without_trained,
        conventions=conventions,
        coverage=coverage,
    )
