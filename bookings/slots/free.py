"""The free-slot engine: what is offered (cached in ``bookings.slots.cache``) minus the active
appointments (read live). The contract is documented in ``bookings.slots``."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import accumulate, groupby, islice

from django.db.models import QuerySet

from advisors.models import Advisor, Structure, StructureStatus
from somobilite import clock

from ..models import Mode
from . import cache as slot_cache
from .calendar import (
    PARIS,
    Calendar,
    Offer,
    Offers,
    Slot,
    active_appointment_rows,
    booking_window,
    days_between,
)

# --- Offers cached between requests (see cache), appointments read live ---------------------

class _Busy:
    """Active appointments per advisor, asked "does one overlap [start, end)?" by bisection."""

    def __init__(self, intervals: dict[int, list[tuple[int, int]]]) -> None:
        self._index: dict[int, tuple[list[int], list[int]]] = {}
        for advisor_id, items in intervals.items():
            items = sorted(items)
            # Starts, and the latest end among the intervals starting up to each one.
            self._index[advisor_id] = ([start for start, _end in items],
                                       list(accumulate((end for _start, end in items), max)))

    def overlaps(self, advisor_id: int, start: int, end: int) -> bool:
        index = self._index.get(advisor_id)
        if index is None:
            return False
        starts, latest_ends = index
        before = bisect_left(starts, end)  # intervals starting before ``end``
        return before > 0 and latest_ends[before - 1] > start


def _offers_and_busy(
    *, scope: str, advisors: QuerySet[Advisor], now: dt.datetime, mode: str | None,
    busy_days: tuple[dt.date, dt.date], all_advisors: bool = False,
) -> tuple[Offers, _Busy]:
    """The offers of ``advisors`` (named ``scope`` in the cache) over the booking window of
    ``now``, and their active appointments over ``busy_days``.

    Cache hit: one query (the appointments), none when no advisor is bookable. Miss: the four
    queries of ``Calendar``, whose appointments cover the whole booking window.
    ``all_advisors`` says ``advisors`` is every advisor: the appointment query then needs no
    list of ids.
    """
    earliest, latest = booking_window(now)
    first_day, last_day = earliest.astimezone(PARIS).date(), latest.astimezone(PARIS).date()
    version = slot_cache.availability_version()
    parts = (scope, mode or "all", first_day.isoformat(), last_day.isoformat())
    offers = slot_cache.get(version, parts)
    if offers is None:
        calendar = Calendar(advisors=advisors, first_day=first_day, last_day=last_day,
                             now=now, mode=mode, with_appointments=True)
        offers = calendar.offers(first_day, last_day)
        slot_cache.put(version, parts, offers)
        return offers, _Busy(calendar.busy)
    if not offers.advisor_ids:
        return offers, _Busy({})
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for advisor_id, start, end in active_appointment_rows(
        advisor_ids=None if all_advisors else offers.advisor_ids, first_day=busy_days[0],
        last_day=busy_days[1], now=now,
    ):
        busy[advisor_id].append((start, end))
    return offers, _Busy(busy)


def _free(offers: list[Offer], busy: _Busy, lo: float, hi: float) -> Iterator[Offer]:
    """Offers starting in ``[lo, hi]`` (epoch seconds) that no active appointment overlaps,
    in order."""
    for offer in offers:
        if lo <= offer[0] <= hi and not busy.overlaps(offer[2], offer[0], offer[1]):
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
    if len(slug) > Structure._meta.get_field("slug").max_length:
        return None  # cannot exist (and would make too long a cache key)
    version = slot_cache.availability_version()
    parts = ("active-structure", slug)
    found = slot_cache.get(version, parts)
    if found is None:
        found = Structure.objects.filter(slug=slug, status=StructureStatus.ACTIVE).first()
        slot_cache.put(version, parts, found or False)
    return found or None


def free_slots_for_structure(
    *, structure: Structure, start: dt.datetime, end: dt.datetime, now: dt.datetime,
    mode: str | None = None,
) -> list[Slot]:
    """``free_slots`` of the structure's advisors, from the cached offers."""
    window = _clamp(start, end, now)
    if window is None:
        return []
    lo, hi = window
    offers, busy = _offers_and_busy(
        scope=f"structure-{structure.pk}", advisors=Advisor.objects.filter(structure=structure),
        now=now, mode=mode,
        busy_days=(lo.astimezone(PARIS).date(), hi.astimezone(PARIS).date()))
    structure_id = structure.pk
    return [offers.slot(structure_id, offer)
            for offer in _free(offers.by_structure.get(structure_id, []), busy, lo.timestamp(),
                               hi.timestamp())]


