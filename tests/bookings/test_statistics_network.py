"""The statistics added for the coordinators (issue 14) on a small hand-built network whose
answers are counted by hand: the delay between booking and interview, slots offered against
slots used, who was received, destinations wished."""

import datetime as dt

import pytest

from bookings.models import Absence, AbsenceKind
from bookings.models import AppointmentStatus as S
from bookings.statistics import (
    AGE_UNKNOWN,
    OCCUPANCY_MAX_DAYS,
    Filters,
    booking_delay,
    booking_delay_bands,
    destinations_requested,
    occupancy,
    offered_slot_counts,
    youth_received,
)
from matching.models import MobilityProfile
from tests.factories import (
    AdvisorFactory,
    AppointmentFactory,
    BookableAdvisorFactory,
    OneOffAvailabilityFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
    YouthFactory,
)
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

# Thursday 19 March 2026, 10:30 in Paris.
NOW = paris(2026, 3, 19, 10, 30)
MARCH = Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


@pytest.fixture
def network():
    """Structure X (Gironde) and Y (Pyrénées-Atlantiques). Requests of March (interviews not
    cancelled beforehand) and their delays since booking, in days: X 2, 4, 10, 3; Y 6, 1."""
    x = BookableAdvisorFactory(structure=StructureFactory(departement="33", public_name="X"))
    y = BookableAdvisorFactory(structure=StructureFactory(departement="64", public_name="Y"))

    def add(advisor, when, status, *, waited_days, **extra):
        return AppointmentFactory(advisor=advisor, starts_at=when, status=status,
                                  consent_at=when - dt.timedelta(days=waited_days), **extra)

    add(x, paris(2026, 3, 2, 9), S.DONE, waited_days=2, age_at_interview=17,
        youth_status="pupil", departement="33", mode="in_person")
    add(x, paris(2026, 3, 3, 9), S.DONE, waited_days=4, age_at_interview=19,
        youth_status="student", departement="33")
    add(x, paris(2026, 3, 4, 9), S.DONE, waited_days=10, age_at_interview=30,
        youth_status="job_seeker", departement="24")
    add(x, paris(2026, 3, 5, 9), S.NO_SHOW, waited_days=3, age_at_interview=22)
    # Cancelled beforehand: no delay, no slot used.
    add(x, paris(2026, 3, 6, 9), S.CANCELLED_BY_YOUTH, waited_days=100)
    # Y: one held by a young person since anonymised (no age, no département), one upcoming.
    add(y, paris(2026, 3, 9, 9), S.DONE, waited_days=6, age_at_interview=None,
        youth_status="student", departement="", postal_code="", mode="phone")
    add(y, paris(2026, 3, 25, 9), S.CONFIRMED, waited_days=1, age_at_interview=27)
    # Out of the period (Paris time).
    add(x, paris(2026, 2, 28, 23, 30), S.DONE, waited_days=50, age_at_interview=40)
    return x, y


def test_booking_delay_mean_and_median_in_days(network, django_assert_num_queries):
    with django_assert_num_queries(2):
        delay = booking_delay(MARCH)
    # Delays 1, 2, 3, 4, 6, 10: an even count, the median is the mean of the middle two.
    assert delay.count == 6
    assert delay.mean_days == pytest.approx(26 / 6)
    assert delay.median_days == pytest.approx(3.5)
    x, _y = network
    only_x = booking_delay(Filters(start=MARCH.start, end=MARCH.end,
                                   structure_ids=(x.structure_id,)))
    assert (only_x.count, only_x.median_days, only_x.mean_days) == (4, 3.5, 4.75)
    odd = booking_delay(Filters(start=MARCH.start, end=MARCH.end, departements=("64",)))
    assert (odd.count, odd.median_days, odd.mean_days) == (2, 3.5, 3.5)
    three = booking_delay(Filters(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 4)))
    assert (three.count, three.median_days) == (3, 4)
    none = booking_delay(Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)))
    assert (none.count, none.mean_days, none.median_days) == (0, None, None)


def test_delay_across_a_daylight_saving_change_is_elapsed_time():
    advisor = BookableAdvisorFactory()
    # Booked Saturday 28 March 2026 at 9:00, interview Monday 30 March at 9:00: the clocks
    # went forward on Sunday, so 47 hours passed.
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 30, 9), status=S.CONFIRMED,
                       consent_at=paris(2026, 3, 28, 9))
    assert booking_delay(MARCH).median_days == pytest.approx(47 / 24)


def test_youth_received_by_age_band_status_and_departement(network,
                                                          django_assert_num_queries):
    with django_assert_num_queries(1):
        received = youth_received(MARCH)
    # Held in March: X 17 / 19 / 30, Y one anonymised. The no-show and upcoming are not.
    assert received.total == 4
    assert received.age_bands == [("moins de 15 ans", 0), ("15-17 ans", 1), ("18-25 ans", 1),
                                  ("26-30 ans", 1), ("31 ans et plus", 0), (AGE_UNKNOWN, 1)]
    assert {row.code: row.count for row in received.statuses} == {
        "pupil": 1, "student": 2, "job_seeker": 1}
    assert received.statuses[0].label == "étudiant·e"
    assert [(row.code, row.label, row.count) for row in received.departements] == [
        ("33", "33 – Gironde", 2), ("24", "24 – Dordogne", 1), ("", AGE_UNKNOWN, 1)]


