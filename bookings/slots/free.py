"""The free-slot engine: what is offered (cached in ``bookings.slots.cache``) minus the active
appointments (read live). The contract is documented in ``bookings.slots``."""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, groupby, islice

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from advisors.models import Advisor, Structure, StructureStatus
from somobilite import clock

from . import cache as slot_cache
from .calendar import (
    MODES,
    PARIS,
    Calendar,
    CalendarAdvisor,
    Offer,
    Offers,
    Slot,
    active_appointment_rows,
    booking_window,
    days_between,
    held_appointment_rows,
    offer_slot,
    one_advisor_day_calendar,
)

# --- Offers cached between requests (see cache), appointments read live ---------------------

class _Busy:
    """Active appointments per advisor, asked "does one overlap [start, end)?" by bisection.

    ``intervals`` are busy for good (confirmed, or holds already known to be running);
    ``holds`` (start, end, expiry) are busy until their expiry (all epoch seconds): an index
    kept across requests holds every pending hold and asks each time whether it still runs.
    """

    def __init__(self, intervals: dict[int, list[tuple[int, int]]],
                 holds: dict[int, list[tuple[int, int, int]]] | None = None) -> None:
        self._index: dict[int, tuple[list[int], list[int]]] = {}
        for advisor_id, items in intervals.items():
            items = sorted(items)
            # Starts, and the latest end among the intervals starting up to each one.
            self._index[advisor_id] = ([start for start, _end in items],
                                       list(accumulate((end for _start, end in items), max)))
        self._holds = holds or {}

    def overlaps(self, advisor_id: int, start: int, end: int, now_s: float) -> bool:
        return (self.overlaps_for_good(advisor_id, start, end)
                or self.held_until(advisor_id, start, end) > now_s)

    def overlaps_for_good(self, advisor_id: int, start: int, end: int) -> bool:
        index = self._index.get(advisor_id)
        if index is None:
            return False
        starts, latest_ends = index
        before = bisect_left(starts, end)  # intervals starting before ``end``
        return before > 0 and latest_ends[before - 1] > start

    def held_until(self, advisor_id: int, start: int, end: int) -> int:
        """The latest expiry of the holds overlapping ``[start, end)`` (0: none)."""
        holds = self._holds.get(advisor_id)
        if not holds:
            return 0
        return max((expiry for h_start, h_end, expiry in holds
                    if h_start < end and start < h_end), default=0)


_walk_lock = threading.Lock()
"""Frontiers of one process share what they walked (``_Walked``): one walks at a time."""


class _Walked:
    """What one structure's advisors offer over the first ``days`` days of a window, in the
    order of ``free_slots`` (start, then advisor), with the ``Calendar.inputs_of`` it was
    computed from. Appointments play no part: it is kept when they change, and when the offers
    change elsewhere (its inputs being equal)."""

    __slots__ = ("days", "inputs", "offers")

    def __init__(self, inputs: tuple[object, ...]) -> None:
        self.inputs = inputs
        self.days = 0
        self.offers: list[Offer] = []


class _Free:
    """The first ``position`` offers of a ``_Walked`` less those an appointment makes busy for
    good: their starts, and each offer with the expiry of the holds on it (``_Busy``)."""

    __slots__ = ("entries", "position", "starts", "walked")

    def __init__(self, walked: _Walked, starts: list[int] | None = None,
                 entries: list[tuple[Offer, int]] | None = None, position: int = 0) -> None:
        self.walked, self.position = walked, position
        self.starts: list[int] = starts or []
        self.entries: list[tuple[Offer, int]] = entries or []


