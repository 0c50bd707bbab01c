"""The demo programmes load through the importer, idempotently, and can be matched."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from programmes import demo
from programmes.models import ProgrammeSheet

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_every_sheet_has_a_source_and_says_what_to_verify():
    out = StringIO()
    demo.seed(out)
    count = ProgrammeSheet.objects.published().count()
    assert count >= 30
    assert f"{count} créées" in out.getvalue()
    demo.seed(out)
    assert f"{count} inchangées" in out.getvalue()
    for sheet in ProgrammeSheet.objects.all():
        assert sheet.url.startswith("https://") and sheet.last_reviewed
        # What could not be checked is in the verification field, no longer in the text.
        assert "vérifier :" not in sheet.description.lower()
        assert sheet.verification == "to_verify" and sheet.verification_note


def test_a_profile_matches_demo_programmes(tmp_path):
    demo.seed(StringIO())
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({
        "birth_date": "2003-05-10", "nationality": "FR", "status": "job_seeker",
        "education_level": "bac+2", "languages": [{"language": "en", "level": "B2"}],
        "budget_eur": 2500,
        "wishes": {"domains": ["working_holiday"], "zones": ["oceania"],
                   "departure": "2027-06-01"},
    }), encoding="utf-8")
    out = StringIO()
    call_command("match", str(profile), "--date", "2026-11-23", "--limit", "3", stdout=out)
    result = json.loads(out.getvalue())
    assert [item["slug"] for item in result["results"]][:2] == ["pvt-nouvelle-zelande",
                                                                "pvt-australie"]
