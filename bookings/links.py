"""Signed links that let a young person manage an appointment without a password.

The token only names the appointment (salted signature, no expiry): what may be done with it is
decided by the services at the moment it is used (nothing once the appointment has started).

Pages contract: the management page is the URL named ``bookings:appointment_manage`` taking a
``token`` keyword; the search page is ``bookings:search``. Until they exist, links fall back to
fixed paths so emails stay valid.
"""

import uuid

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse

from .models import Appointment

MANAGE_SALT = "bookings.appointment-manage"


def appointment_manage_token(appointment: Appointment) -> str:
    return signing.dumps(str(appointment.public_id), salt=MANAGE_SALT)


def appointment_from_manage_token(token: str) -> Appointment | None:
    """The appointment a token names, or None when the token is forged, damaged or unknown."""
    try:
        public_id = uuid.UUID(signing.loads(token, salt=MANAGE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return (Appointment.objects.filter(public_id=public_id)
            .select_related("structure", "advisor__user", "youth").first())


def _absolute(name: str, fallback: str, **kwargs: str) -> str:
    try:
        path = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        path = fallback
    return f"{settings.SITE_URL}{path}"


def appointment_manage_url(appointment: Appointment) -> str:
    token = appointment_manage_token(appointment)
    return _absolute("bookings:appointment_manage", f"/rendez-vous/gerer/{token}/", token=token)


def booking_search_url() -> str:
    return _absolute("bookings:search", "/rendez-vous/")
