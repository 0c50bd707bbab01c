"""Compliance of the weekly minimum: the hours each active structure's bookable advisors
publish per ISO week, net of absences and public holidays, against ``WEEKLY_MINIMUM_HOURS``
(the convention's commitment), with the reason when below.

Public names: ``ComplianceRow``, ``weekly_compliance(*, start_week, weeks, now)`` (reads
everything live, never the offers cache; a constant number of queries).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
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
    rows: list[ComplianceRow] = []
    for structure in structures:
        advisors = advisors_by_structure.get(structure.pk, [])
        for week in range(weeks):
            week_start = monday + dt.timedelta(weeks=week)
            days = list(days_between(week_start, week_start + dt.timedelta(days=6)))
            count = sum(len(calendar.offered(a, day)) for a in advisors for day in days)
            hours = count * hours_per_slot
            reason = ""
            if hours < minimum:
                reason = _compliance_reason(calendar, advisors, days)
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
