"""The daily convention watch: what it records and emails around 1 January and around notice
ends, and that a second run on the same day changes and sends nothing."""

import datetime as dt

import pytest
from django.core import mail

from advisors.conventions import ConventionEventKind
from advisors.models import ConventionEvent
from bookings.models import Notification, NotificationKind
from bookings.notifications import convention_watch_run
from tests.factories import ConventionFactory, StructureFactory
from tests.staff_world import paris

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_general_end(settings):
    settings.PROGRAMME_GENERAL_END_DATE = None
    settings.COORDINATION_EMAIL = "coordination@exemple.fr"


def run(moment, capture):
    with capture(execute=True):
        return convention_watch_run(now=moment)


def kinds():
    return sorted((e.convention.structure.public_name, e.kind, e.effective_on)
                  for e in ConventionEvent.objects.select_related("convention__structure"))


def test_tacit_renewal_on_1_january_once(django_capture_on_commit_callbacks):
    ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Agen"),
                      signed_on=dt.date(2025, 5, 2), services_start_on=dt.date(2025, 6, 1))
    ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Signée en 2026"),
                      signed_on=dt.date(2026, 1, 1), services_start_on=dt.date(2026, 1, 5))
    # 31 December: nothing has changed yet.
    assert run(paris(2025, 12, 31, 6, 30), django_capture_on_commit_callbacks) is None
    first = run(paris(2026, 1, 1, 6, 30), django_capture_on_commit_callbacks)
    assert first is not None
    assert kinds() == [("Info Jeunes Agen", ConventionEventKind.TACIT_RENEWAL,
                        dt.date(2026, 1, 1))]
    # Twice the same day, then the next days: nothing new, no second email.
    assert run(paris(2026, 1, 1, 18), django_capture_on_commit_callbacks) is None
    assert run(paris(2026, 1, 2, 6, 30), django_capture_on_commit_callbacks) is None
    assert ConventionEvent.objects.count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordination@exemple.fr"]
    assert "Conventions : 1 changement(s) et 0 échéance(s) à 30 jours" in message.subject
    assert "Info Jeunes Agen — Reconduction tacite (01/01/2026)" in message.body
    assert "du 01/01/2026 au 31/12/2026" in message.body


def test_missed_days_caught_up_but_a_first_run_reports_no_old_renewal(
        django_capture_on_commit_callbacks):
    ConventionFactory(signed_on=dt.date(2024, 3, 1))
    assert run(paris(2026, 1, 5, 6, 30), django_capture_on_commit_callbacks) is not None
    assert [k for _s, k, _d in kinds()] == [ConventionEventKind.TACIT_RENEWAL]
    ConventionEvent.objects.all().delete()
    assert run(paris(2026, 3, 5, 6, 30), django_capture_on_commit_callbacks) is None


def test_notice_end_announced_within_30_days_then_effective(django_capture_on_commit_callbacks):
    structure = StructureFactory(public_name="Info Jeunes Pau")
    ConventionFactory(structure=structure, signed_on=dt.date(2024, 3, 1),
                      termination_letter_received_on=dt.date(2026, 3, 10))
    # Two months' notice: last day in force 10 May 2026, first day out 11 May.
    assert run(paris(2026, 4, 9, 6, 30), django_capture_on_commit_callbacks) is None  # 31 days
    soon = run(paris(2026, 4, 10, 6, 30), django_capture_on_commit_callbacks)
    assert soon.payload["events"][0]["kind"] == "Fin de préavis prochaine"
    assert soon.payload["coming"] == [{
        "structure": "Info Jeunes Pau", "kind": "Fin de préavis prochaine",
        "effective_on": "10/05/2026",
        "reason": "Résiliée par la structure : courrier reçu le 10/03/2026, fin après préavis "
                  "de deux mois le 10/05/2026"}]
    assert run(paris(2026, 4, 20, 6, 30), django_capture_on_commit_callbacks) is None
    assert run(paris(2026, 5, 10, 6, 30), django_capture_on_commit_callbacks) is None
    ended = run(paris(2026, 5, 11, 6, 30), django_capture_on_commit_callbacks)
    assert [e["kind"] for e in ended.payload["events"]] == ["Résiliation effective"]
    assert ended.payload["coming"] == []
    assert run(paris(2026, 5, 11, 20), django_capture_on_commit_callbacks) is None
    assert kinds() == [
        ("Info Jeunes Pau", ConventionEventKind.NOTICE_ENDING_SOON, dt.date(2026, 5, 10)),
        ("Info Jeunes Pau", ConventionEventKind.TERMINATION_EFFECTIVE, dt.date(2026, 5, 11)),
    ]
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind=NotificationKind.CONVENTION_WATCH).count() == 2