class _Frontier:
    """The region's answer to "first free slot of this structure (in this mode)?", found by
    walking each structure's days from the start of the booking window and stopping as soon as
    the question is answered, instead of computing every offer of the window.

    Per structure it keeps what it walked (``_Walked``) and, from that, the offers no
    appointment makes busy for good (``_Free``). A later question (a later ``now``, another
    mode) reads those and walks further only when they do not answer it. A mode none of the
    structure's periods offers is known without walking at all.
    """

    def __init__(self, calendar: Calendar, busy: _Busy, *,
                 walked: dict[int, _Walked] | None = None,
                 previous: _Frontier | None = None) -> None:
        """``walked``: what was walked with this same calendar; ``previous``: the frontier of
        another calendar of the same window, whose walk is taken for a structure with equal
        inputs (and its free offers too, with the same appointments)."""
        self.calendar, self.busy = calendar, busy
        self._days = list(days_between(calendar.first_day, calendar.last_day))
        self._weekdays = [day.weekday() for day in self._days]
        self._publishing: dict[int, tuple[set[int], set[dt.date]]] = {}
        self.advisors: dict[int, list[CalendarAdvisor]] = defaultdict(list)
        by_id: dict[int, int] = {}
        for advisor in calendar.advisors:
            self.advisors[advisor.structure_id].append(advisor)
            by_id[advisor.id] = advisor.structure_id
        # The modes any period of the structure's advisors offers over the window.
        self._modes: dict[int, set[str]] = defaultdict(set)
        for (advisor_id, _weekday), periods in calendar.recurring.items():
            self._modes[by_id[advisor_id]].update(*(window.modes for _f, _u, window in periods))
        for (advisor_id, _day), windows in calendar.one_off.items():
            self._modes[by_id[advisor_id]].update(*(window.modes for window in windows))
        self.walked: dict[int, _Walked] = walked if walked is not None else {}
        self.free: dict[int, _Free] = {}
        self._previous = previous
        self._slots: dict[int, Slot] = {}

    def structure_ids(self) -> Iterable[int]:
        return self.advisors.keys()

    def firsts(self, structure_id: int, modes: tuple[str | None, ...], lo: float, hi: float,
               now_s: float) -> dict[str | None, Offer]:
        """Per mode of ``modes`` (None: any), the first offer of the structure offering it,
        starting in ``[lo, hi]`` (epoch seconds, within the window) and free at ``now_s``."""
        offered = self._modes.get(structure_id, set())
        modes = tuple(mode for mode in modes if (mode in offered if mode else offered))
        found: dict[str | None, Offer] = {}
        if not modes:
            return found
        with _walk_lock:
            free = self.free.get(structure_id) or self._start(structure_id)
            starts, entries = free.starts, free.entries
            index = bisect_left(starts, lo)
            while True:
                while index < len(starts):
                    if starts[index] > hi:
                        return found
                    offer, held_until = entries[index]
                    index += 1
                    if held_until <= now_s and _first_of_modes(found, modes, offer):
                        return found
                if not self._advance(structure_id, free):
                    return found
                index = max(index, bisect_left(starts, lo))

    def slot(self, structure_id: int, offer: Offer) -> Slot:
        # Keyed by identity: the frontier holds its offers as long as it lives.
        slot = self._slots.get(id(offer))
        if slot is None:
            slot = self._slots[id(offer)] = offer_slot(structure_id, offer)
        return slot

    def _start(self, structure_id: int) -> _Free:
        walked = self.walked.get(structure_id)
        previous = self._previous
        if walked is None:
            inputs = self.calendar.inputs_of(self.advisors[structure_id])
            walked = previous.walked.get(structure_id) if previous else None
            if walked is None or walked.inputs != inputs:
                walked = _Walked(inputs)
            self.walked[structure_id] = walked
        was = previous.free.get(structure_id) if previous else None
        if was is not None and was.walked is walked and previous and previous.busy is self.busy:
            free = _Free(walked, was.starts[:], was.entries[:], was.position)
        else:
            free = _Free(walked)
        self.free[structure_id] = free
        return free

    def _advance(self, structure_id: int, free: _Free) -> bool:
        """Add to ``free`` the structure's next offers (walking its next day when all walked
        ones are in); False when the window is done."""
        walked = free.walked
        if free.position == len(walked.offers):
            days, advisors = self._days, self.advisors[structure_id]
            publishing = self._publishing.get(structure_id)
            if publishing is None:
                publishing = self._publishing[structure_id] = self.calendar.publishing_days(
                    advisors)
            weekdays, dates = publishing
            # Days none of its advisors publishes anything on are passed without a look.
            while walked.days < len(days) and (self._weekdays[walked.days] not in weekdays
                                               and days[walked.days] not in dates):
                walked.days += 1
            if walked.days == len(days):
                return False
            offers = self.calendar.offers_of_day(advisors, days[walked.days])
            if len(advisors) > 1:  # each advisor's offers come by start
                offers.sort(key=lambda offer: (offer[4], offer[2]))
            walked.offers.extend(offers)
            walked.days += 1
        busy = self.busy
        for offer in walked.offers[free.position:]:
            if not busy.overlaps_for_good(offer[2], offer[0], offer[1]):
                free.starts.append(offer[0])
                free.entries.append((offer, busy.held_until(offer[2], offer[0], offer[1])))
        free.position = len(walked.offers)
        return True


