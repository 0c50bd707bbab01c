"""An appointment changed in admin goes through the services: attendance with its trace, a
birth date re-checked against the age rule with the derived age recomputed, history by the
coordinator; a refused change is explained on the page and nothing is saved."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Appointment, AttendanceRecord
from tests.factories import AppointmentFactory, CoordinatorFactory
from tests.mfa_support import login_with_mfa
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

NOW = paris(2026, 3, 18, 12)


@pytest.fixture
def coordinator_client(client):
    with time_machine.travel(NOW, tick=False):
        coordinator = CoordinatorFactory(with_totp=True, first_name="Chloé",
                                         last_name="Coordination")
        login_with_mfa(client, coordinator)
        yield client, coordinator


def _form_data(client, appointment, **changes):
    url = reverse("admin:bookings_appointment_change", args=[appointment.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    data.update(changes)
    return url, data


def test_attendance_recorded_through_the_service_with_its_trace(coordinator_client):
    client, coordinator = coordinator_client
    appointment = AppointmentFactory(starts_at=paris(2026, 3, 17, 14))
    with time_machine.travel(NOW, tick=False):
        url, data = _form_data(client, appointment, attendance="done")
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
    appointment.refresh_from_db()
    assert appointment.status == "done"
    record = AttendanceRecord.objects.get(appointment=appointment)
    assert (record.previous_status, record.status, record.recorded_by) == (
        "confirmed", "done", coordinator)
    assert record.recorded_at == NOW
    assert appointment.history.first().history_user == coordinator


def test_attendance_before_the_interview_is_refused_with_the_reason(coordinator_client):
    client, _coordinator = coordinator_client
    appointment = AppointmentFactory(starts_at=paris(2026, 3, 27, 9))
    with time_machine.travel(NOW, tick=False):
        url, data = _form_data(client, appointment, attendance="no_show",
                               first_name="Nouveau")
        response = client.post(url, data)
    assert response.status_code == 200
    assert "pas encore commencé" in response.content.decode()
    appointment.refresh_from_db()
    assert (appointment.status, appointment.first_name) != ("no_show", "Nouveau")
    assert not AttendanceRecord.objects.exists()


def test_birth_date_correction_goes_through_the_booking_rules(coordinator_client):
    client, coordinator = coordinator_client
    appointment = AppointmentFactory(starts_at=paris(2026, 3, 27, 9),
                                     birth_date=dt.date(2004, 5, 17))
    with time_machine.travel(NOW, tick=False):
        url, data = _form_data(client, appointment, birth_date="1980-01-01")
        refused = client.post(url, data)
        assert refused.status_code == 200
        assert "35 ans" in refused.content.decode()
        assert Appointment.objects.get(pk=appointment.pk).birth_date == dt.date(2004, 5, 17)
        url, data = _form_data(client, appointment, birth_date="2000-03-28")
        accepted = client.post(url, data)
        assert accepted.status_code == 302
    appointment.refresh_from_db()
    assert appointment.birth_date == dt.date(2000, 3, 28)
    assert appointment.age_at_interview == 25  # 26 the day after the interview
    assert appointment.history.first().history_user == coordinator
    page = client.get(url).content.decode()
    assert "Created at" not in page and "Créé le" in page
