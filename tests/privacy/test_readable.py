""""Mes données": a readable page with the same data as the JSON download."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from matching.models import MobilityProfile, ProgrammeRecommendation
from privacy.readable import KEY_LABELS, readable_export
from privacy.services import user_data_export
from tests.factories import AppointmentFactory, BookableAdvisorFactory, YouthFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def youth():
    youth = YouthFactory(email="maelys.lecture@exemple.fr", first_name="Maëlys")
    AppointmentFactory(advisor=BookableAdvisorFactory(), youth=youth,
                       project="Un service civique au Sénégal",
                       starts_at=dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC))
    MobilityProfile.objects.create(user=youth, birth_date=dt.date(2005, 1, 30),
                                   hobbies="Slam et poésie", wish_domains=["volunteering"],
                                   languages=[{"language": "es", "level": "B2"}])
    ProgrammeRecommendation.objects.create(
        youth=youth, created_at=NOW, message="Regarde le CES !",
        items=[{"slug": "ces", "title": "Corps européen de solidarité",
                "met": ["Âge : 21 ans"], "missing": []}])
    return youth


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_every_key_of_the_export_has_a_french_heading(youth):
    assert _keys(user_data_export(user=youth, now=NOW)) - set(KEY_LABELS) == set()


def test_the_page_shows_the_data_in_words(client, youth):
    client.force_login(youth)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("privacy:my_data_read"))
    content = response.content.decode()
    assert response.status_code == 200
    for text in ("Votre compte", "maelys.lecture@exemple.fr", "Vos rendez-vous",
                 "10 novembre 2026 à 10:00",  # Paris time, in words
                 "Un service civique au Sénégal", "30 janvier 2005", "Slam et poésie",
                 "Regarde le CES !", "Corps européen de solidarité", "Âge : 21 ans",
                 "Situation de handicap déclarée", "volontariat", "espagnol"):
        assert text in content, text
    assert "date_joined" not in content and "generated_at" not in content
    assert "T09:00:00" not in content
    assert "volunteering" not in content  # codes are named


def test_my_data_page_says_what_the_json_file_is(client, youth):
    client.force_login(youth)
    content = client.get(reverse("privacy:my_data")).content.decode()
    assert "tableur" in content and "pas fait pour être lu ni pour un tableur" in content
    assert reverse("privacy:my_data_read") in content


def test_unknown_keys_are_shown_not_dropped():
    nodes = readable_export({"account": {"email": "a@exemple.fr", "new_field": True}})
    assert [(n.label, n.text) for n in nodes[0].children] == [
        ("Adresse e-mail", "a@exemple.fr"), ("New field", "oui")]


def test_the_readable_page_is_for_young_people_only(client):
    response = client.get(reverse("privacy:my_data_read"))
    assert response.status_code == 302 and "/compte/" in response["Location"]
