"""``slot_is_free`` (the re-check of one slot under lock, from the advisor's data of one day)
gives exactly the answer of ``free_slots`` over the same advisor and minute, whatever the rule
that decides it: periods (weekly, one-off, ended, with their modes and places), absences,
public holidays, daylight-saving days, bookability (designation, withdrawal, training,
account, structure, convention), the 48-hour notice and the horizon (with ``notice`` and
``window_from``), other appointments and running or expired holds
(``exclude_appointment_id``)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisors.models import Advisor, StructureStatus
from bookings.models import Absence, AppointmentStatus
from bookings.slots import free_slots, slot_is_free
from somobilite import clock
from tests.factories import (
    AdvisorFactory,
    AppointmentFactory,
    BookableAdvisorFactory,
    ConventionFactory,
    OneOffAvailabilityFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
)

from .conftest import PARIS, paris

pytestmark = pytest.mark.django_db

#: Wednesday 18 March 2026, noon: the window covers the spring daylight-saving change
#: (29 March), Easter Monday (6 April), 1 and 8 May, Ascension (14 May).
NOW = paris(2026, 3, 18, 12)
MODES = [None, "in_person", "video", "phone"]


def _periods(advisor, *, weekdays=(0, 2, 4, 6)):
    for weekday in weekdays:
        RecurringAvailabilityFactory(advisor=advisor, weekday=weekday, start_time=dt.time(9),
                                     end_time=dt.time(12))


def world():
    """Advisors that each exercise a rule; returns them with the hold that may be excluded."""
    main = BookableAdvisorFactory()
    _periods(main)
    # Early hours on Sundays (the daylight-saving change of 29 March skips 2:00–3:00).
    RecurringAvailabilityFactory(advisor=main, weekday=6, start_time=dt.time(1),
                                 end_time=dt.time(4), offers_in_person=False)
    # A phone-only hour after the Friday morning.
    RecurringAvailabilityFactory(advisor=main, weekday=4, start_time=dt.time(12),
                                 end_time=dt.time(13), offers_in_person=False,
                                 offers_video=False, place="Salle B")
    # An ended weekly period (Tuesdays until 7 April), one-off days (one with its own place).
    RecurringAvailabilityFactory(advisor=main, weekday=1, start_time=dt.time(14),
                                 end_time=dt.time(16), valid_until=dt.date(2026, 4, 7),
                                 offers_phone=False, place="Annexe")
    OneOffAvailabilityFactory(advisor=main, date=dt.date(2026, 3, 26), start_time=dt.time(8),
                              end_time=dt.time(11), place="Médiathèque")
    OneOffAvailabilityFactory(advisor=main, date=dt.date(2026, 4, 6), start_time=dt.time(14),
                              end_time=dt.time(16))
    Absence.objects.create(advisor=main, starts_at=paris(2026, 3, 27, 10, 30),
                           ends_at=paris(2026, 3, 28, 10), kind="short", reason="Congé")
    AppointmentFactory(advisor=main, starts_at=paris(2026, 4, 3, 9))
    AppointmentFactory(advisor=main, starts_at=paris(2026, 4, 3, 10),
                       status=AppointmentStatus.CANCELLED_BY_YOUTH)
    running = AppointmentFactory(advisor=main, starts_at=paris(2026, 4, 10, 11),
                                 status=AppointmentStatus.PENDING,
                                 hold_expires_at=NOW + dt.timedelta(minutes=10))
    AppointmentFactory(advisor=main, starts_at=paris(2026, 4, 10, 9),
                       status=AppointmentStatus.PENDING,
                       hold_expires_at=NOW - dt.timedelta(minutes=1))

    trained_late = AdvisorFactory()
    ConventionFactory(structure=trained_late.structure)
    TrainingAttendanceFactory(user=trained_late.user,
                              session=TrainingSessionFactory(date=dt.date(2026, 4, 8)))
    TrainingAttendanceFactory(user=trained_late.user, attended=False)  # registered, absent
    _periods(trained_late)
    never_trained = AdvisorFactory()
    ConventionFactory(structure=never_trained.structure)
    _periods(never_trained)
    withdrawn = BookableAdvisorFactory(withdrawn_on=dt.date(2026, 4, 10))
    _periods(withdrawn)
    designated_late = BookableAdvisorFactory(designated_on=dt.date(2026, 4, 20))
    _periods(designated_late)
    late_services = AdvisorFactory(structure=StructureFactory())
    ConventionFactory(structure=late_services.structure, services_start_on=dt.date(2026, 4, 13))
    TrainingAttendanceFactory(user=late_services.user)
    _periods(late_services)
    # A new convention signed on 1 April, the day after the first one ended (one at a time).
    two_conventions = BookableAdvisorFactory()
    two_conventions.structure.conventions.update(
        termination_letter_received_on=dt.date(2026, 1, 31))
    ConventionFactory(structure=two_conventions.structure, signed_on=dt.date(2026, 4, 1),
                      services_start_on=dt.date(2026, 4, 15))
    _periods(two_conventions)
    inactive = BookableAdvisorFactory()
    inactive.user.is_active = False
    inactive.user.save()
    _periods(inactive)
    ended = BookableAdvisorFactory()
    ended.structure.status = StructureStatus.ENDED
    ended.structure.save()
    _periods(ended)
    advisors = [main, trained_late, never_trained, withdrawn, designated_late, late_services,
                two_conventions, inactive, ended]
    return advisors, running


def reference(*, advisor, starts_at, mode, now, exclude, notice, window_from):
    """The former re-check: ``free_slots`` over the advisor and that minute."""
    return next((slot for slot in free_slots(
        advisors=Advisor.objects.filter(pk=advisor.pk), start=starts_at,
        end=clock.after(starts_at, dt.timedelta(minutes=1)), now=now, mode=mode,
        exclude_appointment_id=exclude, notice=notice, window_from=window_from)
        if slot.starts_at == starts_at), None)


def test_slot_is_free_answers_as_free_slots():
    advisors, running = world()
    found = []

    @settings(max_examples=400, derandomize=True, deadline=None, database=None)
    # The main advisor (every rule of a day) and the usual hours are drawn more often.
    @given(advisor=st.sampled_from([advisors[0]] * 6 + advisors), day=st.integers(0, 64),
           minute=st.sampled_from([9 * 60, 10 * 60, 11 * 60] * 4 + [
               60, 120, 180, 8 * 60, 10 * 60 + 30, 12 * 60, 14 * 60, 15 * 60, 9 * 60 + 1]),
           mode=st.sampled_from(MODES), now_shift=st.sampled_from([0, -30, 60 * 24 * 7]),
           exclude=st.booleans(), notice=st.booleans(),
           held_before=st.sampled_from([None, 20, 60 * 24 * 3]))
    def check(advisor, day, minute, mode, now_shift, exclude, notice, held_before):
        date = NOW.date() + dt.timedelta(days=day)
        if minute < 4 * 60 and not clock.paris_exists(date, dt.time(minute // 60)):
            return
        starts_at = clock.paris_at(date, dt.time(minute // 60, minute % 60))
        now = NOW + dt.timedelta(minutes=now_shift)
        arguments = {
            "advisor": advisor, "starts_at": starts_at, "mode": mode, "now": now,
            "exclude": running.pk if exclude else None, "notice": notice,
            "window_from": None if held_before is None
            else now - dt.timedelta(minutes=held_before)}
        expected = reference(**arguments)
        arguments["exclude_appointment_id"] = arguments.pop("exclude")
        assert slot_is_free(**arguments) == expected
        found.append(expected is not None)

    check()
    # Both answers are well represented: the comparison is not vacuous.
    assert len(found) // 8 <= sum(found) <= len(found) - len(found) // 8, sum(found)


@pytest.mark.parametrize(("starts_at", "mode", "free"), [
    (paris(2026, 3, 27, 9), "video", True),      # a Friday, every mode
    (paris(2026, 3, 27, 11), "phone", False),    # the absence from 10:30
    (paris(2026, 3, 20, 11), None, False),       # within 48 hours
    (paris(2026, 4, 6, 14), None, False),        # Easter Monday
    (paris(2026, 3, 29, 2), None, False),        # does not exist (summer time)
    (paris(2026, 3, 29, 3), "video", True),
    (paris(2026, 4, 10, 11), None, False),       # held until NOW + 10 min
    (paris(2026, 4, 10, 9), None, True),         # its hold expired
    (paris(2026, 4, 3, 9), None, False),         # confirmed
    (paris(2026, 4, 3, 10), None, True),         # cancelled
    (paris(2026, 5, 15, 9), None, False),        # past the eight weeks
    (paris(2026, 3, 24, 14), "phone", False),    # a period without phone
    (paris(2026, 3, 24, 14), "in_person", True),
    (paris(2026, 4, 14, 14), None, False),       # that period ended on 7 April
    (paris(2026, 3, 26, 8), "phone", False),     # a one-off period without phone
    (paris(2026, 3, 26, 8), "video", True),
    (paris(2026, 3, 29, 3), "in_person", False),
    (paris(2026, 4, 3, 12), "video", False),     # 12:00–13:00: the phone-only period
    (paris(2026, 4, 3, 12), "phone", True),
])
def test_slot_is_free_cases(starts_at, mode, free, django_assert_max_num_queries):
    (main, *_others), _running = world()
    with django_assert_max_num_queries(5):
        slot = slot_is_free(advisor=main, starts_at=starts_at, mode=mode, now=NOW)
    assert (slot is not None) == free
    if slot is not None:
        assert slot.starts_at == starts_at and slot.advisor_id == main.pk
        assert slot.ends_at == clock.after(starts_at, dt.timedelta(hours=1))
        assert slot.starts_at.tzinfo == PARIS


def test_modes_and_place_of_the_period():
    (main, *_others), _running = world()
    slot = slot_is_free(advisor=main, starts_at=paris(2026, 4, 3, 12), mode="phone", now=NOW)
    assert slot is not None
    assert slot.modes == ("phone",) and slot.place == ""
    one_off = slot_is_free(advisor=main, starts_at=paris(2026, 3, 26, 8), mode=None, now=NOW)
    assert one_off is not None and one_off.place == "Médiathèque"
    assert one_off.modes == ("in_person", "video")
