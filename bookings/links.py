"""Signed links that let a young person manage an appointment without a password.

The token only names the appointment (salted signature, no expiry): what may be done with it is
decided by the services at the moment it is used (nothing once the appointment has started).

Pages contract: the management page is the URL named ``bookings:appointment_manage`` taking a
``token`` keyword; the search page is ``bookings:search``. Until they exist, links fall back to
fixed paths so emails stay valid.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import constant_time_compare

from .models import Appointment, WaitingListEntry

MANAGE_SALT = "bookings.appointment-manage"
WAITING_LIST_SALT = "bookings.waiting-list-confirm"
#: How long a waiting-list confirmation link works.
WAITING_LIST_LINK_MAX_AGE = dt.timedelta(days=7)


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


# --- Bookings made by an advisor for a young person -------------------------------------------
# The young person confirms with a 6-digit code (read out at the desk or on the phone) or the
# link of the email. Both derive from the appointment's random ``confirmation_secret`` with the
# site's SECRET_KEY, so no code is stored in clear; a new secret (on resend) kills the old ones.

STAFF_HOLD_SALT = "bookings.staff-hold-confirm"
STAFF_HOLD_CODE_DIGITS = 6


def new_confirmation_secret() -> str:
    return secrets.token_urlsafe(24)


def staff_hold_code(appointment: Appointment) -> str:
    """The code the young person gives to the advisor (6 digits)."""
    digest = hmac.new(settings.SECRET_KEY.encode(),
                      f"{STAFF_HOLD_SALT}:{appointment.public_id}:"
                      f"{appointment.confirmation_secret}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**STAFF_HOLD_CODE_DIGITS:06d}"


def staff_hold_code_matches(appointment: Appointment, code: str) -> bool:
    """Whether ``code`` (any text typed by the advisor, spaces ignored) is the appointment's
    current code. Compared in constant time on bytes: text that is not ASCII is simply a wrong
    code (``hmac.compare_digest`` raises TypeError on such strings)."""
    typed = "".join(code.split())
    return bool(appointment.confirmation_secret) and constant_time_compare(
        typed, staff_hold_code(appointment))


def staff_hold_token(appointment: Appointment) -> str:
    return signing.dumps([str(appointment.public_id), appointment.confirmation_secret],
                         salt=STAFF_HOLD_SALT)


def appointment_from_staff_hold_token(token: str) -> Appointment | None:
    """The appointment a confirmation link names, while its secret is the current one."""
    try:
        public_id, secret = signing.loads(token, salt=STAFF_HOLD_SALT)
        public_id = uuid.UUID(public_id)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    appointment = (Appointment.objects.filter(public_id=public_id)
                   .select_related("structure", "advisor__user", "youth").first())
    if appointment is None or not secret or not constant_time_compare(
            secret, appointment.confirmation_secret):
        return None
    return appointment


def staff_hold_confirm_url(appointment: Appointment) -> str:
    token = staff_hold_token(appointment)
    return _absolute("bookings:staff_hold_confirm", f"/rendez-vous/confirmer/{token}/",
                     token=token)


def waiting_list_confirm_url(entry_id: int) -> str:
    """The link that confirms a waiting-list sign-up (signed, valid for a week)."""
    token = signing.TimestampSigner(salt=WAITING_LIST_SALT).sign(str(entry_id))
    return _absolute("bookings:waiting_list_confirm", f"/rendez-vous/liste-d-attente/{token}/",
                     token=token)


def waiting_list_entry_from_token(token: str) -> WaitingListEntry | None:
    """The entry a confirmation link names, or None when forged, damaged, expired or gone."""
    try:
        entry_id = int(signing.TimestampSigner(salt=WAITING_LIST_SALT).unsign(
            token, max_age=WAITING_LIST_LINK_MAX_AGE))
    except (signing.BadSignature, ValueError):
        return None
    return WaitingListEntry.objects.filter(pk=entry_id, notified_at__isnull=True).first()
