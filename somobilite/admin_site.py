"""Admin site for coordinators: login goes through allauth (so MFA applies), and admin opens
only for a coordinator's session that passed TOTP two-factor authentication."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import has_coordinator_powers


class SoMobiliteAdminSite(admin.AdminSite):
    site_header = _("So Mobilité – coordination")
    site_title = _("So Mobilité")
    index_title = _("Coordination du réseau")

    def has_permission(self, request):
        return has_coordinator_powers(request)

    def login(self, request, extra_context=None):
        user = request.user
        if not user.is_authenticated:
            next_url = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        if user.is_coordinator and user.is_staff and user.is_active:
            # A coordinator whose session has not passed MFA: activate it or type a code.
            return redirect("accounts:mfa_required")
        raise PermissionDenied(_("L'administration est réservée à la coordination du CRIJ."))
