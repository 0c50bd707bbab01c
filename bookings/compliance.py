"""Compliance of the weekly minimum: the hours each active structure's bookable advisors
publish per ISO week, net of absences and public holidays, against ``WEEKLY_MINIMUM_HOURS``
(the convention's commitment), with the reason when below.

Public names: ``ComplianceRow``, ``weekly_compliance(*, start_week, weeks, now)`` (reads
everything live, never the offers cache; a constant number of queries), and the
coordinators' watch of the whole network built on it, ``network_watch(*, today, weeks, now)``
(``NetworkWatch``: the weeks, untrained advisors, structures without a trained advisor,
conventions in notice or under formal notice, coverage by département).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext

from advisors.models import Advisor, Structure, StructureStatus
from somobilite import clock

from .models import AbsenceKind
from .slots.calendar import Calendar, CalendarAdvisor, days_between, is_public_holiday


@dataclass(frozen=True, slots=True)
class ComplianceRow:
    structure_id: int
    structure_name: str
    departement: str
    week_start: dt.date
    iso_year: int
    iso_week: int
    hours_offered: float
    minimum_hours: int
    reason: str
    """Empty when the minimum is met."""

    @property
    def below_minimum(self) -> bool:
        return self.hours_offered < self.minimum_hours


def weekly_compliance(
    *, start_week: dt.date, weeks: int, now: dt.datetime,
) -> list[ComplianceRow]:
    """Per active structure and ISO week from the week of ``start_week``: hours published by its
    bookable advisors, net of absences and public holidays (booked or not), against
    ``WEEKLY_MINIMUM_HOURS``, with the reason when below. Constant number of queries."""
    monday = start_week - dt.timedelta(days=start_week.weekday())
    last_day = monday + dt.timedelta(weeks=weeks, days=-1)
    structures = list(Structure.objects.filter(status=StructureStatus.ACTIVE)
                      .order_by("departement", "public_name"))
    calendar = Calendar(advisors=Advisor.objects.filter(structure__in=structures),
                         first_day=monday, last_day=last_day, now=now, mode=None,
                         with_appointments=False)
    advisors_by_structure: dict[int, list[CalendarAdvisor]] = defaultdict(list)
    for advisor in calendar.advisors:
        advisors_by_structure[advisor.structure_id].append(advisor)
    minimum = settings.WEEKLY_MINIMUM_HOURS
    hours_per_slot = settings.INTERVIEW_DURATION_MINUTES / 60
    days = list(days_between(monday, last_day))
    rows: list[ComplianceRow] = []
    for structure in structures:
        advisors = advisors_by_structure.get(structure.pk, [])
        # Slots offered per week, visiting only the days an advisor has periods on (their
        # weekly periods' weekdays and their one-off dates): the other days offer nothing.
        counts = [0] * weeks
        for advisor in advisors:
            weekdays = {weekday for weekday in range(7)
                        if calendar.recurring.get((advisor.id, weekday))}
            for index, day in enumerate(days):
                if day.weekday() in weekdays or (advisor.id, day) in calendar.one_off:
                    counts[index // 7] += calendar.offered_count(advisor, day)
        for week in range(weeks):
            week_start = monday + dt.timedelta(weeks=week)
            hours = counts[week] * hours_per_slot
            reason = ""
            if hours < minimum:
                reason = _compliance_reason(calendar, advisors, days[week * 7:week * 7 + 7])
            iso = week_start.isocalendar()
            rows.append(ComplianceRow(structure.pk, structure.public_name,
                                      structure.departement, week_start, iso.year, iso.week,
                                      hours, minimum, reason))
    return rows


def _compliance_reason(calendar: Calendar, advisors: list[CalendarAdvisor],
                       days: list[dt.date]) -> str:
    # A calendar week: midnight to midnight on the wall clock (23 or 25 hours on change days).
    week_start = clock.paris_at(days[0], dt.time.min)
    week_end = clock.paris_at(days[0] + dt.timedelta(days=7), dt.time.min)
    week_start_s, week_end_s = int(week_start.timestamp()), int(week_end.timestamp())
    absences = [kind for a in advisors for start, end, kind in calendar.absence_kinds.get(a.pk, ())
                if start < week_end_s and week_start_s < end]
    if not advisors:
        return gettext("aucun·e conseiller·ère formé·e et désigné·e")
    if AbsenceKind.LONG in absences:
        return gettext("absence longue déclarée")
    published = any(calendar.windows(a.id, day) for a in advisors for day in days)
    if not published:
        return gettext("rien de publié")
    if absences:
        return gettext("absence déclarée")
    if any(is_public_holiday(day) for day in days):
        return gettext("jour férié dans la semaine")
    if not any(calendar.is_bookable(a, day) for a in advisors for day in days):
        return gettext("convention pas en vigueur")
    return gettext("moins de %(minimum)s h publiées") % {"minimum": settings.WEEKLY_MINIMUM_HOURS}


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

    A constant number of queries (ten) whatever the size of the network."""
    from advisors.conventions import ConventionState
    from advisors.selectors import (
        designation_current_q,
        initial_training_attended,
        structure_convention_status,
        structure_services_open,
    )
    from advisors.validators import NOUVELLE_AQUITAINE_DEPARTEMENTS

    rows = weekly_compliance(start_week=today, weeks=weeks, now=now)
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
    for structure in (Structure.objects.filter(status=StructureStatus.ACTIVE)
                      .prefetch_related("conventions").order_by("departement", "public_name")):
        active_by_departement[structure.departement] += 1
        if structure_services_open(structure, today):
            open_by_departement[structure.departement] += 1
        status = structure_convention_status(structure, today)
        if status is not None and status.state in watched_states:
            conventions.append(ConventionUnderWatch(
                structure.public_name, structure.departement, status.state,
                str(status.state.label), status.end_date, status.reason))

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