def _first_free_by_structure(
    offers: Offers, busy: _Busy, now: dt.datetime, limit: int,
) -> dict[int, list[Slot]]:
    """Up to ``limit`` first free slots per structure."""
    lo_s, hi_s, _busy_days = _horizon(now)
    found: dict[int, list[Slot]] = {}
    for structure_id, structure_offers in offers.by_structure.items():
        slots = [offers.slot(structure_id, offer)
                 for offer in islice(_free(structure_offers, busy, lo_s, hi_s), limit)]
        if slots:
            found[structure_id] = slots
    return found


def next_free_slots_for_structure(
    *, structure: Structure, now: dt.datetime, mode: str | None = None, limit: int = 3,
) -> list[Slot]:
    offers, busy = _offers_and_busy(
        scope=f"structure-{structure.pk}", advisors=Advisor.objects.filter(structure=structure),
        now=now, mode=mode, busy_days=_horizon(now)[2])
    return _first_free_by_structure(offers, busy, now, limit).get(structure.pk, [])


def next_free_slot_by_structure(
    *, now: dt.datetime, mode: str | None = None, departement: str | None = None,
) -> dict[int, Slot]:
    """Region-wide: the first free slot of every structure that has one within the horizon."""
    scope, advisors = _region_scope(departement)
    offers, busy = _offers_and_busy(scope=scope, advisors=advisors, now=now, mode=mode,
                                    busy_days=_horizon(now)[2], all_advisors=not departement)
    return {structure_id: slots[0]
            for structure_id, slots in _first_free_by_structure(offers, busy, now, 1).items()}


def next_free_slot_by_structure_and_mode(
    *, now: dt.datetime, departement: str | None = None,
) -> dict[int, dict[str, Slot]]:
    """Region-wide, in one pass: structure id → {mode → first free slot offering that mode}."""
    lo_s, hi_s, busy_days = _horizon(now)
    scope, advisors = _region_scope(departement)
    offers, busy = _offers_and_busy(scope=scope, advisors=advisors, now=now, mode=None,
                                    busy_days=busy_days, all_advisors=not departement)
    all_modes = len(Mode.values)
    result: dict[int, dict[str, Slot]] = {}
    for structure_id, structure_offers in offers.by_structure.items():
        firsts: dict[str, Slot] = {}
        for offer in _free(structure_offers, busy, lo_s, hi_s):
            slot = None
            for mode in offer[6]:
                if mode not in firsts:
                    slot = slot or offers.slot(structure_id, offer)
                    firsts[mode] = slot
            if len(firsts) == all_modes:
                break
        if firsts:
            result[structure_id] = firsts
    return result


def slot_is_free(
    *, advisor: Advisor, starts_at: dt.datetime, mode: str, now: dt.datetime,
    exclude_appointment_id: int | None = None, notice: bool = True,
    window_from: dt.datetime | None = None,
) -> Slot | None:
    """The free slot of ``advisor`` starting exactly at ``starts_at`` offering ``mode`` (see
    ``free_slots`` for ``notice`` and ``window_from``)."""
    slots = free_slots(
        advisors=Advisor.objects.filter(pk=advisor.pk), start=starts_at,
        end=clock.after(starts_at, dt.timedelta(minutes=1)), now=now, mode=mode,
        exclude_appointment_id=exclude_appointment_id, notice=notice, window_from=window_from,
    )
    return next((s for s in slots if s.starts_at == starts_at), None)


def slots_by_day(slots: Iterable[Slot]) -> list[tuple[dt.date, list[Slot]]]:
    """Group (sorted) slots by their Europe/Paris date, for week-by-week pages."""
    return [(day, list(group))
            for day, group in groupby(slots, key=lambda s: s.starts_at.astimezone(PARIS).date())]
