"""The coordinator's powers: Django admin and every staff read of a young person's data.

They belong to a *session*, not to an account: the person must have activated TOTP two-factor
authentication (``has_totp``) and this very session must have passed allauth's MFA step
(``session_passed_mfa``). Every login path goes through allauth's login stages (password or
code, then the MFA step), so a session cannot carry the powers without the second factor.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest


def has_totp(user) -> bool:
    """Whether the account has an activated TOTP authenticator (says nothing of a session)."""
    return is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether the session of ``request`` proved a second factor for its logged-in user.

    Reads the authentication records allauth keeps in the session (``method == "mfa"``,
    written when a TOTP or recovery code was accepted at login or at reauthentication, see
    ``allauth.mfa.base.internal.flows.post_authentication``). allauth ties the records to the
    user they were made for, so a record left by someone else in the session does not count.
    False for anonymous visitors and for sessions opened any other way (``login()`` called
    directly, ``Client.force_login``).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return False
    return any(record.get("method") == "mfa"
               for record in get_authentication_records(request, user))


def has_coordinator_powers(request: HttpRequest) -> bool:
    """Whether ``request`` may use the coordinator's powers: open Django admin, and read any
    young person's data outside it (selections, profiles, the back-office pages).

    All of: an active staff account with the coordinator role, an activated TOTP, and a
    session that passed MFA (``session_passed_mfa``). Source of the rule: issue 9 §1.
    """
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.is_coordinator
        and has_totp(user)
        and session_passed_mfa(request)
    )
