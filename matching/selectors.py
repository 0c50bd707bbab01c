"""Reads of the matching app."""

from uuid import UUID

from django.db.models import Q, QuerySet

from .models import MobilityProfile, ProgrammeRecommendation


def followed_by_advisor_q(advisor_user, *, prefix: str = "") -> Q:
    """Young people an advisor follows: those with an appointment at a structure the advisor
    currently belongs to. ``prefix`` reaches the young person from another model ("youth__")."""
    return Q(**{f"{prefix}appointments__structure__advisors__user": advisor_user,
                f"{prefix}appointments__structure__advisors__withdrawn_on__isnull": True})


def recommendation_get_for_user(*, user, public_id: UUID) -> ProgrammeRecommendation:
    """A selection of programmes, for those who may see it (DoesNotExist otherwise): the young
    person it was sent to, the advisors of a structure the young person booked with (the
    sender included), and coordinators."""
    recommendations = ProgrammeRecommendation.objects.select_related("youth")
    if user.is_coordinator:
        pass
    elif user.is_advisor:
        recommendations = recommendations.filter(
            Q(advisor=user) | followed_by_advisor_q(user, prefix="youth__")
        ).distinct()
    else:
        recommendations = recommendations.filter(youth=user)
    return recommendations.get(public_id=public_id)


def recommendations_for_youth(*, youth) -> QuerySet[ProgrammeRecommendation]:
    """The selections sent to a young person, newest first, with their sheets and sender
    (two queries whatever their number)."""
    return (ProgrammeRecommendation.objects.filter(youth=youth)
            .select_related("advisor").prefetch_related("sheets")
            .order_by("-created_at", "-id"))


def profile_fields_set_by_youth(*, profile) -> frozenset[str]:
    """Names of the profile's editable fields whose current, non-empty value was written by
    the young person themselves (when booking or on « Préparer mon entretien »): the fields
    they prepared, marked on the interview screen. One query (the profile's history)."""
    from .services import PROFILE_EDITABLE_FIELDS  # services import this module

    if profile.pk is None:
        return frozenset()
    names = sorted(PROFILE_EDITABLE_FIELDS)
    last_author: dict[str, int | None] = {}
    previous: dict = {name: MobilityProfile._meta.get_field(name).get_default()
                      for name in names}
    for record in (MobilityProfile.history.filter(id=profile.pk)
                   .order_by("history_date", "history_id").values(*names, "history_user_id")):
        for name in names:
            if record[name] != previous[name]:
                last_author[name] = record["history_user_id"]
        previous = record
    return frozenset(name for name, author in last_author.items()
                     if author == profile.user_id
                     and getattr(profile, name) not in (None, "", [], False))
