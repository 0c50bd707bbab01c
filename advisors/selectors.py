"""Reads shared by pages and by the booking code: current convention, training, bookability."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User

from .conventions import (
    CHANGE_KINDS,
    ConventionStatus,
    WatchItem,
    convention_services_open,
    convention_status,
    convention_watch,
)
from .models import (
    Advisor,
    Convention,
    Structure,
    StructureStatus,
    TrainingAttendance,
    TrainingKind,
)


def pick_current_convention(conventions: Iterable[Convention], on: date) -> Convention | None:
    """The convention that governs ``on``: the latest signed on or before that day; failing
    that, the most recent one still waiting for a signature (or signed later)."""
    conventions = list(conventions)
    if len(conventions) == 1:  # either rule picks it (the usual case: one per structure)
        return conventions[0]
    signed = [c for c in conventions if c.signed_on is not None and c.signed_on <= on]
    if signed:
        return max(signed, key=lambda c: (c.signed_on, c.pk))
    if conventions:
        return max(conventions, key=lambda c: (c.created_at, c.pk))
    return None


def convention_current_for_structure(structure: Structure, on: date) -> Convention | None:
    """Uses ``structure.conventions`` as prefetched when the caller prefetched it."""
    return pick_current_convention(structure.conventions.all(), on)


def structure_convention_status(structure: Structure, on: date) -> ConventionStatus | None:
    convention = convention_current_for_structure(structure, on)
    return convention_status(convention, on=on) if convention else None


def structure_has_convention_in_force(structure: Structure, on: date) -> bool:
    status = structure_convention_status(structure, on)
    return bool(status and status.in_force)


def structure_services_open(structure: Structure, on: date) -> bool:
    """True when the structure's convention is in force and its services have started."""
    convention = convention_current_for_structure(structure, on)
    return bool(convention and convention_services_open(convention, on=on))


def structures_with_services_open(on: date) -> set[int]:
    """Ids of active structures whose convention has services open on ``on`` (two queries:
    the structures and their conventions).

    The convention rules (notice periods counted in months, formal-notice deadlines) are
    evaluated in Python by ``convention_status`` so that they have a single definition.
    """
    structures = Structure.objects.filter(status=StructureStatus.ACTIVE).prefetch_related(
        "conventions"
    )
    return {s.pk for s in structures if structure_services_open(s, on)}


def public_structures() -> QuerySet[Structure]:
    """Structures shown to the public: those active in the network."""
    return Structure.objects.filter(status=StructureStatus.ACTIVE)


def _user_of(advisor_or_user: Advisor | User) -> User:
    return advisor_or_user.user if isinstance(advisor_or_user, Advisor) else advisor_or_user


def initial_training_attended(on: date | None = None) -> QuerySet[TrainingAttendance]:
    """Attendances that make a person trained: present at an initial training held by ``on``."""
    attendances = TrainingAttendance.objects.filter(
        attended=True, session__kind=TrainingKind.INITIAL
    )
    if on is not None:
        attendances = attendances.filter(session__date__lte=on)
    return attendances


def advisor_is_trained(advisor_or_user: Advisor | User, on: date | None = None) -> bool:
    """An advisor is trained once they attended an initial training (on or before ``on``)."""
    return initial_training_attended(on).filter(user=_user_of(advisor_or_user)).exists()


def user_is_current_advisor(user: User | AnonymousUser) -> bool:
    """A logged-in advisor with a designation not withdrawn (trained or not): who may use the
    advisors' back-office pages."""
    return bool(user.is_authenticated and user.is_advisor
                and user.advisor_designations.filter(withdrawn_on__isnull=True).exists())


def designation_current_q(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}designated_on__lte": on}) & (
        Q(**{f"{prefix}withdrawn_on__isnull": True}) | Q(**{f"{prefix}withdrawn_on__gt": on})
    )


def advisor_unbookable_reasons(advisor: Advisor, on: date) -> list[str]:
    """Why the advisor's slots on ``on`` may not be booked, in French, for the advisor
    (empty: bookable). The single rule the booking uses (``advisor_is_bookable``): current
    designation, active account, active structure, initial training attended (SPEC §2),
    convention in force with services started (convention article 5)."""
    reasons = []
    if not (advisor.designated_on <= on
            and (advisor.withdrawn_on is None or on < advisor.withdrawn_on)):
        reasons.append(_("votre désignation dans la structure n'est pas en cours"))
    if not advisor.user.is_active:
        reasons.append(_("votre compte est désactivé"))
    if advisor.structure.status != StructureStatus.ACTIVE:
        reasons.append(_("votre structure n'est pas active dans le réseau"))
    if not advisor_is_trained(advisor, on):
        reasons.append(_("vous n'avez pas encore suivi la formation initiale obligatoire"))
    if not structure_services_open(advisor.structure, on):
        reasons.append(_("la convention de votre structure n'est pas en vigueur ou ses "
                         "services n'ont pas commencé"))
    return reasons


