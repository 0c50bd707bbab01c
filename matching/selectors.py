"""Reads of the matching app (who may see a selection: bookings.followup)."""

from typing import Any

from django.db.models import QuerySet

from accounts.models import User

from .models import MobilityProfile, ProgrammeRecommendation


def recommendations_for_youth(*, youth: User) -> QuerySet[ProgrammeRecommendation]:
    """The selections sent to a young person, newest first, with their sheets and sender
    (two queries whatever their number)."""
    return (ProgrammeRecommendation.objects.filter(youth=youth)
            .select_related("advisor").prefetch_related("sheets")
            .order_by("-created_at", "-id"))


def profile_fields_set_by_youth(*, profile: MobilityProfile) -> frozenset[str]:
    """Names of the profile's editable fields whose current, non-empty value was written by
    the young person themselves (when booking or on « Préparer mon entretien »): the fields
    they prepared, marked on the interview screen. One query (the profile's history)."""
    from .services import PROFILE_EDITABLE_FIELDS  # services import this module

    if profile.pk is None:
        return frozenset()
    names = sorted(PROFILE_EDITABLE_FIELDS)
    last_author: dict[str, int | None] = {}
    previous: dict[str, Any] = {name: MobilityProfile.concrete_field(name).get_default()
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
