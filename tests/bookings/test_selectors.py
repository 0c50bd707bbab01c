import datetime as dt

import pytest

from advisors.selectors import advisor_is_bookable
from bookings.compliance import weekly_compliance
from bookings.models import Appointment, AppointmentStatus
from bookings.selectors import appointment_get_for_youth
from bookings.slots import (
    free_slots_for_structure,
    is_public_holiday,
    next_free_slot_by_structure,
    next_free_slot_by_structure_and_mode,
    next_free_slots_for_structure,
    slot_is_free,
    slots_by_day,
)
from tests.factories import (
    AdvisorFactory,
    AppointmentFactory,
    BookableAdvisorFactory,
    ConventionFactory,
    OneOffAvailabilityFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
    TrainingAttendanceFactory,
    YouthFactory,
)

from .conftest import NOW, PARIS, paris

pytestmark = pytest.mark.django_db



def starts(slots):
    return [s.starts_at for s in slots]


def structure_slots(advisor, start, end, now=NOW, mode=None):
    return free_slots_for_structure(structure=advisor.structure, start=start, end=end, now=now,
                                    mode=mode)


def test_recurring_period_yields_one_hour_slots(advisor):
    slots = structure_slots(advisor, paris(2026, 3, 27), paris(2026, 3, 28))
    assert starts(slots) == [paris(2026, 3, 27, 9), paris(2026, 3, 27, 10),
                             paris(2026, 3, 27, 11)]
    first = slots[0]
    assert first.ends_at == paris(2026, 3, 27, 10)
    assert first.advisor_id == advisor.pk and first.structure_id == advisor.structure_id
    assert first.modes == ("in_person", "video", "phone")
    assert first.place == "1 place de la Mairie, 33000 Bordeaux"


def test_forty_eight_hour_rule_edge(advisor):
    friday_nine = paris(2026, 3, 27, 9)
    window = (paris(2026, 3, 27), paris(2026, 3, 28))
    at_48h = friday_nine - dt.timedelta(hours=48)
    assert friday_nine in starts(structure_slots(advisor, *window, now=at_48h))
    at_47h59 = at_48h + dt.timedelta(minutes=1)
    listed = starts(structure_slots(advisor, *window, now=at_47h59))
    assert friday_nine not in listed
    assert paris(2026, 3, 27, 10) in listed
    assert slot_is_free(advisor=advisor, starts_at=friday_nine, mode="video", now=at_48h)
    assert slot_is_free(advisor=advisor, starts_at=friday_nine, mode="video",
                        now=at_47h59) is None


def test_horizon_is_eight_weeks(advisor):
    # A Friday (summer time all along): the Friday eight weeks later starts exactly then.
    now = paris(2026, 4, 3, 9)
    slots = structure_slots(advisor, now, now + dt.timedelta(weeks=12), now=now)
    assert slots[-1].starts_at == paris(2026, 5, 29, 9)
    earlier = structure_slots(advisor, now, now + dt.timedelta(weeks=12),
                              now=now - dt.timedelta(minutes=1))
    assert paris(2026, 5, 29, 9) not in starts(earlier)


@pytest.mark.parametrize(
    ("before", "dst_sunday", "after"),
    [
        ((2026, 3, 27), (2026, 3, 29), (2026, 3, 30)),  # last Sunday of March: +01:00 → +02:00
        ((2026, 10, 23), (2026, 10, 25), (2026, 10, 26)),  # last Sunday of October: back
    ],
)
def test_wall_clock_slots_stay_put_across_dst(before, dst_sunday, after):
    advisor = BookableAdvisorFactory()
    for weekday in (4, 6, 0):  # Friday, Sunday, Monday
        RecurringAvailabilityFactory(advisor=advisor, weekday=weekday, start_time=dt.time(9),
                                     end_time=dt.time(10))
    now = paris(*before) - dt.timedelta(days=3)
    slots = structure_slots(advisor, paris(*before), paris(*after, 23), now=now)
    assert starts(slots) == [paris(*before, 9), paris(*dst_sunday, 9), paris(*after, 9)]
    local_hours = [s.starts_at.astimezone(dt.UTC) for s in slots]
    offsets = {s.starts_at.utcoffset() for s in slots}
    assert len(offsets) == 2  # the same 9:00 is another UTC hour after the change
    assert [s.ends_at - s.starts_at for s in slots] == [dt.timedelta(hours=1)] * 3
    assert local_hours[0].hour != local_hours[2].hour


def test_public_holidays_are_never_bookable(advisor):
    assert is_public_holiday(dt.date(2026, 5, 1))  # Friday 1 May 2026
    # 8 May (Victoire 1945) is a Friday holiday too; the following Friday is open.
    slots = structure_slots(advisor, paris(2026, 4, 30), paris(2026, 5, 16),
                            now=paris(2026, 4, 20))
    assert {s.starts_at.date() for s in slots} == {dt.date(2026, 5, 15)}


