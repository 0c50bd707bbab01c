"""Interview statistics: the one place where a figure about interviews is defined.

The structure's statistics (the advisors' back-office) and the coordinators' statistics and
annual report read the same functions with different ``Filters``; no figure is computed
anywhere else. Every figure is a database aggregation (``GROUP BY``, conditional ``COUNT``):
no appointment row is loaded into Python, whatever the period.

They read only the fields an appointment keeps once its young person is anonymised (age at
the interview, home département, status, domains, mode, structure, dates, outcome), so the
figures of a past year do not change when people are erased, and anonymised young people
count like the others.

Vocabulary (shapes and units):

- A period is two Paris dates, ``start`` and ``end``, both included; an interview belongs to
  it by its start time, read in Europe/Paris.
- *Interviews* are appointments that were confirmed (``confirmed_at`` set): a hold never
  confirmed is not one, whoever or whatever released it (its time ran out, another hold of
  the same person replaced it, an advisor, an absence or the coordination released it:
  tester t9a #1). The database ties ``confirmed_at`` to the status (``pending`` and
  ``expired`` exactly are never confirmed), and the services give a released hold the
  ``expired`` status, never a cancelled one. The *outcome* of an interview is its status,
  except that a confirmed interview is ``upcoming`` before its start and ``to_record`` after
  it (the advisor has not recorded attendance yet) — hence ``now`` (aware datetime) in the
  functions that need it.
- *Requests* are interviews not cancelled beforehand (held, no-show, late cancellation, or
  confirmed): they are what young people asked for (domains requested).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from advisors.models import Advisor, Structure
from advisors.validators import DEPARTEMENT_CHOICES
from matching.models import MobilityProfile, ProgrammeRecommendation
from vocabulary.codes import Domain, Status, Zone
from vocabulary.spreadsheet import fixed

from .models import Appointment, AppointmentStatus, Mode

PARIS = ZoneInfo("Europe/Paris")

#: Age bands of the annual report (ages on the day of the interview, both ends included).
AGE_BANDS = ((0, 14, "moins de 15 ans"), (15, 17, "15-17 ans"), (18, 25, "18-25 ans"),
             (26, 30, "26-30 ans"), (31, 200, "31 ans et plus"))
AGE_UNKNOWN = "non renseigné"


class Outcome:
    """What became of an interview (see the module docstring), in display order."""

    DONE = AppointmentStatus.DONE.value
    NO_SHOW = AppointmentStatus.NO_SHOW.value
    LATE_CANCELLED = AppointmentStatus.LATE_CANCELLED.value
    TO_RECORD = "to_record"
    UPCOMING = "upcoming"
    CANCELLED_BY_YOUTH = AppointmentStatus.CANCELLED_BY_YOUTH.value
    CANCELLED_BY_STRUCTURE = AppointmentStatus.CANCELLED_BY_STRUCTURE.value

    LABELS = {
        DONE: _("réalisé"),
        NO_SHOW: _("absence du ou de la jeune"),
        LATE_CANCELLED: _("annulé au dernier moment"),
        TO_RECORD: _("présence à renseigner"),
        UPCOMING: _("à venir"),
        CANCELLED_BY_YOUTH: _("annulé par le ou la jeune"),
        CANCELLED_BY_STRUCTURE: _("annulé par la structure"),
    }
    ORDER = tuple(LABELS)


CANCELLED = (AppointmentStatus.CANCELLED_BY_YOUTH, AppointmentStatus.CANCELLED_BY_STRUCTURE)


@dataclass(frozen=True)
class Filters:
    """Which interviews a figure covers.

    ``start`` and ``end``: Paris dates, both included. The other filters are optional; empty
    means "all": ``structure_ids`` (the appointment's structure), ``departements`` (codes of
    the *structures'* départements, e.g. ``("33", "64")``), ``modes`` (``Mode`` values).
    Raises ``ValueError`` when ``end`` is before ``start``.
    """

    start: dt.date
    end: dt.date
    structure_ids: tuple[int, ...] = ()
    departements: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("end before start")

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes: midnight of ``start`` and of the day after
        ``end``, in Europe/Paris (right end excluded)."""
        return (dt.datetime.combine(self.start, dt.time.min, tzinfo=PARIS),
                dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min,
                                    tzinfo=PARIS))


