"""Data builders shared by the booking page and API tests (fictional people and places)."""

import datetime as dt
import html
import re
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.core import mail
from django.urls import reverse

from bookings.models import RecurringAvailability
from tests.factories import (
    AdvisorFactory,
    ConventionFactory,
    StructureFactory,
    TrainingAttendanceFactory,
)

PARIS = ZoneInfo("Europe/Paris")
# A Monday morning: with the 48-hour rule, Wednesday 4 March 2026 at 9:00 is the first slot.
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=PARIS)
FIRST_SLOT = dt.datetime(2026, 3, 4, 9, 0, tzinfo=PARIS)


def bookable_advisor(*, structure=None, modes=("in_person", "video"), weekdays=range(5),
                     start=dt.time(9), end=dt.time(12), **structure_fields):
    """A trained advisor of an active structure with a convention in force, free ``start`` to
    ``end`` on ``weekdays``."""
    if structure is None:
        structure = StructureFactory(**structure_fields)
        ConventionFactory(structure=structure)
    advisor = AdvisorFactory(structure=structure)
    TrainingAttendanceFactory(user=advisor.user)
    for weekday in weekdays:
        RecurringAvailability.objects.create(
            advisor=advisor, weekday=weekday, start_time=start, end_time=end,
            valid_from=dt.date(2025, 1, 1), offers_in_person="in_person" in modes,
            offers_video="video" in modes, offers_phone="phone" in modes,
        )
    return advisor


def book_url(advisor, starts_at: dt.datetime, mode: str | None = None) -> str:
    params = {"conseiller": advisor.pk, "debut": starts_at.isoformat()}
    if mode:
        params["mode"] = mode
    return f"{reverse('bookings:book', args=[advisor.structure.slug])}?{urlencode(params)}"


def form_data(**overrides) -> dict:
    data = {
        "mode": "in_person",
        "first_name": "Lou",
        "last_name": "Exemple",
        "email": "lou.exemple@exemple.fr",
        "phone": "",
        "birth_date": "2004-05-17",
        "postal_code": "33800",
        "youth_status": "student",
        "domains": ["studies", "internship"],
        "project": "Un semestre au Québec.",
        "guardian_email": "",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def last_code(to: str) -> str:
    """The login code of the last email sent to ``to``."""
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return re.search(r"^\s*([A-Z0-9-]{4,12})\s*$", message.body, re.MULTILINE).group(1)


def text(response) -> str:
    """The page as text, HTML entities decoded (so assertions read like the page)."""
    return html.unescape(response.content.decode())
