"""The selection PDF: who may download it (issue 9 §2 — access rests on confirmed facts)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bookings import services
from bookings.models import Appointment, AppointmentStatus
from matching.models import ProgrammeRecommendation
from tests.bookings.web_support import FIRST_SLOT, NOW, book_url, bookable_advisor, form_data
from tests.factories import AppointmentFactory, CoordinatorFactory, YouthFactory
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_hold_anyone_can_make_gives_an_advisor_no_access(frozen):
    """The review's steps: a stranger books at structure X with B's address and never types
    the code; advisor X must not read B's selection, neither then nor after the hold expired."""
    advisor_x = bookable_advisor(slug="ij-x")
    advisor_y = bookable_advisor(slug="ij-y")
    youth_b = YouthFactory(email="b@exemple.fr")
    AppointmentFactory(advisor=advisor_y, youth=youth_b,
                       starts_at=dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC), status="done")
    selection = ProgrammeRecommendation.objects.create(
        youth=youth_b, advisor=advisor_y.user, created_at=NOW, message="")
    url = reverse("youth:recommendation_pdf", kwargs={"public_id": selection.public_id})
    advisor_client = Client()
    advisor_client.force_login(advisor_x.user)
    assert advisor_client.get(url).status_code == 404

    stranger = Client()
    assert stranger.post(book_url(advisor_x, FIRST_SLOT),
                         form_data(email="b@exemple.fr")).status_code == 302
    hold = Appointment.objects.get(advisor=advisor_x)
    assert hold.youth == youth_b and hold.status == AppointmentStatus.PENDING
    assert advisor_client.get(url).status_code == 404

    frozen.shift(dt.timedelta(minutes=30))
    services.holds_release_expired(now=NOW + dt.timedelta(minutes=30))
    assert Appointment.objects.get(pk=hold.pk).status == AppointmentStatus.EXPIRED
    assert advisor_client.get(url).status_code == 404

    # Once B herself confirms an appointment with X, X follows her.
    confirmed = services.appointment_confirm(
        appointment=services.appointment_hold(
            advisor=advisor_x, starts_at=FIRST_SLOT + dt.timedelta(hours=1), mode="video",
            details=services.BookingDetails(
                first_name="B", last_name="Fictive", birth_date=dt.date(2004, 5, 17),
                postal_code="33800", youth_status="student", consent=True),
            email="b@exemple.fr", now=NOW + dt.timedelta(minutes=30)),
        now=NOW + dt.timedelta(minutes=31))
    assert confirmed.confirmed_at is not None
    assert advisor_client.get(url).status_code == 200


def test_a_coordinator_reads_selections_only_from_a_session_that_passed_mfa(client):
    selection = ProgrammeRecommendation.objects.create(
        youth=YouthFactory(), advisor=CoordinatorFactory(), message="",
        created_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    url = reverse("youth:recommendation_pdf", kwargs={"public_id": selection.public_id})
    coordinator = CoordinatorFactory(with_totp=True)
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
    login_with_mfa(client, coordinator)
    assert client.get(url).status_code == 200