def test_formal_notice_deadline_then_expiry(django_capture_on_commit_callbacks):
    ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Tulle"),
                      formal_notice_received_on=dt.date(2026, 2, 20))
    answered = ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Guéret"),
                                 formal_notice_received_on=dt.date(2026, 2, 20),
                                 formal_notice_answered_on=dt.date(2026, 2, 25))
    first = run(paris(2026, 2, 26, 6, 30), django_capture_on_commit_callbacks)
    assert [(e["structure"], e["kind"], e["effective_on"]) for e in first.payload["events"]] == [
        ("Info Jeunes Tulle", "Échéance de mise en demeure prochaine", "22/03/2026")]
    assert run(paris(2026, 3, 22, 6, 30), django_capture_on_commit_callbacks) is None
    expired = run(paris(2026, 3, 23, 6, 30), django_capture_on_commit_callbacks)
    assert [(e["structure"], e["kind"], e["effective_on"])
            for e in expired.payload["events"]] == [
        ("Info Jeunes Tulle", "Fin après mise en demeure", "23/03/2026")]
    assert not ConventionEvent.objects.filter(convention=answered).exists()


def test_a_convention_ended_before_1_january_is_not_renewed(django_capture_on_commit_callbacks):
    ConventionFactory(signed_on=dt.date(2024, 3, 1),
                      termination_letter_received_on=dt.date(2025, 10, 31))
    # Notice ends 31 December 2025: first day out is 1 January, no renewal.
    ended = run(paris(2026, 1, 1, 6, 30), django_capture_on_commit_callbacks)
    assert [e["kind"] for e in ended.payload["events"]] == ["Résiliation effective"]
    assert [k for _s, k, _d in kinds()] == [ConventionEventKind.TERMINATION_EFFECTIVE]


def test_coordinators_read_every_conventions_state_on_a_chosen_date(client):
    import time_machine
    from django.urls import reverse

    from tests.factories import CoordinatorFactory
    from tests.mfa_support import login_with_mfa

    ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Pau"),
                      termination_letter_received_on=dt.date(2026, 3, 10))
    ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Niort"))
    url = reverse("admin:advisors_convention_state")
    with time_machine.travel(paris(2026, 4, 1, 9), tick=False):
        login_with_mfa(client, CoordinatorFactory(with_totp=True))
        today = client.get(url).content.decode()
        assert "État des conventions au 01/04/2026" in today
        assert "En préavis de résiliation" in today and "fin après préavis" in today
        later = client.get(url, {"date": "2026-06-01"}).content.decode()
        assert "État des conventions au 01/06/2026" in later and "Terminée" in later
        before = client.get(url, {"date": "2026-03-01"}).content.decode()
        assert "En préavis" not in before  # the letter of 10 March is not known yet
        wrong = client.get(url, {"date": "31/02/2026"})
        assert wrong.status_code == 200
        assert "Saisissez une date valide" in wrong.content.decode()
        listed = client.get(reverse("admin:advisors_convention_changelist")).content.decode()
        assert url in listed


def test_the_state_page_is_refused_without_mfa(client):
    from django.urls import reverse

    from tests.factories import AdvisorFactory, CoordinatorFactory

    url = reverse("admin:advisors_convention_state")
    client.force_login(CoordinatorFactory(with_totp=True))
    assert client.get(url).status_code == 302
    client.force_login(AdvisorFactory().user)
    assert client.get(url).status_code in (302, 403)
