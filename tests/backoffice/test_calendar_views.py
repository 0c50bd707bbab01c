"""The calendar subscription page and the feed over HTTP: the token opens the feed and
nothing else."""

import html

import pytest
from django.urls import reverse
from icalendar import Calendar

from bookings.calendar_feed import calendar_feed_regenerate, calendar_feed_token
from bookings.models import CalendarFeed
from tests.staff_world import NOW

pytestmark = pytest.mark.django_db

PAGE = reverse("backoffice:calendar")
REGENERATE = reverse("backoffice:calendar_regenerate")
REVOKE = reverse("backoffice:calendar_revoke")


def feed_path(feed):
    return reverse("backoffice:calendar_feed", args=[calendar_feed_token(feed)])


def test_advisor_creates_replaces_and_revokes_her_address(client, world):
    client.force_login(world.advisor.user)
    page = html.unescape(client.get(PAGE).content.decode())
    assert "Créer mon adresse d'abonnement" in page
    assert client.get(REGENERATE)["Location"] == PAGE  # a GET changes nothing: to the form
    assert not CalendarFeed.objects.filter(advisor=world.advisor).exists()

    response = client.post(REGENERATE, follow=True)
    feed = CalendarFeed.objects.get(advisor=world.advisor)
    page = html.unescape(response.content.decode())
    assert "Votre adresse d'abonnement est prête" in page
    first = feed_path(feed)
    assert f"http://testserver{first}" in page or first in page
    assert "webcal://" in page

    page = html.unescape(client.post(REGENERATE, follow=True).content.decode())
    assert "l'ancienne ne fonctionne plus" in page
    feed.refresh_from_db()
    assert feed_path(feed) != first and feed_path(feed) in page
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(feed_path(feed)).status_code == 200

    client.force_login(world.advisor.user)
    page = html.unescape(client.post(REVOKE, follow=True).content.decode())
    assert "L'adresse est désactivée" in page
    client.logout()
    assert client.get(feed_path(feed)).status_code == 404


def test_feed_answers_an_ics_to_the_token_alone_and_opens_no_session(client, world):
    feed = calendar_feed_regenerate(advisor=world.advisor, now=NOW)
    response = client.get(feed_path(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Entretien So Mobilité : Lina (sur place)"
    assert "sessionid" not in response.cookies
    # The token is no key to anything else.
    token = calendar_feed_token(feed)
    for url in (reverse("backoffice:agenda"), reverse("backoffice:interview",
                                                      args=[world.appointment.public_id])):
        refused = client.get(f"{url}?token={token}")
        assert refused.status_code == 302
        assert refused.url.startswith(reverse("account_login"))
    feed.refresh_from_db()
    assert feed.last_read_at is not None


def test_wrong_tokens_find_nothing(client, world):
    feed = calendar_feed_regenerate(advisor=world.advisor, now=NOW)
    assert client.get(reverse("backoffice:calendar_feed", args=["0" * 64])).status_code == 404
    assert client.get(f"/espace-conseil/calendrier/{feed.key}.ics").status_code == 404
    assert client.get(f"/espace-conseil/calendrier/{calendar_feed_token(feed)}X.ics"
                      ).status_code == 404


def test_only_advisors_have_an_address(client, world):
    client.force_login(world.youth)
    assert client.get(PAGE).status_code == 403
    assert client.post(REGENERATE).status_code == 403
    client.force_login(world.coordinator)
    assert client.post(REGENERATE).status_code == 403
    assert not CalendarFeed.objects.exists()
    client.logout()
    assert client.post(REGENERATE).status_code == 302
    assert not CalendarFeed.objects.exists()
