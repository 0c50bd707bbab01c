"""Advisors' proposals of sheets: submit (checked by the import parser), coordinator review
in admin (accept → published or merged, reject with a reason), email to the advisor."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from programmes.models import ProgrammeProposal, ProgrammeSheet, ProposalStatus
from programmes.selectors import proposal_diff
from programmes.services import (
    ProposalError,
    proposal_accept,
    proposal_content_build,
    proposal_reject,
    proposal_submit,
)
from programmes.tasks import proposal_outcome_email_send
from tests.factories import (
    AdvisorFactory,
    CoordinatorFactory,
    ProgrammeSheetFactory,
    UserFactory,
)
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
VALUES = {
    "title": "Échange Voltaire", "summary": "Six mois en Allemagne, puis l'accueil en France.",
    "description": "Un **échange** individuel.", "domains": ["exchange"],
    "destination_zones": [], "destination_countries": ["DE"], "age_min": 15, "age_max": 17,
    "statuses": ["pupil"], "languages": [{"language": "de", "level": "A2", "required": True}],
    "duration_min_weeks": Decimal(26), "duration_max_weeks": Decimal(26), "budget_min_eur": None,
    "cost_participant_eur": 0, "funding": "Bourse OFAJ.",
    "application_deadline": dt.date(2027, 1, 15), "application_periods": "Chaque hiver.",
    "organiser": "OFAJ", "url": "https://www.ofaj.org/programmes-formations/voltaire.html",
}


@pytest.fixture
def advisor():
    return AdvisorFactory().user


@pytest.fixture
def coordinator():
    return CoordinatorFactory(with_totp=True)


def _new(advisor, **changes):
    return proposal_submit(proposer=advisor, note="Vu sur le site de l'OFAJ.",
                           content=proposal_content_build(values=VALUES | changes, sheet=None))


def _update(advisor, sheet, **changes):
    values = {name: getattr(sheet, name) for name in VALUES if hasattr(sheet, name)} | changes
    return proposal_submit(proposer=advisor, sheet=sheet,
                           content=proposal_content_build(values=values, sheet=sheet))


# --- Submit -----------------------------------------------------------------------------------

def test_a_new_sheet_is_submitted_in_the_exchange_format(advisor):
    proposal = _new(advisor)
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.kind == "new" and proposal.sheet is None
    assert proposal.content["slug"] == "echange-voltaire"
    assert proposal.content["age"] == {"min": 15, "max": 17}
    assert proposal.content["application"]["deadline"] == "2027-01-15"
    assert not ProgrammeSheet.objects.exists()


def test_invalid_content_is_refused_with_errors_by_field(advisor):
    with pytest.raises(ProposalError) as error:
        _new(advisor, age_min=30, age_max=18, domains=["surf"], url="ftp://exemple")
    assert error.value.errors == {
        "url": ["adresse web http(s) invalide"],
        "domains": ["domaine inconnu(s) : surf"],
        "age": ["le minimum dépasse le maximum"],
    }
    assert not ProgrammeProposal.objects.exists()


@pytest.mark.parametrize("who", ["youth", "coordinator", "withdrawn"])
def test_only_advisors_with_a_current_designation_propose(who):
    if who == "withdrawn":
        user = AdvisorFactory(withdrawn_on=dt.date(2026, 6, 1)).user
    elif who == "youth":
        user = UserFactory()
    else:
        user = CoordinatorFactory()
    with pytest.raises(ProposalError, match="désignés"):
        _new(user)


def test_an_update_keeps_the_fields_the_form_does_not_show(advisor):
    sheet = ProgrammeSheetFactory(nationalities=["EU"], education_min="bac")
    proposal = _update(advisor, sheet, summary="Nouveau résumé.")
    assert proposal.kind == "update" and proposal.sheet == sheet
    assert proposal.content["slug"] == sheet.slug
    assert proposal.content["nationalities"] == ["EU"]
    assert proposal.content["education_min"] == "bac"


def test_an_update_that_changes_nothing_is_refused(advisor):
    sheet = ProgrammeSheetFactory()
    with pytest.raises(ProposalError, match="ne change rien"):
        _update(advisor, sheet)


def test_an_unpublished_sheet_cannot_be_updated(advisor):
    sheet = ProgrammeSheetFactory(publication="draft")
    with pytest.raises(ProposalError, match="publiées"):
        _update(advisor, sheet, summary="Autre.")


# --- Review -----------------------------------------------------------------------------------

def test_accepting_a_new_sheet_publishes_it_and_tells_the_advisor(
        advisor, coordinator, django_capture_on_commit_callbacks):
    proposal = _new(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        sheet = proposal_accept(proposal=proposal, reviewer=coordinator, now=NOW)
    assert sheet.slug == "echange-voltaire" and sheet.publication == "published"
    assert sheet.last_reviewed == dt.date(2026, 11, 23)
    assert sheet.languages == [{"language": "de", "level": "A2", "required": True}]
    assert " d:exchange " in sheet.filter_index
    entry = sheet.history.latest()
    assert entry.history_user == coordinator
    assert entry.history_change_reason.startswith(f"Proposition n° {proposal.pk} de ")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reviewer, proposal.sheet) == ("accepted", coordinator,
                                                                    sheet)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [advisor.email]
    assert "acceptée" in email.subject
    assert "/programmes/echange-voltaire/" in email.body
    assert email.alternatives[0].mimetype == "text/html"
    assert proposal.notified_at is not None
    assert proposal_outcome_email_send(proposal.pk) is False  # a retry sends nothing
    assert len(mail.outbox) == 1


def test_a_new_sheet_whose_slug_is_taken_gets_a_free_one(advisor, coordinator):
    ProgrammeSheetFactory(slug="echange-voltaire")
    sheet = proposal_accept(proposal=_new(advisor), reviewer=coordinator, now=NOW)
    assert sheet.slug == "echange-voltaire-2"


def test_accepting_an_update_merges_only_what_the_advisor_changed(advisor, coordinator):
    sheet = ProgrammeSheetFactory(summary="Ancien résumé.", organiser="Ancien organisateur",
                                  last_reviewed=dt.date(2025, 1, 1))
    proposal = _update(advisor, sheet, summary="Résumé à jour.", age_max=30)
    # Meanwhile a coordinator fixes another field: the proposal must not undo it.
    sheet.organiser = "Organisateur corrigé"
    sheet.save()
    proposal_accept(proposal=proposal, reviewer=coordinator, now=NOW, comment="Vérifié.")
    sheet.refresh_from_db()
    assert (sheet.summary, sheet.age_max, sheet.organiser) == (
        "Résumé à jour.", 30, "Organisateur corrigé")
    assert sheet.last_reviewed == dt.date(2026, 11, 23)
    assert sheet.history.latest().history_change_reason.endswith("acceptée : Vérifié.")


def test_rejecting_needs_a_reason_and_sends_it(advisor, coordinator,
                                               django_capture_on_commit_callbacks):
    proposal = _new(advisor)
    with pytest.raises(ProposalError, match="motif"):
        proposal_reject(proposal=proposal, reviewer=coordinator, now=NOW, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        proposal_reject(proposal=proposal, reviewer=coordinator, now=NOW,
                        reason="Ce dispositif est déjà décrit dans la fiche OFAJ.")
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.reviewed_at == NOW
    assert not ProgrammeSheet.objects.exists()
    assert "pas été retenue" in mail.outbox[0].subject
    assert "déjà décrit dans la fiche OFAJ" in mail.outbox[0].body
    assert "déjà décrit dans la fiche OFAJ" in mail.outbox[0].alternatives[0].content


@pytest.mark.parametrize("first", ["accept", "reject"])
def test_a_proposal_is_reviewed_once(advisor, coordinator, first):
    proposal = _new(advisor)
    review = {"accept": lambda: proposal_accept(proposal=proposal, reviewer=coordinator,
                                                now=NOW),
              "reject": lambda: proposal_reject(proposal=proposal, reviewer=coordinator,
                                                now=NOW, reason="Non.")}
    review[first]()
    for again in ("accept", "reject"):
        with pytest.raises(ProposalError, match="déjà été examinée"):
            review[again]()
    assert ProgrammeSheet.objects.count() == (1 if first == "accept" else 0)


def test_only_coordinators_review(advisor):
    proposal = _new(advisor)
    with pytest.raises(ProposalError, match="coordination"):
        proposal_accept(proposal=proposal, reviewer=AdvisorFactory().user, now=NOW)


def test_the_diff_reads_field_by_field(advisor):
    sheet = ProgrammeSheetFactory(summary="Ancien.", domains=["studies"])
    proposal = _update(advisor, sheet, summary="Nouveau.", domains=["studies", "job"])
    lines = {line.label: (line.old, line.new) for line in proposal_diff(proposal=proposal)}
    assert lines == {"Résumé": ("Ancien.", "Nouveau."),
                     "Domaines": ("études", "études, emploi")}


# --- Advisor pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["list", "new", "update"])
def test_pages_are_for_current_advisors_only(client, name):
    sheet = ProgrammeSheetFactory()
    url = reverse(f"programme_proposals:{name}",
                  kwargs={"slug": sheet.slug} if name == "update" else {})
    assert client.get(url).url.startswith(reverse("account_login"))
    for user in (UserFactory(), CoordinatorFactory(),
                 AdvisorFactory(withdrawn_on=dt.date(2026, 6, 1)).user):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(AdvisorFactory().user)
    assert client.get(url).status_code == 200


def _post_data(**changes):
    data = {key: value for key, value in VALUES.items()
            if key not in ("languages", "application_deadline") and value is not None}
    data |= {"application_deadline": "2027-01-15", "lang_0_language": "de",
             "lang_0_level": "A2", "lang_0_required": "on", "note": "Source : ofaj.org"}
    return data | changes


def test_the_form_shows_the_parser_errors_next_to_the_fields(client, advisor):
    client.force_login(advisor)
    response = client.post(reverse("programme_proposals:new"),
                           _post_data(age_min="30", age_max="18", destination_countries=[]))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["age_max"] == ["le minimum dépasse le maximum"]
    assert errors["destination_countries"] == ["au moins une zone ou un pays"]
    assert "le minimum dépasse le maximum" in response.content.decode()
    response = client.post(reverse("programme_proposals:new"), _post_data(lang_1_level="B1"))
    assert response.context["form"].errors["lang_1_language"] == [
        "Choisissez la langue et le niveau, ou aucun des deux."]
    assert not ProgrammeProposal.objects.exists()


def test_an_advisor_proposes_a_sheet_and_follows_it(client, advisor):
    client.force_login(advisor)
    response = client.post(reverse("programme_proposals:new"), _post_data())
    assert response.status_code == 302
    proposal = ProgrammeProposal.objects.get()
    assert proposal.proposer == advisor and proposal.note == "Source : ofaj.org"
    assert proposal.content["languages"] == [{"language": "de", "level": "A2",
                                              "required": True}]
    page = client.get(reverse("programme_proposals:list")).content.decode()
    assert "Échange Voltaire" in page and "En attente d&#x27;examen" in page


def test_the_list_shows_each_status_and_the_coordinations_answer(
        client, advisor, coordinator, django_assert_max_num_queries):
    waiting = _new(advisor, title="Dispositif en attente")
    accepted = _new(advisor, title="Dispositif accepté")
    refused = _new(advisor, title="Dispositif refusé")
    proposal_accept(proposal=accepted, reviewer=coordinator, now=NOW)
    proposal_reject(proposal=refused, reviewer=coordinator, now=NOW,
                    reason="Ce programme est fermé depuis 2025.")
    client.force_login(advisor)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("programme_proposals:list")).content.decode()
    rows = page.split("<tr>")[2:]
    assert "Dispositif refusé" in rows[0] and "Refusée" in rows[0]
    assert "Le 23 novembre 2026 :" in rows[0] and "Ce programme est fermé depuis 2025." in rows[0]
    assert "Dispositif accepté" in rows[1] and "la fiche est en ligne" in rows[1]
    accepted.refresh_from_db()
    assert reverse("programmes:detail", args=[accepted.sheet.slug]) in rows[1]
    assert waiting.title in rows[2] and "Pas encore examinée." in rows[2]
    # The proposals are part of the advisor's space navigation.
    assert 'aria-current="page">Propositions</a>' in page


def test_the_update_form_is_prefilled_from_the_published_sheet(client, advisor):
    sheet = ProgrammeSheetFactory(title="PVT Canada", statuses=["any"],
                                  languages=[{"language": "en", "level": "B1",
                                              "required": False}])
    client.force_login(advisor)
    form = client.get(reverse("programme_proposals:update",
                              kwargs={"slug": sheet.slug})).context["form"]
    assert form["title"].value() == "PVT Canada"
    assert form["statuses"].value() == []
    assert form["lang_0_language"].value() == "en"
    assert client.get(reverse("programme_proposals:update",
                              kwargs={"slug": "inconnue"})).status_code == 404


# --- Coordinator review in admin --------------------------------------------------------------

def test_admin_shows_the_diff_and_accepts(client, advisor, coordinator):
    sheet = ProgrammeSheetFactory(summary="Ancien résumé.")
    proposal = _update(advisor, sheet, summary="Résumé à jour.")
    login_with_mfa(client, coordinator)
    page = client.get(reverse("admin:programmes_programmeproposal_change",
                              args=[proposal.pk])).content.decode()
    assert "Ancien résumé." in page and "Résumé à jour." in page and "Accepter" in page
    response = client.post(reverse("admin:programmes_programmeproposal_accept",
                                   args=[proposal.pk]), {"comment": ""})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.summary == "Résumé à jour."
    again = client.post(reverse("admin:programmes_programmeproposal_accept",
                                args=[proposal.pk]), follow=True)
    assert "déjà été examinée" in again.content.decode()


def test_admin_rejects_through_a_reason_form(client, advisor, coordinator):
    proposal = _new(advisor)
    login_with_mfa(client, coordinator)
    url = reverse("admin:programmes_programmeproposal_reject", args=[proposal.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200  # the form asks again
    assert client.post(url, {"reason": "Doublon."}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.rejection_reason) == ("rejected", "Doublon.")


def test_the_sheet_page_offers_advisors_to_propose_a_change(client, advisor):
    sheet = ProgrammeSheetFactory()
    url = reverse("programmes:detail", kwargs={"slug": sheet.slug})
    link = reverse("programme_proposals:update", kwargs={"slug": sheet.slug})
    assert link not in client.get(url).content.decode()
    client.force_login(advisor)
    assert link in client.get(url).content.decode()
