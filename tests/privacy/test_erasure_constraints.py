"""Erasing a young person (account deletion, the retention run) passes every database
constraint, whatever their appointments are: each mode, each status, past and to come.

The kind of fault (tester t-book8 #1): the erasure blanks personal columns with one UPDATE,
below the models' validation, so a check written for a known person (« a phone interview has a
number ») refused the erasure with a 500, and the nightly retention run stopped at that person.
"""

import datetime as dt

import pytest

from bookings.models import ACTIVE_STATUSES, Appointment, AppointmentStatus, Mode
from bookings.personal_data import PERSONAL_FIELDS
from privacy.services import user_erase
from tests.factories import AppointmentFactory, BookableAdvisorFactory, YouthFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
# A future appointment can be waiting, confirmed or already over as a booking, not attended.
FUTURE_STATUSES = (*ACTIVE_STATUSES, AppointmentStatus.EXPIRED,
                   AppointmentStatus.CANCELLED_BY_YOUTH, AppointmentStatus.CANCELLED_BY_STRUCTURE)


def _appointment(*, advisor, youth, mode: str, status: str, starts_at: dt.datetime):
    return AppointmentFactory(
        advisor=advisor, youth=youth, mode=mode, status=status, starts_at=starts_at,
        hold_expires_at=(starts_at - dt.timedelta(days=2)
                         if status in (AppointmentStatus.PENDING, AppointmentStatus.EXPIRED)
                         else None),
        guardian_email="parent@exemple.fr", cancel_reason="Un empêchement, dit par la personne.")


@pytest.mark.parametrize("mode", Mode.values)
def test_a_young_person_is_erased_whatever_their_appointments(mode):
    youth, advisor = YouthFactory(), BookableAdvisorFactory()
    past = [_appointment(advisor=advisor, youth=youth, mode=mode, status=status,
                         starts_at=NOW - dt.timedelta(days=30 + index))
            for index, status in enumerate(AppointmentStatus.values)]
    future = [_appointment(advisor=advisor, youth=youth, mode=mode, status=status,
                           starts_at=NOW + dt.timedelta(days=10 + index))
              for index, status in enumerate(FUTURE_STATUSES)]

    user_erase(user=youth, now=NOW)

    rows = Appointment.objects.filter(youth=youth)
    assert sorted(rows.values_list("pk", flat=True)) == sorted(a.pk for a in past + future)
    for column, erased in PERSONAL_FIELDS.items():
        assert set(rows.values_list(column, flat=True)) == {erased}, column
    assert set(rows.values_list("mode", flat=True)) == {mode}  # the statistics keep the mode
    # What was still to come is cancelled (its advisor told), the rest keeps its status.
    statuses = dict(rows.values_list("pk", "status"))
    assert not any(statuses[a.pk] in ACTIVE_STATUSES for a in future)
    assert [statuses[a.pk] for a in past] == list(AppointmentStatus.values)
    youth.refresh_from_db()
    assert youth.anonymised_at == NOW and youth.first_name == ""