def interviews(filters: Filters) -> QuerySet[Appointment]:
    """The interviews (appointments confirmed at least once) ``filters`` covers; see the
    module docstring. Every figure about interviews starts from this queryset."""
    first, after = filters.bounds
    queryset = Appointment.objects.filter(starts_at__gte=first, starts_at__lt=after,
                                          confirmed_at__isnull=False)
    if filters.structure_ids:
        queryset = queryset.filter(structure_id__in=filters.structure_ids)
    if filters.departements:
        queryset = queryset.filter(structure__departement__in=filters.departements)
    if filters.modes:
        queryset = queryset.filter(mode__in=filters.modes)
    return queryset


def interview_requests(filters: Filters) -> QuerySet[Appointment]:
    """Interviews not cancelled beforehand (what young people asked for)."""
    return interviews(filters).exclude(status__in=CANCELLED)


# --- Dimensions: what interviews are counted by -------------------------------------------------


def _outcome(now: dt.datetime | None) -> Case:
    if now is None:
        raise ValueError("the outcome needs now")
    return Case(
        When(status=AppointmentStatus.CONFIRMED, starts_at__lte=now,
             then=Value(Outcome.TO_RECORD)),
        When(status=AppointmentStatus.CONFIRMED, then=Value(Outcome.UPCOMING)),
        default=F("status"), output_field=CharField())


def _age_band() -> Case:
    return Case(*[When(age_at_interview__gte=low, age_at_interview__lte=high, then=Value(label))
                  for low, high, label in AGE_BANDS],
                default=Value(AGE_UNKNOWN), output_field=CharField())


def _dimension(name: str, now: dt.datetime | None) -> Combinable:
    expressions: dict[str, Callable[[], Combinable]] = {
        "mode": lambda: F("mode"),
        "status": lambda: F("status"),
        "outcome": lambda: _outcome(now),
        "structure": lambda: F("structure__public_name"),
        "structure_departement": lambda: F("structure__departement"),
        "youth_departement": lambda: F("departement"),
        "youth_status": lambda: F("youth_status"),
        "age_band": _age_band,
        "month": lambda: TruncMonth("starts_at", tzinfo=PARIS),
    }
    if name not in expressions:
        raise ValueError(f"unknown dimension {name!r}: {sorted(expressions)}")
    return expressions[name]()


def interview_counts(filters: Filters, *dimensions: str, now: dt.datetime | None = None,
                     queryset: QuerySet[Appointment] | None = None,
                     ) -> dict[tuple[Any, ...], int]:
    """Number of interviews by the given dimensions, in one ``GROUP BY`` query.

    Dimensions: ``mode``, ``status``, ``outcome`` (needs ``now``), ``structure`` (public
    name), ``structure_departement``, ``youth_departement`` (home of the young person),
    ``youth_status``, ``age_band`` (``AGE_BANDS`` labels, or ``AGE_UNKNOWN``), ``month``
    (first day of the Paris month, a date). Returns ``{(value, …): count}`` with only the
    combinations that occur. ``queryset`` (default: ``interviews(filters)``) narrows the
    set, e.g. ``interview_requests(filters)``. Raises ``ValueError`` for an unknown dimension.
    """
    if not dimensions:
        raise ValueError("at least one dimension")
    base = interviews(filters) if queryset is None else queryset
    names = [f"d{index}" for index in range(len(dimensions))]
    rows = (base.order_by().annotate(**{name: _dimension(dimension, now)
                                        for name, dimension in zip(names, dimensions,
                                                                   strict=True)})
            .values(*names).annotate(n=Count("pk")).values_list(*names, "n"))
    counts: dict[tuple[Any, ...], int] = {}
    for *values, n in rows:
        key = tuple(value.date() if isinstance(value, dt.datetime) else value
                    for value in values)
        counts[key] = counts.get(key, 0) + n
    return counts


# --- The structure's statistics (issue 13) ------------------------------------------------------