def test_short_absence_removes_covered_slots(advisor):
    advisor.absences.create(starts_at=paris(2026, 3, 27, 9, 30), ends_at=paris(2026, 3, 27, 11),
                            kind="short", reason="Réunion d'équipe")
    slots = structure_slots(advisor, paris(2026, 3, 27), paris(2026, 3, 28))
    assert starts(slots) == [paris(2026, 3, 27, 11)]


def test_long_absence_removes_weeks(advisor):
    advisor.absences.create(starts_at=paris(2026, 3, 23), ends_at=paris(2026, 4, 18),
                            kind="long", reason="Congé")
    slots = structure_slots(advisor, paris(2026, 3, 21), paris(2026, 4, 30))
    assert {s.starts_at.date() for s in slots} == {dt.date(2026, 4, 24)}


def test_active_appointments_take_slots_others_do_not(advisor):
    youth_slot = paris(2026, 3, 27, 9)
    AppointmentFactory(advisor=advisor, starts_at=youth_slot)
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 27, 10), status="pending",
                       hold_expires_at=NOW + dt.timedelta(minutes=5))
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 27, 11), status="pending",
                       hold_expires_at=NOW - dt.timedelta(minutes=1))
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 4, 3, 9),
                       status=AppointmentStatus.CANCELLED_BY_YOUTH)
    slots = structure_slots(advisor, paris(2026, 3, 27), paris(2026, 4, 4))
    assert starts(slots) == [paris(2026, 3, 27, 11), paris(2026, 4, 3, 9),
                             paris(2026, 4, 3, 10), paris(2026, 4, 3, 11)]


def test_untrained_advisor_has_no_slots():
    advisor = AdvisorFactory()
    ConventionFactory(structure=advisor.structure)
    RecurringAvailabilityFactory(advisor=advisor)
    assert structure_slots(advisor, paris(2026, 3, 20), paris(2026, 4, 30)) == []
    # Trained on 1 April: slots from that day only.
    TrainingAttendanceFactory(user=advisor.user, session__date=dt.date(2026, 4, 1))
    slots = structure_slots(advisor, paris(2026, 3, 20), paris(2026, 4, 4))
    assert {s.starts_at.date() for s in slots} == {dt.date(2026, 4, 3)}


def test_convention_not_in_force_means_no_slots():
    unsigned = BookableAdvisorFactory(structure=StructureFactory())
    unsigned.structure.conventions.update(signed_on=None, services_start_on=None)
    RecurringAvailabilityFactory(advisor=unsigned)
    assert structure_slots(unsigned, paris(2026, 3, 20), paris(2026, 4, 30)) == []

    ending = BookableAdvisorFactory()
    # Partner's letter received 10 February: two months' notice, last day 10 April.
    ending.structure.conventions.update(termination_letter_received_on=dt.date(2026, 2, 10))
    RecurringAvailabilityFactory(advisor=ending)
    slots = structure_slots(ending, paris(2026, 3, 20), paris(2026, 4, 30))
    assert {s.starts_at.date() for s in slots} == {dt.date(2026, 3, 27), dt.date(2026, 4, 3),
                                                   dt.date(2026, 4, 10)}


def test_inactive_structure_or_withdrawn_advisor_has_no_slots(advisor):
    advisor.withdrawn_on = dt.date(2026, 4, 1)
    advisor.save()
    slots = structure_slots(advisor, paris(2026, 3, 20), paris(2026, 4, 30))
    assert {s.starts_at.date() for s in slots} == {dt.date(2026, 3, 27)}
    advisor.structure.status = "ended"
    advisor.structure.save()
    assert structure_slots(advisor, paris(2026, 3, 20), paris(2026, 4, 30)) == []


def test_bookability_matches_the_advisors_rule():
    trained = BookableAdvisorFactory()
    untrained = AdvisorFactory()
    ConventionFactory(structure=untrained.structure)
    for advisor in (trained, untrained):
        RecurringAvailabilityFactory(advisor=advisor)
    friday = dt.date(2026, 3, 27)
    for advisor in (trained, untrained):
        listed = bool(structure_slots(advisor, paris(2026, 3, 27), paris(2026, 3, 28)))
        assert listed == advisor_is_bookable(advisor, friday)


def test_one_off_availability_and_mode_filter(advisor):
    OneOffAvailabilityFactory(advisor=advisor, date=dt.date(2026, 3, 25),
                              start_time=dt.time(14), end_time=dt.time(16, 30),
                              offers_in_person=False, offers_video=True, offers_phone=False)
    window = (paris(2026, 3, 25), paris(2026, 3, 26))
    slots = structure_slots(advisor, *window, now=paris(2026, 3, 20))
    assert starts(slots) == [paris(2026, 3, 25, 14), paris(2026, 3, 25, 15)]
    assert slots[0].modes == ("video",) and slots[0].place == ""
    assert structure_slots(advisor, *window, now=paris(2026, 3, 20), mode="phone") == []


