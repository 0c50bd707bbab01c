"""Public booking pages: search, week-by-week slots, the booking form and its email code, and
managing an appointment by signed link."""

import datetime as dt
import logging
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from bookings import services
from bookings.links import appointment_manage_token
from bookings.models import AbsenceKind, Appointment, AppointmentStatus, WaitingListEntry
from bookings.slots import cache as slot_cache
from tests.factories import StructureFactory, YouthFactory
from tests.loopback import fail_soft_caches, free_port

from .web_support import (
    FIRST_SLOT,
    NOW,
    PARIS,
    book_url,
    bookable_advisor,
    form_data,
    last_code,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def advisor(frozen):
    return bookable_advisor(public_name="Info Jeunes Bordeaux Test", slug="ij-bordeaux")


def _book_and_get_code(client, advisor, starts_at=FIRST_SLOT, **overrides):
    data = form_data(**overrides)
    response = client.post(book_url(advisor, starts_at), data)
    assert response.status_code == 302, text(response)[:3000]
    return response["Location"], last_code(data["email"])


# --- Search -------------------------------------------------------------------------------------


def _order(content: str, *names: str) -> list[str]:
    """The names, in the order they appear on the page (each must appear)."""
    return sorted(names, key=content.index)


def test_search_by_departement_then_remote_structures_of_other_departements(client, advisor):
    bookable_advisor(public_name="Info Jeunes Poitiers Test", departement="86",
                     postal_code="86000", commune="Poitiers", modes=("in_person", "phone"))
    bookable_advisor(public_name="Info Jeunes Angoulême Test", departement="16",
                     postal_code="16000", commune="Angoulême", modes=("in_person",))
    response = client.get(reverse("bookings:search"), {"lieu": "33", "mode": ""})
    content = text(response)
    assert response.status_code == 200
    assert "Structures en Gironde (33)" in content
    assert "mercredi 4 mars à 09:00" in content
    assert _order(content, "Info Jeunes Bordeaux Test", "À distance, avec une structure",
                  "Info Jeunes Poitiers Test") == [
        "Info Jeunes Bordeaux Test", "À distance, avec une structure",
        "Info Jeunes Poitiers Test"]
    assert "Info Jeunes Angoulême Test" not in content  # no remote interviews there
    # The remote structure's slots open on its remote mode.
    assert "/rendez-vous/info-jeunes-test-" in content and "?mode=phone" in content


def test_search_by_town_lists_its_structures_then_the_departement_then_remote(client, advisor):
    bookable_advisor(public_name="Info Jeunes Pessac Test", postal_code="33600",
                     commune="Pessac")
    bookable_advisor(public_name="Info Jeunes Pau Test", departement="64",
                     postal_code="64000", commune="Pau", modes=("video",))
    for typed in ("Pessac", "pessac", "PESSAC", "Péssac", "  pessac ", "33600"):
        content = text(client.get(reverse("bookings:search"), {"lieu": typed}))
        assert "Structures près de Pessac (33)" in content, typed
        assert _order(content, "Info Jeunes Pau Test", "Info Jeunes Bordeaux Test",
                      "Info Jeunes Pessac Test") == [
            "Info Jeunes Pessac Test", "Info Jeunes Bordeaux Test", "Info Jeunes Pau Test"]
        assert "Ailleurs dans le département (Gironde, 33)" in content


def test_search_headings_speak_french_and_say_how_the_list_is_sorted(client, advisor):
    """Testers t-youth 7 and 8: « près de Gironde », « À Le Bouscat », « voici les plus
    proches » over a list sorted by next free slot."""
    content = " ".join(text(client.get(reverse("bookings:search"),
                                       {"lieu": "Le Bouscat"})).split())
    assert "Structures près du Bouscat (33)" in content
    assert "Au Bouscat" in content and "À Le Bouscat" not in content
    assert ("Pas de structure So Mobilité dans cette commune : voici les autres structures du "
            "département, par prochain créneau libre.") in content
    assert "les plus proches" not in content
    landes = text(client.get(reverse("bookings:search"), {"lieu": "40"}))
    assert "Structures dans les Landes (40)" in landes


def test_search_by_town_with_accents_and_saint_abbreviated(client, advisor):
    bookable_advisor(public_name="Info Jeunes Saint-Junien Test", departement="87",
                     postal_code="87200", commune="Saint-Junien")
    for typed in ("Saint-Junien", "saint junien", "ST JUNIEN", "St-Junien (87)"):
        content = text(client.get(reverse("bookings:search"), {"lieu": typed}))
        assert "Structures près de Saint-Junien (87)" in content, typed
        assert content.index("Info Jeunes Saint-Junien Test") < content.index(
            "Info Jeunes Bordeaux Test")


def test_search_town_shared_by_several_communes_offers_choices(client, advisor):
    response = client.get(reverse("bookings:search"), {"lieu": "merignac", "mode": "video"})
    content = text(response)
    assert response.status_code == 200
    assert "Plusieurs lieux s'appellent « merignac » : choisissez le vôtre." in content
    assert "Structures près de" not in content
    # Largest first; each suggestion is a link that finds that commune again, mode kept.
    assert _order(content, "Mérignac (16)", "Mérignac (17)", "Mérignac (33)") == [
        "Mérignac (33)", "Mérignac (16)", "Mérignac (17)"]
    assert "?lieu=M%C3%A9rignac+%2833%29&amp;mode=video" in response.content.decode()
    chosen = text(client.get(reverse("bookings:search"), {"lieu": "Mérignac (33)"}))
    assert "Structures près de Mérignac (33)" in chosen


def test_search_unknown_town_says_so_and_suggests_close_names(client, frozen):
    content = text(client.get(reverse("bookings:search"), {"lieu": "Bordaux"}))
    assert ("Nous ne trouvons pas « Bordaux » parmi les communes de Nouvelle-Aquitaine"
            in content)
    assert "Vouliez-vous dire" in content and "Bordeaux (33)" in content
    content = text(client.get(reverse("bookings:search"), {"lieu": "Toulouse"}))
    assert "Nous ne trouvons pas « Toulouse »" in content
    assert "Vouliez-vous dire" not in content


@pytest.mark.parametrize(("value", "message"), [
    ("75001", "n'est pas en Nouvelle-Aquitaine"),
    ("31", "n'est pas en Nouvelle-Aquitaine"),
    ("33999", "Le code postal 33999 n'existe pas en Nouvelle-Aquitaine"),
    ("123", "Un code postal a 5 chiffres"),
])
def test_search_refuses_a_place_outside_the_region_in_french(client, frozen, value, message):
    response = client.get(reverse("bookings:search"), {"lieu": value})
    assert response.status_code == 200
    assert message in text(response)


def test_remote_modes_list_structures_of_the_whole_region(client, advisor):
    bookable_advisor(public_name="Info Jeunes Limoges Test", departement="87",
                     postal_code="87000", commune="Limoges", modes=("in_person",))
    bookable_advisor(public_name="Info Jeunes Pau Test", departement="64",
                     postal_code="64000", commune="Pau", modes=("video",))
    content = text(client.get(reverse("bookings:search"), {"lieu": "33", "mode": "video"}
                         ))
    assert "Info Jeunes Bordeaux Test" in content
    assert "Info Jeunes Pau Test" in content
    assert "Info Jeunes Limoges Test" not in content  # no video interviews there
    assert content.index("Info Jeunes Bordeaux Test") < content.index("Info Jeunes Pau Test")


def _count_queries(client, url, params=None) -> int:
    """Queries of a page served by a fresh worker (nothing in its process memory)."""
    for memo in slot_cache._memo.values():
        memo.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_search_query_count_does_not_grow_with_structures(client, advisor):
    url = reverse("bookings:search")
    few = _count_queries(client, url, {"lieu": "33"})
    for _ in range(4):
        bookable_advisor()
    bookable_advisor(structure=advisor.structure)
    assert _count_queries(client, url, {"lieu": "33"}) == few
    assert few <= 12


def test_search_rows_kept_in_memory_follow_a_rename_and_a_hold(client, advisor,
                                                               django_assert_num_queries):
    """Each row's markup is kept per process under its content (bookings.views._search_row):
    a renamed structure and a slot taken show at once, and an unchanged search runs no query."""
    url = reverse("bookings:search")
    first = text(client.get(url, {"lieu": "33"}))
    assert "Info Jeunes Bordeaux Test" in first
    assert "mercredi 4 mars à 09:00" in first
    with django_assert_num_queries(0):
        assert text(client.get(url, {"lieu": "33"})) == first

    structure = advisor.structure
    structure.public_name = "Info Jeunes Bordeaux Centre"
    structure.save()
    renamed = text(client.get(url, {"lieu": "33"}))
    assert "Info Jeunes Bordeaux Centre" in renamed
    assert "Info Jeunes Bordeaux Test" not in renamed

    _book_and_get_code(Client(), advisor)  # a hold on 4 March at 9:00
    after_hold = text(client.get(url, {"lieu": "33"}))
    assert "mercredi 4 mars à 10:00" in after_hold
    assert "à 09:00" not in after_hold


def test_no_free_slot_offers_the_waiting_list(client, advisor):
    content = text(client.get(reverse("bookings:search"), {"lieu": "33", "mode": "phone"}
                         ))
    assert "Aucun créneau libre pour l'instant" in content
    assert 'action="/rendez-vous/liste-d-attente/"' in content
    response = client.post(reverse("bookings:waiting_list"),
                           {"attente-email": "attente@exemple.fr", "attente-departement": "33",
                            "attente-mode": "phone"})
    assert response.status_code == 200
    assert "Confirmez votre adresse e-mail" in text(response)
    assert WaitingListEntry.objects.filter(email="attente@exemple.fr", mode="phone").exists()


def test_the_waiting_list_confirms_by_link_and_limits_sign_ups(
        client, frozen, django_capture_on_commit_callbacks):
    """Issue 9 §5: double opt-in, and no more than a few sign-ups per address."""
    def sign_up(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("bookings:waiting_list"), {
                "attente-email": email, "attente-departement": "33", "attente-mode": "video"})

    assert sign_up("attente@exemple.fr").status_code == 200
    link = re.search(r"https?://\S+(/rendez-vous/liste-d-attente/\S+/)",
                     mail.outbox[-1].body).group(1)
    entry = WaitingListEntry.objects.get()
    assert entry.confirmed_at is None
    page = client.get(link)  # a mail scanner following the link confirms nothing
    assert page.status_code == 200 and "Confirmer mon inscription" in text(page)
    entry.refresh_from_db()
    assert entry.confirmed_at is None
    assert "C'est noté" in text(client.post(link))
    entry.refresh_from_db()
    assert entry.confirmed_at is not None
    assert client.get(link.replace("/rendez-vous/liste-d-attente/",
                                   "/rendez-vous/liste-d-attente/x")).status_code == 404
    sign_up("attente@exemple.fr")
    sign_up("attente@exemple.fr")
    refused = sign_up("attente@exemple.fr")
    assert refused.status_code == 429
    assert "Trop d'inscriptions" in text(refused)


def test_one_connection_signs_up_few_addresses(client, frozen, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "waiting_list": "3/h/ip"}
    for number in range(3):
        assert client.post(reverse("bookings:waiting_list"), {
            "attente-email": f"a{number}@exemple.fr", "attente-departement": "33",
            "attente-mode": "video"}).status_code == 200
    assert client.post(reverse("bookings:waiting_list"), {
        "attente-email": "a9@exemple.fr", "attente-departement": "33",
        "attente-mode": "video"}).status_code == 429
    assert WaitingListEntry.objects.count() == 3


def test_waiting_list_form_errors_are_shown(client, frozen):
    response = client.post(reverse("bookings:waiting_list"),
                           {"attente-email": "pas-une-adresse", "attente-departement": "75",
                            "attente-mode": "phone"})
    assert response.status_code == 400
    assert not WaitingListEntry.objects.exists()


# --- Structure slots, week by week --------------------------------------------------------------


def test_structure_page_lists_free_slots_by_day_as_links(client, advisor):
    response = client.get(reverse("bookings:structure_slots", args=["ij-bordeaux"]))
    content = text(response)
    assert response.status_code == 200
    # Monday and Tuesday are inside the 48 hours; Wednesday to Friday have 3 slots each.
    assert "Mercredi 4 mars" in content and "Vendredi 6 mars" in content
    assert "Mardi 3 mars" not in content
    assert content.count('class="btn btn-outline-primary slot-link"') == 9
    assert book_url(advisor, FIRST_SLOT) in content
    assert "semaine=2026-W11" in content  # next week link
    assert "Semaine précédente" not in content


def test_structure_page_next_week_and_mode_filter(client, advisor):
    url = reverse("bookings:structure_slots", args=["ij-bordeaux"])
    content = text(client.get(url, {"semaine": "2026-W11"}))
    assert "Lundi 9 mars" in content and "Semaine précédente" in content
    content = text(client.get(url, {"semaine": "2026-W11", "mode": "phone"}))
    assert "Aucun créneau libre cette semaine." in content


def test_structure_page_bad_or_far_week(client, advisor):
    url = reverse("bookings:structure_slots", args=["ij-bordeaux"])
    content = text(client.get(url, {"semaine": "n-importe"}))
    assert "non reconnue" in content and "Mercredi 4 mars" in content
    content = text(client.get(url, {"semaine": "2027-W40"}))
    assert "Semaine suivante" not in content  # clamped to the last week of the horizon


def test_a_week_not_understood_shows_the_first_week_with_a_free_slot(client, frozen, advisor):
    """Friday 6 March: nothing is bookable before Monday 9 March (48 hours, weekend), so the
    « première semaine disponible » the message names is the next one, not this empty one."""
    frozen.move_to(dt.datetime(2026, 3, 6, 8, 0, tzinfo=PARIS))
    url = reverse("bookings:structure_slots", args=["ij-bordeaux"])
    content = text(client.get(url, {"semaine": "2026-W99"}))
    assert "« 2026-W99 » non reconnue : voici la première semaine disponible" in content
    assert "Lundi 9 mars" in content and "Aucun créneau libre cette semaine." not in content


def test_structure_page_query_count_does_not_grow_with_advisors(client, advisor):
    url = reverse("bookings:structure_slots", args=["ij-bordeaux"])
    few = _count_queries(client, url)
    for _ in range(3):
        bookable_advisor(structure=advisor.structure, modes=("phone",))
    assert _count_queries(client, url) == few


def test_inactive_or_unknown_structure_is_404(client, frozen):
    StructureFactory(slug="candidate", status="candidate")
    assert client.get(reverse("bookings:structure_slots", args=["candidate"])).status_code == 404
    assert client.get(reverse("bookings:structure_slots", args=["nope"])).status_code == 404


def _page(client, advisor, params=None) -> str:
    response = client.get(reverse("bookings:structure_slots", args=[advisor.structure.slug]),
                          params)
    assert response.status_code == 200
    return text(response)


def _kept_grids() -> int:
    """Structure page bodies kept by this process (the "template_fragments" cache)."""
    return sum(".structure_slots." in key for key in caches["template_fragments"]._cache)


def _slot_links(content: str) -> int:
    return content.count('class="btn btn-outline-primary slot-link"')


def test_structure_page_body_is_kept_until_a_slot_changes(
    client, advisor, frozen, django_capture_on_commit_callbacks,
):
    """The body is written once per key; each change goes through the real path (the booking
    form and its code, an advisor's absence through the service and its signals, time) and
    shows on the very next request."""
    first = book_url(advisor, FIRST_SLOT)
    content = _page(client, advisor)
    assert _slot_links(content) == 9 and first in content
    assert _page(client, advisor) == content and _kept_grids() == 1
    # A hold takes the slot at once, for everybody.
    confirm_url, code = _book_and_get_code(client, advisor)
    held = _page(Client(), advisor)
    assert _slot_links(held) == 8 and first not in held and _kept_grids() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url, {"code": code, "action": "verify"})
    assert _page(Client(), advisor) == held  # confirmed: still taken, same body
    # An advisor's absence on Thursday.
    services.absence_create(
        advisor=advisor, starts_at=dt.datetime(2026, 3, 5, 8, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 3, 5, 13, 0, tzinfo=PARIS), kind=AbsenceKind.SHORT,
        reason="Formation", confirm_cancellations=False, now=NOW)
    absent = _page(Client(), advisor)
    assert "Jeudi 5 mars" not in absent and "Mercredi 4 mars" in absent
    assert _slot_links(absent) == 5
    # The 48-hour notice: an hour later, Wednesday 9:00 is no longer offered… (it is held
    # anyway: Wednesday 10:00 goes at 10:00 on Monday).
    frozen.move_to(NOW + dt.timedelta(hours=2, minutes=1))
    later = _page(Client(), advisor)
    assert book_url(advisor, FIRST_SLOT + dt.timedelta(hours=1)) not in later
    assert _slot_links(later) == 4


