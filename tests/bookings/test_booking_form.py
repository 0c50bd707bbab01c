"""The booking form without friction: told up front when the limit is reached, a taken slot
keeps what was typed, the guardian block only when needed, prefill from the profile, the
right button, an email code written for the booking, and a clear confirmation page."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from bookings.models import Appointment, AppointmentStatus
from matching.models import MobilityProfile
from tests.factories import AppointmentFactory, YouthFactory

from .web_support import FIRST_SLOT, NOW, book_url, bookable_advisor, form_data, last_code, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def advisor(frozen):
    return bookable_advisor(public_name="Info Jeunes Bordeaux Test", slug="ij-bordeaux")


def _guardian_block(content: str) -> str:
    """The opening tag of the guardian fieldset."""
    return re.search(r'<fieldset[^>]*id="tuteur"[^>]*>', content).group(0)


def _confirmed_youth(advisor, count: int, **profile):
    youth = YouthFactory(email="lea@exemple.fr", first_name="Léa", last_name="Martin")
    for day in range(count):
        AppointmentFactory(advisor=advisor, youth=youth, phone="+33556000001",
                           starts_at=FIRST_SLOT + dt.timedelta(days=2 + day),
                           status=AppointmentStatus.CONFIRMED)
    if profile:
        MobilityProfile.objects.create(user=youth, **profile)
    return youth


# --- Told before filling in: two upcoming appointments at most ------------------------------


def test_logged_in_youth_with_two_upcoming_is_told_before_the_form(client, advisor):
    youth = _confirmed_youth(advisor, 2)
    client.force_login(youth)
    response = client.get(book_url(advisor, FIRST_SLOT))
    content = text(response)
    assert response.status_code == 200
    assert "Vous avez déjà 2 rendez-vous à venir" in content
    assert "Déplacer ou annuler un rendez-vous" in content
    assert 'name="first_name"' not in content  # no form to fill in for nothing
    assert "Vendredi 6 mars 2026, 09:00" in content


def test_logged_in_youth_with_one_upcoming_gets_the_form(client, advisor):
    client.force_login(_confirmed_youth(advisor, 1))
    content = text(client.get(book_url(advisor, FIRST_SLOT)))
    assert 'name="first_name"' in content
    assert "Vous avez déjà" not in content


def test_the_limit_is_not_told_to_a_visitor_before_the_code(client, advisor):
    _confirmed_youth(advisor, 2)
    content = text(Client().get(book_url(advisor, FIRST_SLOT)))
    assert 'name="first_name"' in content and "Vous avez déjà" not in content


# --- A slot taken meanwhile keeps what was typed ---------------------------------------------


def test_taken_slot_keeps_everything_typed_and_offers_the_next_slots(client, advisor):
    url = book_url(advisor, FIRST_SLOT, "in_person")
    Client().post(url, form_data(email="rapide@exemple.fr"))  # someone holds it first
    typed = form_data(first_name="Sacha", last_name="Lenoir", email="sacha@exemple.fr",
                      phone="05 56 00 00 02", birth_date="2003-02-11", postal_code="33600",
                      youth_status="job_seeker", domains=["volunteering"],
                      project="Un volontariat en Irlande")
    response = client.post(url, typed)
    content = text(response)
    assert response.status_code == 200
    assert "Ce créneau vient d'être réservé par quelqu'un d'autre" in content
    assert "Ce que vous avez saisi est gardé" in content
    for value in ('value="Sacha"', 'value="Lenoir"', 'value="sacha@exemple.fr"',
                  'value="2003-02-11"', 'value="33600"', "Un volontariat en Irlande"):
        assert value in content, value
    assert re.search(r'value="job_seeker"[^>]*selected', content)
    assert re.search(r'name="domains" value="volunteering"[^>]*checked', content)
    assert re.search(r'name="consent"[^>]*checked', content)
    # Each next slot is a button sending the same answers to that slot's booking address.
    buttons = re.findall(r'<button type="submit" form="reservation" formaction="([^"]+)"',
                         response.content.decode())
    assert buttons, content
    next_url = buttons[0].replace("&amp;", "&")
    assert "mode=in_person" in next_url
    assert "Mercredi 4 mars à 10:00" in content
    again = client.post(next_url, typed)
    assert again.status_code == 302
    held = Appointment.objects.get(youth__email="sacha@exemple.fr")
    assert held.starts_at == FIRST_SLOT + dt.timedelta(hours=1)
    assert (held.first_name, held.postal_code, held.project) == (
        "Sacha", "33600", "Un volontariat en Irlande")


def test_slot_taken_before_the_hold_service_also_keeps_the_form(client, advisor):
    """The slot may go between the page's check and the hold (the service says so)."""
    url = book_url(advisor, FIRST_SLOT)
    client.get(url)
    Client().post(url, form_data(email="rapide@exemple.fr"))
    response = client.post(url, form_data(first_name="Noé"))
    assert 'value="Noé"' in text(response)
    assert Appointment.objects.count() == 1


