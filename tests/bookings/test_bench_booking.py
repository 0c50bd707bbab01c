"""The booking benchmark builds a data set the database accepts and measures it (no timing
asserted: speed is read from `make bench`)."""

from io import StringIO

import pytest
from django.core.management import call_command

from bookings.models import Appointment, AppointmentStatus


@pytest.mark.django_db
def test_bench_booking_builds_valid_appointments_and_runs():
    out = StringIO()
    call_command("bench_booking", "--keep", "--structures", "3", "--advisors", "6",
                 "--past", "60", "--future", "12", "--runs", "1", stdout=out)
    done = Appointment.objects.filter(status=AppointmentStatus.DONE)
    assert done.count() == 60 and not done.filter(confirmed_at__isnull=True).exists()
    assert Appointment.objects.filter(status=AppointmentStatus.CONFIRMED).count() == 12
    assert "plancher" in out.getvalue()