def test_structure_page_opens_on_the_week_of_the_first_free_slot_and_shows_that_week_only(
    client, advisor,
):
    services.absence_create(
        advisor=advisor, starts_at=dt.datetime(2026, 3, 4, 0, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 3, 7, 0, 0, tzinfo=PARIS), kind=AbsenceKind.SHORT,
        reason="Salon", confirm_cancellations=False, now=NOW)
    content = _page(client, advisor)
    assert "Semaine du 9 mars au 15 mars 2026" in content
    assert "Lundi 9 mars" in content and "Vendredi 13 mars" in content
    assert "Mercredi 4 mars" not in content and "Lundi 16 mars" not in content
    assert _slot_links(content) == 15 and "Semaine précédente" in content


def test_structure_page_shows_a_lapsed_hold_as_free_again(client, advisor, frozen):
    """A hold whose code was never typed frees its slot when it expires, with no write to
    invalidate anything: the body follows the slots read at each request."""
    _book_and_get_code(client, advisor)
    assert book_url(advisor, FIRST_SLOT) not in _page(client, advisor)
    frozen.move_to(NOW + dt.timedelta(minutes=settings.BOOKING_HOLD_MINUTES + 1))
    content = _page(client, advisor)
    assert book_url(advisor, FIRST_SLOT) in content and _slot_links(content) == 9


