"""Booking for a young person who phones or walks in: within 48 hours, the same rules, the
code read out or the email's link, and no access before the young person confirms."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from bookings.models import Appointment, AppointmentStatus, RecurringAvailability
from bookings.services import BookingError, appointment_hold
from matching.models import MobilityProfile
from tests.bookings.conftest import details
from tests.factories import RecurringAvailabilityFactory, UserFactory
from tests.staff_world import NOW, paris

pytestmark = pytest.mark.django_db

ELEVEN = paris(2026, 3, 19, 11)  # today, 30 minutes from NOW
FORM = {"mode": "in_person", "first_name": "Yanis", "last_name": "Guichet",
        "email": "yanis.guichet@exemple.fr", "birth_date": "2003-02-01", "postal_code": "33800",
        "youth_status": "job_seeker", "domains": ["job"], "project": "Un job au Canada",
        "consent": "on"}


@pytest.fixture
def thursday_slots(world):
    RecurringAvailabilityFactory(advisor=world.colleague, weekday=3, start_time=dt.time(9),
                                 end_time=dt.time(12), offers_phone=False)
    return world


def form_url(advisor, starts_at):
    return (reverse("backoffice:book_for_youth_form")
            + f"?conseiller={advisor.pk}&debut={starts_at.isoformat().replace('+', '%2B')}")


def book(client, world, data=None):
    client.force_login(world.advisor.user)
    return client.post(form_url(world.colleague, ELEVEN), data or FORM)


def test_the_advisor_sees_free_slots_within_48_hours(client, thursday_slots):
    client.force_login(thursday_slots.advisor.user)
    page = client.get(reverse("backoffice:book_for_youth")).content.decode()
    assert "11:00 · Bastien Collègue" in page and "10:00 · Bastien Collègue" not in page


def test_a_colleague_slot_within_48_hours_is_held_and_the_code_sent(
        client, thursday_slots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = book(client, thursday_slots)
    hold = Appointment.objects.get(first_name="Yanis")
    assert response.url == reverse("backoffice:hold", args=[hold.public_id])
    assert (hold.status, hold.advisor, hold.booked_by) == (
        AppointmentStatus.PENDING, thursday_slots.colleague, thursday_slots.advisor.user)
    assert hold.hold_expires_at == ELEVEN  # never past the start
    (message,) = mail.outbox
    assert message.to == ["yanis.guichet@exemple.fr"]
    assert re.search(r"\b\d{6}\b", message.body)
    assert "/rendez-vous/confirmer/" in message.body
    # The public form still keeps 48 hours' notice.
    with pytest.raises(BookingError, match="48 heures"):
        appointment_hold(advisor=thursday_slots.colleague, starts_at=paris(2026, 3, 19, 10),
                         mode="in_person", details=details(), email="autre@exemple.fr", now=NOW)


@pytest.mark.parametrize(("change", "message"), [
    ({"birth_date": "1980-01-01"}, "35 ans ou moins"),
    ({"birth_date": "0200-01-01"}, "Cette date de naissance n&#x27;est pas possible."),
    ({"birth_date": "2030-01-01"}, "Cette date de naissance n&#x27;est pas possible."),
    ({"postal_code": "75011"}, "Nouvelle-Aquitaine"),
    ({"email": ""}, "Ce champ est obligatoire."),
])
def test_the_other_rules_apply(client, thursday_slots, change, message):
    response = book(client, thursday_slots, {**FORM, **change})
    assert message in response.content.decode()
    assert not Appointment.objects.filter(first_name="Yanis").exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"mode": "phone"}, "Indiquez son numéro de téléphone"),
    ({"birth_date": "1980-01-01"}, "il ou elle aura 46 ans"),
    ({"birth_date": "2013-01-01"}, "Il ou elle a moins de 15 ans : indiquez l&#x27;adresse"),
    ({"guardian_email": FORM["email"]}, "différente de celle du ou de la jeune"),
])
def test_the_refusals_speak_to_the_advisor_about_the_young_person(client, thursday_slots,
                                                                   change, message):
    for availability in RecurringAvailability.objects.all():
        availability.offers_phone = True
        availability.save()
    page = book(client, thursday_slots, {**FORM, **change}).content.decode()
    assert message in page
    assert "vous appellera" not in page and "Vous avez moins de 15 ans" not in page
    assert "vous aurez" not in page and "de la vôtre" not in page


def test_the_code_read_out_confirms_and_wrong_codes_are_counted(
        client, thursday_slots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(client, thursday_slots)
    hold = Appointment.objects.get(first_name="Yanis")
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(reverse("backoffice:hold_code", args=[hold.public_id]),
                           {"code": wrong})
    assert "Code incorrect" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("backoffice:hold_code", args=[hold.public_id]),
                               {"code": code})
    assert response.url == reverse("backoffice:interview", args=[hold.public_id])
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.CONFIRMED and hold.confirmed_at == NOW
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["yanis.guichet@exemple.fr", thursday_slots.colleague.user.email])
    assert any(a[0] == "rendez-vous.ics" for m in mail.outbox for a in m.attachments)


def test_the_emailed_link_confirms_on_a_button_only(client, thursday_slots,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(client, thursday_slots)
    link = re.search(r"(/rendez-vous/confirmer/[^/\s]+/)", mail.outbox[0].body).group(1)
    anonymous = client.__class__()
    assert "Je confirme ce rendez-vous" in anonymous.get(link).content.decode()
    hold = Appointment.objects.get(first_name="Yanis")
    assert hold.status == AppointmentStatus.PENDING
    response = anonymous.post(link)
    assert "Votre rendez-vous est confirmé" in response.content.decode()
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.CONFIRMED
    assert anonymous.get(link).status_code == 404  # the link dies once used


def test_the_link_of_a_hold_released_before_its_end_does_not_say_it_ran_out(
        client, thursday_slots, django_capture_on_commit_callbacks):
    """The young person's own booking releases an advisor's hold on them (one hold at a time)
    long before its end: the emailed link said « Non confirmé (délai dépassé) », untrue."""
    with django_capture_on_commit_callbacks(execute=True):
        book(client, thursday_slots)
    link = re.search(r"(/rendez-vous/confirmer/[^/\s]+/)", mail.outbox[0].body).group(1)
    hold = Appointment.objects.get(first_name="Yanis")
    client.logout()
    appointment_hold(advisor=thursday_slots.colleague, starts_at=paris(2026, 3, 26, 10),
                     mode="in_person", email="Yanis.Guichet@exemple.fr", details=details(),
                     now=NOW)
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.EXPIRED and hold.hold_expires_at > NOW

    page = client.get(link).content.decode()
    assert "délai dépassé" not in page
    assert "Non confirmé : le créneau a été libéré" in page
    assert "Cette réservation n'est plus valable." in page

    # The advisor's page of her booking says so (tester t-book8 #14: it was a 404), and its
    # actions do nothing any more.
    client.force_login(thursday_slots.advisor.user)
    hold_url = reverse("backoffice:hold", args=[hold.public_id])
    page = client.get(hold_url)
    assert page.status_code == 200
    assert "Une autre réservation a été faite pour Yanis" in page.content.decode()
    assert "Confirmer le rendez-vous" not in page.content.decode()
    assert "à confirmer" not in page.content.decode()
    for action in ("hold_code", "hold_resend", "hold_cancel"):
        answer = client.post(reverse(f"backoffice:{action}", args=[hold.public_id]),
                             {"code": "123456"})
        assert "Une autre réservation a été faite pour Yanis" in answer.content.decode()
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.EXPIRED


def test_the_advisor_s_page_of_a_booking_follows_what_became_of_it(
        client, thursday_slots, django_capture_on_commit_callbacks):
    """Confirmed by the young person's link: the interview screen; cancelled: said; its
    deadline passed: said. Never a 404 for a booking of her structure."""
    with django_capture_on_commit_callbacks(execute=True):
        book(client, thursday_slots)
    hold = Appointment.objects.get(first_name="Yanis")
    hold_url = reverse("backoffice:hold", args=[hold.public_id])
    page = client.get(hold_url).content.decode()
    assert "à confirmer" in page and "Confirmer le rendez-vous" in page

    with time_machine.travel(ELEVEN + dt.timedelta(minutes=1), tick=False):
        page = client.get(hold_url).content.decode()
    assert "Le délai de confirmation est dépassé" in page
    assert "Confirmer le rendez-vous" not in page

    client.post(reverse("backoffice:hold_cancel", args=[hold.public_id]))
    page = client.get(hold_url).content.decode()
    assert "Cette réservation a été annulée le" in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        book(client, thursday_slots)
    second = Appointment.objects.filter(first_name="Yanis").exclude(pk=hold.pk).get()
    link = re.search(r"(/rendez-vous/confirmer/[^/\s]+/)", mail.outbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.__class__().post(link)
    response = client.get(reverse("backoffice:hold", args=[second.public_id]))
    assert response.url == reverse("backoffice:interview", args=[second.public_id])


def test_a_resent_code_replaces_the_old_one(client, thursday_slots,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(client, thursday_slots)
    hold = Appointment.objects.get(first_name="Yanis")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("backoffice:hold_resend", args=[hold.public_id]))
    first, second = (re.search(r"\b(\d{6})\b", m.body).group(1) for m in mail.outbox)
    if first != second:
        response = client.post(reverse("backoffice:hold_code", args=[hold.public_id]),
                               {"code": first})
        assert "Code incorrect" in response.content.decode()
    client.post(reverse("backoffice:hold_code", args=[hold.public_id]), {"code": second})
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.CONFIRMED


def test_no_access_to_an_existing_account_before_confirmation(client, thursday_slots):
    existing = UserFactory(email="yanis.guichet@exemple.fr")
    MobilityProfile.objects.create(user=existing, project_text="Projet secret de Yanis",
                                   hobbies="Escalade")
    book(client, thursday_slots, {**FORM, "project": ""})
    hold = Appointment.objects.get(first_name="Yanis")
    assert hold.youth == existing
    assert client.get(reverse("backoffice:interview", args=[hold.public_id])).status_code == 404
    assert client.get(reverse("backoffice:matching", args=[hold.public_id])).status_code == 404
    for page in (client.get(reverse("backoffice:hold", args=[hold.public_id])),
                 client.get(reverse("backoffice:agenda"), {"conseiller": "tous"})):
        text = page.content.decode()
        assert "Yanis" in text and "Projet secret" not in text and "profil préparé" not in text


def test_cancel_a_hold_frees_the_slot_and_counts_in_no_figure(client, thursday_slots):
    """Tester t9a #1: released before its code was typed, the booking was stored as cancelled
    by the structure and counted as a booked interview and a structure cancellation on the
    statistics page and in its CSV."""
    book(client, thursday_slots)
    hold = Appointment.objects.get(first_name="Yanis")
    client.post(reverse("backoffice:hold_cancel", args=[hold.public_id]))
    hold.refresh_from_db()
    assert (hold.status, hold.confirmed_at) == (AppointmentStatus.EXPIRED, None)
    assert hold.cancelled_at == NOW
    page = client.get(reverse("backoffice:book_for_youth")).content.decode()
    assert "11:00 · Bastien Collègue" in page
    page = client.get(reverse("backoffice:hold", args=[hold.public_id])).content.decode()
    assert "Motif : Réservation non confirmée, libérée par la structure." in page
    assert "ne compte pas comme un entretien" in page

    march = "?du=2026-03-01&au=2026-03-31"
    csv = client.get(reverse("backoffice:statistics_csv") + march).content.decode("utf-8-sig")
    # The world's only interview of March: Lina's, confirmed, to record.
    assert "entretiens;total;tous;1" in csv
    assert "entretiens;total;annulé par la structure;0" in csv


def test_another_structure_cannot_book_here_nor_see_the_hold(client, thursday_slots):
    client.force_login(thursday_slots.other.user)
    response = client.get(form_url(thursday_slots.colleague, ELEVEN))
    assert response.url == reverse("backoffice:book_for_youth")
    book(client, thursday_slots)
    hold = Appointment.objects.get(first_name="Yanis")
    client.force_login(thursday_slots.other.user)
    assert client.get(reverse("backoffice:hold", args=[hold.public_id])).status_code == 404


@pytest.mark.parametrize("code", ["é", "１２３４５６"])
def test_a_code_that_is_not_ascii_is_a_wrong_code_not_a_server_error(client, thursday_slots,
                                                                     code):
    """Found by tests/test_hostile_input.py: hmac.compare_digest raised TypeError (a 500)."""
    book(client, thursday_slots)
    hold = Appointment.objects.get(first_name="Yanis")
    response = client.post(reverse("backoffice:hold_code", args=[hold.public_id]),
                           {"code": code})
    assert response.status_code == 200 and "Code incorrect" in response.content.decode()
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.PENDING


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00",
                                   "1999-03-19T11:00:00+01:00"])
def test_a_start_at_the_end_of_the_calendar_is_no_slot_not_a_server_error(
        client, thursday_slots, start):
    client.force_login(thursday_slots.advisor.user)
    url = (reverse("backoffice:book_for_youth_form")
           + f"?conseiller={thursday_slots.colleague.pk}&debut={start.replace('+', '%2B')}")
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(reverse("backoffice:book_for_youth"), 302)]
    assert "Ce lien de réservation n&#x27;est pas valable" in response.content.decode()


@pytest.mark.parametrize(("conseiller", "debut", "said"), [
    ("abc", "2026-03-19T11:00:00+01:00", "Ce lien de réservation n&#x27;est pas valable"),
    ("colleague", "zzz", "Ce lien de réservation n&#x27;est pas valable"),
    ("999999", "2026-03-19T11:00:00+01:00", "Ce lien de réservation n&#x27;est pas valable"),
    ("colleague", "2020-03-19T11:00:00+01:00", "Ce créneau est passé"),
    ("colleague", "2026-03-19T11:30:00+01:00", "Ce créneau n&#x27;est plus libre"),
])
def test_a_hand_made_link_says_why_it_books_nothing(client, thursday_slots, conseiller, debut,
                                                    said):
    """Tester t-book8 #15: every such link said « plus libre »."""
    client.force_login(thursday_slots.advisor.user)
    advisor_id = thursday_slots.colleague.pk if conseiller == "colleague" else conseiller
    before = Appointment.objects.count()
    response = client.post(reverse("backoffice:book_for_youth_form")
                           + "?" + urlencode({"conseiller": advisor_id, "debut": debut}), FORM,
                           follow=True)
    assert response.redirect_chain == [(reverse("backoffice:book_for_youth"), 302)]
    assert said in response.content.decode()
    assert Appointment.objects.count() == before


def test_the_code_email_and_the_page_name_who_booked_not_the_colleague_who_receives(
        client, thursday_slots, django_capture_on_commit_callbacks):
    """Tester t9c #11: booked by one advisor on a colleague's slot, the email said the
    colleague booked it and the confirmation page said the advisor did."""
    world = thursday_slots
    with django_capture_on_commit_callbacks(execute=True):
        book(client, world)
    (message,) = mail.outbox
    booker = world.advisor.user.get_full_name()
    receiver = world.colleague.user.get_full_name()
    said = f"{booker} ({world.advisor.structure.public_name}) a réservé pour vous"
    html_body = message.alternatives[0][0]
    assert said in message.body and said in html_body
    assert f"{receiver} (" not in message.body.split("a réservé pour vous")[0]
    confirm_url = re.search(r"https?://\S+(/rendez-vous/confirmer/\S+/)", message.body).group(1)
    client.logout()
    page = client.get(confirm_url).content.decode()
    assert said.replace("'", "&#x27;") in page
