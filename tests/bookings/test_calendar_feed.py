"""An advisor's private calendar feed: the token (valid, revoked, regenerated, wrong) and the
feed's content after a booking, a move and a cancellation (issue 13)."""

import datetime as dt

import pytest
from icalendar import Calendar

from bookings import services
from bookings.calendar_feed import (
    calendar_feed_for_token,
    calendar_feed_ics,
    calendar_feed_mark_read,
    calendar_feed_regenerate,
    calendar_feed_revoke,
    calendar_feed_token,
    feed_uid,
)
from bookings.models import AppointmentStatus, CalendarFeed
from tests.factories import AppointmentFactory, BookableAdvisorFactory, RecurringAvailabilityFactory

from .conftest import NOW, details, paris

pytestmark = pytest.mark.django_db

FRIDAY_9 = paris(2026, 3, 27, 9)


def events(feed, now=NOW) -> dict[str, object]:
    calendar = Calendar.from_ical(calendar_feed_ics(feed=feed, now=now))
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_token_valid_revoked_regenerated_and_wrong(advisor):
    feed = calendar_feed_regenerate(advisor=advisor, now=NOW)
    token = calendar_feed_token(feed)
    assert len(token) == 64 and token.isalnum()
    assert calendar_feed_for_token(token) == feed
    # The key alone (what the database holds) is not a token; a forged signature neither.
    assert calendar_feed_for_token(feed.key + "0" * 32) is None
    assert calendar_feed_for_token(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert calendar_feed_for_token("") is None
    assert calendar_feed_for_token(token + "00") is None

    renewed = calendar_feed_regenerate(advisor=advisor, now=NOW + dt.timedelta(days=1))
    assert renewed.pk == feed.pk and calendar_feed_token(renewed) != token
    assert calendar_feed_for_token(token) is None  # the old URL stops at once
    assert calendar_feed_for_token(calendar_feed_token(renewed)) == renewed

    assert calendar_feed_revoke(advisor=advisor) is True
    assert calendar_feed_for_token(calendar_feed_token(renewed)) is None
    assert not CalendarFeed.objects.exists()
    assert calendar_feed_revoke(advisor=advisor) is False


def test_token_of_a_withdrawn_advisor_or_a_deactivated_account_opens_nothing(advisor):
    token = calendar_feed_token(calendar_feed_regenerate(advisor=advisor, now=NOW))
    advisor.user.is_active = False
    advisor.user.save()
    assert calendar_feed_for_token(token) is None
    advisor.user.is_active = True
    advisor.user.save()
    advisor.withdrawn_on = dt.date(2026, 3, 1)
    advisor.save()
    assert calendar_feed_for_token(token) is None


def test_feed_follows_bookings_moves_and_cancellations(advisor,
                                                       django_capture_on_commit_callbacks):
    feed = calendar_feed_regenerate(advisor=advisor, now=NOW)
    hold = services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9, mode="video",
                                     details=details(), email="lea@exemple.fr", now=NOW)
    assert events(feed) == {}  # a hold is not an interview yet
    with django_capture_on_commit_callbacks(execute=True):
        booked = services.appointment_confirm(appointment=hold, now=NOW)
    (uid, event), = events(feed).items()
    assert uid == feed_uid(booked) == f"{booked.public_id}-conseil@somobilite.fr"
    assert event.decoded("DTSTART") == FRIDAY_9
    assert event.decoded("DTEND") == FRIDAY_9 + dt.timedelta(hours=1)
    assert int(event["SEQUENCE"]) == 0
    assert str(event["SUMMARY"]) == "Entretien So Mobilité : Léa (en visio)"
    assert str(event["LOCATION"]) == booked.video_url
    assert f"/espace-conseil/rendez-vous/{booked.public_id}/" in str(event["URL"])
    text = calendar_feed_ics(feed=feed, now=NOW).decode()
    for private in ("Fictive", "lea@exemple.fr", "0600000001", "+33600000001", "Espagne"):
        assert private not in text

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.appointment_move(appointment=booked, new_starts_at=paris(2026, 4, 3, 10),
                                          mode="phone", now=NOW)
    (uid_after, event), = events(feed).items()
    assert uid_after == uid  # the same entry moves in the calendar
    assert event.decoded("DTSTART") == paris(2026, 4, 3, 10)
    assert int(event["SEQUENCE"]) == 1
    assert "par téléphone" in str(event["SUMMARY"])
    assert "0600000001" not in str(event["LOCATION"])

    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=moved, by_youth=True, reason="", now=NOW)
    assert events(feed) == {}  # the cancelled interview disappears


def test_feed_holds_the_advisors_coming_confirmed_interviews_only(advisor):
    feed = calendar_feed_regenerate(advisor=advisor, now=NOW)
    colleague = BookableAdvisorFactory(structure=advisor.structure)
    this_morning = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 18, 9))
    coming = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 5, 4, 14),
                                mode="in_person", place="3 rue du Port, 33000 Bordeaux")
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 17, 9))  # yesterday
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 18, 8),
                       status=AppointmentStatus.DONE)
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 30, 9),
                       status=AppointmentStatus.CANCELLED_BY_STRUCTURE)
    AppointmentFactory(advisor=colleague, starts_at=paris(2026, 3, 30, 9))
    found = events(feed)
    assert set(found) == {feed_uid(this_morning), feed_uid(coming)}
    assert str(found[feed_uid(coming)]["LOCATION"]) == "3 rue du Port, 33000 Bordeaux"


def test_a_move_to_a_colleague_moves_the_entry_to_her_feed(advisor,
                                                           django_capture_on_commit_callbacks):
    colleague = BookableAdvisorFactory(structure=advisor.structure)
    RecurringAvailabilityFactory(advisor=colleague, weekday=4, start_time=dt.time(14),
                                 end_time=dt.time(16))
    mine = calendar_feed_regenerate(advisor=advisor, now=NOW)
    hers = calendar_feed_regenerate(advisor=colleague, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        booked = services.appointment_confirm(
            appointment=services.appointment_hold(
                advisor=advisor, starts_at=FRIDAY_9, mode="video", details=details(),
                email="lea@exemple.fr", now=NOW), now=NOW)
        services.appointment_move(appointment=booked, new_starts_at=paris(2026, 3, 27, 14),
                                  mode="video", advisor=colleague, now=NOW)
    assert events(mine) == {}
    assert list(events(hers)) == [feed_uid(booked)]


def test_reads_are_stamped_at_most_every_quarter_of_an_hour(advisor):
    feed = calendar_feed_regenerate(advisor=advisor, now=NOW)
    calendar_feed_mark_read(feed=feed, now=NOW)
    calendar_feed_mark_read(feed=feed, now=NOW + dt.timedelta(minutes=10))
    feed.refresh_from_db()
    assert feed.last_read_at == NOW
    calendar_feed_mark_read(feed=feed, now=NOW + dt.timedelta(minutes=16))
    feed.refresh_from_db()
    assert feed.last_read_at == NOW + dt.timedelta(minutes=16)
