""""Download my data" holds every kind of data kept about a young person (issue 4)."""

import datetime as dt
import json

import pytest

from bookings.interviews import follow_up_add, interview_note_add
from matching.models import MobilityProfile, ProgrammeRecommendation
from privacy.services import user_data_export
from tests.factories import AppointmentFactory, BookableAdvisorFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
APPOINTMENT_PROJECT = "Un service civique au Sénégal (texte unique de l'export)"


def test_every_kind_of_personal_data_is_exported():
    youth = UserFactory(email="maelys.export@exemple.fr", first_name="Maëlys")
    advisor = BookableAdvisorFactory()
    appointment = AppointmentFactory(advisor=advisor, youth=youth, project=APPOINTMENT_PROJECT,
                                     starts_at=dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC))
    interview_note_add(appointment=appointment, text="Parle wolof et anglais B2.",
                       by=advisor.user, now=NOW)
    follow_up_add(appointment=appointment, happened_on=dt.date(2026, 11, 20), channel="email",
                  summary="Envoyé le lien de candidature.", by=advisor.user, now=NOW)
    MobilityProfile.objects.create(user=youth, birth_date=dt.date(2005, 1, 30),
                                   hobbies="Slam et poésie", wish_domains=["volunteering"])
    ProgrammeRecommendation.objects.create(
        youth=youth, advisor=advisor.user, created_at=NOW, message="Regarde le CES !",
        items=[{"slug": "ces", "title": "Corps européen de solidarité",
                "met": ["Âge : 21 ans"], "missing": []}])

    data = user_data_export(user=youth, now=NOW)
    dump = json.dumps(data, ensure_ascii=False, default=str)

    assert data["account"]["email"] == "maelys.export@exemple.fr"
    assert data["mobility_profile"]["profile"]["birth_date"] == "2005-01-30"
    assert data["mobility_profile"]["profile"]["wishes"]["domains"] == ["volunteering"]
    assert data["mobility_profile"]["situation"]["hobbies"] == "Slam et poésie"
    assert data["programme_selections"][0]["message"] == "Regarde le CES !"
    assert data["programme_selections"][0]["programmes"][0]["met"] == ["Âge : 21 ans"]
    assert [a["project"] for a in data["bookings"]["appointments"]] == [APPOINTMENT_PROJECT]
    assert APPOINTMENT_PROJECT in dump
    record = data["interview_record"]
    assert [n["text"] for n in record["interview_notes"]] == ["Parle wolof et anglais B2."]
    assert record["follow_ups"][0]["summary"] == "Envoyé le lien de candidature."
    # Later kinds (evaluation answers) add their assertions here.
