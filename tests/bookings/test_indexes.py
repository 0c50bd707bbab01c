"""The hold's look-ups read an index made for them (PostgreSQL plans, not timings): on the
benchmark's 100,000 past appointments the count of a client address's unconfirmed holds
walked every (starts_at, status) entry, ~8 ms per hold."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Appointment
from tests.factories import AppointmentFactory, YouthFactory

from .conftest import NOW, details, paris

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


def _plan(sql: str) -> str:
    """PostgreSQL's plan for ``sql`` when any index that can serve it is preferred."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    return plan


def _production_like(advisor, count: int = 1500) -> None:
    """Many confirmed appointments, and the table's statistics read (ANALYZE), as in
    production. On a nearly empty table the planner's costs of two indexes tie, and it chose
    the partial unique index of active appointments (which also holds the pending ones) in one
    CI run out of four: the plan compared then depended on chance, not on the index."""
    youth = YouthFactory()
    first = paris(2026, 4, 1, 9)
    Appointment.objects.bulk_create([
        AppointmentFactory.build(advisor=advisor, youth=youth,
                                 starts_at=first + dt.timedelta(hours=hour))
        for hour in range(count)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE bookings_appointment")


def test_a_holds_count_of_its_client_address_reads_the_pending_holds_index(advisor):
    from bookings import services

    _production_like(advisor)

    with CaptureQueriesContext(connection) as queries:
        services.appointment_hold(advisor=advisor, starts_at=paris(2026, 3, 27, 9),
                                  mode="video", details=details(), email="lea@exemple.fr",
                                  now=NOW, client_ip="198.51.100.7")
    counts = [q["sql"] for q in queries.captured_queries
              if "COUNT(" in q["sql"] and '"hold_client_ip" = ' in q["sql"]]
    assert len(counts) == 1
    assert "appointment_pending_hold_ip" in _plan(counts[0])
