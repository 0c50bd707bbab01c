"""No change of availability touches an appointment that has started (tester t9c #2), and
what such a change cancels is told exactly: confirmed appointments apart from holds released
without message (tester t9c #4)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from bookings import services
from bookings.models import Absence, Appointment, AppointmentStatus
from tests.factories import (
    AppointmentFactory,
    CoordinatorFactory,
    OneOffAvailabilityFactory,
    RecurringAvailabilityFactory,
)
from tests.mfa_support import login_with_mfa

from .conftest import paris

pytestmark = pytest.mark.django_db

#: Tuesday 1 December 2026, 15:30 in Paris: the 13:00 interview is over, the 15:00 one under
#: way, the 17:00 one still to come.
NOW = paris(2026, 12, 1, 15, 30)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def day(advisor):
    """The advisor's three interviews of the day, by hour."""
    return {hour: AppointmentFactory(advisor=advisor, starts_at=paris(2026, 12, 1, hour))
            for hour in (13, 15, 17)}


def _status(appointment):
    return Appointment.objects.get(pk=appointment.pk).status


@pytest.mark.parametrize("start", [
    paris(2026, 11, 1, 8),                            # a month ago (the report)
    paris(2026, 11, 30, 23, 59),                      # yesterday, a minute before midnight
    paris(2026, 12, 1) - dt.timedelta(microseconds=1),
])
def test_an_absence_may_not_start_before_today(advisor, day, start):
    with pytest.raises(services.BookingError, match="à l'avance ou le jour même") as refused:
        services.absence_create(advisor=advisor, starts_at=start,
                                ends_at=paris(2026, 12, 1, 18), kind="short", reason="x",
                                confirm_cancellations=True, now=NOW)
    assert "01/12/2026" in refused.value.message
    assert not Absence.objects.exists()
    assert {_status(a) for a in day.values()} == {AppointmentStatus.CONFIRMED}


def test_the_day_is_the_day_in_paris_also_just_before_midnight(advisor):
    # 23:30 in Paris is already the next day in no zone used here, but 22:30 UTC: the start
    # of « today » is Paris midnight, not UTC midnight.
    late = paris(2027, 3, 27, 23, 30)
    assert services.absence_period_refusal(starts_at=paris(2027, 3, 27),
                                           ends_at=paris(2027, 3, 28, 10), now=late) == ""
    assert services.absence_period_refusal(starts_at=paris(2027, 3, 26, 23),
                                           ends_at=paris(2027, 3, 28, 10), now=late)


def test_an_absence_begun_this_morning_spares_what_has_started(
        advisor, day, django_capture_on_commit_callbacks):
    start, end = paris(2026, 12, 1, 8), paris(2026, 12, 1, 18)
    assert services.absence_preview(advisor=advisor, starts_at=start, ends_at=end,
                                    now=NOW) == [day[17]]
    with django_capture_on_commit_callbacks(execute=True):
        services.absence_create(advisor=advisor, starts_at=start, ends_at=end, kind="short",
                                reason="x", confirm_cancellations=True, now=NOW)
    assert _status(day[13]) == AppointmentStatus.CONFIRMED  # held: waits for its attendance
    assert _status(day[15]) == AppointmentStatus.CONFIRMED  # under way
    assert _status(day[17]) == AppointmentStatus.CANCELLED_BY_STRUCTURE
    told = [m.to[0] for m in mail.outbox]
    assert day[17].youth.email in told
    assert day[13].youth.email not in told and day[15].youth.email not in told


def test_an_absence_over_started_appointments_only_needs_no_confirmation(advisor, day):
    services.absence_create(advisor=advisor, starts_at=paris(2026, 12, 1, 8),
                            ends_at=paris(2026, 12, 1, 16), kind="short", reason="x",
                            confirm_cancellations=False, now=NOW)
    assert {_status(a) for a in day.values()} == {AppointmentStatus.CONFIRMED}


