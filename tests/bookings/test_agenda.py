"""The staff fetcher of an appointment and the agenda reads (bookings.agenda)."""

import datetime as dt

import pytest

from bookings.agenda import (
    agenda_appointments,
    appointment_get_for_staff,
    appointments_to_fill_in,
    follow_ups_due,
    staff_hold_get,
)
from bookings.models import Appointment
from tests.factories import AppointmentFactory, CoordinatorFactory
from tests.staff_world import NOW, paris, withdrawn_advisor

pytestmark = pytest.mark.django_db


def _get(user, appointment, mfa=False):
    return appointment_get_for_staff(user=user, public_id=appointment.public_id,
                                     coordinator_mfa=mfa)


def test_advisors_of_the_structure_and_coordinators_with_mfa_only(staff_world):
    world = staff_world
    appointment = world.appointment
    assert _get(world.advisor.user, appointment) == appointment
    assert _get(world.colleague.user, appointment) == appointment
    assert _get(world.coordinator, appointment, mfa=True) == appointment
    refused = [world.other.user, world.youth, withdrawn_advisor(world.structure).user]
    for user in refused:
        with pytest.raises(Appointment.DoesNotExist):
            _get(user, appointment, mfa=True)
    with pytest.raises(Appointment.DoesNotExist):
        _get(CoordinatorFactory(), appointment, mfa=False)


def test_a_hold_never_confirmed_opens_nothing(staff_world):
    world = staff_world
    hold = AppointmentFactory(advisor=world.advisor, youth=world.youth, status="pending",
                              confirmed_at=None, hold_expires_at=paris(2026, 3, 20),
                              starts_at=paris(2026, 3, 25, 9), booked_by=world.advisor.user)
    with pytest.raises(Appointment.DoesNotExist):
        _get(world.advisor.user, hold)
    assert staff_hold_get(user=world.colleague.user, public_id=hold.public_id) == hold
    with pytest.raises(Appointment.DoesNotExist):
        staff_hold_get(user=world.other.user, public_id=hold.public_id)


def test_unknown_or_malformed_ids_are_not_found(staff_world):
    world = staff_world
    for value in ("pas-un-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Appointment.DoesNotExist):
            appointment_get_for_staff(user=world.advisor.user, public_id=value,
                                      coordinator_mfa=False)


def test_agenda_reads(staff_world):
    world = staff_world
    advisor_ids = [world.advisor.pk]
    later = AppointmentFactory(advisor=world.advisor, starts_at=paris(2026, 3, 20, 14))
    AppointmentFactory(advisor=world.advisor, starts_at=paris(2026, 3, 20, 16),
                       status="cancelled_by_youth")
    AppointmentFactory(advisor=world.colleague, starts_at=paris(2026, 3, 20, 10))
    done = AppointmentFactory(advisor=world.advisor, starts_at=paris(2026, 3, 18, 9),
                              status="done", follow_up_on=dt.date(2026, 3, 19))
    assert agenda_appointments(advisor_ids=advisor_ids, start=paris(2026, 3, 18),
                               end=paris(2026, 3, 21)) == [done, world.appointment, later]
    assert appointments_to_fill_in(advisor_ids=advisor_ids, now=NOW) == [world.appointment]
    assert follow_ups_due(advisor_ids=advisor_ids, until=dt.date(2026, 3, 19)) == [done]
    assert follow_ups_due(advisor_ids=advisor_ids, until=dt.date(2026, 3, 18)) == []
