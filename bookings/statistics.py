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
- *Interviews* are appointments that were booked: every status but a hold never confirmed
  (``pending``, ``expired``). The *outcome* of an interview is its status, except that a
  confirmed interview is ``upcoming`` before its start and ``to_record`` after it (the advisor
  has not recorded attendance yet) — hence ``now`` (aware datetime) in the functions that
  need it.
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
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from matching.models import ProgrammeRecommendation
from vocabulary.codes import Domain

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


NOT_INTERVIEWS = (AppointmentStatus.PENDING, AppointmentStatus.EXPIRED)
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
    """The interviews (booked appointments) ``filters`` covers; see the module docstring."""
    first, after = filters.bounds
    queryset = Appointment.objects.filter(starts_at__gte=first, starts_at__lt=after).exclude(
        status__in=NOT_INTERVIEWS)
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
         "" if figures.no_show_rate is None else f"{figures.no_show_rate:.4f}"),
    ]
    rows += [("domaines demandés", row.label, row.code, row.count)
             for row in statistics.domains]
    programmes = statistics.programmes
    rows += [("programmes envoyés", "sélections envoyées", "", programmes.selections),
             ("programmes envoyés", "programmes envoyés", "", programmes.programmes)]
    rows += [("programmes envoyés", row.label, row.code, row.count)
             for row in programmes.by_sheet]
    return rows

