"""Admin site for coordinators: login goes through allauth (so MFA applies), and admin opens
only for a coordinator's session that passed TOTP two-factor authentication.

Every ModelAdmin registered here is also bounded (issue 9 §4): what one request may make the
server build does not grow with what the request says.

- An action runs on at most ``ADMIN_ACTION_MAX_ROWS`` rows (or the action's own ``max_rows``
  attribute); a larger selection ("select all" across pages) is refused with a message.
- An inline formset builds at most the parent's existing rows plus ``ADMIN_INLINE_NEW_ROWS``
  new ones, whatever ``TOTAL_FORMS`` says (Django's default allows 2,000 forms).
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import has_coordinator_powers

#: Rows one admin action may change or render in one request (the change list shows 100).
ADMIN_ACTION_MAX_ROWS = 100
#: New rows one inline formset may add in one request.
ADMIN_INLINE_NEW_ROWS = 20


def _bounded_action(func):
    limit = getattr(func, "max_rows", ADMIN_ACTION_MAX_ROWS)

    @wraps(func)
    def action(modeladmin, request, queryset):
        if queryset.count() > limit:
            modeladmin.message_user(request, _(
                "Cette action s'applique à %(limit)s lignes au plus à la fois : affinez la "
                "sélection (filtres, recherche) et recommencez. Rien n'a été modifié.")
                % {"limit": limit}, messages.ERROR)
            return None
        return func(modeladmin, request, queryset)

    return action


def _bounded_inline_formset(formset_class, new_rows: int):
    class BoundedInlineFormSet(formset_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Class attribute set by the factory; read by total_form_count() and full_clean().
            self.absolute_max = len(self.get_queryset()) + new_rows

    BoundedInlineFormSet.__name__ = formset_class.__name__
    return BoundedInlineFormSet


class BoundedModelAdminMixin:
    """Mixed into every ModelAdmin registered on the coordinators' site (see ``register``)."""

    def get_actions(self, request):
        return {name: (_bounded_action(func), name, description)
                for name, (func, name, description) in super().get_actions(request).items()}

    def get_formsets_with_inlines(self, request, obj=None):
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            yield _bounded_inline_formset(formset_class, ADMIN_INLINE_NEW_ROWS), inline


class SoMobiliteAdminSite(admin.AdminSite):
    site_header = gettext_lazy("So Mobilité – coordination")
    site_title = gettext_lazy("So Mobilité")
    index_title = gettext_lazy("Coordination du réseau")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BoundedModelAdminMixin):
            admin_class = type(admin_class.__name__, (BoundedModelAdminMixin, admin_class),
                               {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)

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
