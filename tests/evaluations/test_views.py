"""The questionnaire's page: reached without logging in, used once, expired, damaged links,
French messages for bad input, and the programmes that were sent to the young person."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from evaluations.links import evaluation_token
from evaluations.models import Evaluation
from evaluations.services import evaluations_invite_due
from matching.models import ProgrammeRecommendation
from tests.factories import AppointmentFactory, ProgrammeSheetFactory
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

HELD_AT = paris(2026, 3, 17, 14)
NEXT_MORNING = paris(2026, 3, 18, 10)


@pytest.fixture
def evaluation():
    appointment = AppointmentFactory(starts_at=HELD_AT, status="done")
    sent = ProgrammeRecommendation.objects.create(youth=appointment.youth,
                                                  created_at=HELD_AT + dt.timedelta(minutes=50))
    sent.sheets.add(ProgrammeSheetFactory(title="Corps européen de solidarité"))
    older = ProgrammeRecommendation.objects.create(youth=appointment.youth,
                                                   created_at=HELD_AT - dt.timedelta(days=40))
    older.sheets.add(ProgrammeSheetFactory(title="Programme d'une autre fois"))
    evaluations_invite_due(now=NEXT_MORNING)
    return Evaluation.objects.get()


def _url(evaluation):
    return reverse("evaluations:questionnaire", kwargs={"token": evaluation_token(evaluation)})


def test_questionnaire_answered_once_without_logging_in(client, evaluation):
    url = _url(evaluation)
    with time_machine.travel(NEXT_MORNING + dt.timedelta(hours=3), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "17 mars 2026" in text and "Corps européen de solidarité" in text
        assert "Programme d'une autre fois" not in text
        programme = Evaluation.objects.get().appointment.youth.programme_recommendations \
            .get(sheets__title="Corps européen de solidarité").sheets.get()
        response = client.post(url, {"satisfaction": "5", "usefulness": "4",
                                     "intends_to_go": "yes", "departure_period": "within_a_year",
                                     "programme": programme.pk, "comment": "Merci !"})
        assert response.status_code == 302 and response.url == reverse("evaluations:thanks")
        again = client.get(url)
        assert again.status_code == 410
        assert "déjà été rempli" in again.content.decode()
        second_post = client.post(url, {"satisfaction": "1"})
        assert second_post.status_code == 410
    saved = Evaluation.objects.get()
    assert (saved.satisfaction, saved.usefulness, saved.programme, saved.comment) == (
        5, 4, programme, "Merci !")


def test_expired_link(client, evaluation, settings):
    with time_machine.travel(evaluation.expires_at + dt.timedelta(seconds=1), tick=False):
        response = client.get(_url(evaluation))
        assert response.status_code == 410
        assert "Ce lien a expiré" in response.content.decode()
        assert client.post(_url(evaluation), {"satisfaction": "4"}).status_code == 410
    assert Evaluation.objects.get().answered_at is None


def test_damaged_link(client, evaluation):
    response = client.get(reverse("evaluations:questionnaire",
                                  kwargs={"token": evaluation_token(evaluation)[:-3] + "abc"}))
    assert response.status_code == 404
    assert "n'est pas valable" in response.content.decode()


def test_bad_input_gets_french_messages_and_keeps_what_was_typed(client, evaluation):
    with time_machine.travel(NEXT_MORNING + dt.timedelta(hours=3), tick=False):
        response = client.post(_url(evaluation), {"satisfaction": "9", "comment": "x" * 2001,
                                                  "intends_to_go": "maybe"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in text
    assert "2000 caractères" in text
    assert "x" * 2001 in text
    assert Evaluation.objects.get().answered_at is None