def test_slots_by_day_groups_in_paris_time(advisor):
    slots = structure_slots(advisor, paris(2026, 3, 27), paris(2026, 4, 4))
    assert [(day, len(group)) for day, group in slots_by_day(slots)] == [
        (dt.date(2026, 3, 27), 3), (dt.date(2026, 4, 3), 3)]


def test_query_count_does_not_grow_with_data(django_assert_num_queries, advisor):
    start, end = paris(2026, 3, 18), paris(2026, 5, 13)
    with django_assert_num_queries(4):
        small = structure_slots(advisor, start, end)
    for _ in range(4):
        other = BookableAdvisorFactory(structure=advisor.structure)
        RecurringAvailabilityFactory(advisor=other, weekday=1)
        OneOffAvailabilityFactory(advisor=other, date=dt.date(2026, 4, 8))
        other.absences.create(starts_at=paris(2026, 4, 14), ends_at=paris(2026, 4, 15),
                              kind="short", reason="Formation")
        for week in range(3):
            AppointmentFactory(advisor=other, starts_at=paris(2026, 3, 24, 9)
                               + dt.timedelta(weeks=week))
    with django_assert_num_queries(4):
        big = structure_slots(advisor, start, end)
    assert len(big) > len(small)
    with django_assert_num_queries(4):
        next_free_slot_by_structure(now=NOW)


def test_next_free_slot_by_structure_region_wide(advisor):
    limoges = BookableAdvisorFactory(structure__departement="87", structure__postal_code="87000",
                                     structure__commune="Limoges")
    RecurringAvailabilityFactory(advisor=limoges, weekday=2, offers_in_person=False,
                                 offers_video=True, offers_phone=False)
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 20, 9))
    region = next_free_slot_by_structure(now=NOW)
    assert region[advisor.structure_id].starts_at == paris(2026, 3, 27, 9)
    assert region[limoges.structure_id].starts_at == paris(2026, 3, 25, 9)
    assert set(next_free_slot_by_structure(now=NOW, departement="87")) == {limoges.structure_id}
    assert set(next_free_slot_by_structure(now=NOW, mode="in_person")) == {advisor.structure_id}
    assert starts(next_free_slots_for_structure(structure=advisor.structure, now=NOW,
                                                limit=4)) == [
        paris(2026, 3, 27, 9), paris(2026, 3, 27, 10), paris(2026, 3, 27, 11),
        paris(2026, 4, 3, 9)]


def test_slot_is_free_checks_mode_and_exact_start(advisor):
    friday = paris(2026, 3, 27, 10)
    slot = slot_is_free(advisor=advisor, starts_at=friday, mode="phone", now=NOW)
    assert slot is not None and slot.starts_at == friday
    assert slot_is_free(advisor=advisor, starts_at=friday + dt.timedelta(minutes=30),
                        mode="phone", now=NOW) is None
    appointment = AppointmentFactory(advisor=advisor, starts_at=friday)
    assert slot_is_free(advisor=advisor, starts_at=friday, mode="phone", now=NOW) is None
    assert slot_is_free(advisor=advisor, starts_at=friday, mode="phone", now=NOW,
                        exclude_appointment_id=appointment.pk) is not None
    assert Appointment.objects.count() == 1


def test_weekly_compliance_rows_and_reasons(advisor):
    nothing = StructureFactory()
    ConventionFactory(structure=nothing)
    away = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=away)
    away.absences.create(starts_at=paris(2026, 3, 30), ends_at=paris(2026, 4, 13),
                         kind="long", reason="Congé")
    rows = weekly_compliance(start_week=dt.date(2026, 3, 25), weeks=2, now=NOW)
    by_key = {(r.structure_id, r.week_start): r for r in rows}
    assert len(rows) == 6
    ok = by_key[advisor.structure_id, dt.date(2026, 3, 23)]
    assert (ok.hours_offered, ok.below_minimum, ok.reason, ok.iso_week) == (3, False, "", 13)
    empty = by_key[nothing.pk, dt.date(2026, 3, 23)]
    assert empty.below_minimum and empty.reason == "aucun·e conseiller·ère formé·e et désigné·e"
    absent = by_key[away.structure_id, dt.date(2026, 3, 30)]
    assert absent.hours_offered == 0 and absent.reason == "absence longue déclarée"
    # Friday 1 May 2026 is a public holiday: the structure falls below the minimum that week.
    holiday_week = weekly_compliance(start_week=dt.date(2026, 4, 27), weeks=1, now=NOW)
    row = next(r for r in holiday_week if r.structure_id == advisor.structure_id)
    assert row.hours_offered == 0 and row.reason == "jour férié dans la semaine"


