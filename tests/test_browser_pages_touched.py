"""Axe on every page issue 16 touched, at phone and laptop widths, with screenshots kept in
/tmp for a person to look at (search by town, homonyms, booking form states, limit reached,
confirmation and a cancelled appointment, programme sheet, country chooser, "Mes données"
and its readable version, "Mon espace" with the first look)."""

import datetime as dt
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse

from bookings.models import AppointmentStatus
from matching.models import MobilityProfile
from tests.bookings.web_support import bookable_advisor
from tests.factories import AppointmentFactory, ProgrammeSheetFactory, YouthFactory

WIDTHS = (390, 1366)


def _login(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def _check(page, url: str, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        results = Axe().run(page)
        assert results.violations_count == 0, f"{name} at {width}px\n" + (
            results.generate_report())
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px"
        page.screenshot(path=f"/tmp/h16-{name}-{width}.png", full_page=True)


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
    _check(page, f"{base}/rendez-vous/?lieu=Pessac", "search-town")
    _check(page, f"{base}/rendez-vous/?lieu={quote('Mérignac')}", "search-homonyms")
    _check(page, f"{base}/rendez-vous/?lieu=Bordaux", "search-unknown")
    _check(page, f"{base}/programmes/ces/?recherche=q%3Dvolontariat", "sheet")

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
    _check(page, base + reverse("youth:space"), "youth-space")
    _check(page, base + reverse("bookings:booked", args=[cancelled.public_id]), "cancelled")
    page.goto(f"{base}/rendez-vous/ij-pessac/")
    book_url = page.locator("a.slot-link").first.get_attribute("href")
    _check(page, base + book_url, "limit-reached")
    _check(page, base + reverse("youth:profile"), "profile")
    _check(page, base + reverse("privacy:my_data"), "my-data")
    _check(page, base + reverse("privacy:my_data_read"), "my-data-read")
