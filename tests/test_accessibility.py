"""Accessibility of the main pages (issue 18 §5): axe (the copy bundled with
axe-playwright-python, no CDN) in Debian's Chromium finds no serious or critical violation on
the public pages, the young person's space, the error pages and the advisors' space, at a
phone's width (390 px) and a laptop's (1366 px); a slot can be booked with the keyboard only;
form errors are tied to their fields.

Screenshots of every page at both widths go to ``SCREENSHOT_DIR`` when it is set."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client, RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from bookings.models import Appointment, AppointmentStatus
from matching.models import MobilityProfile
from somobilite.views import server_error
from tests.bookings.web_support import bookable_advisor, last_code
from tests.browser_pages import WIDTHS, no_sideways_scroll, share_session
from tests.factories import AppointmentFactory, ProgrammeSheetFactory, YouthFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = ("serious", "critical")


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations on the page as it is, one line per rule with the
    first elements concerned."""
    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + " | ".join(node["html"][:160] for node in v["nodes"][:3])
            for v in found if v["impact"] in SERIOUS]


def check(page, name: str) -> None:
    """No serious violation and no sideways scroll, at each width (with a screenshot)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state("networkidle")
        problems += [f"{name} at {width} px: {line}" for line in serious_violations(page)]
        no_sideways_scroll(page)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/a11y-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    assert not problems, "\n".join(problems)


def visit(page, url: str, name: str) -> None:
    page.goto(url)
    check(page, name)


def log_in(page, client, live_server, user) -> None:
    client.force_login(user)
    page.context.clear_cookies()
    share_session(page.context, client, live_server)


def _world():
    """A structure open every day from 9:00 to 17:00 (slots always exist, whatever the date),
    a published programme, and a young person with a profile."""
    advisor = bookable_advisor(public_name="Info Jeunes Accès Test", slug="ij-acces",
                               postal_code="33000", commune="Bordeaux", weekdays=range(7),
                               start=dt.time(9), end=dt.time(17))
    ProgrammeSheetFactory(slug="stage-allemagne", title="Stage en Allemagne",
                          domains=["internship"], destination_countries=["DE"],
                          age_min=18, age_max=30)
    youth = YouthFactory(email="lea.acces@exemple.fr", first_name="Léa", last_name="Accès")
    MobilityProfile.objects.create(user=youth, birth_date=dt.date(2003, 4, 2),
                                   postal_code="33000", status="student",
                                   wish_domains=["internship"], wish_countries=["DE"])
    return advisor, youth


def test_public_pages_and_the_booking_path(page, live_server):
    """Home to confirmation (with the form's error state on the way), catalogue, sheet,
    privacy, login and the error pages."""
    _world()
    base = live_server.url
    page.set_default_timeout(30_000)
    visit(page, base + "/", "home")
    visit(page, base + "/rendez-vous/?lieu=33000", "search")
    visit(page, base + "/rendez-vous/ij-acces/", "slots")
    page.locator("a.slot-link").first.click()
    expect(page.get_by_role("heading", name="Réserver votre entretien")).to_be_visible()
    check(page, "booking-form")
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_role("button", name="Recevoir mon code de confirmation").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    check(page, "booking-form-errors")
    page.get_by_label("sur place").check()
    page.get_by_role("textbox", name=re.compile(r"^Nom")).fill("Clavier")
    page.get_by_label("Adresse e-mail").fill("camille.acces@exemple.fr")
    page.get_by_label("Date de naissance").fill("2001-06-15")
    page.get_by_label("Code postal de votre domicile").fill("33800")
    page.get_by_label("Votre situation").select_option("student")
    page.get_by_label("J'accepte que le CRIJ").check()
    page.get_by_role("button", name="Recevoir mon code de confirmation").click()
    expect(page.get_by_role("heading", name="Confirmez votre adresse e-mail")).to_be_visible()
    check(page, "code-step")
    page.get_by_label("Code reçu par e-mail").fill(last_code("camille.acces@exemple.fr"))
    page.get_by_role("button", name="Confirmer mon rendez-vous").click()
    expect(page.get_by_role("heading", name="Votre rendez-vous est confirmé")).to_be_visible()
    check(page, "confirmation")

    page.context.clear_cookies()
    visit(page, base + reverse("programmes:catalogue"), "catalogue")
    visit(page, base + reverse("programmes:catalogue") + "?age=deux", "catalogue-errors")
    visit(page, base + reverse("programmes:detail", args=["stage-allemagne"]), "sheet")
    visit(page, base + reverse("privacy"), "privacy")
    visit(page, base + reverse("account_login"), "login")
    visit(page, base + reverse("account_request_login_code"), "login-code")
    page.get_by_label("Adresse e-mail").fill("camille.acces@exemple.fr")
    page.get_by_role("button", name="Recevoir mon code").click()
    expect(page.get_by_role("heading", name="Saisir votre code de connexion")).to_be_visible()
    page.get_by_label("Code reçu par e-mail").fill("000000")
    page.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_text("Code reçu par e-mail")).to_be_visible()
    check(page, "login-code-wrong")
    page.context.clear_cookies()
    visit(page, base + "/nulle-part/", "404")
    # The 405 page (a form's address opened with another method), served by the live server.
    not_allowed = Client().options(reverse("bookings:search")).content.decode()
    page.route(f"{base}/formulaire/", lambda route: route.fulfill(
        status=405, body=not_allowed, content_type="text/html; charset=utf-8"))
    visit(page, base + "/formulaire/", "405")
    # The 500 page as the handler renders it, served at an address of the site (its styles
    # and images come from the live server).
    error_page = server_error(RequestFactory().get("/panne/")).content.decode()
    page.route(f"{base}/panne/", lambda route: route.fulfill(
        status=500, body=error_page, content_type="text/html; charset=utf-8"))
    visit(page, base + "/panne/", "500")


def test_young_persons_space_and_the_403_page(page, live_server, client):
    advisor, youth = _world()
    soon = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    AppointmentFactory(advisor=advisor, youth=youth, starts_at=soon + dt.timedelta(days=6))
    base = live_server.url
    page.set_default_timeout(30_000)
    log_in(page, client, live_server, youth)
    visit(page, base + reverse("youth:space"), "youth-space")
    visit(page, base + reverse("youth:profile"), "profile")
    visit(page, base + reverse("privacy:my_data"), "my-data")
    visit(page, base + reverse("privacy:my_data_read"), "my-data-read")
    visit(page, base + reverse("backoffice:agenda"), "403")
    assert "Accès refusé" in page.content()


def test_advisors_agenda_interview_and_matching_panel(page, live_server, client):
    advisor, youth = _world()
    started = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    appointment = AppointmentFactory(advisor=advisor, youth=youth, first_name="Léa",
                                     last_name="Accès", starts_at=started - dt.timedelta(hours=1),
                                     project="Un stage en Allemagne")
    base = live_server.url
    page.set_default_timeout(30_000)
    log_in(page, client, live_server, advisor.user)
    visit(page, base + reverse("backoffice:agenda"), "agenda")
    visit(page, base + reverse("backoffice:interview", args=[appointment.public_id]),
          "interview")
    visit(page, base + reverse("backoffice:matching", args=[appointment.public_id]),
          "matching")


def tab_to(page, selector: str, *, limit: int = 150) -> None:
    """Press Tab until the focused element matches ``selector`` (fails after ``limit``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus with Tab")


def test_a_slot_is_booked_with_the_keyboard_only(page, live_server):
    """From the search field to the confirmation: Tab, typing, Space and Enter, no mouse."""
    _world()
    email = "clavier.seul@exemple.fr"
    page.set_default_timeout(30_000)
    page.goto(live_server.url + "/")
    tab_to(page, "input[name=lieu]")
    page.keyboard.type("33000")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Info Jeunes Accès Test")).to_be_visible()
    tab_to(page, "a[href^='/rendez-vous/ij-acces/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Info Jeunes Accès Test")
    tab_to(page, "a.slot-link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Réserver votre entretien")).to_be_visible()

    tab_to(page, "input[name=mode]")
    while not page.evaluate("() => document.activeElement.value === 'in_person'"):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    for name, value in (("first_name", "Alex"), ("last_name", "Clavier"), ("email", email),
                        # Chromium's date field in the order of its own locale (en-US here)
                        ("birth_date", "06152001"), ("postal_code", "33800")):
        tab_to(page, f"[name={name}]")
        page.keyboard.type(value)
    tab_to(page, "select[name=youth_status]")
    while not page.evaluate("() => document.activeElement.value === 'student'"):
        page.keyboard.press("ArrowDown")
    tab_to(page, "input[name=domains][value=internship]")
    page.keyboard.press("Space")
    tab_to(page, "textarea[name=project]")
    page.keyboard.type("Un stage à Berlin.")
    tab_to(page, "input[name=consent]")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Confirmez votre adresse e-mail")).to_be_visible()
    tab_to(page, "input[name=code]")
    page.keyboard.type(last_code(email))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Votre rendez-vous est confirmé")).to_be_visible()
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.mode == "in_person" and appointment.project == "Un stage à Berlin."
    assert appointment.youth.email == email and appointment.birth_date == dt.date(2001, 6, 15)
