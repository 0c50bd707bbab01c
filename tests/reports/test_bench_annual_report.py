"""The annual report's benchmark builds a data set the database accepts (no timing asserted:
speed is read from `make bench`). Its rows are written in bulk, past every model's save: the
database's own checks are what they meet (a cancelled interview was confirmed first)."""

from io import StringIO

import pytest

from bookings.models import Appointment, AppointmentStatus
from reports.management.commands.bench_annual_report import Command

# The command runs PostgreSQL's VACUUM ANALYZE after its bulk writes: outside a transaction.
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_the_annual_report_benchmark_builds_rows_the_database_accepts():
    Command(stdout=StringIO())._build({"structures": 2, "advisors": 4, "interviews": 200}, 2025)
    appointments = Appointment.objects.all()
    assert appointments.count() == 200
    assert not appointments.filter(confirmed_at__isnull=True).exists()
    assert appointments.filter(status__in=(AppointmentStatus.CANCELLED_BY_YOUTH,
                                           AppointmentStatus.CANCELLED_BY_STRUCTURE)).exists()