def _first_of_modes(found: dict[str | None, Offer], modes: tuple[str | None, ...],
                    offer: Offer) -> bool:
    """Record ``offer`` for the modes of ``modes`` it is the first of; True once all are
    found."""
    for mode in modes:
        if mode not in found and (mode is None or mode in offer[6]):
            found[mode] = offer
    return len(found) == len(modes)


def _busy_index(*, first_day: dt.date, last_day: dt.date, build: bool) -> _Busy | None:
    """Every active appointment over the days of the booking window (pending holds with their
    expiry, whatever ``now``), kept in process memory until an appointment changes
    (``slot_cache.appointments_version``): the region-wide lists then read no appointment at
    all. None when it is not at hand and ``build`` is false, or while the open transaction
    wrote an appointment."""
    version = slot_cache.appointments_version()
    if version is None:
        return None
    parts = ("busy", first_day.isoformat(), last_day.isoformat())
    index = slot_cache.local_get(version, parts)
    if index is None and build:
        intervals: dict[int, list[tuple[int, int]]] = defaultdict(list)
        holds: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for advisor_id, start, end, hold in held_appointment_rows(first_day=first_day,
                                                                  last_day=last_day):
            if hold is None:
                intervals[advisor_id].append((start, end))
            else:
                holds[advisor_id].append((start, end, hold))
        index = _Busy(intervals, holds)
        slot_cache.local_put(version, parts, index)
    return index


@dataclass
class _Kept:
    """A region frontier kept by the process, and what it was computed from."""

    window: tuple[object, ...]
    offers_version: str
    appointments_version: str | None
    """None: its appointments were read live (then it serves no other request)."""
    frontier: _Frontier


def _region_frontier(*, departement: str | None, now: dt.datetime,
                     mode: str | None) -> _Frontier:
    """The ``_Frontier`` of the region (or of a département) for ``now``'s booking window.

    Kept in process memory (``slot_cache.keep``): as it is while neither the offers nor the
    appointments change (``slot_cache`` tokens); what it walked when only the appointments
    changed; and when the offers changed, its ``Calendar`` is loaded again (four queries) and
    what it walked for a structure is taken if that structure's inputs are equal
    (``Calendar.inputs_of``): one advisor's change makes one structure cold, not the region.
    Appointments come from the process's index of all of them (``_busy_index``), or are read
    live (one query) while the open transaction wrote one. Without the shared cache,
    everything is read live (four queries) and nothing is kept."""
    scope, advisors = _region_scope(departement)
    earliest, latest = booking_window(now)
    first_day, last_day = earliest.astimezone(PARIS).date(), latest.astimezone(PARIS).date()
    version = slot_cache.availability_version()
    if not version:
        calendar = Calendar(advisors=advisors, first_day=first_day, last_day=last_day, now=now,
                            mode=mode, with_appointments=True)
        return _Frontier(calendar, _Busy(calendar.busy))
    busy = _busy_index(first_day=first_day, last_day=last_day, build=True)
    appointments = slot_cache.appointments_version() if busy is not None else None
    parts = ("region-frontier", scope, mode or "all")
    window = (first_day, last_day, settings.INTERVIEW_DURATION_MINUTES,
              settings.PROGRAMME_GENERAL_END_DATE, connection.settings_dict["NAME"])
    kept: _Kept | None = slot_cache.kept_get(parts)
    walked: dict[int, _Walked] | None = None
    previous: _Frontier | None = None
    if kept is not None and kept.window == window and kept.offers_version == version:
        if appointments is not None and kept.appointments_version == appointments:
            return kept.frontier
        calendar, walked = kept.frontier.calendar, kept.frontier.walked
    else:
        # Without the index, its appointments (read in the same query as absences) serve.
        calendar = Calendar(advisors=advisors, first_day=first_day, last_day=last_day, now=now,
                            mode=mode, with_appointments=busy is None, keep=scope)
        previous = kept.frontier if kept is not None and kept.window == window else None
        if busy is None:
            busy = _Busy(calendar.busy)
    if busy is None:
        intervals: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for advisor_id, start, end in active_appointment_rows(
            advisor_ids=None if departement is None else [a.id for a in calendar.advisors],
            first_day=first_day, last_day=last_day, now=now,
        ):
            intervals[advisor_id].append((start, end))
        busy = _Busy(intervals)
    frontier = _Frontier(calendar, busy, walked=walked, previous=previous)
    slot_cache.keep(parts, _Kept(window, version, appointments, frontier))
    return frontier


