"""Data migrations of the bookings app, run on rows written the way the code wrote them then."""

import contextlib
import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection

from bookings.models import Appointment, AppointmentStatus
from bookings.statistics import Filters, interviews
from tests.factories import AppointmentFactory, BookableAdvisorFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 18, 11, 0, tzinfo=dt.UTC)


@contextlib.contextmanager
def without_the_status_check():
    """Rows as stored before migration 0020 (a cancelled hold never confirmed) break today's
    check: lift it for the test's transaction (PostgreSQL rolls the ``ALTER`` back with it;
    SQLite ignores CHECK constraints while the pragma is on)."""
    name = "appointment_confirmed_at_matches_status"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE bookings_appointment DROP CONSTRAINT {name}")
            yield
        else:
            cursor.execute("PRAGMA ignore_check_constraints = 1")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = 0")


def test_0020_expires_the_cancelled_holds_never_confirmed_and_keeps_real_cancellations():
    """Tester t9a #1: holds released before their code was typed were stored as cancelled by
    the structure or the young person and counted as interviews. Confirmed ones (their
    history shows it, ``confirmed_at`` lost) stay cancelled and get their confirmation's
    moment; the others become expired and leave every figure."""
    migration = importlib.import_module(
        "bookings.migrations.0020_released_holds_are_never_interviews")
    advisor = BookableAdvisorFactory()
    starts_at = dt.datetime(2026, 3, 27, 9, tzinfo=dt.UTC)
    with without_the_status_check():
        released = [AppointmentFactory(advisor=advisor, status=status, confirmed_at=None,
                                       starts_at=starts_at + dt.timedelta(hours=index),
                                       cancelled_at=NOW, cancel_reason="Libérée")
                    for index, status in enumerate((AppointmentStatus.CANCELLED_BY_STRUCTURE,
                                                    AppointmentStatus.CANCELLED_BY_YOUTH))]
        # Confirmed (a history row says so), then cancelled; its confirmed_at lost.
        confirmed = AppointmentFactory(advisor=advisor, starts_at=starts_at + dt.timedelta(
            days=1), status=AppointmentStatus.CONFIRMED)
        first_confirmation = confirmed.history.get().history_date
        Appointment.objects.filter(pk=confirmed.pk).update(
            status=AppointmentStatus.CANCELLED_BY_YOUTH, confirmed_at=None, cancelled_at=NOW)
        kept = AppointmentFactory(advisor=advisor, starts_at=starts_at + dt.timedelta(days=2),
                                  status=AppointmentStatus.CANCELLED_BY_STRUCTURE)

        migration.release_unconfirmed_cancellations(apps, None)

    rows = {row.pk: row for row in Appointment.objects.all()}
    for row in released:
        assert (rows[row.pk].status, rows[row.pk].confirmed_at) == (
            AppointmentStatus.EXPIRED, None)
        assert (rows[row.pk].cancelled_at, rows[row.pk].cancel_reason) == (NOW, "Libérée")
    assert (rows[confirmed.pk].status, rows[confirmed.pk].confirmed_at) == (
        AppointmentStatus.CANCELLED_BY_YOUTH, first_confirmation)
    assert (rows[kept.pk].status, rows[kept.pk].confirmed_at) == (
        AppointmentStatus.CANCELLED_BY_STRUCTURE, kept.confirmed_at)
    march = Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert set(interviews(march).values_list("pk", flat=True)) == {confirmed.pk, kept.pk}