def advisor_is_bookable(advisor: Advisor, on: date) -> bool:
    """Whether the advisor's slots on ``on`` may be booked (the single rule the booking uses)."""
    return not advisor_unbookable_reasons(advisor, on)


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def advisor_not_bookable_reasons(*, advisor: Advisor, on: date) -> list[str]:
    """Why the advisor's slots on ``on`` are not offered to young people, and until when, in
    French sentences addressed to her (empty when they are: the rule of
    ``advisor_is_bookable``, item by item). E.g. the mandatory initial training not attended,
    with the session she is registered for; the structure's convention not in force or its
    services not started, with the date they start."""
    reasons: list[str] = []
    if advisor.designated_on > on:
        reasons.append(_("Votre désignation comme conseiller·ère So Mobilité commence le "
                         "%(day)s : vos créneaux seront proposés à partir de cette date.")
                       % {"day": _fmt(advisor.designated_on)})
    if advisor.withdrawn_on is not None and on >= advisor.withdrawn_on:
        reasons.append(_("Votre désignation a pris fin le %(day)s.")
                       % {"day": _fmt(advisor.withdrawn_on)})
    if not advisor.user.is_active:
        reasons.append(_("Votre compte est désactivé."))
    if advisor.structure.status != StructureStatus.ACTIVE:
        reasons.append(_("Votre structure n'est pas active sur So Mobilité (%(status)s).")
                       % {"status": advisor.structure.get_status_display()})
    if not advisor_is_trained(advisor, on):
        reasons.append(_training_reason(advisor, on))
    status = structure_convention_status(advisor.structure, on)
    if status is None:
        reasons.append(_("Votre structure n'a pas de convention So Mobilité en vigueur."))
    elif not status.services_open:
        reasons.append(_("La convention de votre structure ne permet pas encore de recevoir "
                         "des jeunes : %(reason)s.") % {"reason": status.reason})
    return reasons


def _training_reason(advisor: Advisor, on: date) -> str:
    registrations = (TrainingAttendance.objects
                     .filter(user=advisor.user, session__kind=TrainingKind.INITIAL)
                     .select_related("session").order_by("session__date"))
    attended_later = next((r.session for r in registrations
                           if r.attended and r.session.date > on), None)
    if attended_later is not None:
        return _("Votre formation initiale est enregistrée au %(day)s : vos créneaux seront "
                 "proposés à partir de cette date.") % {"day": _fmt(attended_later.date)}
    coming = next((r.session for r in registrations if r.session.date >= on), None)
    if coming is not None:
        return _("La formation initiale obligatoire n'est pas encore suivie : vous êtes "
                 "inscrit·e à la session du %(day)s (%(place)s). Vos créneaux seront proposés "
                 "aux jeunes dès que la coordination y aura enregistré votre présence.") % {
                     "day": _fmt(coming.date), "place": coming.place}
    return _("La formation initiale obligatoire n'est pas encore enregistrée pour vous, et "
             "aucune session ne vous est attribuée : la coordination vous proposera une date. "
             "Vos créneaux seront proposés aux jeunes dès que votre présence y sera "
             "enregistrée.")


def bookable_advisors(on: date) -> QuerySet[Advisor]:
    """Advisors bookable on ``on``, the same rule as ``advisor_is_bookable``, in three queries
    whatever the number of advisors.

    In SQL: current designation on that day, active user account, structure status ACTIVE,
    attended initial training dated on or before that day (``Exists``). The convention rule
    (in force and services started) is evaluated by ``convention_status`` over the active
    structures in one query, and applied as ``structure_id IN (…)``.
    """
    open_ids = structures_with_services_open(on)
    trained = initial_training_attended(on).filter(user=OuterRef("user"))
    return (
        Advisor.objects.filter(
            designation_current_q(on),
            user__is_active=True,
            structure__status=StructureStatus.ACTIVE,
            structure_id__in=open_ids,
        )
        .filter(Exists(trained))
        .select_related("user", "structure")
    )


@dataclass(frozen=True)
class ConventionOnDate:
    """One convention's state on a chosen day, for the coordinators' page."""

    convention: Convention
    status: ConventionStatus


def conventions_on(on: date) -> list[ConventionOnDate]:
    """Every convention (signed or not) with its state on ``on`` (a Paris date), by structure
    name then signature date (newest first); one query whatever the number."""
    conventions = (Convention.objects.select_related("structure")
                   .order_by("structure__public_name", "-signed_on", "pk"))
    return [ConventionOnDate(convention, convention_status(convention, on=on))
            for convention in conventions]


def conventions_coming(*, today: date, horizon_days: int = 30) -> list[tuple[Convention,
                                                                              WatchItem]]:
    """Ends coming within ``horizon_days`` days of ``today`` (notice ending, formal-notice
    deadline, general end), soonest first: ``(convention, item)`` pairs."""
    coming = [(convention, item)
              for convention in Convention.objects.filter(signed_on__isnull=False)
              .select_related("structure")
              for item in convention_watch(convention, today=today, horizon_days=horizon_days)
              if item.kind not in CHANGE_KINDS]
    return sorted(coming, key=lambda pair: (pair[1].effective_on,
                                            pair[0].structure.public_name))
