"""Admin: sheet form, « à revoir » flag, CSV import/export with django-import-export."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from tablib import Dataset

from programmes.admin import ProgrammeSheetResource
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


def test_csv_export_then_import_round_trip():
    ProgrammeSheetFactory(slug="pvt-canada", domains=["working_holiday", "job"],
                          destination_countries=["CA"], nationalities=["FR", "EU"],
                          languages=[{"language": "en", "level": "B1", "required": True}],
                          residence_departements=["33", "40"])
    dataset = ProgrammeSheetResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["residence_departements"] == "33, 40"
    assert row["domains"] == "working_holiday, job"
    assert row["nationalities"] == "FR, EU"
    assert row["languages"] == "en:B1:required"

    edited = Dataset(headers=dataset.headers)
    edited.append([{"title": "PVT Canada (modifié)", "destination_countries": "CA, US"}.get(
        header, value) for header, value in row.items()])
    result = ProgrammeSheetResource().import_data(edited, dry_run=False, raise_errors=True)
    assert result.totals["update"] == 1
    sheet = ProgrammeSheet.objects.get(slug="pvt-canada")
    assert sheet.title == "PVT Canada (modifié)"
    assert sheet.destination_countries == ["CA", "US"]
    assert " c:US " in sheet.filter_index


def test_csv_import_rejects_unknown_codes():
    dataset = Dataset(headers=["slug", "title", "summary", "domains", "url", "statuses"])
    dataset.append(["nouvelle", "Nouvelle", "Résumé", "surf", "https://example.org", "any"])
    result = ProgrammeSheetResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert "domaine inconnu(s) : surf" in str(result.invalid_rows[0].error_dict)
    assert not ProgrammeSheet.objects.exists()
