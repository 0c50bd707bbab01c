"""What the young person says when booking starts their mobility profile, without ever
overwriting what they or their advisor wrote later."""

import datetime as dt

from bookings import services
from matching.models import MobilityProfile

from .conftest import NOW, details, paris

FRIDAY_9 = paris(2026, 3, 27, 9)


def book(advisor, starts_at, **overrides):
    appointment = services.appointment_hold(
        advisor=advisor, starts_at=starts_at, mode="video", details=details(**overrides),
        email="lea@exemple.fr", now=NOW)
    return services.appointment_confirm(appointment=appointment, now=NOW)


def test_confirmed_booking_fills_the_empty_profile(advisor):
    appointment = book(advisor, FRIDAY_9, domains=("studies", "internship"))
    profile = MobilityProfile.objects.get(user=appointment.youth)
    assert profile.birth_date == dt.date(2004, 5, 17)
    assert profile.postal_code == "33800"
    assert profile.status == "student"
    assert profile.wish_domains == ["studies", "internship"]
    assert profile.project_text == "Un semestre en Espagne."
    change = profile.history.order_by("-history_id").first()
    assert change.history_user == appointment.youth
    assert change.history_change_reason == "Informations données lors de la réservation"


def test_a_later_booking_never_overwrites_the_profile(advisor):
    first = book(advisor, FRIDAY_9)
    profile = MobilityProfile.objects.get(user=first.youth)
    profile.status = "employee"
    profile.project_text = "Un PVT au Canada, finalement."
    profile.save()

    book(advisor, FRIDAY_9 + dt.timedelta(hours=1), youth_status="job_seeker",
         project="Autre chose")

    profile.refresh_from_db()
    assert profile.status == "employee"
    assert profile.project_text == "Un PVT au Canada, finalement."


def test_a_hold_alone_creates_no_profile(advisor):
    services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9, mode="video",
                              details=details(), email="lea@exemple.fr", now=NOW)
    assert not MobilityProfile.objects.exists()