@pytest.mark.parametrize("change", [
    None,                                            # deleted
    {"end_time": dt.time(14, 0)},                    # shortened
    {"offers_video": False},                         # a mode withdrawn
])
@pytest.mark.parametrize("kind", ["weekly", "one_off"])
def test_a_changed_availability_spares_what_has_started(advisor, day, change, kind):
    advisor.recurring_availabilities.all().delete()
    if kind == "weekly":
        availability = RecurringAvailabilityFactory(
            advisor=advisor, weekday=1, start_time=dt.time(9), end_time=dt.time(18))
    else:
        availability = OneOffAvailabilityFactory(
            advisor=advisor, date=dt.date(2026, 12, 1), start_time=dt.time(9),
            end_time=dt.time(18))
    assert services.availability_change_preview(availability=availability, changes=change,
                                                now=NOW) == [day[17]]
    services.availability_change(availability=availability, changes=change,
                                 confirm_cancellations=True, now=NOW)
    assert _status(day[13]) == _status(day[15]) == AppointmentStatus.CONFIRMED
    assert _status(day[17]) == AppointmentStatus.CANCELLED_BY_STRUCTURE


def test_the_coordination_cannot_cancel_a_started_appointment(client, advisor, day):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    response = client.post(reverse("admin:bookings_appointment_changelist"), {
        "action": "cancel_by_structure", "_selected_action": [a.pk for a in day.values()]},
        follow=True)
    assert "déjà commencé" in response.content.decode()
    assert _status(day[13]) == _status(day[15]) == AppointmentStatus.CONFIRMED
    assert _status(day[17]) == AppointmentStatus.CANCELLED_BY_STRUCTURE


def test_the_last_guard_refuses_a_started_appointment_whoever_calls(advisor, day):
    with pytest.raises(services.BookingError, match="déjà commencé"):
        services._cancel_locked(day[15], status=AppointmentStatus.CANCELLED_BY_STRUCTURE,
                                reason="x", now=NOW)
    assert _status(day[15]) == AppointmentStatus.CONFIRMED


# --- What the advisor is told (tester t9c #4) -----------------------------------------------


def test_the_summary_counts_confirmed_apart_from_holds(advisor):
    confirmed = [AppointmentFactory(advisor=advisor, starts_at=paris(2026, 12, 2, h))
                 for h in (9, 10)]
    hold = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 12, 2, 14),
                              status="pending", hold_expires_at=NOW + dt.timedelta(days=1))
    before = services.cancellation_summary([*confirmed, hold], done=False)
    assert "2 rendez-vous confirmés seront annulés" in before
    assert "les jeunes concerné·es seront prévenu·es" in before
    assert "1 réservation en attente de son code sera libérée, sans message" in before
    only_hold = services.cancellation_summary([hold], done=True)
    assert "prévenu" not in only_hold and "est libérée, sans message" in only_hold
    assert "le ou la jeune est prévenu·e" in services.cancellation_summary(confirmed[:1],
                                                                          done=True)
    assert services.cancellation_summary([], done=True) == ""


def test_an_absence_over_a_hold_says_it_is_released_without_message(
        client, advisor, django_capture_on_commit_callbacks):
    hold = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 12, 2, 14),
                              status="pending", hold_expires_at=NOW + dt.timedelta(days=1))
    client.force_login(advisor.user)
    url = reverse("advisor_availability:absence_create")
    data = {"absence-starts_at": "2026-12-02T13:00", "absence-ends_at": "2026-12-02T17:00",
            "absence-kind": "short", "absence-reason": "Formation"}
    page = client.post(url, data).content.decode()
    assert "sera libérée, sans message" in page and "prévenu·es" not in page
    assert "en attente du code" in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "absence-confirm_cancellations": "1"}, follow=True)
    text = done.content.decode()
    assert "Votre absence est enregistrée." in text
    assert "est libérée, sans message" in text and "prévenu" not in text
    assert _status(hold) == AppointmentStatus.EXPIRED
    assert mail.outbox == []