@dataclass(frozen=True)
class ModeOutcomeTable:
    """Interviews by mode (rows, ``Mode`` order) and outcome (columns, ``Outcome.ORDER``)."""

    counts: dict[tuple[str, str], int]

    @property
    def modes(self) -> list[str]:
        return [mode for mode in Mode.values
                if any(self.counts.get((mode, o)) for o in Outcome.ORDER)]

    def row(self, mode: str) -> list[int]:
        return [self.counts.get((mode, outcome), 0) for outcome in Outcome.ORDER]

    def by_outcome(self) -> list[int]:
        return [sum(n for (_m, o), n in self.counts.items() if o == outcome)
                for outcome in Outcome.ORDER]

    def by_mode(self, mode: str) -> int:
        return sum(self.row(mode))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def interviews_by_mode_and_outcome(filters: Filters, *, now: dt.datetime) -> ModeOutcomeTable:
    """Interviews of the period by mode and outcome (one query)."""
    return ModeOutcomeTable(counts=interview_counts(filters, "mode", "outcome", now=now))


@dataclass(frozen=True)
class Attendance:
    """Over the interviews of the period whose start has passed at ``now``:

    ``held`` (recorded as held), ``no_show``, ``late_cancelled`` (the young person cancelled
    at the last minute, recorded after the start), ``to_record`` (confirmed, attendance not
    recorded yet). ``no_show_rate`` = no_show ÷ (held + no_show), a fraction between 0 and
    1, or None when nothing was held nor missed (issue 13: neither late cancellations nor
    unrecorded interviews are in the denominator).
    """

    held: int
    no_show: int
    late_cancelled: int
    to_record: int

    @property
    def denominator(self) -> int:
        return self.held + self.no_show

    @property
    def no_show_rate(self) -> float | None:
        return self.no_show / self.denominator if self.denominator else None


def attendance(filters: Filters, *, now: dt.datetime) -> Attendance:
    """Attendance of the period's interviews that started by ``now`` (one query)."""
    figures = interviews(filters).filter(starts_at__lte=now).aggregate(
        held=Count("pk", filter=Q(status=AppointmentStatus.DONE)),
        no_show=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
        late_cancelled=Count("pk", filter=Q(status=AppointmentStatus.LATE_CANCELLED)),
        to_record=Count("pk", filter=Q(status=AppointmentStatus.CONFIRMED)),
    )
    return Attendance(**figures)


def _json_list_counts(queryset: QuerySet[Any], field_name: str) -> dict[str, int]:
    """How many rows of ``queryset`` hold each element of their JSON list ``field_name``,
    counted by the database (PostgreSQL ``jsonb_array_elements_text``, SQLite ``json_each``),
    a row counted once per distinct element."""
    model = queryset.model
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(model._meta.get_field(field_name).column)
    pk = quote(model._meta.pk.column)
    ids_sql, params = queryset.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        elements = f"CROSS JOIN LATERAL jsonb_array_elements_text(t.{column}) AS e(value)"
        is_list = f"jsonb_typeof(t.{column}) = 'array'"
    elif connection.vendor == "sqlite":
        elements = f"CROSS JOIN json_each(t.{column}) AS e"
        is_list = f"json_type(t.{column}) = 'array'"
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise NotImplementedError(connection.vendor)
    sql = (f"SELECT e.value, COUNT(DISTINCT t.{pk}) FROM {table} t {elements} "
           f"WHERE {is_list} AND t.{pk} IN ({ids_sql}) GROUP BY e.value")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {str(value): n for value, n in cursor.fetchall()}


@dataclass(frozen=True)
class Ranked:
    """A count with its code and French label."""

    code: str
    label: str
    count: int


def _ranked(counts: dict[str, int], labels: Mapping[str, str | Promise]) -> list[Ranked]:
    rows = [Ranked(code=code, label=str(labels.get(code, code)), count=n)
            for code, n in counts.items()]
    return sorted(rows, key=lambda row: (-row.count, row.label))


def domains_requested(filters: Filters) -> list[Ranked]:
    """Domains of the project young people gave when booking, over the period's requests
    (an interview with two domains counts once in each); most requested first."""
    return _ranked(_json_list_counts(interview_requests(filters), "domains"), dict(Domain.choices))