def test_structure_page_weeks_across_daylight_saving_keep_paris_time(client, advisor):
    """Winter time until Sunday 29 March 2026, summer time after: the same 9:00 Paris is
    another UTC hour, each week is its own body and says 09:00."""
    before = _page(client, advisor, {"semaine": "2026-W13"})
    after = _page(client, advisor, {"semaine": "2026-W14"})
    assert "Vendredi 27 mars" in before and "Lundi 30 mars" in after
    for content in (before, after):
        assert ">09:00<" in content and ">11:00<" in content and ">08:00<" not in content
    assert book_url(advisor, dt.datetime(2026, 3, 27, 9, tzinfo=PARIS)) in before
    assert "debut=2026-03-27T09%3A00%3A00%2B01%3A00" in before
    assert "debut=2026-03-30T09%3A00%3A00%2B02%3A00" in after
    assert _page(client, advisor, {"semaine": "2026-W14"}) == after
    assert _page(client, advisor, {"semaine": "2026-W14", "mode": "video"}) != after
    assert _kept_grids() == 3


def test_structure_page_header_stays_the_visitors_own(client, advisor):
    """The body is shared; the header (name, logout, messages) is each visitor's."""
    youth = YouthFactory(first_name="Lou", last_name="Exemple")
    anonymous = _page(Client(), advisor)
    client.force_login(youth)
    mine = _page(client, advisor)
    assert "Lou Exemple" in mine and "Se déconnecter" in mine and "Mes rendez-vous" in mine
    again = _page(Client(), advisor)
    assert again == anonymous and "Lou Exemple" not in again and "Se connecter" in again
    # Both see the same slots; an unknown week is told to this visitor only.
    assert mine.split('id="contenu"')[1] == anonymous.split('id="contenu"')[1]
    assert "non reconnue" in _page(client, advisor, {"semaine": "x"})
    assert "non reconnue" not in _page(Client(), advisor)


def test_structure_page_query_count(client, advisor, django_assert_num_queries):
    """Warm (offers cached): the structure, the appointments of its advisors; the body kept
    or not, the same queries."""
    _page(client, advisor)
    with django_assert_num_queries(1):
        _page(Client(), advisor)
    caches["template_fragments"].clear()
    with django_assert_num_queries(1):
        _page(Client(), advisor)


# --- Booking ------------------------------------------------------------------------------------


def test_booking_happy_path_through_the_email_code(client, advisor,
                                                   django_capture_on_commit_callbacks):
    response = client.get(book_url(advisor, FIRST_SLOT))
    assert response.status_code == 200
    assert "Mercredi 4 mars 2026, 09:00–10:00" in text(response)
    confirm_url, code = _book_and_get_code(client, advisor)
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.PENDING
    assert confirm_url == reverse("bookings:confirm_code", args=[appointment.public_id])
    page = text(client.get(confirm_url))
    assert "lou.exemple@exemple.fr" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url, {"code": code, "action": "verify"})
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:booked", args=[appointment.public_id])
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.domains == ["studies", "internship"]
    user = User.objects.get(email="lou.exemple@exemple.fr")
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified
    assert client.get(confirm_url)["Location"] == response["Location"]  # back button
    page = client.get(response["Location"])
    assert page.wsgi_request.user == user
    content = text(page)
    assert "Votre rendez-vous est confirmé" in content
    token = appointment_manage_token(appointment)
    assert reverse("bookings:appointment_ics", args=[token]) in content
    assert reverse("bookings:appointment_manage", args=[token]) in content
    subjects = [m.subject for m in mail.outbox]
    assert any("est confirmé" in s for s in subjects)


