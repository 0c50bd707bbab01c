"""The young people's opinions page of the advisor space: the structure's answers only,
without the young person's identity, in a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from evaluations.models import Evaluation
from tests.factories import AppointmentFactory, BookableAdvisorFactory
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

NOW = paris(2026, 4, 20, 9)


def answered(advisor, day, comment, **extra):
    appointment = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, day, 10),
                                     status="done", first_name="Prénomsecret",
                                     last_name="Nomsecret", **extra)
    invited = paris(2026, 3, day + 1, 10)
    return Evaluation.objects.create(
        appointment=appointment, invited_at=invited, expires_at=invited + dt.timedelta(days=30),
        answered_at=invited + dt.timedelta(hours=2), satisfaction=4, usefulness=3,
        intends_to_go="yes", departure_period="within_a_year", comment=comment)


def test_advisor_reads_her_structures_answers_without_identity(client,
                                                              django_assert_max_num_queries):
    advisor = BookableAdvisorFactory()
    other = BookableAdvisorFactory()
    mine = answered(advisor, 3, "Conseils très utiles")
    answered(other, 4, "Avis d'une autre structure")
    client.force_login(advisor.user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("backoffice:evaluations"))
        text = response.content.decode()
        assert response.status_code == 200
        assert "Conseils très utiles" in text and "Mars 2026" in text
        assert "Avis d'une autre structure" not in text
        for identity in ("Prénomsecret", "Nomsecret", mine.appointment.youth.email,
                         "3 mars", "03/03/2026"):
            assert identity not in text
        for day in range(5, 15):
            answered(advisor, day, f"Avis {day}")
        with django_assert_max_num_queries(12) as counted:
            client.get(reverse("backoffice:evaluations"))
        first = len(counted.captured_queries)
        for day in range(15, 25):
            answered(advisor, day, f"Avis {day}")
        with django_assert_max_num_queries(first):
            more = client.get(reverse("backoffice:evaluations"))
    assert "Avis 24" in more.content.decode()