# --- The guardian block, only when needed ---------------------------------------------------


def test_a_name_without_a_letter_is_refused_and_everything_typed_is_kept(client, advisor):
    """Tester t-book8 #7: « 😀 » and a lone zero-width space were booked as a name."""
    data = form_data(first_name="😀", last_name="\u200b", project="Partir à Dublin un an.")
    response = client.post(book_url(advisor, FIRST_SLOT), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["first_name"] == errors["last_name"] == ["Écrivez-le avec des lettres."]
    assert "Écrivez-le avec des lettres." in text(response)
    assert "Partir à Dublin un an." in text(response) and data["email"] in text(response)
    assert not Appointment.objects.exists()


def test_the_error_summary_names_the_guardian_s_consent_briefly(client, advisor):
    """Tester t-book8 #11: the summary named it by its whole consent sentence."""
    response = client.post(book_url(advisor, FIRST_SLOT), form_data(
        birth_date="2012-01-10", guardian_email="parent@exemple.fr"))
    summary = re.search(r'<div class="alert alert-danger"[^>]*id="erreurs">(.*?)</div>',
                        response.content.decode(), re.S).group(1)
    assert "L'accord de votre parent ou tuteur·rice</a> :" in summary
    assert "est d&#x27;accord pour que je prenne" not in summary


def test_guardian_block_is_hidden_until_a_birth_date_makes_it_needed(client, advisor):
    content = text(client.get(book_url(advisor, FIRST_SLOT)))
    block = _guardian_block(content)
    assert " hidden" in block
    assert 'data-guardian-age="15"' in block and 'data-today="2026-03-02"' in block
    assert "/static/js/booking-form.js" in content
    assert "<script>" not in content and "onclick" not in content  # no inline script (CSP)


@pytest.mark.parametrize(("birth_date", "shown"), [
    ("2011-03-03", True),   # 14 today (15 tomorrow)
    ("2011-03-02", False),  # 15 today
    ("10/01/2012", True),   # the other accepted format
    ("2004-05-17", False),
    ("pas une date", False),
])
def test_without_javascript_the_server_shows_the_block_when_the_birth_date_needs_it(
        client, advisor, birth_date, shown):
    response = client.post(book_url(advisor, FIRST_SLOT), form_data(birth_date=birth_date))
    content = text(response)
    if shown:
        assert response.status_code == 200
        assert " hidden" not in _guardian_block(content)
        assert "Vous avez moins de 15 ans : indiquez l'adresse e-mail d'un parent" in content
    elif response.status_code == 200:
        assert " hidden" in _guardian_block(content)


def test_block_stays_shown_when_it_holds_an_answer(client, advisor):
    response = client.post(book_url(advisor, FIRST_SLOT), form_data(
        birth_date="2012-01-10", guardian_email="parent@exemple.fr", consent=None))
    content = text(response)
    assert " hidden" not in _guardian_block(content)
    assert 'value="parent@exemple.fr"' in content


# --- Prefill and the button of a logged-in young person -------------------------------------


def test_logged_in_youth_finds_the_form_filled_from_their_profile(client, advisor):
    youth = _confirmed_youth(advisor, 1, birth_date=dt.date(2002, 9, 14), postal_code="87200",
                             status="employee", wish_domains=["job"])
    client.force_login(youth)
    response = client.get(book_url(advisor, FIRST_SLOT))
    content = text(response)
    for value in ('value="Léa"', 'value="Martin"', 'value="2002-09-14"', 'value="87200"',
                  'value="05 56 00 00 01"'):
        assert value in content, value
    assert re.search(r'value="employee"[^>]*selected', content)
    assert re.search(r'name="domains" value="job"[^>]*checked', content)
    # Their address is their account: shown, not editable, and no code is announced.
    assert re.search(r'name="email"[^>]*value="lea@exemple.fr"[^>]*disabled', content) or \
        re.search(r'disabled[^>]*name="email"', content)
    assert "Confirmer mon rendez-vous" in content
    assert "Recevoir mon code de confirmation" not in content
    assert "sans code" in content


def test_logged_in_youth_cannot_book_for_another_address(client, advisor):
    youth = _confirmed_youth(advisor, 0)
    client.force_login(youth)
    response = client.post(book_url(advisor, FIRST_SLOT),
                           form_data(email="quelquun.dautre@exemple.fr"))
    assert response.status_code == 302
    assert Appointment.objects.get().youth == youth
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED


def test_visitor_sees_the_code_button(client, advisor):
    content = text(client.get(book_url(advisor, FIRST_SLOT)))
    assert "Recevoir mon code de confirmation" in content
    assert "Un code de confirmation vous y sera envoyé." in content


# --- The code email, and the confirmation page ---------------------------------------------


def test_code_email_says_what_it_confirms_until_when_and_what_if_it_was_not_you(
        client, advisor):
    client.post(book_url(advisor, FIRST_SLOT, "video"), form_data(mode="video"))
    message = mail.outbox[-1]
    assert message.subject == (
        "[So Mobilité] Votre code pour confirmer votre rendez-vous So Mobilité")
    body = message.body
    assert "Bonjour Lou," in body
    assert "mercredi 4 mars 2026, 09:00 – 10:00" in body
    assert "Info Jeunes Bordeaux Test" in body and "en visio" in body
    hold = Appointment.objects.get().hold_expires_at.astimezone(dt.UTC)
    assert f"réservé jusqu'à {hold + dt.timedelta(hours=1):%H:%M}" in body  # Paris, winter
    assert "Ce n'était pas vous ? Ignorez ce message" in body
    assert "Veuillez l'entrer dans votre navigateur" not in body
    assert last_code("lou.exemple@exemple.fr")
    html = message.alternatives[0][0]
    assert last_code("lou.exemple@exemple.fr") in html


def test_resent_code_uses_the_same_email(client, advisor):
    response = client.post(book_url(advisor, FIRST_SLOT), form_data())
    client.post(response["Location"], {"action": "resend"})
    assert [m.subject for m in mail.outbox] == [
        "[So Mobilité] Votre code pour confirmer votre rendez-vous So Mobilité"] * 2


def test_confirmation_page_has_one_message_and_a_clear_manage_button(client, advisor):
    response = client.post(book_url(advisor, FIRST_SLOT), form_data())
    code = last_code("lou.exemple@exemple.fr")
    page = client.post(response["Location"], {"code": code, "action": "verify"}, follow=True)
    content = page.content.decode()
    assert content.count('class="alert') == 0, content  # the page itself says it
    assert text(page).count("Votre rendez-vous est confirmé") == 1
    assert re.search(r'class="btn btn-outline-primary" href="[^"]+">Déplacer ou annuler<',
                     content)


def test_cancelled_video_appointment_shows_no_video_link(client, advisor):
    appointment = AppointmentFactory(advisor=advisor, starts_at=FIRST_SLOT, mode="video",
                                     status=AppointmentStatus.CANCELLED_BY_YOUTH)
    client.force_login(appointment.youth)
    content = text(client.get(reverse("bookings:booked", args=[appointment.public_id])))
    assert appointment.video_url and appointment.video_url not in content
    assert "Lien de la visio" not in content
    assert "Annulé par vous" in content
    assert "Annulé par le ou la jeune" not in content
    # A page about a cancelled appointment does not say it is confirmed nor offer to move it.
    assert "Votre rendez-vous est confirmé" not in content
    assert "Ce rendez-vous n'est plus prévu : annulé par vous." in content
    assert "Déplacer ou annuler" not in content and ".ics" not in content
    assert "Prendre un nouveau rendez-vous" in content


def test_own_cancellation_is_told_in_words_addressed_to_the_young_person(client, advisor):
    appointment = AppointmentFactory(advisor=advisor, starts_at=FIRST_SLOT,
                                     status=AppointmentStatus.CANCELLED_BY_YOUTH)
    client.force_login(appointment.youth)
    for url in (reverse("bookings:my_appointments"), reverse("youth:space")):
        content = text(client.get(url))
        assert "annulé par vous" in content.lower(), url
        assert "par le ou la jeune" not in content, url


@pytest.mark.parametrize("typed", ["87 200", " 87200 ", "87\u00a0200"])
def test_a_postal_code_typed_with_a_space_is_read_as_its_five_digits(client, advisor, typed):
    response = client.post(book_url(advisor, FIRST_SLOT, "in_person"),
                           form_data(postal_code=typed))
    assert response.status_code == 302, text(response)
    assert Appointment.objects.get().postal_code == "87200"


@pytest.mark.parametrize(("phone", "said"), [
    ("0612", "Saisissez un numéro de téléphone valide"),
    ("", "Indiquez un numéro de téléphone"),
])
def test_a_phone_interview_says_one_thing_about_the_number(client, frozen, phone, said):
    """A number typed but invalid was also told « Indiquez un numéro de téléphone », which
    was not true: one message, the one that fits."""
    advisor = bookable_advisor(modes=("phone",))
    response = client.post(book_url(advisor, FIRST_SLOT), form_data(mode="phone", phone=phone))
    content = text(response)
    assert response.status_code == 200
    assert content.count(said) == 2  # the summary at the top and the field
    other = {"Saisissez un numéro de téléphone valide", "Indiquez un numéro de téléphone"} - {said}
    assert other.pop() not in content
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("birth_date", ["0200-01-01", "1899-12-31", "2030-01-01", "9999-12-31"])
def test_an_impossible_birth_date_is_said_so_not_turned_into_an_age(client, advisor, birth_date):
    """Tester t-youth 12: 0200-01-01 gave « vous aurez 1826 ans »."""
    response = client.post(book_url(advisor, FIRST_SLOT), form_data(birth_date=birth_date))
    content = text(response)
    assert response.status_code == 200
    assert "Cette date de naissance n'est pas possible." in content
    assert "vous aurez" not in content
    assert not Appointment.objects.exists()


def test_an_overseas_number_in_the_national_format_is_accepted(client, frozen):
    """Tester t-youth 17: « 0692 12 34 56 » (Réunion) was read as a metropolitan number."""
    advisor = bookable_advisor(modes=("phone",))
    response = client.post(book_url(advisor, FIRST_SLOT),
                           form_data(mode="phone", phone="0692 12 34 56"))
    assert response.status_code == 302, text(response)[:2000]
    assert str(Appointment.objects.get().phone.as_e164) == "+262692123456"