def test_wrong_code_is_refused_then_too_many(client, advisor):
    confirm_url, code = _book_and_get_code(client, advisor)
    response = client.post(confirm_url, {"code": "ZZZZZZ", "action": "verify"})
    assert "Code incorrect" in text(response)
    client.post(confirm_url, {"code": "ZZZZZZ", "action": "verify"})
    response = client.post(confirm_url, {"code": "ZZZZZZ", "action": "verify"})
    assert "Trop de codes incorrects" in text(response)
    response = client.post(confirm_url, {"code": code, "action": "verify"})
    assert "plus valable" in text(response)
    assert Appointment.objects.get().status == AppointmentStatus.PENDING
    # A new code can be asked for while the slot is still held.
    client.post(confirm_url, {"action": "resend"})
    new_code = last_code("lou.exemple@exemple.fr")
    response = client.post(confirm_url, {"code": new_code, "action": "verify"})
    assert response.status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED


def test_asking_for_a_new_code_says_it_was_sent(client, advisor):
    confirm_url, first = _book_and_get_code(client, advisor)
    response = client.post(confirm_url, {"action": "resend"}, follow=True)
    assert ("Un nouveau code vous a été envoyé à lou.exemple@exemple.fr : seul ce dernier "
            "code est valable.") in text(response)
    assert last_code("lou.exemple@exemple.fr") != first
    assert "Un nouveau code" not in text(client.get(confirm_url))  # said once


def test_confirm_page_of_another_session_is_404(client, advisor):
    confirm_url, _code = _book_and_get_code(client, advisor)
    assert Client().get(confirm_url).status_code == 404


def _code_field(response) -> str:
    return re.search(r'<div id="div_id_code".*?</div>\s*<button', text(response),
                     re.DOTALL).group(0)


def test_the_empty_code_field_is_rendered_once_and_a_wrong_code_for_its_person(client,
                                                                              advisor):
    """The code page's empty field is the same markup for everybody (kept in the
    "template_fragments" cache); a wrong code comes back as typed, with its message."""
    from django.core.cache.utils import make_template_fragment_key

    fragments = caches["template_fragments"]
    key = make_template_fragment_key("booking_code_field", ["fr"])
    confirm_url, _code = _book_and_get_code(client, advisor)
    first = client.get(confirm_url)
    assert fragments.get(key) is not None
    other = Client()
    other_url, _other_code = _book_and_get_code(
        other, advisor, starts_at=FIRST_SLOT + dt.timedelta(hours=1),
        email="sam.exemple@exemple.fr")
    assert _code_field(other.get(other_url)) == _code_field(first)
    assert 'autocomplete="one-time-code"' in _code_field(first)
    assert 'value=' not in _code_field(first) and "is-invalid" not in _code_field(first)
    wrong = client.post(confirm_url, {"code": "ZZZZZZ", "action": "verify"})
    field = _code_field(wrong)
    assert 'value="ZZZZZZ"' in field and 'aria-invalid="true"' in field
    assert "Code incorrect" in field
    assert _code_field(other.get(other_url)) == _code_field(first)


def test_the_code_stops_working_with_allauths_login_timeout(client, advisor, frozen, settings):
    """The login started by the code email ends after ``ACCOUNT_LOGIN_TIMEOUT`` as allauth
    ends it (the booking pages read it from the session themselves): the right code is then
    refused, the stashed login is dropped, and a new code confirms while the slot is held."""
    settings.ACCOUNT_LOGIN_TIMEOUT = 120
    confirm_url, code = _book_and_get_code(client, advisor)
    assert "account_login" in client.session
    frozen.shift(dt.timedelta(seconds=121))
    response = client.post(confirm_url, {"code": code, "action": "verify"})
    assert response.status_code == 200
    assert "Ce code n'est plus valable : demandez-en un nouveau." in text(response)
    assert "account_login" not in client.session
    assert Appointment.objects.get().status == AppointmentStatus.PENDING
    client.post(confirm_url, {"action": "resend"})
    new_code = last_code("lou.exemple@exemple.fr")
    assert client.post(confirm_url, {"code": new_code, "action": "verify"}).status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED


def test_logged_in_youth_books_without_a_new_code(client, advisor):
    confirm_url, code = _book_and_get_code(client, advisor)
    client.post(confirm_url, {"code": code, "action": "verify"})
    second = FIRST_SLOT + dt.timedelta(days=1)
    response = client.post(book_url(advisor, second), form_data())
    assert response.status_code == 302
    assert response["Location"].startswith("/rendez-vous/reserve/")
    assert Appointment.objects.filter(status=AppointmentStatus.CONFIRMED).count() == 2


@pytest.mark.parametrize(("overrides", "field_message"), [
    ({"birth_date": "1990-03-03"}, "35 ans ou moins le jour de l'entretien"),
    ({"postal_code": "75011"}, "habitent en Nouvelle-Aquitaine"),
    ({"birth_date": "2012-01-10"}, "moins de 15 ans : indiquez l'adresse e-mail"),
    ({"mode": "phone", "phone": ""}, "Indiquez un numéro de téléphone"),
    ({"mode": "phone", "phone": "12"}, "Saisissez un numéro de téléphone valide"),
    ({"consent": None}, "Votre accord est nécessaire"),
])
def test_refusals_say_why_and_keep_what_was_typed(client, frozen, overrides, field_message):
    advisor = bookable_advisor(modes=("in_person", "phone"))
    response = client.post(book_url(advisor, FIRST_SLOT), form_data(
        first_name="Sacha", project="Partir en Irlande", **overrides))
    content = text(response)
    assert response.status_code == 200
    assert field_message in content
    assert 'value="Sacha"' in content and "Partir en Irlande" in content
    assert re.search(r'name="domains" value="studies"[^>]*checked', content)
    assert not Appointment.objects.exists()


def test_age_counts_on_the_interview_day(client, frozen):
    advisor = bookable_advisor()
    # 36 on 5 March 2026: still 35 on Wednesday 4 March, too old on Thursday 5 March.
    ok = client.post(book_url(advisor, FIRST_SLOT), form_data(birth_date="1990-03-05"))
    assert ok.status_code == 302
    later = client.post(book_url(advisor, FIRST_SLOT + dt.timedelta(days=1)),
                        form_data(birth_date="1990-03-05", email="autre@exemple.fr"))
    assert "vous aurez 36 ans" in text(later)


def test_slot_exactly_48_hours_ahead_can_be_booked_and_confirmed(client, frozen, advisor):
    frozen.move_to(FIRST_SLOT - dt.timedelta(hours=48))
    confirm_url, code = _book_and_get_code(client, advisor)
    response = client.post(confirm_url, {"code": code, "action": "verify"})
    assert response.status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED


def test_slot_47_hours_59_ahead_is_not_offered(client, frozen, advisor):
    frozen.move_to(FIRST_SLOT - dt.timedelta(hours=47, minutes=59))
    response = client.get(book_url(advisor, FIRST_SLOT))
    assert "Ce créneau n'est plus disponible" in text(response)
    assert "Mercredi 4 mars à 10:00" in text(response)


