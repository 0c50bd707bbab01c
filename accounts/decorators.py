"""Access decorator for the young person's own pages (the advisors' is advisors.decorators)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


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