@dataclass(frozen=True)
class ProgrammesSent:
    """Selections of programmes sent to young people in the period: ``selections`` (emails
    sent), ``programmes`` (programme lines, a sheet sent to two people counts twice),
    ``by_sheet`` (most sent first)."""

    selections: int
    programmes: int
    by_sheet: list[Ranked] = field(default_factory=list)


def recommendations(filters: Filters) -> QuerySet[ProgrammeRecommendation]:
    """Selections sent in the period by advisors of the filtered structures (``modes`` do not
    apply: a selection has no interview mode)."""
    first, after = filters.bounds
    queryset = ProgrammeRecommendation.objects.filter(created_at__gte=first,
                                                      created_at__lt=after)
    if filters.structure_ids:
        queryset = queryset.filter(structure_id__in=filters.structure_ids)
    if filters.departements:
        queryset = queryset.filter(structure__departement__in=filters.departements)
    return queryset


def programmes_sent(filters: Filters, *, top: int = 10) -> ProgrammesSent:
    """Selections and programmes sent in the period (two queries), with the ``top`` sheets
    sent most often."""
    selections = recommendations(filters)
    through = ProgrammeRecommendation.sheets.through.objects.filter(
        programmerecommendation__in=selections)
    by_sheet = list(through.values("programmesheet__slug", "programmesheet__title")
                    .annotate(n=Count("pk")).order_by("-n", "programmesheet__title"))
    return ProgrammesSent(
        selections=selections.count(),
        programmes=sum(row["n"] for row in by_sheet),
        by_sheet=[Ranked(code=row["programmesheet__slug"], label=row["programmesheet__title"],
                         count=row["n"]) for row in by_sheet[:top]],
    )


@dataclass(frozen=True)
class StructureStatistics:
    """Everything the structure's statistics page shows, for one ``Filters``."""

    filters: Filters
    by_mode_and_outcome: ModeOutcomeTable
    attendance: Attendance
    requests: int
    domains: list[Ranked]
    programmes: ProgrammesSent


def structure_statistics(filters: Filters, *, now: dt.datetime) -> StructureStatistics:
    """The figures of the structure's statistics (issue 13): interviews by mode and outcome,
    attendance and no-show rate, domains requested, programmes sent. Five queries."""
    table = interviews_by_mode_and_outcome(filters, now=now)
    cancelled = {Outcome.CANCELLED_BY_YOUTH, Outcome.CANCELLED_BY_STRUCTURE}
    return StructureStatistics(
        filters=filters,
        by_mode_and_outcome=table,
        attendance=attendance(filters, now=now),
        requests=sum(n for (_mode, outcome), n in table.counts.items()
                     if outcome not in cancelled),
        domains=domains_requested(filters),
        programmes=programmes_sent(filters),
    )


def mode_label(mode: str) -> str:
    return str(Mode(mode).label) if mode in Mode.values else mode


def outcome_labels() -> list[str]:
    return [str(Outcome.LABELS[outcome]) for outcome in Outcome.ORDER]


def csv_rows(statistics: StructureStatistics) -> Sequence[tuple[str, str, str, object]]:
    """The structure's statistics as rows (section, item, detail, value) for the CSV export:
    the same figures as the page, numbers unformatted (a rate as a fraction, 4 decimals)."""
    rows: list[tuple[str, str, str, object]] = []
    table = statistics.by_mode_and_outcome
    for mode in table.modes:
        for outcome, n in zip(Outcome.ORDER, table.row(mode), strict=True):
            rows.append(("entretiens", mode_label(mode), str(Outcome.LABELS[outcome]), n))
    for outcome, n in zip(Outcome.ORDER, table.by_outcome(), strict=True):
        rows.append(("entretiens", "total", str(Outcome.LABELS[outcome]), n))
    rows.append(("entretiens", "total", "tous", table.total))
    rows.append(("demandes", "total", "entretiens non annulés à l'avance", statistics.requests))
    figures = statistics.attendance
    rows += [
        ("présence", "réalisés", "", figures.held),
        ("présence", "absences", "", figures.no_show),
        ("présence", "annulés au dernier moment", "", figures.late_cancelled),
        ("présence", "présence à renseigner", "", figures.to_record),
        ("présence", "taux d'absence", "absences / (réalisés + absences)",
         fixed(figures.no_show_rate, 4)),
    ]
    rows += [("domaines demandés", row.label, row.code, row.count)
             for row in statistics.domains]
    programmes = statistics.programmes
    rows += [("programmes envoyés", "sélections envoyées", "", programmes.selections),
             ("programmes envoyés", "programmes envoyés", "", programmes.programmes)]
    rows += [("programmes envoyés", row.label, row.code, row.count)
             for row in programmes.by_sheet]
    return rows



