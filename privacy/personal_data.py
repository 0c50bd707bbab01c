"""The account itself, and the emails of the outbox sent to it, in the personal-data export
and erasure (see privacy.registry).

They live here, not in accounts or outbox: those are the ground every app stands on and import
no other app, while privacy (the layer above them) knows them and registers them like any other
provider. The appointments' emails are bookings' own (``bookings.personal_data``)."""

from datetime import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from accounts.models import User
from outbox.models import Email

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


def _emails_to(user: User):
    return Email.objects.filter(to__icontains=user.email)


def export_emails(user: User) -> list[dict]:
    """What was sent to the person's address (codes, selections…): type, subject, dates."""
    return [{"kind": e.kind, "subject": e.subject, "created_at": e.created_at.isoformat(),
             "sent_at": e.sent_at.isoformat() if e.sent_at else None}
            for e in _emails_to(user).order_by("created_at")]


def erase_emails(user: User, *, now: datetime) -> None:
    """Emails to the person alone are deleted (sent or not: a code to an erased account has no
    use); the person's address is taken out of those sent to several people."""
    address = user.email.lower()
    for email in _emails_to(user):
        others = [a for a in (part.strip() for part in email.to.split(","))
                  if a and a.lower() != address]
        if others:
            email.to = ", ".join(others)
            email.save(update_fields=["to"])
        else:
            email.delete()


register("emails", export=export_emails, erase=erase_emails, order=900)
