"""Data of the scenarios (fictional people and places), written through the ORM of this
process into the stack's database, at the real date (the served app runs on the real clock),
and the helpers that read the outcome back."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment, Notification
from bookings.slots import next_free_slots_for_structure
from tests.factories import (
    AppointmentFactory,
    BookableAdvisorFactory,
    ConventionFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
)

_serial = itertools.count(1)


@dataclass(frozen=True)
class SlotToBook:
    advisor_id: int
    starts_at: dt.datetime
    mode: str
    slug: str

    @property
    def url(self) -> str:
        query = urlencode({"conseiller": self.advisor_id, "debut": self.starts_at.isoformat(),
                           "mode": self.mode})
        return f"{reverse('bookings:book', args=[self.slug])}?{query}"


def bookable_structure(*, advisors: int, name: str):
    """An active structure with a convention in force (signed a month ago) and ``advisors``
    trained advisors free every weekday 9:00–17:00, in person and by video."""
    today = timezone.localdate()
    n = next(_serial)
    structure = StructureFactory(slug=f"scenario-{n}-{name}",
                                 public_name=f"Info Jeunes Scénario {n}")
    ConventionFactory(structure=structure, signed_on=today - dt.timedelta(days=40),
                      services_start_on=today - dt.timedelta(days=30))
    for _ in range(advisors):
        advisor = BookableAdvisorFactory(structure=structure)
        for weekday in range(5):
            RecurringAvailabilityFactory(advisor=advisor, weekday=weekday,
                                         start_time=dt.time(9), end_time=dt.time(17),
                                         valid_from=today - dt.timedelta(days=30),
                                         offers_phone=False)
    return structure


def free_slots(structure, count: int) -> list[SlotToBook]:
    """The first ``count`` free slots of ``structure`` (one advisor each), as the app lists
    them now."""
    slots = next_free_slots_for_structure(structure=structure, now=timezone.now(),
                                                    limit=count)
    assert len(slots) == count, f"only {len(slots)} free slots seeded"
    return [SlotToBook(advisor_id=s.advisor_id, starts_at=s.starts_at, mode="in_person",
                       slug=structure.slug) for s in slots]


def due_reminders(*, structure, count: int) -> list[Appointment]:
    """``count`` confirmed appointments in the coming hours whose reminder is due now."""
    now = timezone.now()
    advisors = list(structure.advisors.all())
    appointments = []
    for i in range(count):
        advisor = advisors[i % len(advisors)]
        starts_at = (now + dt.timedelta(hours=2 + i // len(advisors))).replace(
            minute=0, second=0, microsecond=0)
        appointments.append(AppointmentFactory(
            advisor=advisor, starts_at=starts_at, reminder_due_at=now - dt.timedelta(minutes=1),
            confirmed_at=now - dt.timedelta(days=3), consent_at=now - dt.timedelta(days=3)))
    return appointments


def person(i: int, tag: str) -> dict:
    return {"first_name": f"Camille{i}", "last_name": f"Scénario-{tag}",
            "email": f"jeune-{tag}-{i}@exemple.fr"}


def duplicates(keys: list) -> int:
    """How many deliveries beyond the first, per key."""
    return sum(n - 1 for n in Counter(keys).values() if n > 1)


def outbox_of(structure):
    return Notification.objects.filter(appointment__structure=structure)
