"""Reads of the matching app (who may see a selection: bookings.followup)."""

from typing import Any, NamedTuple

from django.db.models import QuerySet

from accounts.models import User

from .models import MobilityProfile, ProgrammeRecommendation

#: The history reason of what a booking wrote into the profile
#: (``services.profile_prefill_from_booking``).
BOOKING_PREFILL_REASON = "Informations données lors de la réservation"


def recommendations_for_youth(*, youth: User) -> QuerySet[ProgrammeRecommendation]:
    """The selections sent to a young person, newest first, with their sheets and sender
    (two queries whatever their number)."""
    return (ProgrammeRecommendation.objects.filter(youth=youth)
            .select_related("advisor").prefetch_related("sheets")
            .order_by("-created_at", "-id"))


class ProfileOrigins(NamedTuple):
    """Who last wrote each of the profile's current, non-empty editable values."""

    #: Written by the young person themselves (when booking or on « Préparer mon entretien »):
    #: the fields they prepared, marked on the interview screen.
    set_by_youth: frozenset[str]
    #: Written by a booking's prefill (history reason ``BOOKING_PREFILL_REASON``), not typed
    #: since by the young person or an advisor: the interview screen calls a birth date that
    #: differs from this booking's « corrigée » only when someone typed it (tester t9c #3).
    from_booking: frozenset[str]


def profile_field_origins(*, profile: MobilityProfile) -> ProfileOrigins:
    """Where the profile's current values come from (``ProfileOrigins``). One query (the
    profile's history); both sets empty for an unsaved profile."""
    from .services import PROFILE_EDITABLE_FIELDS  # services import this module

    if profile.pk is None:
        return ProfileOrigins(frozenset(), frozenset())
    names = sorted(PROFILE_EDITABLE_FIELDS)
    last_write: dict[str, tuple[int | None, str | None]] = {}
    previous: dict[str, Any] = {name: MobilityProfile.concrete_field(name).get_default()
                                for name in names}
    for record in (MobilityProfile.history.filter(id=profile.pk)
                   .order_by("history_date", "history_id")
                   .values(*names, "history_user_id", "history_change_reason")):
        for name in names:
            if record[name] != previous[name]:
                last_write[name] = (record["history_user_id"], record["history_change_reason"])
        previous = record
    filled = {name for name in last_write
              if getattr(profile, name) not in (None, "", [], False)}
    return ProfileOrigins(
        set_by_youth=frozenset(name for name in filled
                               if last_write[name][0] == profile.user_id),
        from_booking=frozenset(name for name in filled
                               if last_write[name][1] == BOOKING_PREFILL_REASON))
