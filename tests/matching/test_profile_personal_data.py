"""The mobility profile and the programmes sent, in "download my data" and in erasure."""

import datetime as dt
import json

import pytest

from matching.models import MobilityProfile, ProgrammeRecommendation
from matching.services import profile_get_or_create_for, profile_update
from privacy.services import user_data_export, user_erase
from tests.factories import AdvisorFactory, ProgrammeSheetFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def _profile(youth, advisor_user):
    profile = profile_get_or_create_for(youth=youth, now=NOW - dt.timedelta(days=3))
    profile_update(profile=profile, data={"hobbies": "Plongée en apnée", "budget_eur": 900,
                                          "wish_countries": ["NZ"]},
                   by=youth, now=NOW - dt.timedelta(days=2), reason="Complété par le ou la jeune")
    profile_update(profile=profile, data={"birth_date": dt.date(2002, 7, 14),
                                          "studies_field": "Licence de biologie marine"},
                   by=advisor_user, now=NOW - dt.timedelta(days=1), reason="Entretien")
    return profile


def test_export_holds_the_profile_its_situation_and_its_history():
    youth = UserFactory()
    advisor = AdvisorFactory(user__first_name="Aline", user__last_name="Conseil").user
    _profile(youth, advisor)
    section = user_data_export(user=youth, now=NOW)["mobility_profile"]
    assert section["profile"]["birth_date"] == "2002-07-14"
    assert section["profile"]["budget_eur"] == 900
    assert section["profile"]["wishes"]["countries"] == ["NZ"]
    assert section["situation"]["hobbies"] == "Plongée en apnée"
    assert section["situation"]["studies_field"] == "Licence de biologie marine"
    history = section["history"]
    assert [entry["by"] for entry in history] == ["So Mobilité", "vous", "Aline Conseil"]
    assert "budget (€)" in history[1]["changed"] and "loisirs et passions" in history[1]["changed"]
    assert history[2]["changed"] == ["date de naissance", "études suivies"]
    assert history[2]["date"] == (NOW - dt.timedelta(days=1)).isoformat()
    json.dumps(section)


def test_export_without_birth_date_or_profile():
    youth = UserFactory()
    assert user_data_export(user=youth, now=NOW)["mobility_profile"] is None
    MobilityProfile.objects.create(user=youth, hobbies="Jonglage")
    section = user_data_export(user=youth, now=NOW)["mobility_profile"]
    assert section["profile"]["birth_date"] is None
    assert section["situation"]["hobbies"] == "Jonglage"


def test_erasure_removes_the_profile_and_its_history():
    youth = UserFactory()
    kept = UserFactory()
    _profile(youth, AdvisorFactory().user)
    MobilityProfile.objects.create(user=kept, hobbies="Cuisine")
    user_erase(user=youth, now=NOW)
    assert not MobilityProfile.objects.filter(user=youth).exists()
    assert not MobilityProfile.history.filter(user_id=youth.pk).exists()
    assert not MobilityProfile.history.filter(hobbies__contains="apnée").exists()
    assert MobilityProfile.objects.filter(user=kept).exists()


def test_erasure_keeps_selections_for_statistics_without_personal_lines():
    youth = UserFactory()
    advisor = AdvisorFactory().user
    sheet = ProgrammeSheetFactory(title="Corps européen de solidarité (test)")
    recommendation = ProgrammeRecommendation.objects.create(
        youth=youth, advisor=advisor, created_at=NOW, message="Ton anglais B2 suffit, Lina !",
        items=[{"slug": sheet.slug, "title": sheet.title, "met": ["Âge : 22 ans"],
                "missing": ["Budget : vous indiquez 900 €"]}])
    recommendation.sheets.set([sheet])
    exported = user_data_export(user=youth, now=NOW)["programme_selections"]
    assert exported[0]["message"] == "Ton anglais B2 suffit, Lina !"
    assert exported[0]["programmes"][0]["met"] == ["Âge : 22 ans"]

    user_erase(user=youth, now=NOW)
    recommendation.refresh_from_db()
    assert recommendation.message == ""
    assert recommendation.items == [{"slug": sheet.slug, "title": sheet.title}]
    assert list(recommendation.sheets.all()) == [sheet]
    assert recommendation.advisor == advisor