def _offers_and_busy(
    *, structure_id: int, now: dt.datetime, mode: str | None, busy_days: tuple[dt.date, dt.date],
) -> tuple[Offers, _Busy]:
    """The offers of the advisors of structure ``structure_id`` over the booking window of
    ``now``, and their active appointments over ``busy_days``.

    Offers from the cache; appointments from the process's index of all of them when it is at
    hand (a region-wide list builds it), else read live (one query, none when no advisor is
    bookable). Miss: the four queries of ``Calendar``, whose appointments cover the whole
    booking window.
    """
    earliest, latest = booking_window(now)
    first_day, last_day = earliest.astimezone(PARIS).date(), latest.astimezone(PARIS).date()
    version = slot_cache.availability_version()
    parts = (f"structure-{structure_id}", mode or "all", first_day.isoformat(),
             last_day.isoformat())
    offers: Offers | None = slot_cache.get(version, parts)
    index = _busy_index(first_day=first_day, last_day=last_day, build=False)
    if offers is None:
        # The queryset is built on a miss only (building it costs more than a warm read).
        calendar = Calendar(advisors=Advisor.objects.filter(structure=structure_id),
                            first_day=first_day, last_day=last_day, now=now, mode=mode,
                            with_appointments=index is None)
        offers = calendar.offers(first_day, last_day)
        slot_cache.put(version, parts, offers)
        busy = index or _Busy(calendar.busy)
    elif index is not None:
        busy = index
    elif not offers.advisor_ids:
        busy = _Busy({})
    else:
        intervals: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for advisor_id, start, end in active_appointment_rows(
            advisor_ids=offers.advisor_ids, first_day=busy_days[0], last_day=busy_days[1],
            now=now,
        ):
            intervals[advisor_id].append((start, end))
        busy = _Busy(intervals)
    return offers, busy


def _free(offers: list[Offer], busy: _Busy, lo: float, hi: float, now_s: float,
          ) -> Iterator[Offer]:
    """Offers starting in ``[lo, hi]`` (epoch seconds) that no active appointment at ``now_s``
    overlaps, in order."""
    for offer in offers:
        if lo <= offer[0] <= hi and not busy.overlaps(offer[2], offer[0], offer[1], now_s):
            yield offer


def _horizon(now: dt.datetime) -> tuple[float, float, tuple[dt.date, dt.date]]:
    earliest, latest = booking_window(now)
    return (earliest.timestamp(), latest.timestamp(),
            (earliest.astimezone(PARIS).date(), latest.astimezone(PARIS).date()))


def _region_scope(departement: str | None) -> tuple[str, QuerySet[Advisor]]:
    if departement:
        return (f"departement-{departement}",
                Advisor.objects.filter(structure__departement=departement))
    return "region", Advisor.objects.all()


def _clamp(start: dt.datetime, end: dt.datetime, now: dt.datetime, *, notice: bool = True,
           window_from: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime] | None:
    """The part of ``[start, end)`` that the 48-hour rule and the horizon allow, as an inclusive
    range of slot starts (the window counted from ``window_from``, by default ``now``)."""
    earliest, latest = booking_window(window_from or now, notice=notice)
    lo = max(start, earliest)
    hi = min(clock.before(end, dt.timedelta(microseconds=1)), latest)
    return (lo, hi) if lo <= hi else None


def free_slots(
    *,
    advisors: QuerySet[Advisor],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    mode: str | None = None,
    exclude_appointment_id: int | None = None,
    notice: bool = True,
    window_from: dt.datetime | None = None,
) -> list[Slot]:
    """Free slots of ``advisors`` starting in ``[start, end)``; see ``bookings.slots``
    (``notice=False``: booked by an advisor, see ``booking_window``). ``window_from``: the
    moment the booking window is counted from when it is not ``now`` (the hold being
    confirmed, see ``services.appointment_confirm``)."""
    window = _clamp(start, end, now, notice=notice, window_from=window_from)
    if window is None:
        return []
    lo, hi = window
    lo_s, hi_s = lo.timestamp(), hi.timestamp()
    first_day, last_day = lo.astimezone(PARIS).date(), hi.astimezone(PARIS).date()
    calendar = Calendar(advisors=advisors, first_day=first_day, last_day=last_day, now=now,
                         mode=mode, with_appointments=True,
                         exclude_appointment_id=exclude_appointment_id)
    slots = [
        slot
        for advisor in calendar.advisors
        for day in days_between(first_day, last_day)
        for slot in calendar.free(advisor, day, lo_s, hi_s)
    ]
    slots.sort(key=lambda s: (s.starts_at, s.advisor_id))
    return slots


