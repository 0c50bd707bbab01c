"""Axe on every page issue 16 touched, at phone and laptop widths, with screenshots in
SCREENSHOT_DIR for a person to look at (search by town, homonyms, booking form states, limit
reached, confirmation and a cancelled appointment, programme sheet, country chooser, "Mes
données" and its readable version, "Mon espace" with the first look)."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.urls import reverse

from bookings.models import AppointmentStatus
from matching.models import MobilityProfile
from tests.bookings.web_support import bookable_advisor
from tests.browser_pages import check_page, share_session
from tests.factories import AppointmentFactory, ProgrammeSheetFactory, YouthFactory


def _login(page, client, live_server, user):
    client.force_login(user)
    share_session(page.context, client, live_server)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_touched_pass_axe_at_phone_and_laptop_widths(page, live_server, client):
    page.set_default_timeout(30_000)
    advisor = bookable_advisor(public_name="Info Jeunes Pessac Test", slug="ij-pessac",
                               postal_code="33600", commune="Pessac", weekdays=range(7),
                               start=dt.time(9), end=dt.time(17))
    ProgrammeSheetFactory(slug="ces", title="Corps européen de solidarité",
                          domains=["volunteering"], destination_zones=["eu"],
                          destination_countries=[], age_min=18, age_max=30)
    base = live_server.url
    check_page(page, f"{base}/rendez-vous/?lieu=Pessac", "search-town")
    check_page(page, f"{base}/rendez-vous/?lieu={quote('Mérignac')}", "search-homonyms")
    check_page(page, f"{base}/rendez-vous/?lieu=Bordaux", "search-unknown")
    check_page(page, f"{base}/programmes/ces/?recherche=q%3Dvolontariat", "sheet")

    youth = YouthFactory(email="lea.pages@exemple.fr", first_name="Léa", last_name="Pages")
    MobilityProfile.objects.create(user=youth, birth_date=dt.date(2003, 4, 2),
                                   postal_code="33600", status="student",
                                   wish_domains=["volunteering"], wish_zones=["eu"],
                                   wish_countries=["DE"])
    soon = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    cancelled = AppointmentFactory(advisor=advisor, youth=youth, mode="video",
                                   starts_at=soon + dt.timedelta(days=5),
                                   status=AppointmentStatus.CANCELLED_BY_YOUTH)
    for days in (6, 7):
        AppointmentFactory(advisor=advisor, youth=youth, starts_at=soon + dt.timedelta(days=days))
    _login(page, client, live_server, youth)
    check_page(page, base + reverse("youth:space"), "youth-space")
    check_page(page, base + reverse("bookings:booked", args=[cancelled.public_id]), "cancelled")
    page.goto(f"{base}/rendez-vous/ij-pessac/")
    book_url = page.locator("a.slot-link").first.get_attribute("href")
    check_page(page, base + book_url, "limit-reached")
    check_page(page, base + reverse("youth:profile"), "profile")
    check_page(page, base + reverse("privacy:my_data"), "my-data")
    check_page(page, base + reverse("privacy:my_data_read"), "my-data-read")
