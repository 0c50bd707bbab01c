"""The monthly email listing the sheets not reviewed for PROGRAMME_REVIEW_MONTHS."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django_celery_beat.models import PeriodicTask

from programmes.models import ReviewDigest
from programmes.tasks import send_review_digest
from tests.factories import CoordinatorFactory, ProgrammeSheetFactory

pytestmark = pytest.mark.django_db

FIRST_OF_DECEMBER = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def coordinators():
    active = CoordinatorFactory(email="coord.active@exemple.fr")
    CoordinatorFactory(email="coord.partie@exemple.fr", is_active=False)
    return active


def test_nothing_due_sends_nothing(coordinators):
    ProgrammeSheetFactory(last_reviewed=dt.date(2026, 1, 1))
    with time_machine.travel(FIRST_OF_DECEMBER, tick=False):
        assert send_review_digest() is False
    assert mail.outbox == []
    assert not ReviewDigest.objects.exists()


def test_due_sheets_are_sent_once_a_month(coordinators, settings,
                                         django_capture_on_commit_callbacks):
    settings.COORDINATION_EMAIL = "coordination@exemple.fr"
    settings.PROGRAMME_REVIEW_MONTHS = 12
    ProgrammeSheetFactory(title="Vieille fiche", last_reviewed=dt.date(2025, 11, 30))
    ProgrammeSheetFactory(title="Jamais vérifiée", last_reviewed=None, publication="draft")
    ProgrammeSheetFactory(title="Limite du jour", last_reviewed=dt.date(2025, 12, 1))
    ProgrammeSheetFactory(title="Archivée", last_reviewed=None, publication="archived")
    with (time_machine.travel(FIRST_OF_DECEMBER, tick=False),
          django_capture_on_commit_callbacks(execute=True)):
        assert send_review_digest() is True
        assert send_review_digest() is False  # the same month again
    with time_machine.travel(dt.datetime(2026, 12, 20, tzinfo=dt.UTC), tick=False):
        assert send_review_digest() is False
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert sorted(email.to) == ["coord.active@exemple.fr", "coordination@exemple.fr"]
    assert "2 fiche(s)" in email.subject
    assert "Vieille fiche" in email.body and "Jamais vérifiée" in email.body
    assert "Limite du jour" not in email.body and "Archivée" not in email.body
    assert "?a_revoir=1" in email.alternatives[0].content
    assert ReviewDigest.objects.get().month == dt.date(2026, 12, 1)

    with (time_machine.travel(dt.datetime(2027, 1, 1, 8, 0, tzinfo=dt.UTC), tick=False),
          django_capture_on_commit_callbacks(execute=True)):
        assert send_review_digest() is True  # a new month: « Limite du jour » is now due too
    assert "3 fiche(s)" in mail.outbox[1].subject


def test_the_schedule_is_registered_by_migration():
    task = PeriodicTask.objects.get(task="programmes.tasks.send_review_digest")
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, crontab.day_of_week) == (
        "0", "8", "1", "*")
    assert str(crontab.timezone) == "Europe/Paris"