def test_under_15_with_guardian_can_book(client, advisor):
    response = client.post(book_url(advisor, FIRST_SLOT), form_data(
        birth_date="2012-01-10", guardian_email="parent@exemple.fr", guardian_consent="on"))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.guardian_email == "parent@exemple.fr" and appointment.guardian_consent


def test_phone_interview_keeps_the_phone_number(client, frozen):
    advisor = bookable_advisor(modes=("phone",))
    response = client.post(book_url(advisor, FIRST_SLOT, "phone"),
                           form_data(mode="phone", phone="05 56 00 00 01"))
    assert response.status_code == 302
    assert Appointment.objects.get().phone.as_e164 == "+33556000001"


def test_the_48_hour_rule_is_judged_when_the_slot_is_held(client, frozen, advisor):
    """Held 48 h 01 before the start, the code typed 2 minutes later: confirmed (the hold is a
    promise for its minutes); typed after the hold: refused, in French."""
    starts_at = FIRST_SLOT + dt.timedelta(days=2)  # Friday 6 March, 9:00
    frozen.move_to(starts_at - dt.timedelta(hours=48, minutes=1))
    confirm_url, code = _book_and_get_code(client, advisor, starts_at=starts_at)
    frozen.move_to(starts_at - dt.timedelta(hours=47, minutes=59))
    response = client.post(confirm_url, {"code": code, "action": "verify"}, follow=True)
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED
    assert response.status_code == 200

    later = Client()
    other_start = starts_at + dt.timedelta(hours=1)
    frozen.move_to(other_start - dt.timedelta(hours=48, minutes=1))
    confirm_url, code = _book_and_get_code(later, advisor, starts_at=other_start,
                                           email="tard@exemple.fr")
    frozen.move_to(other_start - dt.timedelta(hours=47, minutes=30))
    response = later.post(confirm_url, {"code": code, "action": "verify"})
    assert "délai" in text(response)
    assert Appointment.objects.get(starts_at=other_start).status != AppointmentStatus.CONFIRMED
    assert "_auth_user_id" not in later.session


def test_a_hold_that_expired_gives_back_what_was_typed(client, frozen, advisor):
    """The code typed after the hold's minutes: the form comes back with the answers and the
    next free slots as buttons (the released slot among them, free again), so the young
    person chooses a slot without typing anything again; a reload shows the same page."""
    confirm_url, code = _book_and_get_code(
        client, advisor, mode="video", first_name="Inès", phone="06 12 34 56 78",
        project="Un an à Dublin.", domains=["job", "au_pair"])
    frozen.shift(dt.timedelta(minutes=settings.BOOKING_HOLD_MINUTES, seconds=1))
    response = client.post(confirm_url, {"code": code, "action": "verify"})
    content = text(response)
    assert response.status_code == 200
    assert "Le délai pour saisir le code est dépassé" in content
    assert "Ce que vous aviez saisi est gardé" in content
    assert "n'est plus libre" not in content  # it is free again: nobody took it
    answers = response.context["form"].data
    assert answers.get("first_name") == "Inès" and answers.get("project") == "Un an à Dublin."
    assert answers.getlist("domains") == ["job", "au_pair"]
    assert answers.get("phone") == "+33612345678" and answers.get("consent") == "on"
    assert 'value="Inès"' in content and "Un an à Dublin." in content
    assert re.search(r'formaction="[^"]*debut=2026-03-04T09%3A00[^"]*"', content)  # freed
    assert client.get(confirm_url).status_code == 200  # reload: the same answers, no 404

    again = client.post(book_url(advisor, FIRST_SLOT, "video"),
                        {name: answers.getlist(name) for name in answers})
    assert again.status_code == 302
    held = Appointment.objects.get(status=AppointmentStatus.PENDING)
    assert (held.first_name, held.project, held.domains) == ("Inès", "Un an à Dublin.",
                                                             ["job", "au_pair"])
    assert held.phone.as_e164 == "+33612345678" and held.starts_at == FIRST_SLOT


def test_the_code_works_until_the_end_of_the_hold_the_email_announces(client, frozen, advisor):
    """The email and the page say « réservé jusqu'à HH:MM ; sans le code d'ici là… »: a code
    typed a minute before that end confirms (allauth's login codes last 10 minutes: it was
    refused with « Ce code n'est plus valable »), also a code asked again late."""
    confirm_url, code = _book_and_get_code(client, advisor)
    held = Appointment.objects.get(status=AppointmentStatus.PENDING)
    assert "jusqu'à" in mail.outbox[-1].body
    frozen.shift(dt.timedelta(minutes=settings.BOOKING_HOLD_MINUTES - 1))
    response = client.post(confirm_url, {"code": code, "action": "verify"})
    assert response.status_code == 302, text(response)
    held.refresh_from_db()
    assert held.status == AppointmentStatus.CONFIRMED


def test_a_code_asked_again_late_works_until_the_end_of_the_hold(client, frozen, advisor):
    confirm_url, _first = _book_and_get_code(client, advisor)
    frozen.shift(dt.timedelta(minutes=settings.BOOKING_HOLD_MINUTES - 3))
    assert client.post(confirm_url, {"action": "resend"}).status_code == 302
    code = last_code(form_data()["email"])
    frozen.shift(dt.timedelta(minutes=2))
    assert client.post(confirm_url, {"code": code, "action": "verify"}).status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED


def test_slot_taken_meanwhile_shows_the_next_free_slots(client, advisor):
    url = book_url(advisor, FIRST_SLOT)
    assert client.get(url).status_code == 200
    other = Client()
    other.post(url, form_data(email="rapide@exemple.fr"))  # holds the slot first
    response = client.post(url, form_data())
    content = text(response)
    assert response.status_code == 200
    assert "Ce créneau vient d'être réservé" in content
    assert "Mercredi 4 mars à 10:00" in content
    assert 'value="Lou"' in content  # what was typed is kept (tests/bookings/test_booking_form)
    assert Appointment.objects.count() == 1


def test_taken_slot_link_is_not_an_error_page(client, advisor):
    client.post(book_url(advisor, FIRST_SLOT), form_data(email="rapide@exemple.fr"))
    response = Client().get(book_url(advisor, FIRST_SLOT))
    assert response.status_code == 200
    assert "Ce créneau n'est plus disponible" in text(response)


@pytest.mark.parametrize("params", [
    {"conseiller": "x", "debut": "demain"},
    {"conseiller": "1", "debut": "2026-03-04T09:00"},  # no offset
    {"conseiller": str(10**30), "debut": "2026-03-04T09:00:00+01:00"},
    {"conseiller": "1", "debut": "9999-12-31T23:00:00-01:00"},
    {"conseiller": "999", "debut": "2026-03-04T09:00:00+01:00"},
])
def test_broken_booking_link_is_a_french_400(client, advisor, params):
    url = reverse("bookings:book", args=["ij-bordeaux"])
    response = client.get(url, params)
    assert response.status_code == 400
    assert "lien de réservation n'est pas valide" in text(response)


