"""The same selection of programmes sent from two tabs at once is sent once (PostgreSQL, real
connections; tester t9a #3).

First the race is shown happening: without the lock each request finds nothing sent and
stores its own selection. Then ``interview_programmes_send`` (lock the appointment, look for
the same set, write) lets exactly one through; the others are told « déjà envoyée ».
"""

import datetime as dt

import pytest
from django.core import mail

from bookings.interviews import SelectionAlreadySent, interview_programmes_send
from bookings.models import InterviewSelection
from matching.models import ProgrammeRecommendation
from matching.services import profile_prefill_from_booking, programmes_send
from tests.factories import AppointmentFactory, BookableAdvisorFactory, ProgrammeSheetFactory
from tests.threads import run_at_once

from .conftest import NOW, paris

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 4


@pytest.fixture
def sending():
    advisor = BookableAdvisorFactory()
    appointment = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 16, 9),
                                     status="done")
    profile_prefill_from_booking(youth=appointment.youth, birth_date=dt.date(2004, 5, 17),
                                 postal_code="33000", status="student", domains=["internship"],
                                 project="", now=NOW)
    sheets = [ProgrammeSheetFactory(slug=f"fiche-{i}", domains=["internship"]) for i in range(2)]
    return advisor, appointment, sheets


def test_without_the_lock_every_tab_finds_nothing_sent_and_sends_again(sending):
    advisor, appointment, sheets = sending

    def check_then_send(_i, barrier):
        already = InterviewSelection.objects.filter(appointment=appointment).exists()
        barrier.wait()  # every tab has looked before any writes: the race
        return already, programmes_send(advisor_user=advisor.user,
                                        youth_user=appointment.youth, sheets=sheets,
                                        message="", now=NOW)

    results = run_at_once(check_then_send, THREADS)
    assert not any(already for already, _ in results)
    assert ProgrammeRecommendation.objects.count() == THREADS  # what the tester saw


def test_with_the_lock_one_selection_one_email_and_the_others_are_told(sending):
    advisor, appointment, sheets = sending
    mail.outbox.clear()

    def send(_i, barrier):
        barrier.wait()
        return interview_programmes_send(appointment=appointment, advisor_user=advisor.user,
                                         sheets=list(reversed(sheets)), message="", now=NOW)

    results = run_at_once(send, THREADS)
    sent = [r for r in results if isinstance(r, ProgrammeRecommendation)]
    told = [r for r in results if isinstance(r, SelectionAlreadySent)]
    assert (len(sent), len(told)) == (1, THREADS - 1), results
    assert all(refusal.recommendation == sent[0] for refusal in told)
    assert ProgrammeRecommendation.objects.count() == 1
    assert InterviewSelection.objects.get().recommendation == sent[0]
    assert len(mail.outbox) == 1
