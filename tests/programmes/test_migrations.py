"""Migration 0005 moves the « À vérifier : » paragraphs of existing sheets into the new
verification field (and back when unapplied)."""

import importlib

import pytest
from django.apps import apps

from programmes.models import ProgrammeSheet
from tests.factories import ProgrammeSheetFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "programmes.migrations.0005_sheet_residence_and_verification")


def test_to_verify_paragraphs_become_the_note_and_come_back():
    ProgrammeSheet.objects.bulk_create([
        ProgrammeSheet(slug="avec", title="Avec", summary="s", url="https://example.org",
                       domains=["studies"], destination_countries=["DE"],
                       description="Texte.\n\n- un\n- deux\n\nÀ vérifier : le montant de "
                                   "l'année."),
        ProgrammeSheet(slug="gras", title="Gras", summary="s", url="https://example.org",
                       domains=["studies"], destination_countries=["DE"],
                       description="**À vérifier** : les dates.\n\nSuite."),
    ])
    ProgrammeSheetFactory(slug="sans", description="Rien à vérifier ici : tout est sûr.")

    migration.move_to_verify_out_of_descriptions(apps, None)
    rows = {sheet.slug: sheet for sheet in ProgrammeSheet.objects.all()}
    assert (rows["avec"].description, rows["avec"].verification,
            rows["avec"].verification_note) == ("Texte.\n\n- un\n- deux", "to_verify",
                                                "le montant de l'année.")
    assert (rows["gras"].description, rows["gras"].verification_note) == ("Suite.",
                                                                           "les dates.")
    assert (rows["sans"].verification, rows["sans"].description) == (
        "verified", "Rien à vérifier ici : tout est sûr.")

    migration.put_notes_back(apps, None)
    assert ProgrammeSheet.objects.get(slug="avec").description == (
        "Texte.\n\n- un\n- deux\n\nÀ vérifier : le montant de l'année.")


def test_zone_tokens_are_rebuilt_without_straddling_countries():
    sheet = ProgrammeSheetFactory(slug="humanitaire", destination_countries=[],
                                  destination_zones=["africa", "asia"])
    ProgrammeSheet.objects.filter(pk=sheet.pk).update(filter_index=" z:europe z:asia ")
    migration.rebuild_filter_index(apps, None)
    index = ProgrammeSheet.objects.get(pk=sheet.pk).filter_index
    assert " z:asia " in index and " z:europe " not in index and " c:TR " in index
