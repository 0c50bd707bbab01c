"""The questionnaire's invitations and answers through the services: one email per interview
held, whatever the number of runs; nothing for interviews not held; answers recorded once."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError

from bookings.models import Notification, NotificationKind
from evaluations.models import Evaluation
from evaluations.services import (
    EvaluationLinkExpired,
    EvaluationLinkUsed,
    evaluation_answer,
    evaluations_invite_due,
)
from tests.factories import AppointmentFactory
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

#: Interview on Tuesday 17 March 2026 at 14:00; the task runs the next morning at 10:00.
HELD_AT = paris(2026, 3, 17, 14)
NEXT_MORNING = paris(2026, 3, 18, 10)


def held(**kwargs):
    return AppointmentFactory(starts_at=kwargs.pop("starts_at", HELD_AT), status="done",
                              **kwargs)


def test_the_day_after_one_email_however_many_runs(django_capture_on_commit_callbacks):
    appointment = held(first_name="Léa")
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluations_invite_due(now=NEXT_MORNING) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluations_invite_due(now=NEXT_MORNING) == 0
        assert evaluations_invite_due(now=paris(2026, 3, 19, 10)) == 0
    assert Notification.objects.filter(kind=NotificationKind.EVALUATION_INVITATION).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [appointment.youth.email]
    assert "Votre avis sur votre entretien" in message.subject
    assert "Bonjour Léa" in message.body and "/evaluation/" in message.body
    evaluation = Evaluation.objects.get()
    assert evaluation.appointment == appointment
    # 30 days of elapsed time: the clocks went forward on 29 March, so 11:00 in Paris.
    assert evaluation.expires_at == paris(2026, 4, 17, 11)


def test_the_database_refuses_a_second_invitation_for_one_interview():
    appointment = held()
    Evaluation.objects.create(appointment=appointment, invited_at=NEXT_MORNING,
                              expires_at=NEXT_MORNING + dt.timedelta(days=1))
    with pytest.raises(IntegrityError):
        Evaluation.objects.create(appointment=appointment, invited_at=NEXT_MORNING,
                                  expires_at=NEXT_MORNING + dt.timedelta(days=1))


def test_not_on_the_same_day_and_not_for_interviews_not_held():
    held()  # Held on the 17th: due on the 18th, not on the evening of the 17th.
    for status in ("no_show", "late_cancelled", "cancelled_by_youth",
                   "cancelled_by_structure", "confirmed"):
        AppointmentFactory(starts_at=HELD_AT, status=status,
                           cancelled_at=HELD_AT if "cancelled_by" in status else None)
    assert evaluations_invite_due(now=paris(2026, 3, 17, 23, 30)) == 0
    assert evaluations_invite_due(now=NEXT_MORNING) == 1
    assert Evaluation.objects.get().appointment.status == "done"


def test_window_catches_up_missed_days_but_not_old_interviews(settings):
    settings.EVALUATION_INVITE_WINDOW_DAYS = 7
    recent = held(starts_at=paris(2026, 3, 12, 9))  # six days before
    held(starts_at=paris(2026, 3, 9, 9))  # nine days before: too old
    assert evaluations_invite_due(now=NEXT_MORNING) == 1
    assert Evaluation.objects.get().appointment == recent


def test_attendance_recorded_late_still_gets_its_questionnaire():
    appointment = AppointmentFactory(starts_at=HELD_AT)
    assert evaluations_invite_due(now=NEXT_MORNING) == 0
    appointment.status = "done"
    appointment.save()
    assert evaluations_invite_due(now=paris(2026, 3, 19, 10)) == 1


ANSWERS = {"satisfaction": 4, "usefulness": 3, "intends_to_go": "no",
           "departure_period": "within_a_year", "programme": None, "programme_other": "",
           "comment": "Très clair."}


def _invited(now=NEXT_MORNING):
    held()
    evaluations_invite_due(now=now)
    return Evaluation.objects.get()


def test_answers_recorded_once():
    evaluation = _invited()
    answered_at = NEXT_MORNING + dt.timedelta(hours=2)
    saved = evaluation_answer(evaluation=evaluation, answers=ANSWERS, now=answered_at)
    assert (saved.satisfaction, saved.usefulness, saved.intends_to_go) == (4, 3, "no")
    assert saved.departure_period == ""  # no departure planned: no period kept
    assert saved.answered_at == answered_at
    with pytest.raises(EvaluationLinkUsed):
        evaluation_answer(evaluation=evaluation, answers={**ANSWERS, "satisfaction": 1},
                          now=answered_at + dt.timedelta(minutes=1))
    assert Evaluation.objects.get().satisfaction == 4


def test_answer_after_expiry_refused(settings):
    settings.EVALUATION_LINK_DAYS = 3
    evaluation = _invited()
    with pytest.raises(EvaluationLinkExpired):
        evaluation_answer(evaluation=evaluation, answers=ANSWERS,
                          now=NEXT_MORNING + dt.timedelta(days=3))
    assert Evaluation.objects.get().answered_at is None
