"""The mobility profile and the programmes sent, in the personal-data export and erasure
(see privacy.registry)."""

import copy
from datetime import date, datetime

from django.utils.translation import gettext as _

from privacy.registry import register

from .models import FirstLookView, MobilityProfile, ProgrammeRecommendation
from .services import PROFILE_EDITABLE_FIELDS, profile_to_exchange

#: Interview fields that the exchange format does not carry.
SITUATION_FIELDS = ("studies_field", "professional_experience", "hobbies", "project_text")


def _document(profile: MobilityProfile) -> dict:
    """The profile in the exchange format; ``birth_date`` null while it is not known (the
    format requires it, the export must not fail for it)."""
    if profile.birth_date is not None:
        return profile_to_exchange(profile)
    stand_in = copy.copy(profile)
    stand_in.birth_date = date.min
    return profile_to_exchange(stand_in) | {"birth_date": None}


def _author(record, user) -> str:
    if record.history_user_id is None:
        return "So Mobilité"
    if record.history_user_id == user.pk:
        return _("vous")
    author = record.history_user
    return author.get_full_name() or author.email


def _history(user) -> list[dict]:
    """Each change: when, who, why and which fields (values are those of the profile)."""
    records = list(MobilityProfile.history.filter(user_id=user.pk)
                   .select_related("history_user").order_by("history_id"))
    labels = {name: str(MobilityProfile.concrete_field(name).verbose_name)
              for name in sorted(PROFILE_EDITABLE_FIELDS)}
    entries = []
    previous = None
    for record in records:
        changed = [label for name, label in labels.items()
                   if getattr(record, name) != (getattr(previous, name) if previous else
                                                MobilityProfile.concrete_field(name)
                                                .get_default())]
        entries.append({"date": record.history_date.isoformat(), "by": _author(record, user),
                        "reason": record.history_change_reason or "",
                        "changed": changed})
        previous = record
    return entries


def export_profile(user) -> dict | None:
    profile = MobilityProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {
        "profile": _document(profile),
        "situation": {name: getattr(profile, name) for name in SITUATION_FIELDS},
        "updated_at": profile.updated_at.isoformat(),
        "history": _history(user),
    }


def erase_profile(user, *, now: datetime) -> None:
    MobilityProfile.objects.filter(user=user).delete()
    # After the delete, which itself adds a historical row.
    MobilityProfile.history.filter(user_id=user.pk).delete()


def export_selections(user) -> list[dict]:
    return [
        {"date": recommendation.created_at.isoformat(),
         "advisor": recommendation.advisor_contact,
         "message": recommendation.message,
         "programmes": recommendation.items}
        for recommendation in ProgrammeRecommendation.objects.filter(youth=user)
        .order_by("created_at", "id")
    ]


PERSONAL_ITEM_KEYS = ("met", "missing")


def erase_selections(user, *, now: datetime) -> None:
    """Keep the row and its sheets (the statistics count the programmes recommended); drop
    the advisor's message and the lines explaining why each programme fits this person."""
    for recommendation in ProgrammeRecommendation.objects.filter(youth=user):
        recommendation.message = ""
        recommendation.items = [{key: value for key, value in item.items()
                                 if key not in PERSONAL_ITEM_KEYS}
                                for item in recommendation.items]
        recommendation.save(update_fields=["message", "items"])


def export_first_look(user) -> list[dict]:
    return [{"programme": view.sheet.title, "first_shown_at": view.first_shown_at.isoformat(),
             "last_shown_at": view.last_shown_at.isoformat(),
             "opened_at": view.opened_at.isoformat() if view.opened_at else None,
             "times_opened": view.times_opened}
            for view in FirstLookView.objects.filter(youth=user).select_related("sheet")
            .order_by("first_shown_at", "id")]


def erase_first_look(user, *, now: datetime) -> None:
    FirstLookView.objects.filter(youth=user).delete()


register("mobility_profile", export=export_profile, erase=erase_profile)
register("first_look", export=export_first_look, erase=erase_first_look)
register("programme_selections", export=export_selections, erase=erase_selections)
