"""Profile ⇄ exchange format, and sending the selected programmes (email + PDF)."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from matching.exchange import profile_from_exchange
from matching.models import MobilityProfile, ProgrammeRecommendation
from matching.services import (
    MatchingError,
    profile_data,
    profile_to_exchange,
    profile_update_from_exchange,
    programmes_send,
)
from matching.tasks import recommendation_email_send
from tests.factories import AdvisorFactory, ProgrammeSheetFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
PROFILE = {
    "birth_date": "1996-04-12",
    "postal_code": "33000",
    "nationality": "FR",
    "status": "employee",
    "education_level": "bac+3",
    "disability": False,
    "languages": [{"language": "en", "level": "B2"}, {"language": "es", "level": "A2"}],
    "budget_eur": 1500,
    "wishes": {
        "domains": ["working_holiday", "job"],
        "zones": ["oceania"],
        "countries": ["CA"],
        "duration_weeks": {"min": 26, "max": 52.2},
        "departure": "2027-09-01",
    },
}


@pytest.fixture
def youth():
    user = UserFactory(first_name="Lou", last_name="Fictive")
    MobilityProfile.objects.create(user=user)
    return user


@pytest.fixture
def advisor_user():
    return AdvisorFactory().user


def test_profile_update_and_export_round_trip(youth, advisor_user):
    profile = profile_update_from_exchange(profile=youth.mobility_profile, data=PROFILE,
                                           by=advisor_user)
    assert profile.wish_duration_max_weeks == Decimal("52.2")
    assert profile.updated_by == advisor_user
    assert profile.history.first().history_user == advisor_user
    assert profile_to_exchange(profile) == PROFILE
    assert profile_data(profile) == profile_from_exchange(PROFILE)


def test_profile_update_rejects_bad_documents(youth, advisor_user):
    with pytest.raises(MatchingError, match="status : statut inconnu : astronaut"):
        profile_update_from_exchange(profile=youth.mobility_profile,
                                     data=PROFILE | {"status": "astronaut"}, by=advisor_user)


@pytest.fixture
def sheets():
    return [
        ProgrammeSheetFactory(
            slug="pvt-canada", title="Programme vacances-travail Canada",
            summary="Un an pour voyager et travailler au Canada.",
            domains=["working_holiday"], destination_countries=["CA"], age_min=18, age_max=35,
            nationalities=["FR"], budget_min_eur=1700,
            languages=[{"language": "en", "level": "B1", "required": False}],
            application_periods="Tirages au sort de novembre à l'automne suivant.",
            organiser="Immigration, Réfugiés et Citoyenneté Canada",
            url="https://www.canada.ca/fr/immigration-refugies-citoyennete/services/"
                "travailler-canada/eic.html"),
        ProgrammeSheetFactory(
            slug="pvt-japon", title="Visa vacances-travail Japon", summary="Un an au Japon.",
            domains=["working_holiday"], destination_countries=["JP"], age_min=18, age_max=29,
            application_deadline=dt.date(2027, 3, 1), url="https://www.fr.emb-japan.go.jp/"),
    ]


def test_programmes_send_snapshots_lines_and_emails_after_commit(
        youth, advisor_user, sheets, django_capture_on_commit_callbacks):
    profile_update_from_exchange(profile=youth.mobility_profile, data=PROFILE, by=advisor_user)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation = programmes_send(
            advisor_user=advisor_user, youth_user=youth, sheets=sheets,
            message="Commence par le PVT Canada, les tirages ouvrent bientôt.", now=NOW)
    canada, japon = recommendation.items
    assert canada["reason"] == "Destination : Canada, comme souhaité"
    assert japon["reason"] == "Âge : 30 ans, limite 29 ans"
    assert "Âge : 30 ans, accepté de 18 à 35 ans" in canada["met"]
    assert canada["missing"] == ["Budget conseillé 1 700 € : vous indiquez 1 500 €"]
    assert japon["missing"][0] == "Âge : 30 ans, limite 29 ans"
    assert set(recommendation.sheets.values_list("slug", flat=True)) == {"pvt-canada",
                                                                           "pvt-japon"}
    assert recommendation.advisor_contact["structure"]
    # Counted in the statistics of the sender's structure of the day.
    designation = advisor_user.advisor_designations.get()
    assert recommendation.structure == designation.structure

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [youth.email]
    assert "Programme vacances-travail Canada" in email.body
    assert "Commence par le PVT Canada" in email.alternatives[0][0]
    filename, content, mimetype = email.attachments[0]
    assert filename == "so-mobilite-programmes-2026-11-23.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    # The task is idempotent: a second run sends nothing.
    assert recommendation_email_send(recommendation.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("who", "expected"), [("youth", "sheets"), ("not-advisor", "conseiller")])
def test_programmes_send_checks_roles_and_sheets(youth, advisor_user, sheets, who, expected):
    sender = youth if who == "not-advisor" else advisor_user
    chosen = [] if who == "youth" else sheets
    with pytest.raises(MatchingError) as raised:
        programmes_send(advisor_user=sender, youth_user=youth, sheets=chosen, message="",
                        now=NOW)
    assert ("au moins un programme" if expected == "sheets" else "conseiller") in (
        raised.value.message)
    assert not ProgrammeRecommendation.objects.exists()


def test_pdf_download_is_for_the_youth_and_renders(client, youth, advisor_user, sheets,
                                                    tmp_path):
    profile_update_from_exchange(profile=youth.mobility_profile, data=PROFILE, by=advisor_user)
    recommendation = programmes_send(advisor_user=advisor_user, youth_user=youth,
                                     sheets=sheets, message="Bon courage !", now=NOW)
    url = reverse("youth:recommendation_pdf", kwargs={"public_id": recommendation.public_id})
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(youth)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "selection.pdf"  # page 1 checked by eye: pdftoppm -png -r 60 -f 1 -l 1
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ["So Mobilité", "Vos programmes pour partir, Lou Fictive",
                     "Pourquoi il vous correspond", "Budget conseillé 1 700 € : vous indiquez",
                     "Comment candidater", "Bon courage !", "Votre contact"]:
        assert expected in text
