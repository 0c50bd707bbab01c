"""What the booking form already knows about a logged-in young person, so that they do not
type it again: their mobility profile (birth date, postal code, situation, wished domains) and
the phone number of their last confirmed appointment that had one (a hold whose email code was
never typed proves nothing: anyone can type an address).

Public contract: ``booking_initial_for_youth(*, youth) -> dict`` — initial values keyed by
``BookingForm`` field names, only for what is known. Two queries.
"""

from __future__ import annotations

from accounts.models import User
from matching.models import MobilityProfile

from .models import Appointment


def booking_initial_for_youth(*, youth: User) -> dict:
    initial: dict = {"first_name": youth.first_name, "last_name": youth.last_name,
                     "email": youth.email}
    profile = MobilityProfile.objects.filter(user=youth).first()
    if profile is not None:
        known = {"birth_date": profile.birth_date, "postal_code": profile.postal_code,
                 "youth_status": profile.status, "domains": list(profile.wish_domains or [])}
        initial.update({name: value for name, value in known.items() if value})
    phone = (Appointment.objects.filter(youth=youth, confirmed_at__isnull=False)
             .exclude(phone="")
             .order_by("-created_at").values_list("phone", flat=True).first())
    if phone:
        initial["phone"] = phone
    return initial
