"""The region-wide lists (``next_free_slot_by_structure[_and_mode]``) walk each structure's
days only as far as their question needs, and keep what they walked across changes of other
structures (``bookings.slots.free._Frontier``): they must give exactly what the full
computation gives, i.e. the first of ``free_slots`` over the whole booking window, per
structure and mode.

Property-based with hypothesis (derandomised, a fixed number of examples): periods on any
weekday (early-morning ones across the daylight-saving changes), one-off periods, absences,
public holidays (Easter Monday, 1 and 8 May, 1 and 11 November), conventions not yet started,
ending on a termination letter or after an unanswered formal notice, advisors designated,
withdrawn or trained during the window, confirmed appointments, running and expired holds, the
48-hour notice and the horizon; then one advisor's change, and a later ``now``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisors.models import Advisor
from bookings.slots import (
    MODES,
    PARIS,
    Slot,
    free_slots,
    next_free_slot_by_structure,
    next_free_slot_by_structure_and_mode,
)
from bookings.slots import cache as slot_cache
from somobilite import clock
from tests.factories import (
    AppointmentFactory,
    BookableAdvisorFactory,
    OneOffAvailabilityFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
    TrainingAttendanceFactory,
    YouthFactory,
)

from .conftest import paris

pytestmark = pytest.mark.django_db

EXAMPLES = 25
HYPOTHESIS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                      print_blob=True,
                      suppress_health_check=[HealthCheck.too_slow,
                                             HealthCheck.function_scoped_fixture])

#: Moments whose booking window holds the spring change (29 March), Easter Monday (6 April),
#: 1 and 8 May; the autumn change (25 October), 1 and 11 November.
NOWS = [paris(2026, 3, 18, 12), paris(2026, 3, 25, 9, 30), paris(2026, 10, 14, 10, 15),
        paris(2026, 10, 21, 23, 50)]
HOURS = [(1, 4), (2, 3), (8, 12), (9, 11), (14, 17), (17, 19), (20, 23)]

modes = st.tuples(st.booleans(), st.booleans(), st.booleans()).filter(any)


@st.composite
def advisor_plans(draw: st.DrawFn) -> dict:
    day = st.integers(min_value=-3, max_value=60)
    return {
        "periods": draw(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(HOURS), modes,
                                           st.one_of(st.none(), day), st.one_of(st.none(), day)),
                                 max_size=3, unique_by=lambda period: period[0])),
        # PostgreSQL refuses overlapping periods of one kind (one-off periods may overlap
        # weekly ones: their modes add up).
        "one_offs": draw(st.lists(st.tuples(day, st.sampled_from(HOURS), modes), max_size=2,
                                  unique_by=lambda one_off: one_off[0])),
        "absences": draw(st.lists(st.tuples(day, st.integers(1, 72)), max_size=2)),
        "designated": draw(st.one_of(st.none(), day)),
        "withdrawn": draw(st.one_of(st.none(), day)),
        "trained": draw(st.one_of(st.none(), day)),
        # (day, hour offset in the day's plan, state) of appointments
        "appointments": draw(st.lists(
            st.tuples(day, st.integers(0, 23),
                      st.sampled_from(["confirmed", "running", "expired", "cancelled"])),
            max_size=4, unique_by=lambda appointment: appointment[:2])),
    }


@st.composite
def worlds(draw: st.DrawFn) -> dict:
    day = st.integers(min_value=-3, max_value=60)
    return {
        "now": draw(st.sampled_from(NOWS)),
        "structures": draw(st.lists(st.tuples(
            st.sampled_from(["normal", "starts", "letter", "notice"]), day,
            st.lists(advisor_plans(), min_size=1, max_size=3)), min_size=1, max_size=3)),
        "change": draw(st.tuples(
            st.sampled_from(["one-off", "absence", "weekly", "withdrawn", "convention"]),
            st.integers(0, 8), day, st.sampled_from(HOURS), modes)),
        "later_hours": draw(st.sampled_from([0, 1, 7, 30])),
    }


def _date(now: dt.datetime, offset: int) -> dt.date:
    return now.astimezone(PARIS).date() + dt.timedelta(days=offset)


def _build(world: dict) -> list[Advisor]:
    now = world["now"]
    youth = YouthFactory()
    advisors = []
    for kind, offset, plans in world["structures"]:
        structure = StructureFactory()
        first = BookableAdvisorFactory(structure=structure)
        convention = structure.conventions.get()
        when = _date(now, offset)
        if kind == "starts":
            convention.services_start_on = when
        elif kind == "letter":
            convention.termination_letter_received_on = min(when, now.astimezone(PARIS).date())
        elif kind == "notice":
            convention.formal_notice_received_on = min(when, now.astimezone(PARIS).date())
        convention.save()
        for index, plan in enumerate(plans):
            advisor = first if index == 0 else BookableAdvisorFactory(structure=structure)
            if plan["designated"] is not None:
                advisor.designated_on = _date(now, plan["designated"])
            if plan["withdrawn"] is not None:
                advisor.withdrawn_on = max(_date(now, plan["withdrawn"]), advisor.designated_on
                                           + dt.timedelta(days=1))
            advisor.save()
            if plan["trained"] is not None:
                advisor.user.training_attendances.all().delete()
                TrainingAttendanceFactory(user=advisor.user,
                                          session__date=_date(now, plan["trained"]))
            for weekday, (start, end), (ip, vi, ph), since, until in plan["periods"]:
                valid_from = dt.date(2024, 1, 1) if since is None else _date(now, since)
                valid_until = None if until is None else _date(now, until)
                RecurringAvailabilityFactory(
                    advisor=advisor, weekday=weekday, start_time=dt.time(start),
                    end_time=dt.time(end), valid_from=valid_from,
                    valid_until=max(valid_until, valid_from) if valid_until else None,
                    offers_in_person=ip, offers_video=vi, offers_phone=ph)
            for offset, (start, end), (ip, vi, ph) in plan["one_offs"]:
                OneOffAvailabilityFactory(advisor=advisor, date=_date(now, offset),
                                          start_time=dt.time(start), end_time=dt.time(end),
                                          offers_in_person=ip, offers_video=vi, offers_phone=ph)
            for offset, hours in plan["absences"]:
                starts_at = clock.paris_at(_date(now, offset), dt.time(10))
                advisor.absences.create(starts_at=starts_at,
                                        ends_at=starts_at + dt.timedelta(hours=hours),
                                        kind="short", reason="Formation")
            for offset, hour, state in dict.fromkeys(plan["appointments"]):
                _appointment(advisor, youth, now, clock.paris_at(_date(now, offset),
                                                                 dt.time(hour)), state)
            advisors.append(advisor)
    return advisors


def _appointment(advisor: Advisor, youth, now: dt.datetime, starts_at: dt.datetime,
                 state: str) -> None:
    if state == "confirmed":
        AppointmentFactory(advisor=advisor, youth=youth, starts_at=starts_at)
    elif state == "cancelled":
        AppointmentFactory(advisor=advisor, youth=youth, starts_at=starts_at,
                           status="cancelled_by_structure", cancelled_at=now,
                           confirmed_at=now - dt.timedelta(days=1))
    else:
        expires = now + dt.timedelta(minutes=10 if state == "running" else -1)
        AppointmentFactory(advisor=advisor, youth=youth, starts_at=starts_at, status="pending",
                           confirmed_at=None, hold_expires_at=expires)


def _reference(now: dt.datetime) -> tuple[dict, dict]:
    """Per structure and mode, and per mode (None: any) and structure, the first of
    ``free_slots`` over the whole booking window: the full computation, read live."""
    by_mode: dict[int, dict[str, Slot]] = {}
    for slot in free_slots(advisors=Advisor.objects.all(), start=now,
                           end=now + dt.timedelta(weeks=10), now=now):
        for mode in slot.modes:
            by_mode.setdefault(slot.structure_id, {}).setdefault(mode, slot)
    first: dict[str | None, dict[int, Slot]] = {}
    for mode in (None, *MODES):
        first[mode] = {}
        for slot in free_slots(advisors=Advisor.objects.all(), start=now,
                               end=now + dt.timedelta(weeks=10), now=now, mode=mode):
            first[mode].setdefault(slot.structure_id, slot)
    return by_mode, first


def _fast(now: dt.datetime) -> tuple[dict, dict]:
    return (next_free_slot_by_structure_and_mode(now=now),
            {mode: next_free_slot_by_structure(now=now, mode=mode) for mode in (None, *MODES)})


_tokens = itertools.count()


@contextmanager
def _appointments_index(monkeypatch) -> Iterator[None]:
    """Read appointments from the process's index (what a committed change gives), not live
    (what a transaction that wrote one gives): the example's rows are not committed, so the
    index gets a token of its own, never seen again."""
    token = f"test-frontier-{next(_tokens)}"
    with monkeypatch.context() as patch:
        patch.setattr(slot_cache, "appointments_version", lambda: token)
        yield


def _check(now: dt.datetime, monkeypatch) -> tuple[dict, dict]:
    expected = _reference(now)
    assert _fast(now) == expected
    assert _fast(now) == expected  # kept: same answer
    with _appointments_index(monkeypatch):
        assert _fast(now) == expected
        assert _fast(now) == expected
    return expected


@HYPOTHESIS
@given(world=worlds())
def test_region_lists_give_the_full_computation(world, monkeypatch):
    with transaction.atomic():
        advisors = _build(world)
        now = world["now"]
        _by_mode, first = _check(now, monkeypatch)
        # One advisor (or their structure) changes, where it shows: on the first free slot of
        # its structure. The other structures' walks are kept.
        kind, index, offset, (start, end), (ip, vi, ph) = world["change"]
        changed = advisors[index % len(advisors)]
        day = _date(now, offset)
        target = first[None].get(changed.structure_id)
        if target is not None:
            changed = Advisor.objects.get(pk=target.advisor_id)
            day = target.starts_at.astimezone(PARIS).date()
        if kind == "one-off":
            changed.one_off_availabilities.filter(date=day).delete()
            OneOffAvailabilityFactory(advisor=changed, date=day, start_time=dt.time(start),
                                      end_time=dt.time(end), offers_in_person=ip,
                                      offers_video=vi, offers_phone=ph)
        elif kind == "absence":
            starts_at = target.starts_at if target else clock.paris_at(day, dt.time(start))
            changed.absences.create(starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1),
                                    kind="short", reason="Rendez-vous médical")
        elif kind == "weekly":
            changed.recurring_availabilities.all().delete()
        elif kind == "withdrawn":
            changed.withdrawn_on = max(day, changed.designated_on + dt.timedelta(days=1))
            changed.save()
        else:
            convention = changed.structure.conventions.get()
            convention.termination_letter_received_on = min(day, now.astimezone(PARIS).date())
            convention.save()
        _check(now, monkeypatch)
        # Later: the 48-hour notice moves, holds expire, maybe the window moves a day.
        _check(now + dt.timedelta(hours=world["later_hours"], minutes=11), monkeypatch)
        transaction.set_rollback(True)
