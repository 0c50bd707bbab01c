from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse


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
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        context.setdefault("site_url", settings.SITE_URL)
        super().send_mail(template_prefix, email, context)
