from datetime import datetime, timedelta

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from outbox.delivery import email_queue
from somobilite import clock

from .client_ip import client_ip

_SILENCED = "_account_messages_silenced"


def auth_email_expiry(template_prefix: str, *, now: datetime) -> datetime | None:
    """When an allauth email stops being worth sending: a login code after
    ``ACCOUNT_LOGIN_BY_CODE_TIMEOUT`` seconds, a password-reset link after
    ``PASSWORD_RESET_TIMEOUT`` (Django's, seconds), an address confirmation after
    ``ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS``; None for notices that do not expire."""
    seconds = {
        "account/email/login_code": account_settings.LOGIN_BY_CODE_TIMEOUT,
        "account/email/password_reset_key": settings.PASSWORD_RESET_TIMEOUT,
        "account/email/password_reset_code": account_settings.PASSWORD_RESET_BY_CODE_TIMEOUT,
        "account/email/email_confirmation": account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS
        * 86400,
        "account/email/email_confirmation_signup": account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS
        * 86400,
        "account/email/email_confirmation_code":
        account_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT,
    }.get(template_prefix)
    return clock.after(now, timedelta(seconds=seconds)) if seconds is not None else None


def account_messages_silence(request: HttpRequest) -> None:
    """For the rest of this request, allauth adds no flash message ("Connexion réussie",
    "Vous avez confirmé …"): for pages that say what happened themselves, such as the booking
    confirmation, where a login is a side effect of typing the code."""
    setattr(request, _SILENCED, True)


class AccountAdapter(DefaultAccountAdapter):
    """Public sign-up is closed: young people get an account when they book (confirmed by an
    email code), advisors are invited by a coordinator, coordinators are created in admin."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and user.is_coordinator:
            return "/admin/"
        if user.is_authenticated and user.is_youth:
            return reverse("youth:space")
        if user.is_authenticated and user.is_advisor:
            return reverse("backoffice:agenda")
        return super().get_login_redirect_url(request)

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None):
        if getattr(request, _SILENCED, False):
            return
        super().add_message(request, level, message_template, message_context, extra_tags,
                            message)

    def get_client_ip(self, request) -> str:
        """The one client address of the project (``accounts.client_ip``), so allauth's rate
        limits count people, not the reverse proxy, and a short X-Forwarded-For chain is no
        server error."""
        address = client_ip(request)
        if address is None:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (login codes, password resets, security notices) go through the
        outbox, sent at once (a code must not wait for a worker); a failure is recorded and
        retried by the sweep until the code or link expires (``auth_email_expiry``)."""
        context.setdefault("site_url", settings.SITE_URL)
        # The house wording of allauth's emails (templates/account/email/): how long a login
        # code lasts, and where an account comes from (public sign-up is closed: an unknown
        # address is sent to the booking pages, not to allauth's sign-up link).
        context.setdefault("code_minutes", account_settings.LOGIN_BY_CODE_TIMEOUT // 60)
        context.setdefault("booking_url", settings.SITE_URL + reverse("bookings:search"))
        request = allauth_context.request  # as allauth's own send_mail
        message = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": get_current_site(request),
            **context})
        now = timezone.now()
        email_queue(message=message, kind=template_prefix, now=now, immediately=True,
                    expires_at=auth_email_expiry(template_prefix, now=now))
