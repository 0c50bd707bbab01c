"""The young people an advisor follows, and what staff may see of them because of it.

An advisor follows a young person who has an appointment **confirmed at least once**
(``confirmed_at`` set: confirmed, done, no-show, late cancellation, or cancelled after
confirmation) with a structure the advisor currently belongs to. Pending and expired holds never
count: anyone can make one with anyone's address (issue 9 §2). Coordinators see everyone, but
only from a request whose session passed MFA (``accounts.permissions.has_coordinator_powers``).
The rule combines appointments (this app) with the mobility profile and the selections of
programmes (matching), so it lives here, in the layer that knows both; the permission-aware
fetchers that rest on it live beside it.

Public names:
- ``followed_by_advisor_q(advisor_user, *, prefix="") -> Q``: the rule, as a filter on users.
- ``advisor_follows_youth(*, advisor_user, youth) -> bool``.
- ``acts_as_coordinator(*, user, request) -> bool``: the coordinator branch of the fetchers.
- ``staff_may_see_youth(*, user, youth, request=None) -> bool``: coordinators (with ``request``),
  or an advisor who follows.
- ``profile_get_for_staff(*, user, youth_id, request=None) -> MobilityProfile``: raises
  ``MobilityProfile.DoesNotExist`` when not allowed; writes the access log with ``request``.
- ``profile_update_by_advisor(*, advisor_user, youth, data, request, now=None)``: raises
  ``ProfileAccessDenied`` (a 403) for a young person the advisor does not follow.
- ``recommendation_get_for_user(*, user, public_id, request=None) -> ProgrammeRecommendation``:
  raises ``ProgrammeRecommendation.DoesNotExist`` when not allowed.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Role, User
from accounts.permissions import has_coordinator_powers
from matching.models import MobilityProfile, ProgrammeRecommendation
from matching.services import MatchingError, profile_get_or_create_for, profile_update
from privacy.models import AccessAction
from privacy.services import access_log_record


class ProfileAccessDenied(MatchingError, PermissionDenied):
    """Staff asked for the profile of a young person they do not follow (a 403 if uncaught)."""


def followed_by_advisor_q(advisor_user: User, *, prefix: str = "") -> Q:
    """Young people an advisor follows: those with an appointment confirmed at least once
    (``confirmed_at`` set) at a structure the advisor currently belongs to. ``prefix`` reaches
    the young person from another model ("youth__")."""
    return Q(**{f"{prefix}appointments__confirmed_at__isnull": False,
                f"{prefix}appointments__structure__advisors__user": advisor_user,
                f"{prefix}appointments__structure__advisors__withdrawn_on__isnull": True})


def advisor_follows_youth(*, advisor_user: User, youth: User) -> bool:
    """Whether ``advisor_user`` follows ``youth`` (see ``followed_by_advisor_q``)."""
    if not advisor_user.is_advisor:
        return False
    return User.objects.filter(followed_by_advisor_q(advisor_user), pk=youth.pk).exists()


def acts_as_coordinator(*, user: User, request: HttpRequest | None) -> bool:
    """``user`` may use the coordinator's powers here: ``request`` is theirs and its session
    passed MFA (``accounts.permissions.has_coordinator_powers``). Without a request, no."""
    return bool(user.is_coordinator and request is not None
                and getattr(request.user, "pk", None) == user.pk
                and has_coordinator_powers(request))


def recommendation_get_for_user(*, user: User, public_id: UUID,
                                request: HttpRequest | None = None,
                                ) -> ProgrammeRecommendation:
    """A selection of programmes, for those who may see it (DoesNotExist otherwise): the young
    person it was sent to, its sender, the advisors who follow the young person, and
    coordinators whose ``request`` passed MFA."""
    recommendations = ProgrammeRecommendation.objects.select_related("youth")
    if user.is_coordinator:
        if not acts_as_coordinator(user=user, request=request):
            raise ProgrammeRecommendation.DoesNotExist
    elif user.is_advisor:
        recommendations = recommendations.filter(
            Q(advisor=user) | followed_by_advisor_q(user, prefix="youth__")
        ).distinct()
    else:
        recommendations = recommendations.filter(youth=user)
    return recommendations.get(public_id=public_id)


def staff_may_see_youth(*, user: User, youth: User, request: HttpRequest | None = None
                        ) -> bool:
    """Coordinators whose ``request`` passed MFA see everyone; an advisor sees the young
    people they follow (``followed_by_advisor_q``)."""
    if user.is_coordinator:
        return acts_as_coordinator(user=user, request=request)
    return advisor_follows_youth(advisor_user=user, youth=youth)


def profile_get_for_staff(*, user: User, youth_id: int | str,
                          request: AuthenticatedHttpRequest | None = None
                          ) -> MobilityProfile:
    """The profile of young person ``youth_id`` for a staff member who may see it, else
    MobilityProfile.DoesNotExist (also for an unknown id, so nothing tells them apart).

    A young person without a profile yet gets an empty, unsaved one. With ``request`` the
    view is written to the access log. (A read, kept here because it writes that log.)
    """
    try:
        youth = User.objects.get(pk=int(youth_id), role=Role.YOUTH, anonymised_at__isnull=True)
    except (TypeError, ValueError, User.DoesNotExist) as error:
        raise MobilityProfile.DoesNotExist from error
    if not staff_may_see_youth(user=user, youth=youth, request=request):
        raise MobilityProfile.DoesNotExist
    profile = MobilityProfile.objects.filter(user=youth).first() or MobilityProfile(user=youth)
    if request is not None:
        access_log_record(request=request, subject_id=youth.pk, action=AccessAction.VIEW,
                          what=str(_("Profil de mobilité")))
    return profile


def profile_update_by_advisor(*, advisor_user: User, youth: User, data: dict[str, Any],
                              request: AuthenticatedHttpRequest, now: datetime | None = None
                              ) -> MobilityProfile:
    """The advisor completes the profile during the interview; the change is logged."""
    if not staff_may_see_youth(user=advisor_user, youth=youth, request=request):
        raise ProfileAccessDenied(_("Ce ou cette jeune n'a pas de rendez-vous avec votre "
                                    "structure : vous ne pouvez pas modifier son profil."))
    now = now or timezone.now()
    with transaction.atomic():
        profile = profile_update(
            profile=profile_get_or_create_for(youth=youth, now=now), data=data, by=advisor_user,
            now=now, reason=str(_("Mis à jour par %(name)s pendant l'entretien")
                                % {"name": advisor_user.get_full_name() or advisor_user.email}))
        access_log_record(request=request, subject_id=youth.pk, action=AccessAction.CHANGE,
                          what=str(_("Profil de mobilité")), now=now)
    return profile
