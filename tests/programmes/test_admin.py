"""Admin: sheet form, « à revoir » flag, import/export in the exchange format."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from programmes.exchange import sheet_to_exchange
from programmes.models import ProgrammeSheet
from tests.factories import CoordinatorFactory, ProgrammeSheetFactory
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    return client


def test_admin_creates_a_sheet_through_the_service(admin_client):
    response = admin_client.post(reverse("admin:programmes_programmesheet_add"), {
        "title": "Échange Voltaire", "slug": "voltaire", "publication": "published",
        "summary": "Six mois en Allemagne.", "description": "", "url": "https://www.ofaj.org",
        "organiser": "OFAJ", "last_reviewed": "2026-10-01", "domains": ["exchange"],
        "destination_countries": ["DE"], "age_reference": "application",
        "statuses": ["pupil"], "nationalities": [], "languages": "[]",
        "verification": "verified",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    sheet = ProgrammeSheet.objects.get(slug="voltaire")
    assert sheet.nationalities is None
    assert sheet.residence_departements is None
    assert sheet.search_text.startswith("echange voltaire")
    assert " z:eu " in sheet.filter_index


SHEET_FORM = {
    "title": "Bourse jeunes", "slug": "bourse-jeunes", "publication": "published",
    "summary": "Une aide départementale.", "description": "", "url": "https://example.org",
    "organiser": "Département", "last_reviewed": "2026-10-01", "domains": ["volunteering"],
    "destination_zones": ["worldwide"], "age_reference": "application", "statuses": ["any"],
    "nationalities": [], "languages": "[]",
}


def test_admin_sets_residence_and_what_is_to_verify(admin_client):
    response = admin_client.post(reverse("admin:programmes_programmesheet_add"), {
        **SHEET_FORM, "residence_departements": ["33", "2A"], "verification": "to_verify",
        "verification_note": "le montant de l'année.",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    sheet = ProgrammeSheet.objects.get(slug="bourse-jeunes")
    assert sheet.residence_departements == ["33", "2A"]
    assert (sheet.verification, sheet.verification_note) == ("to_verify",
                                                             "le montant de l'année.")


@pytest.mark.parametrize(("verification", "note"), [("to_verify", ""),
                                                    ("verified", "le montant")])
def test_admin_refuses_a_note_that_does_not_match_the_state(admin_client, verification, note):
    response = admin_client.post(reverse("admin:programmes_programmesheet_add"), {
        **SHEET_FORM, "verification": verification, "verification_note": note})
    assert response.status_code == 200
    assert ("Une fiche « à vérifier » dit ce qui reste à vérifier"
            in str(response.context["adminform"].form.non_field_errors()))
    assert not ProgrammeSheet.objects.exists()


def test_sheets_not_reviewed_for_a_year_are_flagged(client):
    ProgrammeSheetFactory(slug="ancienne", last_reviewed=date(2025, 11, 1))
    ProgrammeSheetFactory(slug="recente", last_reviewed=date(2026, 1, 1))
    with time_machine.travel(date(2026, 11, 23), tick=False):
        # Logged in under the clock of the request: a session opened at the real time would
        # have expired by a later frozen date.
        login_with_mfa(client, CoordinatorFactory(with_totp=True))
        response = client.get(reverse("admin:programmes_programmesheet_changelist"),
                              {"a_revoir": "1"})
    assert [sheet.slug for sheet in response.context["cl"].result_list] == ["ancienne"]


# --- Import / export in the exchange format (tester t9b F3) ---------------------------------

def _sheets():
    ProgrammeSheetFactory(slug="pvt-canada", domains=["working_holiday", "job"],
                          destination_countries=["CA"], nationalities=["FR", "EU"],
                          languages=[{"language": "en", "level": "B1", "required": True}],
                          residence_departements=["33", "40"],
                          duration_min_weeks=Decimal("4.35"), duration_max_weeks=None,
                          statuses=["student", "job_seeker"])
    ProgrammeSheetFactory(slug="brouillon", publication="draft", domains=["language_stay"])


def _state():
    return [sheet_to_exchange(sheet) for sheet in ProgrammeSheet.objects.order_by("slug")]


def _upload(admin_client, content: bytes, *, dry_run=False):
    data = {"file": SimpleUploadedFile("fiches.json", content, "application/json"),
            "dry_run" if dry_run else "apply": "1"}
    return admin_client.post(reverse("admin:programmes_programmesheet_import"), data)


def test_admin_export_then_admin_import_round_trips(admin_client):
    _sheets()
    before = _state()
    response = admin_client.get(reverse("admin:programmes_programmesheet_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported == before  # the exchange format, drafts with their publication
    assert exported[1]["domains"] == ["working_holiday", "job"]
    assert exported[1]["duration_weeks"] == {"min": 4.35, "max": None}

    exported[1]["title"] = "PVT Canada (modifié)"
    response = _upload(admin_client, json.dumps(exported).encode())
    assert response.status_code == 302
    assert "1 mise(s) à jour, 1 inchangée(s)" in str(list(get_messages(response.wsgi_request)))
    assert ProgrammeSheet.objects.get(slug="pvt-canada").title == "PVT Canada (modifié)"
    assert ProgrammeSheet.objects.get(slug="brouillon").publication == "draft"


def test_command_export_then_admin_import_recreates_the_sheets(admin_client, tmp_path):
    _sheets()
    path = tmp_path / "export.json"
    call_command("export_programmes", str(path), stdout=StringIO())
    published = [sheet for sheet in _state() if sheet["publication"] == "published"]
    ProgrammeSheet.objects.all().delete()

    response = _upload(admin_client, path.read_bytes(), dry_run=True)
    assert response.status_code == 200
    assert "à créer : 1, à mettre à jour : 0" in response.content.decode()
    assert not ProgrammeSheet.objects.exists()

    response = _upload(admin_client, path.read_bytes())
    assert response.status_code == 302
    assert _state() == published


def test_admin_export_then_command_import_changes_nothing(admin_client, tmp_path):
    _sheets()
    before = _state()
    response = admin_client.get(reverse("admin:programmes_programmesheet_export"))
    path = tmp_path / "admin.json"
    path.write_bytes(response.content)
    out = StringIO()
    call_command("import_programmes", str(path), stdout=out)
    assert "inchangées : 2" in out.getvalue()
    assert _state() == before


def test_admin_export_writes_what_the_list_shows_as_the_command_does(admin_client, tmp_path):
    _sheets()
    response = admin_client.get(reverse("admin:programmes_programmesheet_export"),
                                {"publication__exact": "published"})
    path = tmp_path / "command.json"
    call_command("export_programmes", str(path), stdout=StringIO())
    assert response.content == path.read_bytes()  # one writer: the same bytes
    changelist = admin_client.get(reverse("admin:programmes_programmesheet_changelist"))
    assert reverse("admin:programmes_programmesheet_import") in changelist.content.decode()


@pytest.mark.parametrize(("content", "message"), [
    pytest.param(None, "pvt-canada: domains: domaine inconnu(s) : surf", id="unknown-code"),
    pytest.param(b"[" * 50_000 + b"]" * 50_000, "fichier : JSON trop imbriqué",
                 id="deep-json"),
    pytest.param(b"{not json", "fichier : JSON invalide, ligne 1, colonne 2", id="bad-json"),
    pytest.param(b'[{"slug": "x", "title": "a\\u0000b"}]', "x: title: caractère nul interdit",
                 id="nul"),
])
def test_admin_import_names_what_is_wrong_and_writes_nothing(admin_client, content, message):
    _sheets()
    before = _state()
    if content is None:
        exported = json.loads(admin_client.get(
            reverse("admin:programmes_programmesheet_export")).content)
        exported[1]["domains"] = ["job", "surf"]
        exported[1]["title"] = "Changé"
        content = json.dumps(exported).encode()
    response = _upload(admin_client, content)
    assert response.status_code == 200
    assert any(error.startswith(message) for error in response.context["errors"])
    assert "Fichier refusé, rien n" in response.content.decode()
    assert _state() == before


def test_advisor_cannot_import_nor_export(client):
    from tests.factories import AdvisorFactory

    advisor = AdvisorFactory()
    client.force_login(advisor.user)
    for name in ("import", "export"):
        response = client.get(reverse(f"admin:programmes_programmesheet_{name}"))
        assert response.status_code in (302, 403)
