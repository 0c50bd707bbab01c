"""Reads of the matching app."""

from django.db.models import Q

from .models import ProgrammeRecommendation


def recommendation_get_for_user(*, user, pk: int) -> ProgrammeRecommendation:
    """The young person it was sent to, the advisor who sent it, or a coordinator
    (ProgrammeRecommendation.DoesNotExist otherwise)."""
    recommendations = ProgrammeRecommendation.objects.select_related("youth")
    if not user.is_coordinator:
        recommendations = recommendations.filter(Q(youth=user) | Q(advisor=user))
    return recommendations.get(pk=pk)
