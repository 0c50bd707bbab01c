"""Writes of the matching app: the mobility profile and the programmes sent to a young person."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import ProgrammeSheet, Publication
from programmes.selectors import sheet_data

from . import exchange
from .engine import Profile, Wishes, explain
from .models import MobilityProfile, ProgrammeRecommendation


class MatchingError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def profile_data(profile: MobilityProfile) -> Profile:
    """The engine's Profile from the stored profile (a birth date is needed)."""
    if profile.birth_date is None:
        raise MatchingError(_("La date de naissance du jeune n'est pas renseignée."))
    return Profile(
        birth_date=profile.birth_date,
        nationality=profile.nationality.code or None,
        status=profile.status or None,
        education_level=profile.education_level or None,
        disability=profile.disability,
        languages={item["language"]: item["level"] for item in profile.languages},
        budget_eur=profile.budget_eur,
        postal_code=profile.postal_code,
        wishes=Wishes(
            domains=tuple(profile.wish_domains), zones=tuple(profile.wish_zones),
            countries=tuple(profile.wish_countries),
            duration_min_weeks=profile.wish_duration_min_weeks,
            duration_max_weeks=profile.wish_duration_max_weeks,
            departure=profile.wish_departure),
    )


def profile_to_exchange(profile: MobilityProfile) -> dict:
    return exchange.profile_to_exchange(profile_data(profile))


def profile_update_from_exchange(*, profile: MobilityProfile, data: dict,
                                 by) -> MobilityProfile:
    """Replace the profile's format fields by a profile document (validated strictly); the
    interview fields (studies, experience, hobbies, project) are kept."""
    try:
        parsed = exchange.profile_from_exchange(data)
    except exchange.ProfileFormatError as error:
        raise MatchingError(_("Profil invalide : %(errors)s")
                            % {"errors": " ; ".join(error.errors)}) from error
    wishes = parsed.wishes
    with transaction.atomic():
        profile = MobilityProfile.objects.select_for_update().get(pk=profile.pk)
        profile.birth_date = parsed.birth_date
        profile.postal_code = parsed.postal_code
        profile.nationality = parsed.nationality or ""
        profile.status = parsed.status or ""
        profile.education_level = parsed.education_level or ""
        profile.disability = parsed.disability
        profile.languages = [{"language": code, "level": level}
                             for code, level in parsed.languages.items()]
        profile.budget_eur = parsed.budget_eur
        profile.wish_domains = list(wishes.domains)
        profile.wish_zones = list(wishes.zones)
        profile.wish_countries = list(wishes.countries)
        profile.wish_duration_min_weeks = wishes.duration_min_weeks
        profile.wish_duration_max_weeks = wishes.duration_max_weeks
        profile.wish_departure = wishes.departure
        profile.updated_by = by
        profile._history_user = by  # simple-history: who made this change
        profile.save()
    return profile


def _advisor_contact(advisor_user) -> dict:
    designation = (advisor_user.advisor_designations.filter(withdrawn_on__isnull=True)
                   .select_related("structure").first())
    contact = {"name": advisor_user.get_full_name() or advisor_user.email,
               "email": advisor_user.email}
    if designation is not None:
        structure = designation.structure
        contact |= {"structure": structure.public_name, "phone": str(structure.phone),
                    "address": f"{structure.address}, {structure.postal_code} {structure.commune}"}
    return contact


def programmes_send(*, advisor_user, youth_user, sheets: list[ProgrammeSheet], message: str,
                    now: datetime) -> ProgrammeRecommendation:
    """Store the selected programmes with their explanation for the young person (lines as
    computed today) and email them, with the PDF, once the transaction is committed."""
    from .tasks import recommendation_email_send

    if not (advisor_user.is_advisor or advisor_user.is_coordinator):
        raise MatchingError(_("Seul un conseiller ou une conseillère peut envoyer des "
                              "programmes."))
    if not youth_user.is_youth:
        raise MatchingError(_("Les programmes s'envoient à un ou une jeune."))
    if not sheets:
        raise MatchingError(_("Choisissez au moins un programme."))
    unpublished = [sheet.title for sheet in sheets if sheet.publication != Publication.PUBLISHED]
    if unpublished:
        raise MatchingError(_("Fiche non publiée : %(titles)s.")
                            % {"titles": ", ".join(unpublished)})
    try:
        person = profile_data(MobilityProfile.objects.get(user=youth_user))
    except MobilityProfile.DoesNotExist as error:
        raise MatchingError(_("Le profil de mobilité du jeune n'est pas encore rempli.")) from error
    on = now.date()
    items = []
    for sheet in sheets:
        met, missing, blocking = explain(person, sheet_data(sheet), on=on)
        items.append({
            "slug": sheet.slug, "title": sheet.title, "summary": sheet.summary,
            "url": sheet.url, "organiser": sheet.organiser,
            "application_periods": sheet.application_periods,
            "application_deadline": (sheet.application_deadline.isoformat()
                                     if sheet.application_deadline else None),
            "met": list(met), "missing": list(blocking) + list(missing),
        })
    with transaction.atomic():
        recommendation = ProgrammeRecommendation.objects.create(
            youth=youth_user, advisor=advisor_user, created_at=now, message=message.strip(),
            advisor_contact=_advisor_contact(advisor_user), items=items)
        recommendation.sheets.set(sheets)
        transaction.on_commit(lambda: recommendation_email_send.delay(recommendation.pk))
    return recommendation