def structure_get_active(*, slug: str) -> Structure | None:
    """The active structure of ``slug``, or None. Kept with the offers in ``slots.cache`` (any
    change of a structure invalidates it), so that a free-slot page runs a single query."""
    max_length = Structure._meta.get_field("slug").max_length
    if max_length is not None and len(slug) > max_length:
        return None  # cannot exist (and would make too long a cache key)
    version = slot_cache.availability_version()
    parts = ("active-structure", slug)
    found = slot_cache.get(version, parts)
    if found is None:
        found = Structure.objects.filter(slug=slug, status=StructureStatus.ACTIVE).first()
        slot_cache.put(version, parts, found or False)
    return found or None


@dataclass(frozen=True, slots=True)
class StructureRow:
    """What the lists of structures show: no phone, no email (nothing parsed that is not
    shown)."""

    pk: int
    slug: str
    public_name: str
    legal_name: str
    address: str
    postal_code: str
    commune: str
    departement: str
    latitude: float | None
    longitude: float | None


def active_structures() -> list[StructureRow]:
    """Active structures by département then public name, for the region-wide lists. Kept
    with the offers in ``slot_cache`` (any change of a structure invalidates it): no query when
    warm."""
    version = slot_cache.availability_version()
    parts = ("active-structures",)
    rows = slot_cache.get(version, parts)
    if rows is None:
        rows = [
            StructureRow(pk, slug, public_name, legal_name, address, postal_code, commune,
                         departement, float(latitude) if latitude is not None else None,
                         float(longitude) if longitude is not None else None)
            for (pk, slug, public_name, legal_name, address, postal_code, commune, departement,
                 latitude, longitude) in Structure.objects.filter(status=StructureStatus.ACTIVE)
            .order_by("departement", "public_name", "pk")
            .values_list("pk", "slug", "public_name", "legal_name", "address", "postal_code",
                         "commune", "departement", "latitude", "longitude")
        ]
        slot_cache.put(version, parts, rows)
    return rows


def free_slots_for_structure(
    *, structure: Structure, start: dt.datetime, end: dt.datetime, now: dt.datetime,
    mode: str | None = None,
) -> list[Slot]:
    """``free_slots`` of the structure's advisors, from the cached offers."""
    return list(iter_free_slots_for_structure(structure=structure, start=start, end=end,
                                              now=now, mode=mode))


def iter_free_slots_for_structure(
    *, structure: Structure, start: dt.datetime, end: dt.datetime, now: dt.datetime,
    mode: str | None = None,
) -> Iterator[Slot]:
    """The slots of ``free_slots_for_structure``, in the same order, each judged and built
    when it is read: a page showing the week of the first free slot stops reading at the end
    of that week instead of building the whole booking window. The offers and the
    appointments are read when this is called (not when the first slot is read)."""
    window = _clamp(start, end, now)
    if window is None:
        return iter(())
    lo, hi = window
    offers, busy = _offers_and_busy(
        structure_id=structure.pk, now=now, mode=mode,
        busy_days=(lo.astimezone(PARIS).date(), hi.astimezone(PARIS).date()))
    structure_id = structure.pk
    return (offers.slot(structure_id, offer)
            for offer in _free(offers.by_structure.get(structure_id, []), busy, lo.timestamp(),
                               hi.timestamp(), now.timestamp()))


def structure_slot_offered(
    *, structure: Structure, advisor_id: int, starts_at: dt.datetime, mode: str | None,
    now: dt.datetime,
) -> Slot | None:
    """The free slot of advisor ``advisor_id`` starting exactly at ``starts_at`` (offering
    ``mode``, if given), as the structure's pages list it: what the booking form shows. The
    booking services decide again, live and under lock (``slot_is_free``)."""
    slots = free_slots_for_structure(structure=structure, start=starts_at,
                                     end=starts_at + dt.timedelta(minutes=1), now=now, mode=mode)
    return next((slot for slot in slots
                 if slot.advisor_id == advisor_id and slot.starts_at == starts_at), None)