# --- The coordinators' statistics (issue 14) and the annual report ------------------------------


@dataclass(frozen=True)
class BookingDelay:
    """How long young people waited between booking and interview, over the period's
    requests (interviews not cancelled beforehand): ``count`` interviews, ``mean_days`` and
    ``median_days`` in days (decimal, 1 day = 24 hours of elapsed time), None when there is
    no interview. The booking is the moment the slot was taken (``Appointment.consent_at``,
    the booking form's submission); a moved interview counts from its first booking."""

    count: int
    mean_days: float | None
    median_days: float | None


def _days(value: dt.timedelta | float | int | None) -> float | None:
    # PostgreSQL returns intervals (timedelta); SQLite stores durations as microseconds.
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return float(value) / 86_400_000_000


def booking_delay(filters: Filters) -> BookingDelay:
    """Mean and median delay between booking and interview (see ``BookingDelay``), computed
    by the database in two queries whatever the number of interviews: the count and mean in
    one aggregate, then the one or two middle values of the ordered delays (a slice, no row
    loaded beyond them). Source: issue 14 ("the delay between booking and interview")."""
    delay = ExpressionWrapper(F("starts_at") - F("consent_at"), output_field=DurationField())
    queryset = interview_requests(filters).order_by().annotate(delay=delay)
    figures = queryset.aggregate(count=Count("pk"), mean=Avg("delay"))
    count = figures["count"]
    if not count:
        return BookingDelay(count=0, mean_days=None, median_days=None)
    middle = list(queryset.order_by("delay").values_list("delay", flat=True)
                  [(count - 1) // 2:count // 2 + 1])
    median = sum(_days(value) or 0.0 for value in middle) / len(middle)
    return BookingDelay(count=count, mean_days=_days(figures["mean"]), median_days=median)


#: Bands of the delay between booking and interview: (first day, first day of the next band,
#: label), in days of elapsed time; the last band has no end.
DELAY_BANDS = ((0, 3, "moins de 3 jours"), (3, 8, "3 à 7 jours"), (8, 15, "8 à 14 jours"),
               (15, 31, "15 à 30 jours"), (31, None, "31 jours et plus"))


def booking_delay_bands(filters: Filters) -> list[tuple[str, int]]:
    """How many of the period's requests waited how long since their booking (``DELAY_BANDS``,
    a day being 24 hours of elapsed time; see ``BookingDelay``): (label, count) for every
    band, in order. One ``GROUP BY`` query."""
    delay = ExpressionWrapper(F("starts_at") - F("consent_at"), output_field=DurationField())
    whens = [When(delay__lt=dt.timedelta(days=upper), then=Value(label))
             for _lower, upper, label in DELAY_BANDS if upper is not None]
    band = Case(*whens, default=Value(DELAY_BANDS[-1][2]), output_field=CharField())
    counts = dict(interview_requests(filters).order_by().annotate(delay=delay, band=band)
                  .values("band").annotate(n=Count("pk")).values_list("band", "n"))
    return [(label, counts.get(label, 0)) for _lower, _upper, label in DELAY_BANDS]


@dataclass(frozen=True)
class Occupancy:
    """Slots offered against slots used over a period, per structure.

    ``offered``: one-hour slots published by the structure's bookable advisors (recurring
    and one-off availability, net of absences and public holidays, while the advisor was
    designated and trained and the convention's services open; booked or not: the slot
    calendar ``bookings.slots.Calendar`` decides, as for booking and for the weekly
    minimum). ``used``: the period's requests (interviews not cancelled beforehand: held,
    no-show, late cancellation, confirmed). ``rate`` = used ÷ offered, a fraction (it may
    exceed 1 when availability was withdrawn after the bookings), None when nothing was
    offered.
    """

    structure_id: int
    structure_name: str
    departement: str
    offered: int
    used: int

    @property
    def rate(self) -> float | None:
        return self.used / self.offered if self.offered else None


#: Longest period whose offered slots are counted (days): the count costs Python time in
#: proportion to advisors × days, so it is bounded (two years and a day covers any annual or
#: 12-month comparison).
OCCUPANCY_MAX_DAYS = 732
#: The offered slots are counted one chunk of days at a time, so memory holds one chunk.
OCCUPANCY_CHUNK_DAYS = 31


def offered_slot_counts(filters: Filters, *, now: dt.datetime) -> dict[int, int]:
    """Slots offered over the period by structure id (see ``Occupancy.offered``), for the
    filtered structures (``structure_ids``, ``departements``) and modes (a slot offering any
    of ``filters.modes``). Structures active today only (the calendar's rule: an ended
    structure offers nothing); availability as stored today (periods since deleted are not
    recounted).

    Cost: the calendar's four queries, then Python time in proportion to advisors × days,
    with memory for ``OCCUPANCY_CHUNK_DAYS`` days at a time. Raises ``ValueError`` for a
    period longer than ``OCCUPANCY_MAX_DAYS``."""
    from .slots.calendar import Calendar

    if (filters.end - filters.start).days + 1 > OCCUPANCY_MAX_DAYS:
        raise ValueError(f"period longer than {OCCUPANCY_MAX_DAYS} days")
    advisors = Advisor.objects.all()
    if filters.structure_ids:
        advisors = advisors.filter(structure_id__in=filters.structure_ids)
    if filters.departements:
        advisors = advisors.filter(structure__departement__in=filters.departements)
    single_mode = filters.modes[0] if len(filters.modes) == 1 else None
    calendar = Calendar(advisors=advisors, first_day=filters.start, last_day=filters.end,
                        now=now, mode=single_mode, with_appointments=False)
    wanted = set(filters.modes)
    counts: dict[int, int] = {}
    first = filters.start
    while first <= filters.end:
        last = min(first + dt.timedelta(days=OCCUPANCY_CHUNK_DAYS - 1), filters.end)
        for structure_id, offers in calendar.offers(first, last).by_structure.items():
            n = (len(offers) if not wanted or single_mode
                 else sum(1 for offer in offers if wanted.intersection(offer[6])))
            counts[structure_id] = counts.get(structure_id, 0) + n
        first = last + dt.timedelta(days=1)
    return counts


def occupancy(filters: Filters, *, now: dt.datetime) -> list[Occupancy]:
    """Slots offered and used per structure over the period (``Occupancy``), structures that
    offered or used at least one slot, by département then name. Six queries (the calendar's
    four, the used slots by structure, the structures' names); see ``offered_slot_counts``
    for the bounds. Source: issue 14, SPEC §6 ("slots offered vs used")."""
    offered = offered_slot_counts(filters, now=now)
    used = dict(interview_requests(filters).order_by().values("structure_id")
                .annotate(n=Count("pk")).values_list("structure_id", "n"))
    ids = set(offered) | set(used)
    structures = (Structure.objects.filter(pk__in=ids).order_by("departement", "public_name")
                  .values_list("pk", "public_name", "departement"))
    return [Occupancy(pk, name, departement, offered.get(pk, 0), used.get(pk, 0))
            for pk, name, departement in structures]


@dataclass(frozen=True)
class YouthReceived:
    """Who was received: interviews held (status ``done``) of the period, counted per
    interview (a young person seen twice counts twice), anonymised young people included
    (the appointment keeps age, status and département). ``age_bands``: (label, count) in
    ``AGE_BANDS`` order then ``AGE_UNKNOWN``, every band listed; ``statuses``: by status
    (``vocabulary.codes.Status``), ``departements``: by home département code (``""`` when
    not known, labelled ``AGE_UNKNOWN``'s "non renseigné"), most first."""

    total: int
    age_bands: list[tuple[str, int]]
    statuses: list[Ranked]
    departements: list[Ranked]


def youth_received(filters: Filters) -> YouthReceived:
    """Age bands, statuses and home départements of the young people received (see
    ``YouthReceived``), in one ``GROUP BY`` query. Source: issue 14, SPEC §6."""
    held = interviews(filters).filter(status=AppointmentStatus.DONE)
    counts = interview_counts(filters, "age_band", "youth_status", "youth_departement",
                              queryset=held)
    ages: dict[str, int] = {}
    statuses: dict[str, int] = {}
    departements: dict[str, int] = {}
    for (band, status, departement), n in counts.items():
        ages[band] = ages.get(band, 0) + n
        statuses[status or ""] = statuses.get(status or "", 0) + n
        departements[departement or ""] = departements.get(departement or "", 0) + n
    bands = [label for _low, _high, label in AGE_BANDS] + [AGE_UNKNOWN]
    return YouthReceived(
        total=sum(counts.values()),
        age_bands=[(band, ages.get(band, 0)) for band in bands],
        statuses=_ranked(statuses, {**dict(Status.choices), "": AGE_UNKNOWN}),
        departements=_ranked(departements, {**dict(DEPARTEMENT_CHOICES), "": AGE_UNKNOWN}),
    )


@dataclass(frozen=True)
class Destinations:
    """Destinations wished by the young people who asked for an interview in the period, from
    their mobility profile (``wish_countries`` and ``wish_zones``): ``people`` young people
    with a request, ``with_profile`` of them with a profile (an erased account has none:
    anonymised young people count in ``people`` only), ``countries`` and ``zones`` counted
    once per young person, most wished first."""

    people: int
    with_profile: int
    countries: list[Ranked]
    zones: list[Ranked]


def destinations_requested(filters: Filters) -> Destinations:
    """Countries and zones wished by the young people of the period's requests (see
    ``Destinations``); four queries, the counting done by the database. The appointment has no
    destination of its own: the profile is where young people give them (SPEC §4)."""
    from django_countries import countries

    youth_ids = interview_requests(filters).order_by().values("youth_id")
    profiles = MobilityProfile.objects.filter(user_id__in=youth_ids)
    return Destinations(
        people=interview_requests(filters).order_by().values("youth_id").distinct().count(),
        with_profile=profiles.count(),
        countries=_ranked(_json_list_counts(profiles, "wish_countries"), dict(countries)),
        zones=_ranked(_json_list_counts(profiles, "wish_zones"), dict(Zone.choices)),
    )


# --- The annual report (issue 15) ---------------------------------------------------------------


def interviews_by_structure_and_outcome(filters: Filters, *, now: dt.datetime,
                                        ) -> dict[int, dict[str, int]]:
    """Interviews of the period by structure id and outcome (``Outcome`` values), in one
    ``GROUP BY`` query: ``{structure_id: {outcome: count}}``, only the structures and
    outcomes that occur. Keyed by id, not by name: two structures may share a public name."""
    rows = (interviews(filters).order_by()
            .annotate(outcome=_outcome(now)).values("structure_id", "outcome")
            .annotate(n=Count("pk")).values_list("structure_id", "outcome", "n"))
    counts: dict[int, dict[str, int]] = {}
    for structure_id, outcome, n in rows:
        counts.setdefault(structure_id, {})[outcome] = n
    return counts


def attendance_from_outcomes(outcomes: dict[str, int]) -> Attendance:
    """The ``Attendance`` of a set of interviews from their counts by outcome (as given by
    ``interview_counts(..., "outcome")`` or ``interviews_by_structure_and_outcome``): the
    same figures as ``attendance()`` without another query (held and missed interviews have
    started by definition; ``to_record`` is the confirmed ones whose start has passed)."""
    return Attendance(held=outcomes.get(Outcome.DONE, 0),
                      no_show=outcomes.get(Outcome.NO_SHOW, 0),
                      late_cancelled=outcomes.get(Outcome.LATE_CANCELLED, 0),
                      to_record=outcomes.get(Outcome.TO_RECORD, 0))


def young_people_received(filters: Filters) -> int:
    """Distinct young people with at least one interview of the period recorded as held
    (one query). Anonymised young people count: their appointments keep their account row."""
    return (interviews(filters).filter(status=AppointmentStatus.DONE)
            .order_by().values("youth_id").distinct().count())
