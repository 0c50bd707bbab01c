"""Inviting an advisor into the network: the account (created or reused), the designation in
the structure and the email with a one-time link to choose a password (the page that accepts it
is ``accounts:invitation_accept``). The email goes through the outbox
(``outbox.delivery.email_queue``): written with the designation, sent after commit, retried."""

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role, User
from outbox.delivery import email_queue

from .models import Advisor, Structure
from .validators import designation_refusal, validate_designation_date


class InvitationError(Exception):
    """A rule forbids this invitation; the message is shown to the coordinator."""


def invitation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:invitation_accept", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def advisor_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    structure: Structure,
    designated_on: date,
    invited_by: User | None,
    now: datetime,
) -> Advisor:
    """Create (or reuse) the advisor's account, designate them in the structure and email them a
    link to choose their password. The email leaves only once the transaction has committed.

    Raises ``InvitationError`` (French message, nothing written) when a rule forbids it: the
    designation dated more than a year after ``now``'s Paris date
    (``validators.validate_designation_date``); an existing account that is not an advisor's
    (a young person's, a coordinator's: ``validators.designation_refusal``), which could
    never reach the advisors' pages (tester t9b F14); a designation already current."""
    email = email.strip().lower()
    try:
        validate_designation_date(designated_on, today=timezone.localdate(now))
    except ValidationError as error:
        raise InvitationError(" ".join(error.messages)) from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, first_name=first_name, last_name=last_name, role=Role.ADVISOR
            )
        refusal = designation_refusal(user.role)
        if refusal is not None:
            raise InvitationError(refusal)
        if Advisor.objects.filter(user=user, withdrawn_on__isnull=True).exists():
            raise InvitationError(
                "Cette personne est déjà désignée dans une structure : enregistrez d'abord son "
                "retrait."
            )
        advisor = Advisor.objects.create(
            user=user, structure=structure, designated_on=designated_on
        )
        email_queue(message=invitation_message(user=user, structure=structure,
                                               invited_by=invited_by),
                    kind="advisors.invitation", now=now)
    return advisor


def invitation_message(*, user: User, structure: Structure,
                       invited_by: User | None) -> EmailMultiAlternatives:
    """The invitation email (French, text and HTML): a one-time link to choose a first
    password, or the login page for an account that already has one."""
    context = {
        "user": user,
        "structure": structure,
        "invited_by": invited_by,
        # An account that already has a password logs in with it: the one-time link is only
        # for choosing a first password (see accounts.views.invitation_accept).
        "has_password": user.has_usable_password(),
        "url": (f"{settings.SITE_URL}{reverse('account_login')}" if user.has_usable_password()
                else invitation_url(user)),
    }
    message = EmailMultiAlternatives(
        subject="Invitation à rejoindre le réseau des conseiller·ères",
        body=render_to_string("accounts/email/advisor_invitation.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("accounts/email/advisor_invitation.html", context),
                               "text/html")
    return message
