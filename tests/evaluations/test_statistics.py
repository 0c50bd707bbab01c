"""Satisfaction figures on a hand-built set with known answers, filtered like every other
interview figure; the answers of an erased young person still count, without identity."""

import datetime as dt

import pytest

from bookings.statistics import Filters
from evaluations.models import Evaluation
from evaluations.selectors import answers_for_structure
from evaluations.statistics import satisfaction
from privacy.services import user_erase
from tests.factories import AppointmentFactory, BookableAdvisorFactory
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

MARCH = Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
INVITED = paris(2026, 4, 2, 10)


def evaluation(advisor, day, *, mode="video", **answers):
    appointment = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, day, 10),
                                     status="done", mode=mode)
    answered = {"answered_at": INVITED + dt.timedelta(hours=1)} if answers else {}
    return Evaluation.objects.create(appointment=appointment, invited_at=INVITED,
                                     expires_at=INVITED + dt.timedelta(days=30),
                                     **answered, **answers)


@pytest.fixture
def network():
    bordeaux = BookableAdvisorFactory()
    pau = BookableAdvisorFactory(structure__departement="64", structure__postal_code="64000")
    evaluation(bordeaux, 3, satisfaction=5, usefulness=4, intends_to_go="yes",
               departure_period="within_a_year", comment="Super")
    evaluation(bordeaux, 10, satisfaction=4, usefulness=3, intends_to_go="not_sure",
               departure_period="unknown")
    evaluation(bordeaux, 17)  # sent, not answered
    evaluation(pau, 5, mode="phone", satisfaction=2, intends_to_go="no")
    evaluation(pau, 12, mode="phone")
    april = AppointmentFactory(advisor=pau, starts_at=paris(2026, 4, 1, 10), status="done")
    Evaluation.objects.create(appointment=april, invited_at=INVITED, satisfaction=1,
                              answered_at=INVITED, expires_at=INVITED + dt.timedelta(days=3))
    return bordeaux, pau


def test_satisfaction_of_the_period(network, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = satisfaction(MARCH)
    assert (figures.sent, figures.answered) == (5, 3)
    assert figures.response_rate == pytest.approx(0.6)
    assert figures.average == pytest.approx(11 / 3)
    assert figures.by_score == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert figures.satisfied_rate == pytest.approx(2 / 3)
    assert figures.by_usefulness == {1: 0, 2: 0, 3: 1, 4: 1}
    assert figures.by_intention == {"yes": 1, "not_sure": 1, "no": 1}
    assert figures.by_period["within_a_year"] == 1 and figures.by_period["unknown"] == 1


def test_filters_by_departement_and_mode(network):
    gironde = satisfaction(Filters(start=MARCH.start, end=MARCH.end, departements=("33",)))
    assert (gironde.sent, gironde.answered, gironde.average) == (3, 2, 4.5)
    phone = satisfaction(Filters(start=MARCH.start, end=MARCH.end, modes=("phone",)))
    assert (phone.sent, phone.answered, phone.by_score[2]) == (2, 1, 1)
    nothing = satisfaction(Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31)))
    assert (nothing.sent, nothing.average, nothing.response_rate) == (0, None, None)


def test_erased_young_person_still_counts_without_identity(network):
    _bordeaux, _pau = network
    first = Evaluation.objects.get(comment="Super")
    unanswered = Evaluation.objects.get(appointment__starts_at=paris(2026, 3, 17, 10))
    user_erase(user=first.appointment.youth, now=paris(2026, 4, 10, 9))
    user_erase(user=unanswered.appointment.youth, now=paris(2026, 4, 10, 9))
    figures = satisfaction(MARCH)
    assert (figures.sent, figures.answered, figures.by_score[5]) == (4, 3, 1)
    first.refresh_from_db()
    assert (first.satisfaction, first.comment) == (5, "")
    assert not Evaluation.objects.filter(pk=unanswered.pk).exists()


def test_advisors_read_answers_of_their_structure_by_month_only(network,
                                                                 django_assert_num_queries):
    bordeaux, _pau = network
    with django_assert_num_queries(1):
        answers = answers_for_structure(structure=bordeaux.structure)
    assert [(a.month, a.satisfaction) for a in answers] == [
        (dt.date(2026, 3, 1), 4), (dt.date(2026, 3, 1), 5)]
    assert answers[1].comment == "Super" and answers[1].intends_to_go == "Oui"
    assert not hasattr(answers[0], "appointment")


def test_the_person_finds_her_answers_in_her_data_with_french_headings(network):
    from privacy.readable import KEY_LABELS
    from privacy.services import user_data_export

    first = Evaluation.objects.get(comment="Super")
    export = user_data_export(user=first.appointment.youth, now=paris(2026, 4, 10, 9))
    [row] = export["evaluations"]
    assert (row["satisfaction"], row["usefulness"], row["comment"]) == (5, "Très utiles",
                                                                        "Super")
    assert set(row) | {"evaluations"} <= set(KEY_LABELS)
