from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from .client_ip import client_ip

_SILENCED = "_account_messages_silenced"


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
        context.setdefault("site_url", settings.SITE_URL)
        super().send_mail(template_prefix, email, context)