def test_a_link_naming_another_structure_s_advisor_is_a_french_400_not_a_taken_slot(client,
                                                                                     advisor):
    """The form reads no advisor when the slot is listed; a slot that is not listed for this
    structure because its advisor works elsewhere is a broken link, as before (GET and POST),
    and nothing is held."""
    elsewhere = bookable_advisor(slug="ij-ailleurs")
    url = book_url(elsewhere, FIRST_SLOT).replace("ij-ailleurs", "ij-bordeaux")
    assert client.get(book_url(elsewhere, FIRST_SLOT)).status_code == 200  # listed there
    for response in (client.get(url), client.post(url, form_data())):
        assert response.status_code == 400
        assert "lien de réservation n'est pas valide" in text(response)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(("starts_at", "message"), [
    (dt.datetime(2026, 3, 3, 9, tzinfo=PARIS), "au moins 48 heures à l'avance"),
    (dt.datetime(2026, 5, 4, 9, tzinfo=PARIS), "au-delà de la période ouverte"),
])
def test_a_link_outside_the_booking_window_names_the_rule(client, advisor, starts_at, message):
    """Monday 02/03 8:00: Tuesday 03/03 9:00 is published but too soon, 04/05 too far."""
    response = client.get(book_url(advisor, starts_at))
    assert message in text(response) and "vient d'être réservé" not in text(response)
    posted = client.post(book_url(advisor, starts_at), {"first_name": "Léa"})
    assert message in text(posted) and "vient d'être réservé" not in text(posted)


def test_a_link_asking_for_a_mode_the_slot_does_not_offer_says_so_and_offers_its_modes(
        client, advisor):
    """The slot is in person and by video: a link asking for the phone (tester t-book6 #6)
    gets the slot's form in its own modes and the reason, not « plus disponible »; the
    phone posted anyway is refused on the form, nothing held; a mode offered books."""
    url = book_url(advisor, FIRST_SLOT, mode="phone")
    response = client.get(url)
    content = text(response)
    assert response.status_code == 200
    assert "Ce créneau ne se fait pas par téléphone" in content
    assert "plus disponible" not in content and "vient d'être réservé" not in content
    radios = re.findall(r'name="mode" value="(\w+)"', response.content.decode())
    assert sorted(radios) == ["in_person", "video"]
    assert "checked" not in re.search(r'<input[^>]*value="video"[^>]*>',
                                      response.content.decode()).group(0)
    refused = client.post(url, form_data(mode="phone", project="Partir à Berlin"))
    assert refused.status_code == 200 and "mode" in refused.context["form"].errors
    assert not Appointment.objects.exists()
    # The refusal names the slot's modes in French, never the raw code posted (tester
    # t-check8 #1), and keeps what was typed.
    assert refused.context["form"].errors["mode"] == [
        "Ce créneau ne se fait pas de cette façon : choisissez sur place ou en visio."]
    assert "n’en fait pas partie" not in text(refused) and "Partir à Berlin" in text(refused)
    booked = client.post(url, form_data(mode="video"))
    assert booked.status_code == 302
    assert Appointment.objects.get().mode == "video"


def test_a_taken_slot_asked_in_a_mode_it_never_offered_is_still_taken(client, advisor):
    """The fallback to the slot's own modes is for a free slot only."""
    _book_and_get_code(Client(), advisor)
    response = client.get(book_url(advisor, FIRST_SLOT, mode="phone"))
    assert "ne se fait pas" not in text(response)
    assert "plus disponible" in text(response)


def test_booking_link_with_an_unencoded_plus_still_works(client, advisor):
    url = reverse("bookings:book", args=["ij-bordeaux"])
    response = client.get(f"{url}?conseiller={advisor.pk}&debut=2026-03-04T09:00:00+01:00")
    assert response.status_code == 200
    assert "Réserver votre entretien" in text(response)


def test_submitting_twice_goes_back_to_the_code_page(client, advisor):
    confirm_url, _code = _book_and_get_code(client, advisor)
    response = client.get(book_url(advisor, FIRST_SLOT))
    assert response.status_code == 302 and response["Location"] == confirm_url


def test_booking_attempts_are_rate_limited_per_address(client, advisor):
    slots = [FIRST_SLOT + dt.timedelta(days=day, hours=hour)
             for day in (0, 1) for hour in (0, 1, 2)]
    for starts_at in slots[:5]:
        assert Client().post(book_url(advisor, starts_at), form_data()).status_code == 302
    response = client.post(book_url(advisor, slots[5]), form_data())
    assert response.status_code == 429
    assert "Trop de tentatives" in text(response)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1,
                   ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "booking_hold": "2/h/ip"})
