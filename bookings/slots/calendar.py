"""The slot calendar: availability, absences, public holidays and appointments of some
advisors over a period, loaded in a fixed number of queries (``Calendar``), and the rules of a
slot (``Slot``, ``booking_window``, ``interview_duration``, ``is_public_holiday``).

Used by the free-slot engine (``bookings.slots.free``) and the weekly compliance
(``bookings.compliance``). The contract is documented in ``bookings.slots``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import holidays
from django.conf import settings
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.sql.compiler import SQLCompiler

from accounts.models import User
from advisors.conventions import convention_services_open
from advisors.models import (
    Advisor,
    Convention,
    Structure,
    StructureStatus,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
)
from advisors.selectors import pick_current_convention
from somobilite import clock

from ..models import (
    Absence,
    Appointment,
    AppointmentStatus,
    Mode,
    OneOffAvailability,
    RecurringAvailability,
)

if TYPE_CHECKING:
    from django.db.backends.utils import _SQLType
    from django.db.models.sql.compiler import _AsSqlType

PARIS = clock.PARIS
UTC = dt.UTC
MODES: tuple[str, ...] = tuple(Mode.values)

#: A step of an advisor's day plan: start and end minute, modes, place.
_Step = tuple[int, int, tuple[str, ...], str]
#: A step on a day: start and end (UTC epoch seconds), start and end time (Paris), modes, place.
_Candidate = tuple[int, int, dt.time, dt.time, tuple[str, ...], str]


@dataclass(frozen=True, slots=True)
class Slot:
    advisor_id: int
    structure_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    modes: tuple[str, ...]
    place: str

    @property
    def key(self) -> str:
        """Stable identifier of the slot (advisor and UTC start), e.g. for the waiting list."""
        return f"{self.advisor_id}@{self.starts_at.astimezone(UTC):%Y%m%dT%H%MZ}"


def interview_duration() -> dt.timedelta:
    return dt.timedelta(minutes=settings.INTERVIEW_DURATION_MINUTES)


def booking_window(now: dt.datetime, *, notice: bool = True,
                   ) -> tuple[dt.datetime, dt.datetime]:
    """Earliest and latest start a booking made at ``now`` may have (both inclusive, UTC):
    ``BOOKING_MIN_NOTICE_HOURS`` and ``BOOKING_HORIZON_WEEKS`` of elapsed time after ``now``,
    whatever its time zone and across daylight-saving changes (``somobilite.clock``).

    ``notice=False`` for an advisor booking for a young person: the 48-hour notice, which
    protects the advisor, does not apply (SPEC §3); the slot must still start after ``now``.
    """
    return (
        clock.after(now, dt.timedelta(hours=settings.BOOKING_MIN_NOTICE_HOURS if notice else 0)),
        clock.after(now, dt.timedelta(weeks=settings.BOOKING_HORIZON_WEEKS)),
    )


@lru_cache(maxsize=16)
def _french_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FR", years=year)


def is_public_holiday(day: dt.date) -> bool:
    return day in _french_holidays(day.year)


def public_holiday_name(day: dt.date) -> str | None:
    """The French name of the public holiday ``day`` is (« Noël »), None on another day: the
    same table the calendar skips (``holidays``, France, mainland)."""
    if day not in _french_holidays(day.year):
        return None
    return str(holidays.country_holidays("FR", years=day.year, language="fr").get(day))


def days_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _Window:
    """A published period of one advisor (wall clock), cut into interview-long steps."""

    start_time: dt.time
    steps: tuple[tuple[int, int, dt.time, dt.time], ...]
    """(start minute, end minute, start time, end time) of each interview."""
    modes: tuple[str, ...]
    place: str


@lru_cache(maxsize=1024)
def _window(start: dt.time, end: dt.time, modes: tuple[str, ...], place: str,
            minutes: int) -> _Window:
    """Steps start at wall-clock times (a weekly 9:00 is 9:00 in summer and in winter); each
    lasts ``minutes`` of elapsed time (see ``Calendar._candidates``)."""
    first = start.hour * 60 + start.minute
    last = end.hour * 60 + end.minute
    steps = tuple(
        (m, m + minutes, dt.time(m // 60, m % 60), dt.time((m + minutes) // 60, (m + minutes) % 60))
        for m in range(first, last - minutes + 1, minutes)
    )
    return _Window(start, steps, modes, place)


_APPOINTMENT = "appointment"  # marks appointment rows among absences (whose kinds differ)


class _EpochSeconds(Func):
    """UTC seconds since 1970 computed by the database: loading 5,000 integers is several
    times faster than loading 5,000 aware datetimes."""

    output_field = BigIntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"

    @property
    def convert_value(self) -> Callable[..., Any]:
        # Already an integer: Django adds no per-row converter when this is its own no-op
        # (a private attribute the stubs do not declare).
        return self._convert_value_noop  # type: ignore[attr-defined,no-any-return]

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper,
                  **extra_context: Any) -> _AsSqlType:
        # '%%%%' survives the template and then the backend's placeholder rewriting as '%'.
        return self.as_sql(compiler, connection,
                           template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)",
                           **extra_context)


def _overlaps(intervals: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(i_start < end and start < i_end for i_start, i_end in intervals)


@lru_cache(maxsize=8)
def _modes(in_person: bool, video: bool, phone: bool) -> tuple[str, ...]:
    return tuple(m for m, on in (("in_person", in_person), ("video", video), ("phone", phone))
                 if on)


@dataclass(frozen=True, slots=True)
class CalendarAdvisor:
    """What the calendar needs of an advisor (and of their structure's address), read as
    plain values: a region holds hundreds."""

    id: int
    structure_id: int
    designated_on: dt.date
    withdrawn_on: dt.date | None
    trained_on: dt.date | None
    address: str
    postal_code: str
    commune: str

    @property
    def pk(self) -> int:
        return self.id


def _place(place: str, advisor: CalendarAdvisor, modes: tuple[str, ...]) -> str:
    if "in_person" not in modes:
        return ""
    return place or f"{advisor.address}, {advisor.postal_code} {advisor.commune}"


def _day_start(day: dt.date) -> dt.datetime:
    return clock.paris_at(day, dt.time.min)


def active_appointments(
    *, advisor_ids: Iterable[int] | None, first_day: dt.date, last_day: dt.date,
    now: dt.datetime, exclude_appointment_id: int | None = None,
) -> QuerySet[Appointment]:
    """Active appointments (confirmed, or pending with a hold still running) of ``advisor_ids``
    (all advisors when None) overlapping the days ``first_day``–``last_day``, annotated with
    ``start_s``/``end_s`` epoch seconds."""
    appointments = Appointment.objects.filter(
        Q(status=AppointmentStatus.CONFIRMED)
        | Q(status=AppointmentStatus.PENDING, hold_expires_at__gt=now),
        starts_at__lt=_day_start(last_day + dt.timedelta(days=1)),
        ends_at__gt=_day_start(first_day),
    )
    if advisor_ids is not None:
        appointments = appointments.filter(advisor_id__in=advisor_ids)
    if exclude_appointment_id is not None:
        appointments = appointments.exclude(pk=exclude_appointment_id)
    return appointments.order_by().annotate(start_s=_EpochSeconds("starts_at"),
                                            end_s=_EpochSeconds("ends_at"))


@lru_cache(maxsize=64)
def _active_appointments_sql(vendor: str, id_count: int | None) -> str:
    """The SQL of ``active_appointments(...).values_list("advisor_id", "start_s", "end_s")``,
    written out: it is the one query of a read served from the offers cache, and building it
    through the ORM takes longer than running it. Parameters: confirmed, pending, now, start of
    the first day, end of the last day, then the advisor ids (``test_slot_cache`` checks both
    give the same rows)."""
    table = Appointment._meta.db_table
    epoch = ("CAST(strftime('%%s', {}) AS INTEGER)" if vendor == "sqlite"
             else "CAST(EXTRACT(EPOCH FROM {}) AS BIGINT)")
    sql = (f"SELECT advisor_id, {epoch.format('starts_at')}, {epoch.format('ends_at')} "
           f"FROM {table} WHERE (status = %s OR (status = %s AND hold_expires_at > %s)) "
           "AND ends_at > %s AND starts_at < %s")
    if id_count is not None:
        sql += f" AND advisor_id IN ({', '.join(['%s'] * id_count)})"
    return sql


def active_appointment_rows(
    *, advisor_ids: list[int] | None, first_day: dt.date, last_day: dt.date, now: dt.datetime,
) -> list[tuple[int, int, int]]:
    """(advisor id, start, end epoch seconds) of ``active_appointments``."""
    adapt = connection.ops.adapt_datetimefield_value
    params: list[_SQLType] = [
        AppointmentStatus.CONFIRMED.value, AppointmentStatus.PENDING.value, adapt(now),
        adapt(_day_start(first_day)), adapt(_day_start(last_day + dt.timedelta(days=1)))]
    if advisor_ids is not None:
        params.extend(advisor_ids)
    sql = _active_appointments_sql(connection.vendor,
                                   None if advisor_ids is None else len(advisor_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[int, int, int]] = cursor.fetchall()
    return rows


def held_appointment_rows(*, first_day: dt.date, last_day: dt.date,
                          ) -> list[tuple[int, int, int, int | None]]:
    """(advisor id, start, end, hold expiry) of every appointment holding a slot over the days
    ``first_day``–``last_day`` (epoch seconds; the expiry of a pending hold, None when
    confirmed), whatever ``now``: pending holds are kept with their expiry, not filtered."""
    return list(
        Appointment.objects.filter(
            status__in=[AppointmentStatus.CONFIRMED, AppointmentStatus.PENDING],
            starts_at__lt=_day_start(last_day + dt.timedelta(days=1)),
            ends_at__gt=_day_start(first_day))
        .order_by()
        .annotate(start_s=_EpochSeconds("starts_at"), end_s=_EpochSeconds("ends_at"),
                  hold_s=Case(When(status=AppointmentStatus.PENDING,
                                   then=_EpochSeconds("hold_expires_at"))))
        .values_list("advisor_id", "start_s", "end_s", "hold_s")
    )


CONVENTION_FIELDS = ("id", "structure_id", "signed_on", "services_start_on",
                     "termination_letter_received_on", "termination_requested_end_on",
                     "formal_notice_received_on", "formal_notice_answered_on", "created_at")
"""What the calendar reads of a convention (``pick_current_convention``,
``convention_services_open``); the others are not loaded."""


class _Query:
    """A ``values_list`` queryset. ``prepared``: compiled once, its SQL run again by each
    ``rows()``, for the queries of a scope loaded again and again (building and compiling them
    costs more than running them); the rows are what iterating the queryset gives."""

    def __init__(self, queryset: QuerySet[Any], *, prepared: bool) -> None:
        self.queryset = queryset
        self._compiled: tuple[SQLCompiler, str, tuple[Any, ...]] | None = None
        if prepared:
            compiler = queryset.query.get_compiler(queryset.db)
            sql, params = compiler.as_sql()
            self._compiled = (compiler, sql, tuple(params))

    def rows(self) -> list[tuple[Any, ...]]:
        if self._compiled is None:
            return list(self.queryset)
        compiler, sql, params = self._compiled
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return [tuple(row) for row in compiler.results_iter(results=[fetched])]


@dataclass(frozen=True, slots=True)
class _PeriodQueries:
    """The queries of a calendar, but the advisors': their conventions, their weekly and
    one-off periods (one query), their absences."""

    conventions: _Query
    availability: _Query
    absences: _Query

    @classmethod
    def build(cls, *, ids: Iterable[int], structure_ids: Iterable[int], first_day: dt.date,
              last_day: dt.date, mode: str | None, prepared: bool) -> _PeriodQueries:
        mode_q = Q(**{f"offers_{mode}": True}) if mode else Q()
        # A one-off period is a row with weekday -1 valid from its date until its date.
        weekly = (
            RecurringAvailability.objects.filter(mode_q, advisor_id__in=ids,
                                                 valid_from__lte=last_day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
            .order_by()
            .values_list("advisor_id", "weekday", "valid_from", "valid_until", "start_time",
                         "end_time", "offers_in_person", "offers_video", "offers_phone", "place")
        )
        one_off = (
            OneOffAvailability.objects.filter(mode_q, advisor_id__in=ids, date__gte=first_day,
                                              date__lte=last_day)
            .order_by()
            .annotate(one_off_weekday=Value(-1, output_field=IntegerField()),
                      one_off_from=F("date"), one_off_until=F("date"))
            .values_list("advisor_id", "one_off_weekday", "one_off_from", "one_off_until",
                         "start_time", "end_time", "offers_in_person", "offers_video",
                         "offers_phone", "place")
        )
        absences = (
            Absence.objects.filter(advisor_id__in=ids, starts_at__lt=_day_start(
                last_day + dt.timedelta(days=1)), ends_at__gt=_day_start(first_day))
            .order_by()
            .annotate(start_s=_EpochSeconds("starts_at"), end_s=_EpochSeconds("ends_at"))
            .values_list("advisor_id", "start_s", "end_s", "kind")
        )
        return cls(
            _Query(Convention.objects.filter(structure_id__in=structure_ids).order_by()
                   .values_list(*CONVENTION_FIELDS), prepared=prepared),
            _Query(weekly.union(one_off, all=True), prepared=prepared),
            _Query(absences, prepared=prepared),
        )


def _advisor_rows(candidates: QuerySet[Advisor], last_day: dt.date) -> QuerySet[Advisor, Any]:
    """The calendar's advisors (``CalendarAdvisor`` fields) among ``candidates``: trained by
    ``last_day``."""
    # Date of the first initial training attended (advisors.selectors'
    # initial_training_attended), as a grouped join: one pass, not a subquery per advisor.
    trained_on = Min("user__training_attendances__session__date", filter=Q(
        user__training_attendances__attended=True,
        user__training_attendances__session__kind=TrainingKind.INITIAL,
    ))
    return (candidates.annotate(trained_on=trained_on)
            .filter(trained_on__lte=last_day)
            .order_by("structure_id", "pk")
            .values_list("id", "structure_id", "designated_on", "withdrawn_on", "trained_on",
                         "structure__address", "structure__postal_code", "structure__commune"))


_kept_queries_lock = threading.Lock()
_kept_queries: dict[tuple[object, ...], tuple[_Query, _PeriodQueries]] = {}


def _prepared_queries(keep: Hashable, candidates: QuerySet[Advisor], first_day: dt.date,
                      last_day: dt.date, mode: str | None) -> tuple[_Query, _PeriodQueries]:
    """The prepared queries of the calendar of ``candidates`` (named ``keep``) over a period,
    kept in process memory (those of the last 16 scopes and periods)."""
    key = (keep, connection.alias, connection.settings_dict["NAME"], first_day, last_day, mode)
    with _kept_queries_lock:
        found = _kept_queries.get(key)
    if found is None:
        ids = candidates.order_by().values_list("pk", flat=True)
        found = (_Query(_advisor_rows(candidates, last_day), prepared=True),
                 _PeriodQueries.build(ids=ids, structure_ids=candidates.order_by()
                                      .values_list("structure_id", flat=True),
                                      first_day=first_day, last_day=last_day, mode=mode,
                                      prepared=True))
        with _kept_queries_lock:
            if len(_kept_queries) >= 16:
                _kept_queries.clear()
            _kept_queries[key] = found
    return found


class Calendar:
    """Availability, absences and appointments of some advisors over a period, loaded in a
    fixed number of queries; answers "what is offered / free for this advisor on this day".

    Bookability (convention rules evaluated in Python, without their French reasons) is
    computed once per structure and day.
    """

    advisors: list[CalendarAdvisor]

    def __init__(
        self,
        *,
        advisors: QuerySet[Advisor],
        first_day: dt.date,
        last_day: dt.date,
        now: dt.datetime,
        mode: str | None,
        with_appointments: bool,
        exclude_appointment_id: int | None = None,
        keep: Hashable | None = None,
    ) -> None:
        """``keep``: a name for ``advisors`` under which, without appointments, the compiled
        queries of the period are kept in process memory (a scope loaded again and again)."""
        self._init_state(first_day, last_day)
        candidates = advisors.filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=first_day),
            designated_on__lte=last_day,
            user__is_active=True,
            structure__status=StructureStatus.ACTIVE,
        )
        prepared = keep is not None and not with_appointments
        if prepared:
            advisor_query, queries = _prepared_queries(keep, candidates, first_day, last_day,
                                                       mode)
            advisor_rows = advisor_query.rows()
        else:
            advisor_rows = list(_advisor_rows(candidates, last_day))
        self.advisors = [CalendarAdvisor(*row) for row in advisor_rows]
        if not self.advisors:
            return
        by_id = {a.pk: a for a in self.advisors}
        # A few ids are cheapest as a list; many, as a subquery (compiled once, any number).
        ids: Iterable[int] = ([a.pk for a in self.advisors] if len(self.advisors) <= 20
                              else candidates.order_by().values_list("pk", flat=True))
        if not prepared:
            queries = _PeriodQueries.build(
                ids=ids, structure_ids={a.structure_id for a in self.advisors},
                first_day=first_day, last_day=last_day, mode=mode, prepared=False)
        for row in queries.conventions.rows():
            self._convention_rows[row[1]].append(row)
        minutes = settings.INTERVIEW_DURATION_MINUTES
        for row in queries.availability.rows():
            advisor_id, weekday, valid_from, valid_until, start, end, ip, vi, ph, place = row
            if advisor_id not in by_id:
                continue
            modes = _modes(ip, vi, ph)
            window = _window(start, end, modes, _place(place, by_id[advisor_id], modes), minutes)
            if weekday < 0:
                self.one_off[advisor_id, valid_from].append(window)
            else:
                self.recurring[advisor_id, weekday].append((valid_from, valid_until, window))
        for periods in self.recurring.values():
            if len(periods) > 1:
                periods.sort(key=lambda period: period[2].start_time)

        # Absences and active appointments in one query, as epoch seconds.
        if with_appointments:
            appointments = active_appointments(
                advisor_ids=ids, first_day=first_day, last_day=last_day, now=now,
                exclude_appointment_id=exclude_appointment_id)
            busy: Iterable[tuple[int, int, int, str]] = queries.absences.queryset.union(
                appointments.annotate(busy_kind=Value(_APPOINTMENT, output_field=CharField()))
                .values_list("advisor_id", "start_s", "end_s", "busy_kind"),
                all=True,
            )
        else:
            busy = queries.absences.rows()
        for advisor_id, start_s, end_s, kind in busy:
            if kind == _APPOINTMENT:
                self.busy[advisor_id].append((start_s, end_s))
            else:
                self.absences[advisor_id].append((start_s, end_s))
                self.absence_kinds[advisor_id].append((start_s, end_s, kind))

    def _init_state(self, first_day: dt.date, last_day: dt.date) -> None:
        """An empty calendar of the period (``__init__`` then loads it)."""
        self.advisors = []
        self._conventions: dict[int, list[Convention]] = {}
        self.holidays = frozenset(
            day for year in range(first_day.year, last_day.year + 1)
            for day in _french_holidays(year)
        )
        self.first_day, self.last_day = first_day, last_day
        self._whole: dict[int, tuple[set[int], dict[int, list[_Step]], set[dt.date]]] = {}
        self._one_offs: dict[int, list[tuple[dt.date, tuple[_Window, ...]]]] | None = None
        # Per structure, the rows of its conventions (``CONVENTION_FIELDS``), made
        # ``Convention``s when a day of the structure is first checked.
        self._convention_rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        self._services_open: dict[tuple[int, dt.date], bool] = {}
        self._day_bases: dict[dt.date, tuple[int, bool]] = {}
        self._plans: dict[tuple[_Window, ...], list[_Step]] = {}
        self.recurring: dict[tuple[int, int], list[tuple[dt.date, dt.date | None, _Window]]] = (
            defaultdict(list)
        )
        self.one_off: dict[tuple[int, dt.date], list[_Window]] = defaultdict(list)
        # Absences and appointments as (start, end) UTC epoch seconds, per advisor.
        self.absences: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self.absence_kinds: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        self.busy: dict[int, list[tuple[int, int]]] = defaultdict(list)

    def is_bookable(self, advisor: CalendarAdvisor, day: dt.date) -> bool:
        """Same rule as ``advisors.selectors.advisor_is_bookable``, on preloaded data."""
        if advisor.designated_on > day:
            return False
        if advisor.withdrawn_on is not None and day >= advisor.withdrawn_on:
            return False
        if advisor.trained_on is None or advisor.trained_on > day:
            return False
        key = (advisor.structure_id, day)
        if key not in self._services_open:
            # advisors.selectors.structure_services_open, on the conventions loaded above.
            convention = pick_current_convention(self.conventions(advisor.structure_id), day)
            self._services_open[key] = bool(
                convention and convention_services_open(convention, on=day))
        return self._services_open[key]

    def conventions(self, structure_id: int) -> list[Convention]:
        """The structure's conventions (only ``CONVENTION_FIELDS`` loaded)."""
        found = self._conventions.get(structure_id)
        if found is None:
            found = self._conventions[structure_id] = [
                Convention.from_db(connection.alias, CONVENTION_FIELDS, row)
                for row in self._convention_rows.get(structure_id, ())]
        return found

    def windows(self, advisor_id: int, day: dt.date) -> list[_Window]:
        windows = [
            window
            for valid_from, valid_until, window in self.recurring.get((advisor_id,
                                                                       day.weekday()), ())
            if valid_from <= day and (valid_until is None or day <= valid_until)
        ]
        extra = self.one_off.get((advisor_id, day))
        if extra:
            windows = sorted(windows + extra, key=lambda w: w.start_time)
        return windows

    def _day_base(self, day: dt.date) -> tuple[int, bool]:
        """UTC epoch of the day's local midnight, using the offset in force in the afternoon,
        and whether the offset changes that day (then early-morning times are computed one by
        one)."""
        cached = self._day_bases.get(day)
        if cached is None:
            afternoon = dt.datetime.combine(day, dt.time(23, 59), tzinfo=PARIS).utcoffset()
            midnight = dt.datetime.combine(day, dt.time.min, tzinfo=PARIS).utcoffset()
            if afternoon is None:  # never: PARIS gives every datetime an offset
                raise ValueError(day)
            naive_midnight = int(dt.datetime.combine(day, dt.time.min, tzinfo=UTC).timestamp())
            cached = (naive_midnight - int(afternoon.total_seconds()), afternoon != midnight)
            self._day_bases[day] = cached
        return cached

    def _plan(self, windows: tuple[_Window, ...]) -> list[_Step]:
        """The interviews of a day with these periods, as (start, end) wall-clock minutes with
        their modes and place, by start; computed once per set of periods. Periods that
        overlap (entered outside the services) give one interview with the modes of both."""
        plan = self._plans.get(windows)
        if plan is None:
            steps: dict[int, tuple[int, int, tuple[str, ...], str]] = {}
            for window in windows:
                for start_minute, end_minute, _start_time, _end_time in window.steps:
                    existing = steps.get(start_minute)
                    if existing is None:
                        steps[start_minute] = (start_minute, end_minute, window.modes,
                                               window.place)
                    else:
                        modes = tuple(dict.fromkeys(existing[2] + window.modes))
                        steps[start_minute] = (*existing[:2], modes, existing[3])
            plan = self._plans[windows] = [steps[k] for k in sorted(steps)]
        return plan

    def _candidates(self, advisor_id: int, day: dt.date) -> list[_Candidate]:
        """Published steps of ``day`` net of holidays and absences, as (start, end) epoch
        seconds with their wall-clock times, modes and place; bookability not checked.

        A step starts at its wall-clock time and lasts the interview's length of elapsed time
        (``end - start`` is always ``INTERVIEW_DURATION_MINUTES``, across a daylight-saving
        change too); a start inside the hour skipped in spring does not exist and is left out."""
        windows = self.windows(advisor_id, day)
        if not windows or day in self.holidays:
            return []
        base, transition = self._day_base(day)
        absences = self.absences.get(advisor_id)
        candidates: list[_Candidate] = []
        for start_minute, end_minute, modes, place in self._plan(tuple(windows)):
            start_time = _time(start_minute)
            if transition and start_minute < 4 * 60:
                if not clock.paris_exists(day, start_time):
                    continue
                start = int(clock.paris_at(day, start_time).timestamp())
                end = start + (end_minute - start_minute) * 60
            else:
                start, end = base + start_minute * 60, base + end_minute * 60
            if absences and _overlaps(absences, start, end):
                continue
            candidates.append((start, end, start_time, _time(end_minute), modes, place))
        return candidates

    def _slots(self, advisor: CalendarAdvisor, day: dt.date,
               candidates: list[_Candidate]) -> list[Slot]:
        return [
            Slot(advisor.id, advisor.structure_id, clock.paris_at(day, start_time),
                 dt.datetime.fromtimestamp(end, PARIS), modes, place)
            for _start, end, start_time, _end_time, modes, place in candidates
        ]

    def offered(self, advisor: CalendarAdvisor, day: dt.date) -> list[Slot]:
        """Slots published on ``day`` net of holidays and absences (booked ones included)."""
        candidates = self._candidates(advisor.id, day)
        if not candidates or not self.is_bookable(advisor, day):
            return []
        return self._slots(advisor, day, candidates)

    def published_count(self, advisor_id: int, day: dt.date) -> int:
        """How many interviews the advisor's periods of ``day`` hold, before public holidays,
        absences and bookability are taken off (what ``offered_count`` starts from)."""
        windows = self.windows(advisor_id, day)
        return len(self._plan(tuple(windows))) if windows else 0

    def offered_count(self, advisor: CalendarAdvisor, day: dt.date) -> int:
        """``len(self.offered(advisor, day))`` without building the slots (counting only)."""
        candidates = self._candidates(advisor.id, day)
        if not candidates or not self.is_bookable(advisor, day):
            return 0
        return len(candidates)

    def free(self, advisor: CalendarAdvisor, day: dt.date, lo: float, hi: float,
             ) -> list[Slot]:
        """Offered slots starting in ``[lo, hi]`` (epoch seconds) that no active appointment
        overlaps."""
        candidates = [c for c in self._candidates(advisor.id, day) if lo <= c[0] <= hi]
        busy = self.busy.get(advisor.id)
        if busy and candidates:
            day_start, day_end = candidates[0][0], candidates[-1][1]
            busy_today = [b for b in busy if b[0] < day_end and day_start < b[1]]
            if busy_today:
                candidates = [c for c in candidates if not _overlaps(busy_today, c[0], c[1])]
        if not candidates or not self.is_bookable(advisor, day):
            return []
        return self._slots(advisor, day, candidates)

    def offers(self, first_day: dt.date, last_day: dt.date) -> Offers:
        """Everything offered from ``first_day`` to ``last_day`` (see ``offered``), compact.

        The common day of an advisor (no absence, no one-off period, no change of UTC offset)
        is the plan of its periods shifted to the day: no per-step date arithmetic."""
        days = [(day, day.weekday(), day.toordinal(), *self._day_base(day))
                for day in days_between(first_day, last_day) if day not in self.holidays]
        by_structure: dict[int, list[Offer]] = defaultdict(list)
        for advisor in self.advisors:
            offers = by_structure[advisor.structure_id]
            published, plans, extra = self._published(advisor.id, first_day, last_day)
            for day, weekday, ordinal, base, transition in days:
                # Days an advisor publishes nothing on are skipped without looking at them.
                if weekday not in published and day not in extra:
                    continue
                offers.extend(self._day_offers(advisor, day, weekday, ordinal, base, transition,
                                               plans, extra))
        for offers in by_structure.values():
            # The order of ``free_slots``: start (wall clock, as Europe/Paris datetimes
            # compare), then advisor.
            offers.sort(key=lambda offer: (offer[3], offer[4], offer[2]))
        return Offers([advisor.pk for advisor in self.advisors],
                       {structure_id: offers for structure_id, offers in by_structure.items()
                        if offers})

    def offers_of_day(self, advisors: Iterable[CalendarAdvisor], day: dt.date) -> list[Offer]:
        """What ``advisors`` (of this calendar) offer on ``day``, a day of its period: the
        offers of ``offers`` for that day (by advisor, each by start), one day at a time, for
        walks that stop early."""
        if day in self.holidays:
            return []
        weekday, ordinal = day.weekday(), day.toordinal()
        base, transition = self._day_base(day)
        offers: list[Offer] = []
        for advisor in advisors:
            weekdays, plans, extra = self._published_over_period(advisor.id)
            if weekday in weekdays or day in extra:
                offers.extend(self._day_offers(advisor, day, weekday, ordinal, base, transition,
                                               plans, extra))
        return offers

    def publishing_days(self, advisors: Iterable[CalendarAdvisor],
                        ) -> tuple[set[int], set[dt.date]]:
        """The weekdays on which any of ``advisors`` publishes a weekly period (valid on some
        day of the period or not), and their one-off days: ``offers_of_day`` is empty on every
        other day."""
        weekdays: set[int] = set()
        days: set[dt.date] = set()
        for advisor in advisors:
            published, _plans, extra = self._published_over_period(advisor.id)
            weekdays |= published
            days |= extra
        return weekdays, days

    def _published_over_period(self, advisor_id: int,
                               ) -> tuple[set[int], dict[int, list[_Step]], set[dt.date]]:
        published = self._whole.get(advisor_id)
        if published is None:
            published = self._whole[advisor_id] = self._published(
                advisor_id, self.first_day, self.last_day)
        return published

    def inputs_of(self, advisors: Sequence[CalendarAdvisor]) -> tuple[object, ...]:
        """Everything ``offers_of_day`` reads about ``advisors`` (and their structures): two
        calendars of the same period (and settings) giving equal inputs for them offer them
        the same slots, whatever else changed."""
        one_off = self._one_off_by_advisor()
        return (
            tuple(advisors),
            tuple(tuple(self.recurring.get((advisor.id, weekday), ()))
                  for advisor in advisors for weekday in range(7)),
            tuple(tuple(one_off.get(advisor.id, ())) for advisor in advisors),
            tuple(tuple(self.absences.get(advisor.id, ())) for advisor in advisors),
            tuple(tuple(self._convention_rows.get(structure_id, ()))
                  for structure_id in dict.fromkeys(a.structure_id for a in advisors)),
        )

    def _one_off_by_advisor(self) -> dict[int, list[tuple[dt.date, tuple[_Window, ...]]]]:
        if self._one_offs is None:
            grouped: dict[int, list[tuple[dt.date, tuple[_Window, ...]]]] = defaultdict(list)
            for (advisor_id, day), windows in sorted(self.one_off.items()):
                grouped[advisor_id].append((day, tuple(windows)))
            self._one_offs = grouped
        return self._one_offs

    def _published(self, advisor_id: int, first_day: dt.date, last_day: dt.date,
                   ) -> tuple[set[int], dict[int, list[_Step]], set[dt.date]]:
        """The weekdays ``advisor_id`` publishes periods on, the plan of each weekday whose
        periods are all valid from ``first_day`` to ``last_day``, and their one-off days."""
        weekdays: set[int] = set()
        steady: dict[int, list[_Step]] = {}
        for weekday in range(7):
            periods = self.recurring.get((advisor_id, weekday))
            if not periods:
                continue
            weekdays.add(weekday)
            if all(valid_from <= first_day and (valid_until is None or valid_until >= last_day)
                   for valid_from, valid_until, _window in periods):
                steady[weekday] = self._plan(tuple(window for _from, _until, window in periods))
        return weekdays, steady, {day for day, _windows in
                                  self._one_off_by_advisor().get(advisor_id, ())}

    def _day_offers(self, advisor: CalendarAdvisor, day: dt.date, weekday: int, ordinal: int,
                    base: int, transition: bool, plans: dict[int, list[_Step]],
                    extra: set[dt.date]) -> list[Offer]:
        """The offers of a day (not a public holiday) on which ``advisor`` publishes a period;
        ``plans``: the advisor's steady plans (see ``_published``)."""
        if not self.is_bookable(advisor, day):
            return []
        advisor_id = advisor.id
        if transition or day in extra or advisor_id in self.absences:
            return [(start, end, advisor_id, ordinal, _minute(start_time), _minute(end_time),
                     modes, place)
                    for start, end, start_time, end_time, modes, place
                    in self._candidates(advisor_id, day)]
        plan = plans.get(weekday)
        if plan is None:
            plan = self._plan(tuple(self.windows(advisor_id, day)))
        return [(base + start * 60, base + end * 60, advisor_id, ordinal, start, end, modes, place)
                for start, end, modes, place in plan]


# --- Offers: what the calendar offers, in the shape cached between requests -----------------

Offer = tuple[int, int, int, int, int, int, tuple[str, ...], str]
"""An offered slot: start and end (UTC epoch seconds), advisor id, Europe/Paris date (ordinal),
wall-clock start and end (minutes since midnight), modes, place. Plain tuples of small values:
a region-wide list of them is unpickled from the cache several times faster than ``Slot``s."""


class Offers:
    """What the bookable advisors of a scope offer over the booking window, net of public
    holidays and absences, booked slots included: the slow part, cached.

    ``by_structure``: per structure, offers sorted by start then advisor (structures offering
    nothing left out). ``Slot``s are built on demand and kept with the entry (they are
    immutable), not pickled.
    """

    def __init__(self, advisor_ids: list[int], by_structure: dict[int, list[Offer]]) -> None:
        self.advisor_ids = advisor_ids
        self.by_structure = by_structure
        self._slots: dict[int, Slot] = {}

    def __getstate__(self) -> tuple[list[int], dict[int, list[Offer]]]:
        return self.advisor_ids, self.by_structure

    def __setstate__(self, state: tuple[list[int], dict[int, list[Offer]]]) -> None:
        self.advisor_ids, self.by_structure = state
        self._slots = {}

    def slot(self, structure_id: int, offer: Offer) -> Slot:
        # Keyed by identity: the entry holds its offers as long as it lives.
        slot = self._slots.get(id(offer))
        if slot is None:
            slot = self._slots[id(offer)] = offer_slot(structure_id, offer)
        return slot


def _minute(value: dt.time) -> int:
    return value.hour * 60 + value.minute


@lru_cache(maxsize=2048)
def _time(minute: int) -> dt.time:
    return dt.time(minute // 60, minute % 60)


def offer_slot(structure_id: int, offer: Offer) -> Slot:
    """The ``Slot`` of an offer of the structure."""
    _start, end, advisor_id, ordinal, start_minute, _end_minute, modes, place = offer
    return Slot(advisor_id, structure_id,
                clock.paris_at(dt.date.fromordinal(ordinal), _time(start_minute)),
                dt.datetime.fromtimestamp(end, PARIS), modes, place)


# --- One advisor, one day: the live re-check of a single slot under lock -------------------

@lru_cache(maxsize=8)
def _one_advisor_sql(vendor: str, mode: str | None, exclude: bool) -> tuple[str, ...]:
    """The SQL of ``one_advisor_day_calendar``, written out once per vendor (compiling the
    ``Calendar`` queries through the ORM costs more than running them): the advisor with the
    date of their first initial training attended, their structure's conventions, weekly and
    one-off periods of the day, absences and active appointments of the day (epoch seconds)."""
    def table(model: Any) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    epoch = ("CAST(strftime('%%s', {}) AS INTEGER)" if vendor == "sqlite"
             else "CAST(EXTRACT(EPOCH FROM {}) AS BIGINT)")
    mode_filter = f" AND offers_{mode} = %s" if mode else ""
    advisor = (
        f"SELECT a.id, a.structure_id, a.designated_on, a.withdrawn_on, s.address, "
        f"s.postal_code, s.commune, (SELECT MIN(ts.date) FROM {table(TrainingAttendance)} ta "
        f"INNER JOIN {table(TrainingSession)} ts ON ts.id = ta.session_id "
        f"WHERE ta.user_id = a.user_id AND ta.attended = %s AND ts.kind = %s) AS trained_on "
        f"FROM {table(Advisor)} a INNER JOIN {table(User)} u ON u.id = a.user_id "
        f"INNER JOIN {table(Structure)} s ON s.id = a.structure_id "
        "WHERE a.id = %s AND u.is_active = %s AND s.status = %s AND a.designated_on <= %s "
        "AND (a.withdrawn_on IS NULL OR a.withdrawn_on > %s)")
    conventions = f"SELECT * FROM {table(Convention)} WHERE structure_id = %s"
    weekly = (f"SELECT * FROM {table(RecurringAvailability)} WHERE advisor_id = %s "
              "AND weekday = %s AND valid_from <= %s AND (valid_until IS NULL OR "
              f"valid_until >= %s){mode_filter}")
    one_off = (f"SELECT * FROM {table(OneOffAvailability)} WHERE advisor_id = %s "
               f"AND date = %s{mode_filter}")
    busy = (
        f"SELECT 0, {epoch.format('starts_at')}, {epoch.format('ends_at')} "
        f"FROM {table(Absence)} WHERE advisor_id = %s AND starts_at < %s AND ends_at > %s "
        f"UNION ALL SELECT 1, {epoch.format('starts_at')}, {epoch.format('ends_at')} "
        f"FROM {table(Appointment)} WHERE advisor_id = %s AND starts_at < %s AND ends_at > %s "
        "AND (status = %s OR (status = %s AND hold_expires_at > %s))"
        + (" AND id <> %s" if exclude else ""))
    return advisor, conventions, weekly, one_off, busy


def _date(value: dt.date | str) -> dt.date:
    """A date read by a hand-written query (SQLite gives its text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def one_advisor_day_calendar(
    *, advisor_id: int, day: dt.date, now: dt.datetime, mode: str | None,
    exclude_appointment_id: int | None = None,
) -> Calendar:
    """The ``Calendar`` of one advisor over one day (Europe/Paris ``day``), read live: what
    ``Calendar(advisors=Advisor.objects.filter(pk=advisor_id), first_day=day, last_day=day,
    now=now, mode=mode, with_appointments=True, exclude_appointment_id=...)`` loads, in at
    most five small hand-written queries (fewer when the advisor is not bookable that day or
    publishes nothing), for the re-check of one slot under lock (``slot_is_free``). Its
    ``free``, ``offered`` and ``is_bookable`` apply the same rules; ``absence_kinds`` is not
    loaded. ``tests/bookings/test_slot_recheck.py`` compares it with ``free_slots``.

    Raises ValueError for an unknown ``mode``."""
    if mode is not None and mode not in MODES:
        raise ValueError(mode)
    calendar = Calendar.__new__(Calendar)
    calendar._init_state(day, day)
    advisor_sql, conventions_sql, weekly_sql, one_off_sql, busy_sql = _one_advisor_sql(
        connection.vendor, mode, exclude_appointment_id is not None)
    with connection.cursor() as cursor:
        cursor.execute(advisor_sql, [True, TrainingKind.INITIAL.value, advisor_id, True,
                                     StructureStatus.ACTIVE.value, day, day])
        row = cursor.fetchone()
    if row is None:
        return calendar
    (pk, structure_id, designated_on, withdrawn_on, address, postal_code, commune,
     trained_on) = row
    if trained_on is None or _date(trained_on) > day:
        return calendar
    advisor = CalendarAdvisor(pk, structure_id, _date(designated_on),
                              None if withdrawn_on is None else _date(withdrawn_on),
                              _date(trained_on), address, postal_code, commune)
    calendar.advisors = [advisor]
    mode_params = [True] if mode else []
    minutes = settings.INTERVIEW_DURATION_MINUTES
    periods: list[tuple[int, RecurringAvailability | OneOffAvailability]] = [
        (day.weekday(), weekly) for weekly in RecurringAvailability.objects.raw(
            weekly_sql, [advisor_id, day.weekday(), day, day, *mode_params])]
    periods += [(-1, one_off) for one_off in OneOffAvailability.objects.raw(
        one_off_sql, [advisor_id, day, *mode_params])]
    if not periods:
        return calendar
    for weekday, period in periods:
        modes = _modes(period.offers_in_person, period.offers_video, period.offers_phone)
        window = _window(period.start_time, period.end_time, modes,
                         _place(period.place, advisor, modes), minutes)
        if isinstance(period, RecurringAvailability):
            calendar.recurring[advisor_id, weekday].append(
                (period.valid_from, period.valid_until, window))
        else:
            calendar.one_off[advisor_id, day].append(window)
    for weekly_periods in calendar.recurring.values():
        weekly_periods.sort(key=lambda period: period[2].start_time)
    calendar._conventions[structure_id] = list(
        Convention.objects.raw(conventions_sql, [structure_id]))
    adapt = connection.ops.adapt_datetimefield_value
    day_start, day_end = adapt(_day_start(day)), adapt(_day_start(day + dt.timedelta(days=1)))
    params: list[Any] = [advisor_id, day_end, day_start, advisor_id, day_end, day_start,
                         AppointmentStatus.CONFIRMED.value, AppointmentStatus.PENDING.value,
                         adapt(now)]
    if exclude_appointment_id is not None:
        params.append(exclude_appointment_id)
    with connection.cursor() as cursor:
        cursor.execute(busy_sql, params)
        for is_appointment, start_s, end_s in cursor.fetchall():
            (calendar.busy if is_appointment else calendar.absences)[advisor_id].append(
                (start_s, end_s))
    return calendar
