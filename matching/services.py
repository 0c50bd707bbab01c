"""Writes of the matching app: the mobility profile and the programmes sent to a young person."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from advisors.models import Structure
from programmes.models import ProgrammeSheet, Publication
from programmes.selectors import published_sheet_data, sheet_data
from somobilite.celery import publish_on_commit
from somobilite.history import history_stamp

from . import exchange
from .engine import MatchResult, Profile, Wishes, assess, match
from .models import MobilityProfile, ProgrammeRecommendation
from .residence import validate_profile_postal_code
from .selectors import BOOKING_PREFILL_REASON


class MatchingError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def profile_data(profile: MobilityProfile) -> Profile:
    """The engine's Profile from the stored profile (a birth date is needed)."""
    if profile.birth_date is None:
        raise MatchingError(_("La date de naissance du ou de la jeune n'est pas renseignée."))
    return Profile(
        birth_date=profile.birth_date,
        nationality=str(profile.nationality) or None,  # a Country: str() is its code
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


def profile_match(*, profile: MobilityProfile, on: date) -> MatchResult:
    """The matching of ``profile`` on the Paris date ``on`` against the published sheets only
    (``programmes.selectors.published_sheet_data``: one version query when they are cached).
    Raises MatchingError while the birth date is unknown. (A read, beside ``profile_data``.)"""
    return match(profile_data(profile), published_sheet_data(), on=on)


def profile_to_exchange(profile: MobilityProfile) -> dict[str, Any]:
    """The stored profile as an exchange-format profile document (a birth date is needed)."""
    return exchange.profile_to_exchange(profile_data(profile))


def profile_update_from_exchange(*, profile: MobilityProfile, data: dict[str, Any],
                                 by: User) -> MobilityProfile:
    """Replace the profile's format fields by a profile document (validated strictly); the
    interview fields (studies, experience, hobbies, project) are kept."""
    try:
        parsed = exchange.profile_from_exchange(data)
    except exchange.ProfileFormatError as error:
        raise MatchingError(_("Profil invalide : %(errors)s")
                            % {"errors": " ; ".join(error.errors)}) from error
    try:  # the profile's postal-code rule (matching.residence)
        validate_profile_postal_code(parsed.postal_code or "")
    except ValidationError as error:
        raise MatchingError(_("Profil invalide : %(errors)s")
                            % {"errors": " ".join(error.messages)}) from error
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
        history_stamp(profile, by=by)
        profile.save()
    return profile


def _advisor_contact(advisor_user: User) -> tuple[dict[str, str], Structure | None]:
    """The sender's contact as the young person reads it, and their current structure (None
    for a coordinator)."""
    designation = (advisor_user.advisor_designations.filter(withdrawn_on__isnull=True)
                   .select_related("structure").first())
    contact = {"name": advisor_user.get_full_name() or advisor_user.email,
               "email": advisor_user.email}
    if designation is None:
        return contact, None
    structure = designation.structure
    contact |= {"structure": structure.public_name, "phone": str(structure.phone),
                "address": f"{structure.address}, {structure.postal_code} {structure.commune}"}
    return contact, structure


def recommendation_items(*, person: Profile, sheets: list[ProgrammeSheet], on: date,
                         ) -> list[dict[str, Any]]:
    """What a young person receives for each selected sheet: its facts, the one-line
    ``reason`` and the explanation lines of the day ``on`` (``met``; ``missing`` = blocking
    conditions first, then unmet wishes). The send stores them; the advisor's preview shows
    the same."""
    items = []
    for sheet in sheets:
        assessment = assess(person, sheet_data(sheet), on=on)
        items.append({
            "slug": sheet.slug, "title": sheet.title, "summary": sheet.summary,
            "url": sheet.url, "organiser": sheet.organiser,
            "application_periods": sheet.application_periods,
            "application_deadline": (sheet.application_deadline.isoformat()
                                     if sheet.application_deadline else None),
            "reason": assessment.reason, "met": list(assessment.met),
            "missing": list(assessment.blocking) + list(assessment.missing),
        })
    return items


def programmes_send(*, advisor_user: User, youth_user: User, sheets: list[ProgrammeSheet],
                    message: str, now: datetime) -> ProgrammeRecommendation:
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
        raise MatchingError(_("Le profil de mobilité du ou de la jeune n'est pas encore "
                              "rempli.")) from error
    items = recommendation_items(person=person, sheets=sheets, on=timezone.localdate(now))
    contact, structure = _advisor_contact(advisor_user)
    with transaction.atomic():
        recommendation = ProgrammeRecommendation.objects.create(
            youth=youth_user, advisor=advisor_user, structure=structure, created_at=now,
            message=message.strip(), advisor_contact=contact, items=items)
        recommendation.sheets.set(sheets)
        publish_on_commit(recommendation_email_send, recommendation.pk)
    return recommendation


# --- The mobility profile, edited by the young person or by staff ---------------------------

#: The fields a profile form may write (``languages`` comes from the languages formset).
PROFILE_EDITABLE_FIELDS = frozenset({
    "birth_date", "postal_code", "nationality", "status", "education_level", "disability",
    "languages", "budget_eur", "wish_domains", "wish_zones", "wish_countries",
    "wish_duration_min_weeks", "wish_duration_max_weeks", "wish_departure", "studies_field",
    "professional_experience", "hobbies", "project_text",
})


def profile_get_or_create_for(*, youth: User, now: datetime) -> MobilityProfile:
    """The mobility profile of young person ``youth``, created empty if they have none.

    ``now`` (aware) stamps the creation row of the history, so the creation and the update
    that usually follows it come from the same clock. Raises MatchingError for staff accounts.
    """
    if not youth.is_youth:
        raise MatchingError(_("Seul un ou une jeune a un profil de mobilité."))
    profile = MobilityProfile.objects.filter(user=youth).first()
    if profile is None:
        profile = MobilityProfile(user=youth)
        history_stamp(profile, at=now)
        profile.save()
    return profile


def profile_update(*, profile: MobilityProfile, data: dict[str, Any], by: User, now: datetime,
                   reason: str = "") -> MobilityProfile:
    """Write a profile form's cleaned data; simple-history keeps who (``by``), when (``now``)
    and why (``reason``). Nothing is recorded when nothing changed. Raises MatchingError for
    an unknown field, a postal code the profile refuses (``matching.residence``: not French;
    one outside the region is kept) or a minimum duration above the maximum."""
    unknown = set(data) - PROFILE_EDITABLE_FIELDS
    if unknown:
        raise MatchingError(_("Champs inconnus : %(fields)s.")
                            % {"fields": ", ".join(sorted(unknown))})
    try:  # the profile's postal-code rule (matching.residence), whatever form sent it
        validate_profile_postal_code(str(data.get("postal_code") or ""))
    except ValidationError as error:
        raise MatchingError(" ".join(error.messages)) from error
    with transaction.atomic():
        locked = MobilityProfile.objects.select_for_update().get(pk=profile.pk)
        changed = [name for name, value in data.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, data[name])
        low, high = locked.wish_duration_min_weeks, locked.wish_duration_max_weeks
        if low is not None and high is not None and low > high:
            raise MatchingError(_("La durée minimum dépasse la durée maximum."))
        if changed:
            locked.updated_by = by
            history_stamp(locked, by=by, at=now, reason=reason)
            locked.save()
    return locked


#: The profile fields a booking gathers (SPEC §4: « situation gathered at booking »).
PREFILLED_FIELDS = ("birth_date", "postal_code", "status", "wish_domains", "project_text")


def _fields_ever_set(profile: MobilityProfile) -> frozenset[str]:
    """Which of ``PREFILLED_FIELDS`` held a value at some point of the profile's history (one
    query): empty now, such a field was emptied by someone."""
    return frozenset(
        name for record in MobilityProfile.history.filter(id=profile.pk)
        .values(*PREFILLED_FIELDS) for name in PREFILLED_FIELDS if record[name])


def profile_prefill_from_booking(*, youth: User, birth_date: date | None, postal_code: str,
                                 status: str, domains: list[str], project: str, now: datetime,
                                 keep_emptied: bool = False) -> MobilityProfile:
    """What the young person said when booking starts their profile: only empty fields are
    filled, so nothing they or an advisor wrote later is overwritten (SPEC §4, situation
    « gathered at booking and completed by the advisor »).

    One write and one history row, by ``youth`` at ``now`` (aware), reason « Informations
    données lors de la réservation »: the creation with what was said when there is no profile
    yet, else the update of its empty fields (nothing when none is missing). With
    ``keep_emptied`` (a late catch-up, not a new booking) a field that held a value once and was
    emptied since stays empty: someone chose to empty it. Raises MatchingError for staff
    accounts and for an anonymised account."""
    if not youth.is_youth or youth.anonymised_at is not None:
        raise MatchingError(_("Seul un ou une jeune a un profil de mobilité."))
    given = {"birth_date": birth_date, "postal_code": postal_code, "status": status,
             "wish_domains": list(domains), "project_text": project}
    reason = BOOKING_PREFILL_REASON
    # Within the caller's transaction (the confirmation), no savepoint of its own.
    with transaction.atomic(savepoint=False):
        try:  # by the one-to-one key: no ORDER BY
            profile: MobilityProfile | None = (MobilityProfile.objects.select_for_update()
                                               .get(user=youth))
        except MobilityProfile.DoesNotExist:
            profile = None
        if profile is None:
            profile = MobilityProfile(user=youth, updated_by=youth,
                                      **{name: value for name, value in given.items() if value})
            history_stamp(profile, by=youth, at=now, reason=reason)
            try:
                with transaction.atomic():
                    profile.save(force_insert=True)
                return profile
            except IntegrityError:  # created meanwhile (another request of this person)
                profile = MobilityProfile.objects.select_for_update().get(user=youth)
        missing = {name: value for name, value in given.items()
                   if value and not getattr(profile, name)}
        if missing and keep_emptied:
            emptied = _fields_ever_set(profile)
            missing = {name: value for name, value in missing.items() if name not in emptied}
        if missing:
            for name, value in missing.items():
                setattr(profile, name, value)
            profile.updated_by = youth
            history_stamp(profile, by=youth, at=now, reason=reason)
            profile.save()
    return profile