def test_weekly_compliance_nothing_published():
    silent = BookableAdvisorFactory()
    rows = weekly_compliance(start_week=dt.date(2026, 3, 23), weeks=1, now=NOW)
    assert [(r.structure_id, r.reason) for r in rows] == [(silent.structure_id, "rien de publié")]


def test_next_free_slot_per_mode_in_one_pass(advisor, django_assert_num_queries):
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 27, 9))
    RecurringAvailabilityFactory(advisor=advisor, weekday=1, start_time=dt.time(14),
                                 end_time=dt.time(15), offers_in_person=False,
                                 offers_video=True, offers_phone=False)
    with django_assert_num_queries(4):
        by_mode = next_free_slot_by_structure_and_mode(now=NOW)
    firsts = {mode: slot.starts_at for mode, slot in by_mode[advisor.structure_id].items()}
    assert firsts == {"video": paris(2026, 3, 24, 14), "in_person": paris(2026, 3, 27, 10),
                      "phone": paris(2026, 3, 27, 10)}
    for mode, slot in by_mode[advisor.structure_id].items():
        assert next_free_slot_by_structure(now=NOW, mode=mode)[advisor.structure_id] == slot


def test_training_registered_but_not_attended_or_not_initial_does_not_count():
    advisor = AdvisorFactory()
    ConventionFactory(structure=advisor.structure)
    RecurringAvailabilityFactory(advisor=advisor)
    TrainingAttendanceFactory(user=advisor.user, attended=False)
    TrainingAttendanceFactory(user=advisor.user, session__kind="network_event")
    assert structure_slots(advisor, paris(2026, 3, 20), paris(2026, 4, 30)) == []
    assert not advisor_is_bookable(advisor, dt.date(2026, 3, 27))


# --- Elapsed time across daylight-saving changes (somobilite.clock) -------------------------

#: The Sundays the clocks change in 2026 and 2027 (forward in March, back in October).
CHANGE_SUNDAYS = [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2027, 3, 28),
                  dt.date(2027, 10, 31)]


def _paris_on(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return paris(day.year, day.month, day.day, hour, minute)


@pytest.mark.parametrize("sunday", CHANGE_SUNDAYS)
def test_the_notice_and_the_horizon_are_elapsed_time_from_a_paris_now(sunday):
    from bookings.slots import booking_window

    friday_noon = _paris_on(sunday - dt.timedelta(days=2), 12)  # Paris-aware, as allowed
    earliest, latest = booking_window(friday_noon)
    assert earliest.timestamp() - friday_noon.timestamp() == 48 * 3600
    assert latest.timestamp() - friday_noon.timestamp() == 8 * 7 * 86400
    earliest, _latest = booking_window(friday_noon, notice=False)
    assert earliest.timestamp() == friday_noon.timestamp()


@pytest.mark.parametrize("sunday", CHANGE_SUNDAYS)
def test_every_slot_lasts_the_interview_length_on_a_change_night(sunday):
    from advisors.models import Advisor
    from bookings.slots import free_slots

    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=6, start_time=dt.time(0),
                                 end_time=dt.time(5))
    now = _paris_on(sunday - dt.timedelta(days=7), 12)
    start, end = _paris_on(sunday, 0), _paris_on(sunday + dt.timedelta(days=1), 0)
    spring = sunday.month == 3
    expected = ["00:00", "01:00", "03:00", "04:00"] if spring else [
        "00:00", "01:00", "02:00", "03:00", "04:00"]
    for slots in (free_slots(advisors=Advisor.objects.filter(pk=advisor.pk), start=start,
                             end=end, now=now),
                  structure_slots(advisor, start, end, now=now)):
        assert [f"{s.starts_at.astimezone(PARIS):%H:%M}" for s in slots] == expected
        assert {s.ends_at.timestamp() - s.starts_at.timestamp() for s in slots} == {3600}
        assert len({s.starts_at.timestamp() for s in slots}) == len(slots)


def test_a_young_persons_own_appointment_in_one_query(django_assert_num_queries):
    mine = AppointmentFactory()
    youth = mine.youth
    theirs = AppointmentFactory(advisor=mine.advisor, starts_at=paris(2026, 3, 27, 11))
    with django_assert_num_queries(1):
        found = appointment_get_for_youth(youth=youth, public_id=str(mine.public_id))
        assert found == mine
        assert found.youth is youth
        assert found.structure.public_name == mine.structure.public_name
    assert appointment_get_for_youth(youth=youth, public_id=theirs.public_id) is None
    assert appointment_get_for_youth(youth=YouthFactory(), public_id=mine.public_id) is None
    with django_assert_num_queries(0):
        assert appointment_get_for_youth(youth=youth, public_id="pas-un-uuid") is None
