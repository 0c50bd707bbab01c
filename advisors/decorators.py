"""Access decorator for the advisors' pages: a current designation in the network."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .selectors import user_is_current_advisor


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
