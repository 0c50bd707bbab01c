"""Who may enter the back-office, and the current advisor of a request.

The objects themselves are fetched through the domain fetchers (``bookings.agenda``), which
take the facts decided here (is this a coordinator whose session passed MFA?).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_coordinator_powers
from advisors.models import Advisor


def coordinator_mfa(request: HttpRequest) -> bool:
    """A coordinator whose session passed two-factor authentication: the one rule of
    ``accounts.permissions.has_coordinator_powers`` (active staff coordinator, TOTP, MFA in
    this session)."""
    return has_coordinator_powers(request)


def current_advisor(request: HttpRequest) -> Advisor | None:
    """The current designation of the logged-in advisor (None for anybody else), loaded once
    per request."""
    memo = request.__dict__  # kept on the request object itself
    if "_backoffice_advisor" not in memo:
        user = request.user
        memo["_backoffice_advisor"] = (
            user.advisor_designations.filter(withdrawn_on__isnull=True)
            .select_related("structure", "user").first()
            if isinstance(user, User) and user.is_advisor else None)
    advisor: Advisor | None = memo["_backoffice_advisor"]
    return advisor


def advisor_space(view):
    """Pages of the advisor's own space (agenda, booking for a young person): advisors with a
    current designation, trained or not. Anonymous visitors go to the login page; young
    people, coordinators and withdrawn advisors get a 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        advisor = current_advisor(request)
        if advisor is None:
            raise PermissionDenied(_("Réservé aux conseillers et conseillères So Mobilité."))
        return view(request, advisor, *args, **kwargs)

    return wrapper


def staff_space(view):
    """Pages about one appointment (the interview screen and its actions): advisors with a
    current designation and coordinators; the appointment's fetcher then decides (own
    structure for advisors, a session that passed MFA for coordinators)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (current_advisor(request) is not None or user.is_coordinator):
            raise PermissionDenied(_("Réservé aux conseillers et conseillères So Mobilité."))
        return view(request, *args, **kwargs)

    return wrapper


def network_staff(view):
    """Pages for the whole network's staff, about no young person (the media bank): advisors
    with a current designation, of any structure, and coordinators whose session passed MFA
    (their powers belong to such a session, issue 9 §1). Anonymous visitors go to the login
    page; everybody else gets a 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if current_advisor(request) is None and not coordinator_mfa(request):
            raise PermissionDenied(_("Réservé aux conseillers et conseillères So Mobilité et à "
                                     "la coordination."))
        return view(request, *args, **kwargs)

    return wrapper


def not_found() -> Http404:
    return Http404(_("Rendez-vous introuvable, ou d'une autre structure."))
