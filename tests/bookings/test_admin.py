"""Coordinators' admin for bookings: compliance page, lists, and the absence confirmation."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Absence, Appointment, AppointmentStatus, OneOffAvailability
from tests.factories import (
    AppointmentFactory,
    ConventionFactory,
    CoordinatorFactory,
    StructureFactory,
)
from tests.mfa_support import login_with_mfa

from .conftest import paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    return client


@pytest.fixture
def coordinator_client_at_now(frozen_now, client):
    """Logged in under the test's frozen clock: the session row is stamped by the same clock as
    the requests (a login at the real time expires before a later frozen ``NOW``)."""
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    return client


def test_compliance_page_shows_each_structure_and_why_it_is_below(coordinator_client_at_now,
                                                                   advisor):
    coordinator_client = coordinator_client_at_now
    ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Sans Créneau"))
    StructureFactory(public_name="Info Jeunes Sans Convention")
    response = coordinator_client.get(reverse("admin:bookings_compliance"))
    page = response.content.decode()
    assert response.status_code == 200
    assert advisor.structure.public_name in page
    assert "Info Jeunes Sans Créneau" in page and "Aucun·e conseiller·ère" in page
    assert "Info Jeunes Sans Convention" in page and "Convention pas en vigueur" in page
    below = coordinator_client.get(reverse("admin:bookings_compliance") + "?sous_minimum=1")
    assert advisor.structure.public_name in below.content.decode()  # holiday weeks in May
    changelist = coordinator_client.get(reverse("admin:bookings_appointment_changelist"))
    assert reverse("admin:bookings_compliance") in changelist.content.decode()


def test_admin_lists_open(coordinator_client, advisor):
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 27, 9))
    for name in ("appointment", "recurringavailability", "oneoffavailability", "absence",
                 "notification", "waitinglistentry"):
        response = coordinator_client.get(reverse(f"admin:bookings_{name}_changelist"))
        assert response.status_code == 200, name
    search = coordinator_client.get(reverse("admin:bookings_appointment_changelist"),
                                    {"q": "personne", "status__exact": "confirmed"})
    assert search.status_code == 200


def test_absence_over_bookings_needs_the_confirmation_box(coordinator_client_at_now, advisor,
                                                          django_capture_on_commit_callbacks):
    coordinator_client = coordinator_client_at_now
    booked = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 27, 9),
                                first_name="Alix")
    url = reverse("admin:bookings_absence_add")
    data = {"advisor": advisor.pk, "starts_at_0": "27/03/2026", "starts_at_1": "08:00",
            "ends_at_0": "27/03/2026", "ends_at_1": "18:00", "kind": "short",
            "reason": "Formation"}
    refused = coordinator_client.post(url, data)
    assert refused.status_code == 200
    assert "couvre 1 rendez-vous" in refused.content.decode() and "Alix" in refused.content.decode()
    assert not Absence.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        saved = coordinator_client.post(url, {**data, "confirm_cancellations": "on"})
    assert saved.status_code == 302
    assert Absence.objects.get().reason == "Formation"
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.CANCELLED_BY_STRUCTURE
    assert booked.youth.email in [m.to[0] for m in mail.outbox]


def test_overlapping_availability_is_refused_in_admin(coordinator_client_at_now, advisor):
    coordinator_client = coordinator_client_at_now
    response = coordinator_client.post(reverse("admin:bookings_recurringavailability_add"), {
        "advisor": advisor.pk, "weekday": 4, "start_time": "11:00", "end_time": "13:00",
        "valid_from": "01/04/2026", "offers_video": "on", "place": ""})
    assert response.status_code == 200
    assert "chevauche une disponibilité" in response.content.decode()


def test_cancel_action_notifies(coordinator_client, advisor, django_capture_on_commit_callbacks):
    appointment = AppointmentFactory(advisor=advisor,
                                     starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("admin:bookings_appointment_changelist"), {
            "action": "cancel_by_structure", "_selected_action": [appointment.pk]})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED_BY_STRUCTURE
    assert appointment.youth.email in [m.to[0] for m in mail.outbox]


def test_the_admin_refuses_a_past_absence_and_a_holiday_with_the_same_messages(
        coordinator_client_at_now, advisor):
    absence = coordinator_client_at_now.post(reverse("admin:bookings_absence_add"), {
        "advisor": advisor.pk, "starts_at_0": "01/03/2026", "starts_at_1": "08:00",
        "ends_at_0": "02/03/2026", "ends_at_1": "08:00", "kind": "short",
        "reason": "Formation"})
    assert absence.status_code == 200
    assert "Cette absence est déjà terminée" in absence.content.decode()
    one_off = coordinator_client_at_now.post(reverse("admin:bookings_oneoffavailability_add"), {
        "advisor": advisor.pk, "date": "25/12/2026", "start_time": "14:00",
        "end_time": "16:00", "offers_phone": "on", "place": ""})
    assert one_off.status_code == 200
    assert "jour férié (Noël)" in one_off.content.decode()
    assert not Absence.objects.exists()
    assert not OneOffAvailability.objects.filter(date=dt.date(2026, 12, 25)).exists()
