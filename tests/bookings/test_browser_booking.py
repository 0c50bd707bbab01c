"""A young person books from the home page to the confirmation page, in headless Chromium."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from bookings.models import Appointment, AppointmentStatus
from tests.browser_pages import axe_clean

from .web_support import PARIS, bookable_advisor, last_code

EMAIL = "camille.navigateur@exemple.fr"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_young_person_books_from_home_page_to_confirmation(page, live_server):
    # Real time: the server thread and the browser share the clock, data is relative to it.
    bookable_advisor(public_name="Info Jeunes Gironde Test", slug="ij-gironde",
                     weekdays=range(7), start=dt.time(9), end=dt.time(17))

    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/")
    page.get_by_label("Votre commune, code postal ou département").fill("33000")
    page.get_by_role("button", name="Chercher un créneau").click()
    expect(page.get_by_role("heading", name="Info Jeunes Gironde Test")).to_be_visible()
    page.get_by_role("link", name="Voir les créneaux").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Info Jeunes Gironde Test")
    page.locator("a.slot-link").first.click()

    expect(page.get_by_role("heading", name="Réserver votre entretien")).to_be_visible()
    axe_clean(page)
    page.get_by_label("sur place").check()
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_role("textbox", name=re.compile(r"^Nom")).fill("Navigateur")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Date de naissance").fill("2001-06-15")
    page.get_by_label("Code postal de votre domicile").fill("33800")
    page.get_by_label("Votre situation").select_option("student")
    page.get_by_label("Études").check()
    page.get_by_label("Votre projet en quelques mots").fill("Un master à Montréal.")
    page.get_by_label("J'accepte que le CRIJ").check()
    page.get_by_role("button", name="Recevoir mon code de confirmation").click()

    expect(page.get_by_role("heading", name="Confirmez votre adresse e-mail")).to_be_visible()
    page.get_by_label("Code reçu par e-mail").fill(last_code(EMAIL))
    page.get_by_role("button", name="Confirmer mon rendez-vous").click()

    expect(page.get_by_role("heading", name="Votre rendez-vous est confirmé")).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter à mon agenda (.ics)")).to_be_visible()
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.youth.email == EMAIL


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_young_person_books_from_a_town_name_on_a_phone(page, live_server):
    bookable_advisor(public_name="Info Jeunes Saint-Junien Test", slug="ij-saint-junien",
                     departement="87", postal_code="87200", commune="Saint-Junien",
                     weekdays=range(7), start=dt.time(9), end=dt.time(17))
    bookable_advisor(public_name="Info Jeunes Limoges Test", slug="ij-limoges",
                     departement="87", postal_code="87000", commune="Limoges",
                     weekdays=range(7), start=dt.time(9), end=dt.time(17))
    email = "sacha.telephone@exemple.fr"
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/")
    brand = page.get_by_role("link", name="So Mobilité").bounding_box()
    assert brand["x"] >= 12, brand  # not against the edge of the screen

    page.get_by_label("Votre commune, code postal ou département").fill("st junien")
    page.get_by_role("button", name="Chercher un créneau").click()
    expect(page.get_by_role("heading", name="Structures près de Saint-Junien (87)")).to_be_visible()
    axe_clean(page)
    cards = page.locator("li.card h3, li.card h4")
    expect(cards.first).to_have_text("Info Jeunes Saint-Junien Test")
    page.screenshot(path="/tmp/h16-search-390.png", full_page=True)
    page.get_by_role("link", name="Voir les créneaux").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Info Jeunes Saint-Junien Test")
    page.locator("a.slot-link").first.click()

    expect(page.get_by_role("heading", name="Réserver votre entretien")).to_be_visible()
    page.get_by_label("sur place").check()
    page.get_by_label("Prénom").fill("Sacha")
    page.get_by_role("textbox", name=re.compile(r"^Nom")).fill("Téléphone")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Date de naissance").fill("2003-02-11")
    page.get_by_label("Code postal de votre domicile").fill("87200")
    page.get_by_label("Votre situation").select_option("job_seeker")
    page.get_by_label("J'accepte que le CRIJ").check()
    page.get_by_role("button", name="Recevoir mon code de confirmation").click()

    expect(page.get_by_role("heading", name="Confirmez votre adresse e-mail")).to_be_visible()
    page.get_by_label("Code reçu par e-mail").fill(last_code(email))
    page.get_by_role("button", name="Confirmer mon rendez-vous").click()
    expect(page.get_by_role("heading", name="Votre rendez-vous est confirmé")).to_be_visible()
    axe_clean(page)
    appointment = Appointment.objects.get()
    assert appointment.structure.public_name == "Info Jeunes Saint-Junien Test"
    assert appointment.status == AppointmentStatus.CONFIRMED


def _fill_booking_form(page, birth_date: str) -> None:
    page.get_by_label("sur place").check()
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_role("textbox", name=re.compile(r"^Nom")).fill("Jeune")
    page.get_by_label("Adresse e-mail").fill("ines.jeune@exemple.fr")
    page.get_by_label("Date de naissance").fill(birth_date)
    page.get_by_label("Code postal de votre domicile").fill("33000")
    page.get_by_label("Votre situation").select_option("pupil")
    page.get_by_label("J'accepte que le CRIJ").check()


def _under_15_birth_date() -> str:
    today = dt.datetime.now(tz=PARIS).date()
    return today.replace(year=today.year - 13, day=1).isoformat()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_guardian_block_appears_with_the_birth_date_with_javascript(page, live_server):
    advisor = bookable_advisor(public_name="Info Jeunes Gironde Test", slug="ij-gironde",
                               weekdays=range(7), start=dt.time(9), end=dt.time(17))
    page.set_default_timeout(10_000)
    page.goto(live_server.url + f"/rendez-vous/{advisor.structure.slug}/")
    page.locator("a.slot-link").first.click()
    guardian = page.locator("#tuteur")
    expect(guardian).to_be_hidden()
    page.get_by_label("Date de naissance").fill(_under_15_birth_date())
    expect(guardian).to_be_visible()
    expect(page.get_by_label("E-mail d'un parent ou tuteur·rice")).to_be_visible()
    axe_clean(page)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/h16-book-guardian-{width}.png", full_page=True)
    page.get_by_label("Date de naissance").fill("2001-06-15")
    expect(guardian).to_be_hidden()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_guardian_block_without_javascript_comes_back_from_the_server(browser, live_server):
    advisor = bookable_advisor(public_name="Info Jeunes Gironde Test", slug="ij-gironde",
                               weekdays=range(7), start=dt.time(9), end=dt.time(17))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + f"/rendez-vous/{advisor.structure.slug}/")
    page.locator("a.slot-link").first.click()
    expect(page.locator("#tuteur")).to_be_hidden()
    _fill_booking_form(page, _under_15_birth_date())
    page.get_by_role("button", name="Recevoir mon code de confirmation").click()
    expect(page.locator("#tuteur")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Vous avez moins de 15 ans")
    expect(page.get_by_label("Prénom")).to_have_value("Inès")
    page.get_by_label("E-mail d'un parent ou tuteur·rice").fill("parent.jeune@exemple.fr")
    page.get_by_label("Mon parent ou tuteur·rice est d'accord").check()
    page.get_by_role("button", name="Recevoir mon code de confirmation").click()
    expect(page.get_by_role("heading", name="Confirmez votre adresse e-mail")).to_be_visible()
    assert Appointment.objects.get().guardian_email == "parent.jeune@exemple.fr"
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_taken_slot_keeps_the_form_and_books_the_next_slot(page, live_server):
    advisor = bookable_advisor(public_name="Info Jeunes Gironde Test", slug="ij-gironde",
                               weekdays=range(7), start=dt.time(9), end=dt.time(17))
    page.set_default_timeout(10_000)
    page.goto(live_server.url + f"/rendez-vous/{advisor.structure.slug}/")
    page.locator("a.slot-link").first.click()
    _fill_booking_form(page, "2001-06-15")
    # Someone else takes the slot meanwhile.
    from django.test import Client

    from .web_support import form_data
    Client().post(page.url.replace(live_server.url, ""), form_data(email="vite@exemple.fr"))
    page.get_by_role("button", name="Recevoir mon code de confirmation").click()
    expect(page.get_by_role("alert").first).to_contain_text("Ce que vous avez saisi est gardé")
    expect(page.get_by_label("Prénom")).to_have_value("Inès")
    axe_clean(page)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/h16-book-taken-{width}.png", full_page=True)
    page.locator("#creneau-pris button").first.click()
    expect(page.get_by_role("heading", name="Confirmez votre adresse e-mail")).to_be_visible()
    assert Appointment.objects.filter(youth__email="ines.jeune@exemple.fr").count() == 1
