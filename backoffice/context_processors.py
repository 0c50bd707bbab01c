"""What the back-office templates need on every page, computed only when a template reads it."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from accounts.models import User

from .access import current_advisor


def _staff_home(request: HttpRequest) -> dict[str, str]:
    """The first link of the back-office's breadcrumbs: where this person's work starts.
    An advisor's agenda; for a coordinator (who may open an interview screen, not an
    agenda: tester t-adv 11), the appointments in the administration."""
    user = request.user
    if current_advisor(request) is None and isinstance(user, User) and user.is_coordinator:
        return {"url": reverse("admin:bookings_appointment_changelist"),
                "label": _("Rendez-vous (administration)")}
    return {"url": reverse("backoffice:agenda"), "label": _("Agenda")}


def staff_home(request: HttpRequest) -> dict[str, object]:
    """``staff_home``: ``{"url", "label"}`` of ``_staff_home``, lazy (no query unless used)."""
    return {"staff_home": SimpleLazyObject(lambda: _staff_home(request))}