def test_booking_attempts_are_counted_per_person_behind_the_proxy(advisor):
    """Issue 9 §3: behind the proxy every request comes from its address; one person using the
    per-address allowance (even forging the start of X-Forwarded-For) leaves others theirs."""
    slots = [FIRST_SLOT + dt.timedelta(hours=hour) for hour in range(3)]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for number, starts_at in enumerate(slots[:2]):
        response = Client().post(book_url(advisor, starts_at),
                                 form_data(email=f"a{number}@exemple.fr"), **proxy,
                                 HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.1")
        assert response.status_code == 302
    again = Client().post(book_url(advisor, slots[2]), form_data(email="a3@exemple.fr"),
                          **proxy, HTTP_X_FORWARDED_FOR="192.0.2.77, 198.51.100.1")
    assert again.status_code == 429
    someone_else = Client().post(book_url(advisor, slots[2]), form_data(email="b@exemple.fr"),
                                 **proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert someone_else.status_code == 302


@pytest.mark.parametrize("kind", ["professional", "deactivated"])
def test_a_stranger_learns_nothing_about_an_address_before_the_code(
        client, advisor, kind, django_capture_on_commit_callbacks):
    """Issue 9 §5: the page is the one any booking gets; the reason goes to the mailbox."""
    if kind == "professional":
        email = advisor.user.email
    else:
        email = User.objects.create_user(email="ferme@exemple.fr", role="youth",
                                         is_active=False).email
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(advisor, FIRST_SLOT), form_data(email=email))
    assert response.status_code == 302
    assert re.fullmatch(r"/rendez-vous/confirmation/[0-9a-f-]{36}/", response["Location"])
    page = text(client.get(response["Location"]))
    assert "Nous venons d'envoyer un code" in page and email in page
    assert "professionnel" not in page and "désactivé" not in page
    [message] = [m for m in mail.outbox if m.to == [email]]
    assert ("professionnel" in message.body) or ("désactivé" in message.body)
    for _ in range(3):
        typed = text(client.post(response["Location"], {"code": "ABCD-1234",
                                                        "action": "verify"}))
    assert "Trop de codes incorrects" in typed
    assert not Appointment.objects.exists()
    # A real booking from another browser answers the same way.
    real = Client().post(book_url(advisor, FIRST_SLOT), form_data(email="vraie@exemple.fr"))
    assert real.status_code == 302 and real["Location"].startswith("/rendez-vous/confirmation/")


def test_the_owner_of_a_professional_address_is_told_at_once(client, advisor):
    client.force_login(advisor.user)
    response = client.post(book_url(advisor, FIRST_SLOT), form_data(email=advisor.user.email))
    assert response.status_code == 200
    assert "compte professionnel" in text(response)


def test_the_upcoming_limit_is_told_once_the_code_is_typed(client, advisor):
    youth = User.objects.create_user(email="lou.exemple@exemple.fr", role="youth")
    for day in (5, 6):
        Appointment.objects.create(
            advisor=advisor, structure=advisor.structure, youth=youth,
            starts_at=dt.datetime(2026, 3, day, 9, tzinfo=PARIS),
            ends_at=dt.datetime(2026, 3, day, 10, tzinfo=PARIS), mode="video",
            status=AppointmentStatus.CONFIRMED, confirmed_at=NOW, first_name="Lou",
            last_name="Exemple", youth_status="student", consent_at=NOW,
            consent_text_version="2025-1")
    response = client.post(book_url(advisor, FIRST_SLOT), form_data())
    assert response.status_code == 302  # nothing said before the code
    code = last_code("lou.exemple@exemple.fr")
    done = client.post(response["Location"], {"code": code, "action": "verify"})
    content = text(done)
    assert "Vous avez déjà 2 rendez-vous à venir" in content
    # Not "this slot is no longer available" with other slots that would be refused too:
    # their two appointments, and where to move or cancel one.
    assert "n'est plus disponible" not in content and "Prochains créneaux" not in content
    assert "Jeudi 5 mars 2026, 09:00" in content and "Vendredi 6 mars 2026, 09:00" in content
    assert reverse("bookings:my_appointments") in content
    assert Appointment.objects.get(starts_at=FIRST_SLOT).status == AppointmentStatus.EXPIRED


# --- Managing by signed link --------------------------------------------------------------------


@pytest.fixture
def confirmed(client, advisor):
    confirm_url, code = _book_and_get_code(client, advisor)
    client.post(confirm_url, {"code": code, "action": "verify"})
    client.logout()
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CONFIRMED
    return appointment


def test_manage_page_and_ics(client, confirmed):
    token = appointment_manage_token(confirmed)
    content = text(client.get(reverse("bookings:appointment_manage", args=[token])))
    assert "Mercredi 4 mars 2026, 09:00–10:00" in content
    ics = client.get(reverse("bookings:appointment_ics", args=[token]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert f"UID:{confirmed.public_id}@somobilite.fr" in text(ics)


def test_cancel_through_the_signed_link(client, confirmed):
    token = appointment_manage_token(confirmed)
    url = reverse("bookings:appointment_cancel", args=[token])
    assert "Annuler ce rendez-vous ?" in text(client.get(url))
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED  # GET changes nothing
    response = client.post(url, {"reason": "Empêchement"}, follow=True)
    assert "Votre rendez-vous est annulé" in text(response)
    confirmed.refresh_from_db()
    assert confirmed.status == AppointmentStatus.CANCELLED_BY_YOUTH
    assert confirmed.cancel_reason == "Empêchement"
    again = text(client.get(url))  # the link of the email, opened once more
    assert "Annuler ce rendez-vous ?" not in again
    assert "<h1>Votre rendez-vous</h1>" in again
    assert "Ce rendez-vous est déjà annulé." in again
    assert "Oui, annuler le rendez-vous" not in again


def test_move_through_the_signed_link(client, confirmed, advisor):
    token = appointment_manage_token(confirmed)
    url = reverse("bookings:appointment_move", args=[token])
    content = text(client.get(url))
    assert "Choisir un nouveau créneau" in content
    new_start = FIRST_SLOT + dt.timedelta(days=1, hours=2)  # Thursday 11:00
    params = {"conseiller": advisor.pk, "debut": new_start.isoformat(), "mode": "in_person"}
    assert "Confirmer le changement" in text(client.get(url, params))
    response = client.post(f"{url}?conseiller={advisor.pk}&debut="
                           f"{new_start.isoformat().replace('+', '%2B')}&mode=in_person",
                           follow=True)
    assert "Votre rendez-vous est déplacé" in text(response)
    confirmed.refresh_from_db()
    assert confirmed.starts_at == new_start
    assert confirmed.sequence == 1
    # The same link once more (the back button, a second click): the slot is this very
    # appointment's, which the page says rather than "no longer free" (tester t-book8 #9).
    for replay in (client.get(url, params, follow=True), client.post(
            f"{url}?conseiller={advisor.pk}&debut="
            f"{new_start.isoformat().replace('+', '%2B')}&mode=in_person", follow=True)):
        shown = text(replay)
        assert "Votre rendez-vous est déjà à cet horaire : rien à changer." in shown
        assert "plus libre" not in shown
    confirmed.refresh_from_db()
    assert (confirmed.starts_at, confirmed.sequence) == (new_start, 1)


def test_move_refuses_a_slot_inside_48_hours(client, confirmed, advisor, frozen):
    token = appointment_manage_token(confirmed)
    url = reverse("bookings:appointment_move", args=[token])
    too_soon = dt.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS)
    response = client.post(f"{url}?conseiller={advisor.pk}&debut="
                           f"{too_soon.isoformat().replace('+', '%2B')}", follow=True)
    assert "48 heures" in text(response)
    confirmed.refresh_from_db()
    assert confirmed.starts_at == FIRST_SLOT


def _move_page_slots(content: str) -> list[str]:
    return re.findall(r"debut=(\d{4}-\d\d-\d\d)T", content)


@pytest.mark.parametrize(("birth_date", "last_listed", "said"), [
    # 36 on Thursday 12 March: the list stops on Wednesday 11 March, the page says why.
    (dt.date(1990, 3, 12), "2026-03-11", "Vous aurez 36 ans le 12 mars 2026"
     " : les entretiens So Mobilité sont réservés aux jeunes de 35 ans ou moins le jour de"
     " l'entretien, la liste s'arrête donc au mercredi 11 mars 2026."),
    # 36 before the first bookable day: nothing to list, and the page says so.
    (dt.date(1990, 3, 4), None, "aucun nouveau créneau n'est donc possible"),
])
def test_the_move_page_lists_only_the_days_the_person_may_take(
        client, confirmed, frozen, birth_date, last_listed, said):
    """Tester t-youth 9: days after the 36th birthday were listed, refused only on confirming."""
    Appointment.objects.filter(pk=confirmed.pk).update(birth_date=birth_date)
    url = reverse("bookings:appointment_move", args=[appointment_manage_token(confirmed)])
    weeks = ["", "2026-W11", "2026-W12", "2026-W16"]
    listed = [day for week in weeks
              for day in _move_page_slots(text(client.get(url, {"semaine": week} if week
                                                          else {})))]
    content = text(client.get(url))
    assert said in " ".join(content.split())
    if last_listed is None:
        assert listed == []
    else:
        assert max(listed) == last_listed
        assert "2026-03-05" in listed  # the days before the limit are all there


def test_the_move_page_says_nothing_of_ages_when_the_whole_window_is_open(client, confirmed):
    content = text(client.get(reverse("bookings:appointment_move",
                                      args=[appointment_manage_token(confirmed)])))
    assert "ans le" not in content
    assert max(_move_page_slots(content)) >= "2026-03-05"


@pytest.mark.parametrize(("debut", "said"), [
    (dt.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS), "au moins 48 heures à l'avance"),
    (dt.datetime(2026, 2, 20, 9, 0, tzinfo=PARIS), "au moins 48 heures à l'avance"),
    (dt.datetime(2026, 12, 3, 9, 0, tzinfo=PARIS), "au-delà de la période ouverte"),
    (FIRST_SLOT + dt.timedelta(days=1, minutes=17), "n'est pas ou plus libre"),
])
def test_move_to_a_crafted_slot_says_why_before_asking_to_confirm(
        client, confirmed, advisor, frozen, debut, said):
    """The confirmation page used to show « Confirmer le changement » for any time in the
    link (too soon, past, beyond the horizon, between two slots); a slot nobody ever held was
    then refused as « réservé par quelqu'un d'autre »."""
    url = reverse("bookings:appointment_move", args=[appointment_manage_token(confirmed)])
    params = {"conseiller": advisor.pk, "debut": debut.isoformat(), "mode": "in_person"}
    for response in (client.get(url, params), client.post(f"{url}?{urlencode(params)}")):
        content = text(response)
        assert response.status_code == 200
        assert said in content and "Choisir un nouveau créneau" in content
        assert "Confirmer le changement" not in content
        assert "quelqu'un d'autre" not in content
    confirmed.refresh_from_db()
    assert (confirmed.starts_at, confirmed.sequence) == (FIRST_SLOT, 0)


@pytest.mark.parametrize("suffix", ["", "annuler/", "deplacer/", "rendez-vous.ics"])
def test_tampered_token_is_a_french_404(client, confirmed, suffix):
    token = appointment_manage_token(confirmed)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(f"/rendez-vous/gerer/{tampered}/{suffix}")
    assert response.status_code == 404
    assert "Ce lien n'est pas valable" in text(response)


def test_my_appointments_shows_only_mine(client, confirmed, advisor):
    other_youth = User.objects.create_user(email="autre@exemple.fr")
    Appointment.objects.filter(pk=confirmed.pk)  # keep a reference for clarity
    client.force_login(other_youth)
    content = text(client.get(reverse("bookings:my_appointments")))
    assert "Aucun rendez-vous à venir" in content
    client.force_login(confirmed.youth)
    content = text(client.get(reverse("bookings:my_appointments")))
    assert reverse("bookings:appointment_manage",
                   args=[appointment_manage_token(confirmed)]) in content
    assert client.get(reverse("bookings:booked", args=[confirmed.public_id])).status_code == 200
    client.force_login(other_youth)
    assert client.get(reverse("bookings:booked", args=[confirmed.public_id])).status_code == 404


def test_my_appointments_needs_login(client, frozen):
    response = client.get(reverse("bookings:my_appointments"))
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]



