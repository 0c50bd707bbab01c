"""An advisor's private calendar feed: an .ics URL her calendar application (Outlook,
Thunderbird, a phone) subscribes to, so her coming interviews show there (issue 13).

Public contract:

- ``calendar_feed_regenerate(*, advisor, now) -> CalendarFeed``: creates the feed, or replaces
  its key so the previous URL stops working at once.
- ``calendar_feed_revoke(*, advisor) -> bool``: the URL stops working; True if there was one.
- ``calendar_feed_token(feed) -> str``: the secret part of the URL (64 hexadecimal digits:
  the key, then an HMAC-SHA256 of it with SECRET_KEY, truncated to 128 bits).
- ``calendar_feed_for_token(token) -> CalendarFeed | None``: the one fetcher; None for a
  damaged, forged, revoked or replaced token, a withdrawn advisor or a deactivated account.
  The token opens this feed and nothing else: it logs nobody in.
- ``calendar_feed_ics(*, feed, now) -> bytes``: the iCalendar document.

Content: the advisor's confirmed interviews from the start of the current day (Paris) on.
Each event's UID is stable (derived from the appointment's public id), so a moved interview
moves in the calendar (same UID, new time, higher SEQUENCE) and a cancelled one, absent from
the document, disappears. Only what the advisor needs to find the interview leaves the site
(calendar providers store it): the young person's first name, the mode, the place or video
link, and the link to the interview screen (which asks to log in). No surname, phone number,
email or project.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from advisors.models import Advisor

from .models import Appointment, AppointmentStatus, CalendarFeed, Mode

SALT = "bookings.calendar-feed"
KEY_HEX_DIGITS = 32
MAC_HEX_DIGITS = 32
TOKEN_PATTERN = rf"[0-9a-f]{{{KEY_HEX_DIGITS + MAC_HEX_DIGITS}}}"
#: How often calendar applications are asked to read the feed again.
REFRESH_INTERVAL = dt.timedelta(hours=1)
#: ``last_read_at`` is written at most this often (applications poll every few minutes).
READ_STAMP_EVERY = dt.timedelta(minutes=15)


def _mac(key: str) -> str:
    return salted_hmac(SALT, key, algorithm="sha256").hexdigest()[:MAC_HEX_DIGITS]


def calendar_feed_token(feed: CalendarFeed) -> str:
    return f"{feed.key}{_mac(feed.key)}"


def calendar_feed_regenerate(*, advisor: Advisor, now: dt.datetime) -> CalendarFeed:
    """A new secret URL for ``advisor`` (the previous one, if any, stops working)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(
            advisor=advisor, defaults={"key": secrets.token_hex(KEY_HEX_DIGITS // 2),
                                       "created_at": now})
        if not created:
            feed.key = secrets.token_hex(KEY_HEX_DIGITS // 2)
            feed.created_at = now
            feed.last_read_at = None
            feed.save(update_fields=["key", "created_at", "last_read_at"])
    return feed


def calendar_feed_revoke(*, advisor: Advisor) -> bool:
    deleted, _by_model = CalendarFeed.objects.filter(advisor=advisor).delete()
    return bool(deleted)


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    """See the module docstring. Compares the signature in constant time."""
    if len(token) != KEY_HEX_DIGITS + MAC_HEX_DIGITS:
        return None
    key, mac = token[:KEY_HEX_DIGITS], token[KEY_HEX_DIGITS:]
    if not constant_time_compare(mac, _mac(key)):
        return None
    return (CalendarFeed.objects.filter(key=key, advisor__withdrawn_on__isnull=True,
                                        advisor__user__is_active=True)
            .select_related("advisor__user", "advisor__structure").first())


def calendar_feed_mark_read(*, feed: CalendarFeed, now: dt.datetime) -> None:
    """Remember that an application read the feed (shown to the advisor), at most every
    ``READ_STAMP_EVERY``: one conditional UPDATE, no lock."""
    CalendarFeed.objects.filter(pk=feed.pk).filter(
        Q(last_read_at__isnull=True) | Q(last_read_at__lt=now - READ_STAMP_EVERY),
    ).update(last_read_at=now)


def feed_appointments(*, advisor: Advisor, now: dt.datetime) -> QuerySet[Appointment]:
    """The advisor's confirmed interviews ending after the start of today (Paris)."""
    today = dt.datetime.combine(timezone.localdate(now), dt.time.min,
                                tzinfo=timezone.get_default_timezone())
    return (Appointment.objects.filter(advisor=advisor, status=AppointmentStatus.CONFIRMED,
                                       ends_at__gt=today)
            .select_related("structure").order_by("starts_at"))


def feed_uid(appointment: Appointment) -> str:
    """Stable for the life of the appointment, moves included; distinct from the UID of the
    invitations emailed to the young person, which live in other calendars."""
    return f"{appointment.public_id}-conseil@somobilite.fr"


def _location(appointment: Appointment) -> str:
    if appointment.mode == Mode.VIDEO:
        return appointment.video_url
    if appointment.mode == Mode.PHONE:
        return _("Par téléphone (le numéro est sur la fiche de l'entretien)")
    return appointment.place or appointment.structure.address


def calendar_feed_ics(*, feed: CalendarFeed, now: dt.datetime) -> bytes:
    """The iCalendar document of ``feed`` at ``now`` (see the module docstring)."""
    advisor = feed.advisor
    calendar = Calendar()
    calendar.add("prodid", "-//So Mobilité//Agenda des entretiens//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("So Mobilité – entretiens de %(name)s") % {
        "name": advisor.user.get_full_name() or advisor.user.email}
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    for appointment in feed_appointments(advisor=advisor, now=now):
        url = settings.SITE_URL + reverse("backoffice:interview", args=[appointment.public_id])
        event = Event()
        event.add("uid", feed_uid(appointment))
        event.add("sequence", appointment.sequence)
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("last-modified", appointment.updated_at.astimezone(dt.UTC))
        event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
        event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
        event.add("summary", _("Entretien So Mobilité : %(first_name)s (%(mode)s)") % {
            "first_name": appointment.first_name, "mode": appointment.get_mode_display()})
        event.add("location", _location(appointment))
        event.add("description", _("Fiche de l'entretien : %(url)s") % {"url": url})
        event.add("url", url)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
