"""The account itself in the personal-data export and erasure (see privacy.registry).

It lives here, not in accounts: accounts is the ground every app stands on and imports no
other app, while privacy (the layer above it) knows the account and registers it like any
other provider."""

from datetime import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from accounts.models import User

from .registry import register


def export(user: User) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def erase(user: User, *, now: datetime) -> None:
    """Keep the row (appointments and statistics point to it) with nothing identifying left."""
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"anonyme-{user.pk}@anonyme.invalid"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.anonymised_at = now
    user.save()


register(
    "account",
    export=export,
    erase=erase,
    order=1000,
    activity_lookups=("last_login", "date_joined"),
)
