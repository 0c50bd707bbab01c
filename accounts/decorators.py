"""Access decorators for the young person's own pages and the advisors' back-office."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from advisors.selectors import user_is_current_advisor


def youth_required(view):
    """Anonymous visitors go to the login page; staff get a 403 (these pages are a young
    person's own space, not a back-office)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_youth:
            raise PermissionDenied(_("Cette page est réservée aux jeunes."))
        return view(request, *args, **kwargs)

    return wrapper


def advisor_required(view):
    """Advisors with a current designation only: anonymous visitors go to the login page,
    anyone else (young people, coordinators, withdrawn advisors) gets a 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_is_current_advisor(request.user):
            raise PermissionDenied(_("Réservé aux conseillers et conseillères So Mobilité."))
        return view(request, *args, **kwargs)

    return wrapper
