"""Figures about the partner network over a calendar year, for the annual report (issue 15):
structures under convention, conventions signed and ended, advisors designated and trained,
training sessions and their attendance.

Every figure is read from stored facts with the rules of ``advisors.conventions`` (a
convention's state on a day) and ``advisors.selectors`` (a designation current on a day, an
attended initial training makes an advisor trained), so the report and the rest of the site
never disagree. A constant number of queries, whatever the size of the network.

Vocabulary: ``year`` is a calendar year (1 January – 31 December, Paris dates). The *reference
day* of a year is its 31 December, or ``today`` when the year is not over: what is counted "at
the end of the year" is counted on that day, and nothing dated after it is known.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from .conventions import convention_status
from .models import Advisor, Convention, Structure, TrainingKind, TrainingSession
from .selectors import designation_current_q, pick_current_convention


@dataclass(frozen=True)
class TrainingFigures:
    """Sessions of one kind held in the year: ``sessions`` (count), ``registered`` (people
    registered, a person in two sessions counts twice), ``attended`` (marked present)."""

    kind: str
    label: str
    sessions: int
    registered: int
    attended: int


@dataclass(frozen=True)
class SessionRow:
    """One training session of the year, with its registrations and attendance."""

    date: dt.date
    kind_label: str
    title: str
    place: str
    registered: int
    attended: int


@dataclass(frozen=True)
class NetworkFigures:
    """The network over ``year`` (see the module docstring for the reference day).

    - ``structures_in_force_start`` / ``structures_in_force_end``: structures whose current
      convention is in force on 1 January / on the reference day (article 5 rules);
    - ``conventions_signed``: conventions signed in the year (by the reference day);
    - ``conventions_ended``: conventions whose last day in force falls in the year, on or
      before the reference day (termination with notice, formal notice unanswered, general end
      of the programme);
    - ``advisors_start`` / ``advisors_end``: current designations on 1 January / on the
      reference day; ``advisors_designated`` / ``advisors_withdrawn``: designations starting /
      ending in the year;
    - ``advisors_trained``: distinct people marked present at an initial training held in the
      year (SPEC §2: the mandatory initial training);
    - ``training``: by kind of session (``TrainingKind`` order); ``sessions``: every session of
      the year, by date.
    """

    year: int
    reference_day: dt.date
    structures_in_force_start: int
    structures_in_force_end: int
    conventions_signed: int
    conventions_ended: int
    advisors_start: int
    advisors_end: int
    advisors_designated: int
    advisors_withdrawn: int
    advisors_trained: int
    training: list[TrainingFigures]
    sessions: list[SessionRow]


def reference_day(year: int, today: dt.date) -> dt.date:
    """The day the end-of-year figures of ``year`` are counted on: 31 December, or ``today``
    when earlier (a year in progress). Raises ``ValueError`` for a year that has not begun."""
    first = dt.date(year, 1, 1)
    if today < first:
        raise ValueError(f"year {year} has not begun on {today}")
    return min(dt.date(year, 12, 31), today)


def network_figures(*, year: int, today: dt.date) -> NetworkFigures:
    """The network's figures for ``year`` as known on ``today`` (a Paris date); see
    ``NetworkFigures``. Six queries. Raises ``ValueError`` for a year that has not begun."""
    first = dt.date(year, 1, 1)
    last = reference_day(year, today)

    conventions_by_structure: dict[int, list[Convention]] = defaultdict(list)
    conventions = list(Convention.objects.all())
    for convention in conventions:
        conventions_by_structure[convention.structure_id].append(convention)

    def in_force(structure_id: int, on: dt.date) -> bool:
        convention = pick_current_convention(conventions_by_structure[structure_id], on)
        return bool(convention and convention_status(convention, on=on).in_force)

    structure_ids = list(Structure.objects.values_list("pk", flat=True))
    ended = 0
    for convention in conventions:
        status = convention_status(convention, on=last)
        if status.end_date is not None and first <= status.end_date <= last:
            ended += 1

    advisors = Advisor.objects.aggregate(
        start=Count("pk", filter=designation_current_q(first)),
        end=Count("pk", filter=designation_current_q(last)),
        designated=Count("pk", filter=Q(designated_on__gte=first, designated_on__lte=last)),
        withdrawn=Count("pk", filter=Q(withdrawn_on__gte=first, withdrawn_on__lte=last)),
    )
    sessions = list(
        TrainingSession.objects.filter(date__gte=first, date__lte=last)
        .annotate(registered=Count("attendances"),
                  present=Count("attendances", filter=Q(attendances__attended=True)))
        .order_by("date", "title"))
    trained = (TrainingSession.objects
               .filter(date__gte=first, date__lte=last, kind=TrainingKind.INITIAL,
                       attendances__attended=True)
               .values("attendances__user").distinct().count())
    labels = dict(TrainingKind.choices)
    training = [
        TrainingFigures(kind=kind, label=str(labels[kind]),
                        sessions=sum(1 for s in sessions if s.kind == kind),
                        registered=sum(s.registered for s in sessions if s.kind == kind),
                        attended=sum(s.present for s in sessions if s.kind == kind))
        for kind in TrainingKind.values
    ]
    return NetworkFigures(
        year=year,
        reference_day=last,
        structures_in_force_start=sum(in_force(pk, first) for pk in structure_ids),
        structures_in_force_end=sum(in_force(pk, last) for pk in structure_ids),
        conventions_signed=sum(1 for c in conventions
                               if c.signed_on is not None and first <= c.signed_on <= last),
        conventions_ended=ended,
        advisors_start=advisors["start"],
        advisors_end=advisors["end"],
        advisors_designated=advisors["designated"],
        advisors_withdrawn=advisors["withdrawn"],
        advisors_trained=trained,
        training=training,
        sessions=[SessionRow(date=s.date, kind_label=str(labels.get(s.kind, s.kind)),
                             title=s.title, place=s.place, registered=s.registered,
                             attended=s.present) for s in sessions],
    )
