"""Who may open the coordination pages: a coordinator whose session passed two-factor
authentication (``accounts.permissions.has_coordinator_powers``, the rule of admin)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.permissions import has_coordinator_powers


def coordinators_only(view):
    """Anonymous visitors go to the login page; a coordinator whose session has not passed
    MFA is sent to the page asking for it (``accounts:mfa_required``), as admin does;
    everybody else (advisors, young people) gets a 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if has_coordinator_powers(request):
            return view(request, *args, **kwargs)
        user = request.user
        if user.is_coordinator and user.is_staff and user.is_active:
            return redirect("accounts:mfa_required")
        raise PermissionDenied(_("Ces pages sont réservées à la coordination du CRIJ."))

    return wrapper
