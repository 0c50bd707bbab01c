"""Two people can never hold the same slot, whatever the load (PostgreSQL, real connections).

First the race is shown happening: every thread sees the slot free before anyone writes, so a
check-then-insert without protection would book it N times; only the database constraint
stops it. Then the booking service (lock, re-check, write) lets exactly one win and tells the
others "ce créneau vient d'être réservé" with the next free slots.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bookings import services
from bookings.models import Appointment, AppointmentStatus
from bookings.slots import slot_is_free
from tests.factories import AppointmentFactory, BookableAdvisorFactory, RecurringAvailabilityFactory
from tests.threads import run_at_once

from .conftest import NOW, details, paris

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 8
FRIDAY_9 = paris(2026, 3, 27, 9)


@pytest.fixture
def advisor():
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=4, start_time=dt.time(9),
                                 end_time=dt.time(12))
    return advisor


def test_without_the_lock_every_thread_sees_the_slot_free_and_only_the_db_stops_them(advisor):
    def check_then_insert(i, barrier):
        seen_free = slot_is_free(advisor=advisor, starts_at=FRIDAY_9, mode="video", now=NOW)
        barrier.wait()  # everybody has checked before anybody writes: the race
        try:
            with transaction.atomic():
                AppointmentFactory(advisor=advisor, starts_at=FRIDAY_9,
                                   youth__email=f"course{i}@exemple.fr")
        except IntegrityError:
            return (seen_free is not None, "refused by the database")
        return (seen_free is not None, "inserted")

    results = run_at_once(check_then_insert, THREADS)
    assert all(saw_free for saw_free, _ in results)  # the check alone would double book
    assert sorted(outcome for _, outcome in results) == (
        ["inserted"] + ["refused by the database"] * (THREADS - 1))
    assert Appointment.objects.filter(status=AppointmentStatus.CONFIRMED).count() == 1


def test_the_exclusion_constraint_refuses_overlaps_the_unique_index_would_miss(advisor):
    AppointmentFactory(advisor=advisor, starts_at=FRIDAY_9)
    with pytest.raises(IntegrityError, match="appointment_no_overlap"), transaction.atomic():
        AppointmentFactory(advisor=advisor, starts_at=FRIDAY_9 + dt.timedelta(minutes=30))
    # Cancelled appointments do not count; other advisors neither.
    AppointmentFactory(advisor=advisor, starts_at=FRIDAY_9, status="cancelled_by_youth")
    AppointmentFactory(starts_at=FRIDAY_9)


def test_many_concurrent_bookings_of_one_slot_exactly_one_wins(advisor):
    def book(i, barrier):
        barrier.wait()
        return services.appointment_hold(
            advisor=advisor, starts_at=FRIDAY_9, mode="video", details=details(),
            email=f"jeune{i}@exemple.fr", now=NOW)

    results = run_at_once(book, THREADS)
    winners = [r for r in results if isinstance(r, Appointment)]
    losers = [r for r in results if isinstance(r, services.BookingError)]
    assert len(winners) == 1, results
    assert len(losers) == THREADS - 1, results
    for error in losers:
        assert "vient d'être réservé" in error.message
        assert [s.starts_at for s in error.next_slots][:2] == [
            paris(2026, 3, 27, 10), paris(2026, 3, 27, 11)]
    assert Appointment.objects.filter(status=AppointmentStatus.PENDING).count() == 1


def test_concurrent_holds_of_one_new_address_make_one_account_and_keep_one_hold():
    """Eight holds at once for an address nobody has used yet, with eight advisors (no
    advisor's lock orders them): one account is created, the holds follow one another (each
    replaces the previous one: the account's row is locked), and one is left."""
    advisors = [BookableAdvisorFactory() for _ in range(THREADS)]
    for advisor in advisors:
        RecurringAvailabilityFactory(advisor=advisor, weekday=4, start_time=dt.time(9),
                                     end_time=dt.time(12))

    def book(i, barrier):
        barrier.wait()
        return services.appointment_hold(
            advisor=advisors[i], starts_at=FRIDAY_9, mode="video",
            details=details(), email="meme.personne@exemple.fr", now=NOW)

    results = run_at_once(book, THREADS)
    assert all(isinstance(r, Appointment) for r in results), results
    (youth,) = {r.youth for r in results}
    assert youth.email == "meme.personne@exemple.fr"
    held = Appointment.objects.filter(youth=youth)
    assert held.count() == THREADS
    assert held.filter(status=AppointmentStatus.PENDING).count() == 1
    assert held.filter(status=AppointmentStatus.EXPIRED).count() == THREADS - 1
