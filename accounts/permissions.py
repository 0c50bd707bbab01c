"""Who may open Django admin: coordinators only, and only with two-factor authentication."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled


def has_totp(user) -> bool:
    return is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


def can_use_admin(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.is_coordinator
        and has_totp(user)
    )
