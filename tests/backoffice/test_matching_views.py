"""The matching panel: run on the edited profile, published sheets only, ticks kept across a
re-run when they still apply, preview, and the send."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from matching.models import ProgrammeRecommendation
from tests.factories import ProgrammeSheetFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "birth_date": "2004-05-17", "postal_code": "33000", "status": "student",
    "wish_domains": ["internship"], "wish_countries": ["DE"],
    "langues-TOTAL_FORMS": "2", "langues-INITIAL_FORMS": "0",
}


def url(name, appointment):
    return reverse(f"backoffice:{name}", args=[appointment.public_id])


@pytest.fixture
def sheets(world):
    return {
        "de": ProgrammeSheetFactory(slug="stage-allemagne", title="Stage en Allemagne",
                                    domains=["internship"], destination_countries=["DE"]),
        "es": ProgrammeSheetFactory(slug="stage-espagne", title="Stage en Espagne",
                                    domains=["internship"], destination_countries=["ES"]),
        "young": ProgrammeSheetFactory(slug="pour-les-18-ans", title="Réservé aux 18 ans",
                                       domains=["internship"], destination_countries=["DE"],
                                       age_min=18, age_max=18),
        "draft": ProgrammeSheetFactory(slug="brouillon", title="Fiche en brouillon",
                                       domains=["internship"], destination_countries=["DE"],
                                       publication="draft"),
    }


def test_no_birth_date_says_what_to_fill_in(client, world):
    world.appointment.birth_date = None  # neither the booking nor the profile has one
    world.appointment.save()
    client.force_login(world.advisor.user)
    page = client.get(url("matching", world.appointment)).content.decode()
    assert "La date de naissance du ou de la jeune n&#x27;est pas renseignée." in page


def test_results_near_misses_and_published_sheets_only(client, world, sheets):
    client.force_login(world.advisor.user)
    client.post(url("profile", world.appointment), PROFILE)
    page = client.get(url("matching", world.appointment)).content.decode()
    assert page.index("Stage en Allemagne") < page.index("Stage en Espagne")
    # Each result says in one line why it stands where it does.
    assert "<strong>En bref :</strong> Destination : Allemagne, comme souhaité" in page
    assert "Presque : une condition manque" in page and "Réservé aux 18 ans" in page
    assert "Fiche en brouillon" not in page


def test_rerun_after_a_profile_change_keeps_the_ticks_that_still_apply(client, world, sheets):
    client.force_login(world.advisor.user)
    client.post(url("profile", world.appointment), PROFILE)
    client.post(url("matching", world.appointment),
                {"fiches": ["stage-allemagne", "stage-espagne"], "message": "Bon courage",
                 "action": "rerun"})
    # Now an employee: the age-limited near miss stays a near miss, both stages still apply.
    client.post(url("profile", world.appointment), {**PROFILE, "status": "employee"})
    page = client.get(url("matching", world.appointment)).content.decode()
    assert 'value="stage-allemagne" id="fiche-stage-allemagne" checked' in page
    assert 'value="stage-espagne" id="fiche-stage-espagne" checked' in page
    assert "Bon courage" in page
    # Spain is withdrawn from publication: it no longer applies, and the page says so.
    sheets["es"].publication = "archived"
    from programmes.services import programme_sheet_save

    programme_sheet_save(sheet=sheets["es"])
    page = client.get(url("matching", world.appointment)).content.decode()
    assert 'id="fiche-stage-allemagne" checked' in page
    assert "ont été décochés : Stage en Espagne" in page


def test_preview_then_send(client, world, sheets, django_capture_on_commit_callbacks):
    client.force_login(world.advisor.user)
    client.post(url("profile", world.appointment), PROFILE)
    response = client.post(url("matching", world.appointment),
                           {"action": "preview", "message": "Bonne route"})
    assert "Cochez au moins un programme" in response.content.decode()
    response = client.post(url("matching", world.appointment),
                           {"fiches": ["stage-allemagne", "pour-les-18-ans"],
                            "message": "Bonne route", "action": "preview"})
    page = response.content.decode()
    assert "Aperçu avant envoi" in page and "Envoyer ces 2 programmes" in page
    assert ProgrammeRecommendation.objects.count() == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("matching_send", world.appointment),
                               {"fiches": ["stage-allemagne", "pour-les-18-ans"],
                                "message": "Bonne route"})
    assert response.status_code == 302
    recommendation = ProgrammeRecommendation.objects.get()
    assert recommendation.youth == world.youth and recommendation.message == "Bonne route"
    assert [item["slug"] for item in recommendation.items] == ["stage-allemagne",
                                                               "pour-les-18-ans"]
    assert [m.to for m in mail.outbox] == [[world.youth.email]]
    # The draft is cleared once sent.
    page = client.get(url("matching", world.appointment)).content.decode()
    assert " checked" not in page.split('id="resultats"')[1]


def test_an_unpublished_sheet_is_never_sent(client, world, sheets):
    client.force_login(world.advisor.user)
    client.post(url("profile", world.appointment), PROFILE)
    response = client.post(url("matching_send", world.appointment), {"fiches": ["brouillon"]})
    assert response.status_code == 302
    assert ProgrammeRecommendation.objects.count() == 0


def test_other_structures_cannot_use_the_panel(client, world, sheets):
    client.force_login(world.other.user)
    assert client.get(url("matching", world.appointment)).status_code == 404
    assert client.post(url("matching_send", world.appointment),
                       {"fiches": ["stage-allemagne"]}).status_code == 404


@pytest.mark.parametrize("data", [{"fiches": ["\x00"], "message": "Bonne route"},
                                  {"fiches": ["stage-allemagne"], "message": "Bon\x00ne route"}])
def test_a_nul_character_in_the_selection_is_refused_not_a_server_error(client, world, sheets,
                                                                        data):
    """Found by tests/test_hostile_input.py on PostgreSQL: the posted slugs went straight into
    a query and the message into a row (DataError, a 500)."""
    client.force_login(world.advisor.user)
    client.post(url("profile", world.appointment), PROFILE)
    for name in ("matching", "matching_send"):
        response = client.post(url(name, world.appointment), data)
        assert response.status_code == 400
        assert "caractère nul" in response.content.decode()
    assert not ProgrammeRecommendation.objects.exists()


def test_the_same_selection_sent_twice_is_sent_once_and_says_when(
        client, world, sheets, django_capture_on_commit_callbacks):
    """Tester t9a #3: two tabs (or a double click) made two emails, two selections in the
    young person's space and doubled statistics."""
    client.force_login(world.advisor.user)
    client.post(url("profile", world.appointment), PROFILE)
    mail.outbox.clear()
    for slugs in (["stage-allemagne", "stage-espagne"], ["stage-espagne", "stage-allemagne"]):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("matching_send", world.appointment),
                                   {"fiches": slugs, "message": "Bonne route"}, follow=True)
    page = html.unescape(response.content.decode())
    assert ("Cette sélection a déjà été envoyée le 19 mars 2026 à 10:30 : rien n'est renvoyé. "
            "Lina l'a reçue par e-mail (avec le PDF) et la retrouve dans son espace So "
            "Mobilité (« Mon espace »") in page
    assert ProgrammeRecommendation.objects.count() == 1
    assert len(mail.outbox) == 1
    # Another set after the same interview is another selection.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("matching_send", world.appointment), {"fiches": ["stage-allemagne"]})
    assert ProgrammeRecommendation.objects.count() == 2 and len(mail.outbox) == 2