def test_slots_offered_against_slots_used(network, django_assert_num_queries):
    x, y = network
    # X offers Fridays 9:00-12:00 (three slots): 6, 13, 20 and 27 March = 12 slots, minus one
    # hour of absence on the 13th, plus a one-off afternoon of two slots (not by phone).
    RecurringAvailabilityFactory(advisor=x, weekday=4, start_time=dt.time(9),
                                 end_time=dt.time(12))
    Absence.objects.create(advisor=x, starts_at=paris(2026, 3, 13, 9),
                           ends_at=paris(2026, 3, 13, 10), kind=AbsenceKind.SHORT,
                           reason="Rendez-vous médical")
    OneOffAvailabilityFactory(advisor=x, date=dt.date(2026, 3, 25), start_time=dt.time(14),
                              end_time=dt.time(16), offers_phone=False)
    # Not counted: an untrained colleague's Fridays, and availability of February.
    RecurringAvailabilityFactory(advisor=AdvisorFactory(structure=x.structure), weekday=4)
    OneOffAvailabilityFactory(advisor=x, date=dt.date(2026, 2, 27))
    with django_assert_num_queries(6):
        rows = occupancy(MARCH, now=NOW)
    by_name = {row.structure_name: row for row in rows}
    assert (by_name["X"].offered, by_name["X"].used) == (13, 4)
    assert by_name["X"].rate == pytest.approx(4 / 13)
    # Y offered nothing and holds two requests: listed, rate unknown.
    assert (by_name["Y"].offered, by_name["Y"].used, by_name["Y"].rate) == (0, 2, None)
    assert [row.structure_name for row in rows] == ["X", "Y"]  # by département
    phone = Filters(start=MARCH.start, end=MARCH.end, modes=("phone",))
    assert offered_slot_counts(phone, now=NOW) == {x.structure_id: 11}
    several = Filters(start=MARCH.start, end=MARCH.end, modes=("phone", "video"))
    assert offered_slot_counts(several, now=NOW) == {x.structure_id: 13}
    in_64 = Filters(start=MARCH.start, end=MARCH.end, departements=("64",))
    assert offered_slot_counts(in_64, now=NOW) == {}
    assert [(r.structure_name, r.offered, r.used) for r in occupancy(in_64, now=NOW)] == [
        ("Y", 0, 2)]
    del y


def test_offered_slots_are_counted_over_chunks_and_bounded():
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=0, start_time=dt.time(9),
                                 end_time=dt.time(10))
    # The 52 Mondays of 2025 but Easter Monday (21 April), Whit Monday (9 June) and
    # 14 July: 49 slots, counted over twelve chunks of days.
    year = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert offered_slot_counts(year, now=NOW) == {advisor.structure_id: 49}
    too_long = Filters(start=dt.date(2024, 1, 1),
                       end=dt.date(2024, 1, 1) + dt.timedelta(days=OCCUPANCY_MAX_DAYS))
    with pytest.raises(ValueError, match="longer than"):
        offered_slot_counts(too_long, now=NOW)


def test_destinations_wished_by_the_young_people_of_the_requests(network,
                                                                 django_assert_num_queries):
    x, _y = network
    lea, tom = YouthFactory(), YouthFactory()
    MobilityProfile.objects.create(user=lea, wish_countries=["DE", "ES"], wish_zones=["eu"])
    MobilityProfile.objects.create(user=tom, wish_countries=["DE"], wish_zones=[])
    # Léa booked twice: her wishes count once.
    AppointmentFactory(advisor=x, youth=lea, starts_at=paris(2026, 3, 10, 9), status=S.DONE)
    AppointmentFactory(advisor=x, youth=lea, starts_at=paris(2026, 3, 12, 9), status=S.NO_SHOW)
    AppointmentFactory(advisor=x, youth=tom, starts_at=paris(2026, 3, 11, 9),
                       status=S.CONFIRMED)
    # Cancelled beforehand: not a request.
    someone = YouthFactory()
    MobilityProfile.objects.create(user=someone, wish_countries=["JP"])
    AppointmentFactory(advisor=x, youth=someone, starts_at=paris(2026, 3, 13, 9),
                       status=S.CANCELLED_BY_STRUCTURE)
    with django_assert_num_queries(4):
        wished = destinations_requested(MARCH)
    assert (wished.people, wished.with_profile) == (8, 2)
    assert [(row.code, row.label, row.count) for row in wished.countries] == [
        ("DE", "Allemagne", 2), ("ES", "Espagne", 1)]
    assert [(row.code, row.label, row.count) for row in wished.zones] == [
        ("eu", "Union européenne", 1)]


def test_booking_delay_bands(network, django_assert_num_queries):
    x, _y = network
    # Exactly three days counts in "3 à 7 jours"; a minute less, in "moins de 3 jours".
    AppointmentFactory(advisor=x, starts_at=paris(2026, 3, 20, 9), status=S.CONFIRMED,
                       consent_at=paris(2026, 3, 17, 9, 1))
    with django_assert_num_queries(1):
        bands = booking_delay_bands(MARCH)
    # Delays 1, 2, 3, 4, 6, 10 days and 2 days 23 h 59.
    assert bands == [("moins de 3 jours", 3), ("3 à 7 jours", 3), ("8 à 14 jours", 1),
                     ("15 à 30 jours", 0), ("31 jours et plus", 0)]