# --- Redis down: the cache is an optimisation, never a point of failure -------------------------


@pytest.fixture
def redis_down(settings):
    """The production cache backend pointed at a loopback port where nothing listens."""
    settings.CACHES = fail_soft_caches(f"redis://127.0.0.1:{free_port()}/0")


def test_with_redis_down_young_people_search_browse_and_book(
    client, advisor, redis_down, caplog, django_capture_on_commit_callbacks,
):
    with caplog.at_level(logging.WARNING, logger="somobilite.cache"):
        search = client.get(reverse("bookings:search"), {"lieu": "33"})
        assert search.status_code == 200 and "mercredi 4 mars à 09:00" in text(search)
        slots = client.get(reverse("bookings:structure_slots", args=["ij-bordeaux"]))
        assert slots.status_code == 200 and book_url(advisor, FIRST_SLOT) in text(slots)
        api = client.get("/api/v1/structures/")
        assert api.status_code == 200
        assert api.json()["structures"][0]["next_free_slot"] == "2026-03-04T09:00:00+01:00"
        api_slots = client.get("/api/v1/structures/ij-bordeaux/slots/")
        assert api_slots.status_code == 200 and api_slots.json()["count"] == 12
        assert client.get(book_url(advisor, FIRST_SLOT)).status_code == 200
        confirm_url, code = _book_and_get_code(client, advisor)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(confirm_url, {"code": code, "action": "verify"})
    assert response.status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED
    assert any("est confirmé" in m.subject for m in mail.outbox)
    assert "rate limits are not enforced" in caplog.text


def test_with_redis_down_the_booking_rate_limit_fails_open(client, advisor, redis_down, caplog):
    slots = [FIRST_SLOT + dt.timedelta(days=day, hours=hour)
             for day in (0, 1) for hour in (0, 1, 2)]
    with caplog.at_level(logging.WARNING, logger="somobilite.cache"):
        for starts_at in slots:  # one more than the limit per address
            assert Client().post(book_url(advisor, starts_at), form_data()).status_code == 302
    assert Appointment.objects.count() == 6
    assert "rate limits are not enforced" in caplog.text


@pytest.mark.parametrize("starts_at", [dt.datetime(2026, 3, 27, 9, tzinfo=PARIS),
                                       dt.datetime(2026, 7, 3, 14, 30, tzinfo=PARIS)])
@pytest.mark.parametrize("mode", [None, "video", "phone"])
def test_booking_query_is_what_urlencode_writes(starts_at, mode):
    """Built by hand for speed: the same string as ``urlencode`` in winter and summer time."""

    from bookings.slots import Slot
    from bookings.views import booking_query

    slot = Slot(12, 3, starts_at, starts_at + dt.timedelta(hours=1), ("in_person", "video"), "")
    expected = {"conseiller": 12, "debut": starts_at.isoformat()}
    if mode == "video":
        expected["mode"] = mode
    assert booking_query(slot, mode) == urlencode(expected)



@pytest.mark.parametrize("params", [
    {"departement": "99"}, {"foo": "bar"}, {"q": "zz", "lieu": "33"},
    {"departement": "33", "lieu": "Bordeaux", "mode": "video"},
])
def test_search_tells_the_filters_it_ignores(client, advisor, params):
    """Tester t9c #7: ``/rendez-vous/?departement=99`` searched everywhere without a word; the
    unknown filter is now told, with the filters the address takes, and the known ones apply."""
    response = client.get(reverse("bookings:search"), params)
    content = response.content.decode()
    assert response.status_code == 200
    for name in set(params) - {"lieu", "mode"}:
        assert f"<li>« {name} » : ce filtre n'existe pas.</li>" in content
    assert ("Filtres possibles dans l'adresse : lieu (Votre commune, code postal ou "
            "département), mode (Type d&#x27;entretien).") in content
    if "lieu" in params:
        assert response.context["place"] is not None


def test_search_with_its_own_filters_tells_nothing(client, advisor):
    for params in ({}, {"lieu": "33"}, {"lieu": "", "mode": "video"}):
        content = client.get(reverse("bookings:search"), params).content.decode()
        assert "ce filtre n'existe pas" not in content


@pytest.mark.parametrize(("status", "phone", "said", "not_said"), [
    (AppointmentStatus.CONFIRMED, "+33612345678", "Vous serez appelé·e au", None),
    (AppointmentStatus.CONFIRMED, "", "La personne qui vous reçoit vous appelle.",
     "Vous serez appelé·e au"),
    (AppointmentStatus.CANCELLED_BY_YOUTH, "+33612345678", None, "Vous serez appelé·e"),
])
def test_a_phone_interview_s_page_says_who_calls_only_while_it_can_take_place(
        client, confirmed, status, phone, said, not_said):
    """Tester t9d: « Vous serez appelé·e au … » on a cancelled phone interview, and « au . »
    once the number is erased."""
    erased = {} if phone else {"first_name": "", "last_name": ""}  # the number goes with them
    Appointment.objects.filter(pk=confirmed.pk).update(mode="phone", phone=phone, status=status,
                                                       **erased)
    shown = text(client.get(reverse("bookings:appointment_manage",
                                    args=[appointment_manage_token(confirmed)])))
    if said:
        assert said in shown
    if not_said:
        assert not_said not in shown