def _first_free_by_structure(
    offers: Offers, busy: _Busy, now: dt.datetime, limit: int,
) -> dict[int, list[Slot]]:
    """Up to ``limit`` first free slots per structure."""
    lo_s, hi_s, _busy_days = _horizon(now)
    now_s = now.timestamp()
    found: dict[int, list[Slot]] = {}
    for structure_id, structure_offers in offers.by_structure.items():
        slots = [offers.slot(structure_id, offer)
                 for offer in islice(_free(structure_offers, busy, lo_s, hi_s, now_s), limit)]
        if slots:
            found[structure_id] = slots
    return found


def next_free_slots_for_structure(
    *, structure: Structure, now: dt.datetime, mode: str | None = None, limit: int = 3,
) -> list[Slot]:
    offers, busy = _offers_and_busy(structure_id=structure.pk, now=now, mode=mode,
                                    busy_days=_horizon(now)[2])
    return _first_free_by_structure(offers, busy, now, limit).get(structure.pk, [])


def next_free_slot_by_structure(
    *, now: dt.datetime, mode: str | None = None, departement: str | None = None,
) -> dict[int, Slot]:
    """Region-wide: the first free slot of every structure that has one within the horizon."""
    lo_s, hi_s, _days = _horizon(now)
    now_s = now.timestamp()
    frontier = _region_frontier(departement=departement, now=now, mode=mode)
    result: dict[int, Slot] = {}
    for structure_id in frontier.structure_ids():
        offer = frontier.firsts(structure_id, (None,), lo_s, hi_s, now_s).get(None)
        if offer is not None:
            result[structure_id] = frontier.slot(structure_id, offer)
    return result


def next_free_slot_by_structure_and_mode(
    *, now: dt.datetime, departement: str | None = None,
) -> dict[int, dict[str, Slot]]:
    """Region-wide, in one pass: structure id → {mode → first free slot offering that mode}."""
    lo_s, hi_s, _days = _horizon(now)
    now_s = now.timestamp()
    frontier = _region_frontier(departement=departement, now=now, mode=None)
    result: dict[int, dict[str, Slot]] = {}
    for structure_id in frontier.structure_ids():
        firsts = frontier.firsts(structure_id, MODES, lo_s, hi_s, now_s)
        if firsts:
            result[structure_id] = {mode: frontier.slot(structure_id, offer)
                                    for mode, offer in firsts.items() if mode is not None}
    return result


def slot_is_free(
    *, advisor: Advisor, starts_at: dt.datetime, mode: str | None, now: dt.datetime,
    exclude_appointment_id: int | None = None, notice: bool = True,
    window_from: dt.datetime | None = None,
) -> Slot | None:
    """The free slot of ``advisor`` starting exactly at ``starts_at`` offering ``mode`` (see
    ``free_slots`` for ``notice`` and ``window_from``), read live: what
    ``free_slots(advisors=Advisor.objects.filter(pk=advisor.pk), start=starts_at,
    end=starts_at + 1 minute, ...)`` finds at ``starts_at``, from the advisor's data of that
    day alone (``one_advisor_day_calendar``: at most five small queries instead of the four
    compiled ones of a ``Calendar``). Only ``advisor.pk`` is read from ``advisor``."""
    window = _clamp(starts_at, clock.after(starts_at, dt.timedelta(minutes=1)), now,
                    notice=notice, window_from=window_from)
    if window is None or not window[0] <= starts_at <= window[1]:
        return None
    day = starts_at.astimezone(PARIS).date()
    calendar = one_advisor_day_calendar(advisor_id=advisor.pk, day=day, now=now, mode=mode,
                                        exclude_appointment_id=exclude_appointment_id)
    if not calendar.advisors:
        return None
    lo_s, hi_s = window[0].timestamp(), window[1].timestamp()
    return next((slot for slot in calendar.free(calendar.advisors[0], day, lo_s, hi_s)
                 if slot.starts_at == starts_at), None)


def slots_by_day(slots: Iterable[Slot]) -> list[tuple[dt.date, list[Slot]]]:
    """Group (sorted) slots by their Europe/Paris date, for week-by-week pages."""
    return [(day, list(group))
            for day, group in groupby(slots, key=lambda s: s.starts_at.astimezone(PARIS).date())]
