"""U+0000 is refused before any view: a French 400 page, JSON under /api/, nothing saved."""

import pytest
from django.urls import reverse

from bookings.models import WaitingListEntry

pytestmark = pytest.mark.django_db

REASON = "elle contient un caractère nul"


@pytest.mark.parametrize("url", ["/rendez-vous/?lieu=33%00", "/programmes/?q=%00",
                                 "/rendez-vous/gerer/ab%00cd/", "/rendez-vous/?%00=33"])
def test_a_nul_character_in_the_address_gets_the_french_400_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert REASON in response.content.decode()
    assert "Cette demande n'a pas pu être comprise" in response.content.decode()


def test_the_api_answers_json(client):
    response = client.get("/api/v1/structures/ij/slots/?from=2026-03-04%00")
    assert response.status_code == 400
    assert REASON in response.json()["error"]


def test_a_nul_character_in_a_form_field_saves_nothing(client):
    response = client.post(reverse("bookings:waiting_list"), {
        "attente-email": "attente@exemple.fr", "attente-departement": "33",
        "attente-mode": ["phone", "vid\x00eo"]})
    assert response.status_code == 400 and REASON in response.content.decode()
    assert not WaitingListEntry.objects.exists()


def test_other_requests_go_through(client):
    assert client.get("/rendez-vous/?lieu=33").status_code == 200


# --- 405: a form's address opened as a page (testers t-youth 10, t-adv 10) ------------------


def test_a_form_target_opened_as_a_page_sends_to_the_page_holding_the_form(client):
    response = client.get(reverse("bookings:waiting_list"))
    assert response.status_code == 302 and response["Location"] == reverse("bookings:search")
    assert client.head(reverse("bookings:waiting_list")).status_code == 302


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_any_other_refused_method_gets_the_french_405_page(client, method):
    for url in (reverse("bookings:waiting_list"), reverse("bookings:search")):
        response = getattr(client, method)(url)
        assert response.status_code == 405
        content = response.content.decode()
        assert "Cette adresse reçoit un formulaire" in content
        assert "So Mobilité" in content and reverse("home") in content  # layout, a way back
        assert response["Allow"]  # still says which methods the address takes
