"""Log staff in the way allauth does, with or without the second factor.

``login_with_mfa`` opens a session and records the TOTP step through allauth's own function
(``post_authentication``), exactly what the MFA login stage writes. ``totp_code`` gives the
current code of an account's TOTP authenticator, for tests that type it in the real pages.
"""

from allauth.mfa.base.internal.flows import post_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.test import RequestFactory


def login_with_mfa(client, user) -> None:
    """``client.force_login(user)`` plus the record of a passed TOTP step in the session."""
    client.force_login(user)
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    request.user = user
    post_authentication(request, Authenticator.objects.get(user=user,
                                                           type=Authenticator.Type.TOTP))
    session.save()


def totp_code(user) -> str:
    """The code an authenticator app shows now for ``user``'s TOTP secret."""
    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(decrypt(secret), counters[len(counters) // 2]))


def with_mfa_session(request, user):
    """``request`` (from RequestFactory) as sent by ``user`` in a session that passed TOTP."""
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    request.user = user
    post_authentication(request, Authenticator.objects.get(user=user,
                                                           type=Authenticator.Type.TOTP))
    return request
