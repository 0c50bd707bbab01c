"""Shared helpers for the booking tests: Europe/Paris datetimes and a bookable advisor."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import BookableAdvisorFactory, RecurringAvailabilityFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def advisor(db):
    """Bookable advisor (Bordeaux, 33) with Fridays 9:00–12:00, all modes."""
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=4, start_time=dt.time(9),
                                 end_time=dt.time(12))
    return advisor


# Wednesday 18 March 2026, noon in Paris: Friday 20 is too close, Friday 27 is bookable.
NOW = paris(2026, 3, 18, 12)


@pytest.fixture
def frozen_now():
    """Freeze the clock at NOW (tasks queued after commit read the clock)."""
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield NOW


def details(**overrides):
    from bookings.services import BookingDetails

    values = {
        "first_name": "Léa", "last_name": "Fictive", "birth_date": dt.date(2004, 5, 17),
        "postal_code": "33800", "youth_status": "student", "phone": "0600000001",
        "domains": ("studies",), "project": "Un semestre en Espagne.", "consent": True,
    }
    values.update(overrides)
    return BookingDetails(**values)


@pytest.fixture
def staff_world(db):
    """The back-office world (tests/staff_world.py), the clock frozen at its NOW."""
    import time_machine

    from tests.staff_world import NOW as STAFF_NOW
    from tests.staff_world import World

    with time_machine.travel(STAFF_NOW, tick=False):
        yield World()
