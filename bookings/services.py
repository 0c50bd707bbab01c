"""Writes of the booking domain. Every function owns its transaction and raises ``BookingError``
(a French message a person can read) when a rule forbids the change.

Public contract (keyword-only arguments, aware datetimes):

- ``BookingDetails``: what the young person typed (dataclass); ``CONSENT_TEXT`` and
  ``CONSENT_TEXT_VERSION`` are what the booking form shows and what is recorded.
- ``appointment_hold(*, advisor, starts_at, mode, details, email, now, booked_by=None,
  client_ip=None, by_account_owner=False) -> Appointment``: pending appointment holding the slot
  ``BOOKING_HOLD_MINUTES`` while the email code is typed.
- ``appointment_confirm(*, appointment, now) -> Appointment``: after the email code.
- ``appointment_cancel(*, appointment, by_youth, reason, now) -> Appointment``.
- ``appointment_move(*, appointment, new_starts_at, mode, now, advisor=None) -> Appointment``.
- ``appointment_profile_prefill(*, appointment, now)`` and
  ``profile_prefill_from_latest_booking(*, youth, now)``: what a booking gathered fills the
  empty fields of the mobility profile.
- ``availability_create_recurring(*, advisor, weekday, start_time, end_time, valid_from,
  valid_until=None, modes, place="") -> RecurringAvailability``,
  ``availability_create_one_off(*, advisor, date, start_time, end_time, modes, place="", now)
  -> OneOffAvailability``.
- ``availability_change(*, availability, changes, confirm_cancellations, now)`` (delete with
  ``changes=None``; raises ``ChangeCancelsAppointments`` listing the booked appointments it
  would cancel when not confirmed) and ``availability_change_preview(...)``.
- ``absence_preview(*, advisor, starts_at, ends_at, now) -> list[Appointment]`` and
  ``absence_create(*, advisor, starts_at, ends_at, kind, reason, confirm_cancellations, now)
  -> Absence`` (raises ``AbsenceOverlapsAppointments`` listing them when not confirmed).
  No path cancels an appointment that has started (``_cancel_locked``).
- ``cancellation_summary(appointments, *, done) -> str``: what such a cancellation does, the
  confirmed appointments (told) counted apart from the holds (released without message).
- ``holds_release_expired(*, now) -> int``.
- ``waiting_list_join(*, email, departement, mode, now) -> WaitingListEntry`` (double opt-in:
  emails a link), ``waiting_list_confirm(*, entry, now)`` and
  ``waiting_list_offer_slots(*, advisor_ids, now) -> int`` (confirmed entries only).
- ``booking_refusal_notify(*, email, reason, structure_name, now)``: why an address cannot book,
  told to its owner only (``AddressNotBookable``).
- Signed links live in ``bookings.links`` (``appointment_manage_token``,
  ``appointment_from_manage_token``, ``appointment_manage_url``).

Scarce slots: lock late and once (the advisor row, ``select_for_update``), re-check with
``bookings.slots.slot_is_free`` (the function the pages list with), then write; the database
constraints have the last word and their ``IntegrityError`` becomes the same ``BookingError``.
Lock order is always young person, then appointment, then advisor.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Model, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from advisors.models import Advisor
from advisors.validators import (
    NOUVELLE_AQUITAINE_DEPARTEMENTS,
    departement_of_postal_code,
)
from matching.models import MobilityProfile
from matching.residence import validate_youth_postal_code
from matching.services import PREFILLED_FIELDS, profile_prefill_from_booking
from somobilite import clock
from somobilite.history import UNSET, history_stamp
from vocabulary.ages import age_on
from vocabulary.codes import Domain, Status
from vocabulary.dates import BIRTH_DATE_MESSAGE, is_possible_birth_date

from . import notifications
from .availability import one_off_availability_clash, recurring_availability_clash
from .links import new_confirmation_secret, staff_hold_code_matches
from .models import (
    ACTIVE_STATUSES,
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentStatus,
    Mode,
    NotificationKind,
    OneOffAvailability,
    RecurringAvailability,
    WaitingListEntry,
    new_video_room,
)
from .slots import (
    PARIS,
    Slot,
    booking_window,
    free_slots,
    interview_duration,
    next_free_slots_for_structure,
    public_holiday_name,
    slot_is_free,
)

_M = TypeVar("_M", bound=Model)

MAX_UPCOMING_APPOINTMENTS = 2
STAFF_HOLD_MAX_ATTEMPTS = 5
MAX_AGE = 35
DIGITAL_CONSENT_AGE = 15
CONSENT_TEXT_VERSION = "2025-1"
CONSENT_TEXT = (
    "J'accepte que le CRIJ Nouvelle-Aquitaine et la structure qui me reçoit traitent les "
    "informations de ce formulaire pour organiser mon entretien So Mobilité et me proposer "
    "des dispositifs de mobilité internationale adaptés. Je peux consulter, exporter ou "
    "faire supprimer mes données à tout moment depuis mon compte."
)


class BookingError(Exception):
    """A booking rule refused the change. ``message`` is French; ``next_slots`` are other free
    slots to offer when the chosen one was just taken."""

    def __init__(self, message: str, *, next_slots: Iterable[Slot] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.next_slots = list(next_slots)


class AddressNotBookable(BookingError):
    """The address belongs to an account that cannot book (a staff account, a deactivated one).

    Only the owner of the address may read this at once: to anyone else the booking page must
    look the same as for a bookable address, and the reason goes by email
    (``booking_refusal_notify``), so typing an address tells nothing about it."""


class UpcomingLimitReached(BookingError):
    """The young person already has ``MAX_UPCOMING_APPOINTMENTS`` confirmed appointments to
    come: no other slot would do, one of them must be moved or cancelled first."""


class ChangeCancelsAppointments(BookingError):
    """A change of the advisor's time (an absence; availability deleted, ended or shortened)
    would cancel booked appointments: show them and ask for confirmation."""

    def __init__(self, message: str, *, appointments: list[Appointment]) -> None:
        super().__init__(message)
        self.appointments = appointments


class AbsenceOverlapsAppointments(ChangeCancelsAppointments):
    """The absence covers booked appointments: show them and ask for confirmation."""


@dataclass(frozen=True)
class BookingDetails:
    first_name: str
    last_name: str
    birth_date: dt.date | None  # None only when re-checking a stored appointment, erased
    postal_code: str
    youth_status: str
    phone: str = ""
    domains: tuple[str, ...] = field(default_factory=tuple)
    project: str = ""
    consent: bool = False
    guardian_email: str = ""
    guardian_consent: bool = False


def window_refusal(*, starts_at: dt.datetime, now: dt.datetime, notice: bool = True) -> str:
    """Why a slot starting at ``starts_at`` cannot be booked at ``now`` because of when it is
    (French, "" when it can): too soon for the ``BOOKING_MIN_NOTICE_HOURS`` notice (or already
    started, for an advisor booking without notice), or beyond the ``BOOKING_HORIZON_WEEKS``
    horizon. The one wording of these rules for the services and the pages (a crafted or old
    link is told the rule, not that someone else took the slot)."""
    earliest, latest = booking_window(now, notice=notice)
    if starts_at < earliest:
        if not notice:
            return _("Ce créneau a déjà commencé : choisissez-en un autre.")
        return _("Un rendez-vous se réserve au moins %(hours)s heures à l'avance : ce créneau "
                 "commence trop tôt.") % {"hours": settings.BOOKING_MIN_NOTICE_HOURS}
    if starts_at > latest:
        return _("Ce créneau est au-delà de la période ouverte à la réservation (%(weeks)s "
                 "semaines).") % {"weeks": settings.BOOKING_HORIZON_WEEKS}
    return ""


def slot_taken_message() -> str:
    return _("Ce créneau vient d'être réservé par quelqu'un d'autre. Voici les prochains "
             "créneaux libres.")


def _fmt(moment: dt.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")


def _date_rule_problems(*, birth_date: dt.date | None, starts_at: dt.datetime,
                        guardian_email: str, guardian_consent: bool,
                        now: dt.datetime) -> list[str]:
    """The eligibility rules that depend on the interview date or the birth date (SPEC §4):
    born in the past, aged ``MAX_AGE`` or less on the day of the interview (Paris date), and
    under ``DIGITAL_CONSENT_AGE`` today the email and consent of a parent or guardian. French
    messages, empty when all hold. ``birth_date`` None (erased) has nothing left to check."""
    if birth_date is None:
        return []
    today = now.astimezone(PARIS).date()
    if not is_possible_birth_date(birth_date, today=today):
        return [str(BIRTH_DATE_MESSAGE)]
    age = age_on(birth_date, starts_at.astimezone(PARIS).date())
    if age > MAX_AGE:
        return [_("Les entretiens So Mobilité sont réservés aux jeunes de 35 ans ou moins le "
                  "jour de l'entretien (%(age)s ans le %(day)s).")
                % {"age": age, "day": f"{starts_at.astimezone(PARIS):%d/%m/%Y}"}]
    if age_on(birth_date, today) < DIGITAL_CONSENT_AGE:
        if not guardian_email or not guardian_consent:
            return [_("Avant 15 ans, l'adresse e-mail et l'accord d'un parent ou d'un·e "
                      "tuteur·rice sont nécessaires.")]
        try:
            validate_email(guardian_email)
        except ValidationError:
            return [_("L'adresse e-mail du parent ou tuteur·rice n'est pas valide.")]
    return []


def last_interview_day(*, birth_date: dt.date) -> dt.date:
    """The last day (Paris date) on which someone born on ``birth_date`` may have an interview:
    the eve of their ``MAX_AGE + 1``-th birthday (SPEC §4; a 29 February birthday falls on
    28 February in other years, ``vocabulary.ages``). ``_date_rule_problems`` refuses every
    later day, so pages that list slots to someone whose birth date is known stop there."""
    year = birth_date.year + MAX_AGE + 1
    try:
        birthday = birth_date.replace(year=year)
    except ValueError:  # 29 February in a common year
        birthday = dt.date(year, 2, 28)
    return birthday - dt.timedelta(days=1)


def appointment_move_problems(*, appointment: Appointment, starts_at: dt.datetime,
                              now: dt.datetime) -> list[str]:
    """What the date rules (``_date_rule_problems``, the ones ``appointment_move`` applies
    through ``_apply_dates``) say of moving ``appointment`` to ``starts_at`` (aware): French
    messages, empty when the person may take that time. The slot's being free is not judged
    here (``bookings.slots``)."""
    return _date_rule_problems(
        birth_date=appointment.birth_date, starts_at=starts_at,
        guardian_email=appointment.guardian_email,
        guardian_consent=appointment.guardian_consent, now=now)


def _apply_dates(appointment: Appointment, *, now: dt.datetime) -> None:
    """THE function every path that sets an appointment's interview time or the young person's
    birth date goes through (booking, confirmation, move by link or from the account, any
    back-office reschedule, a correction in admin), once the new values are on
    ``appointment`` and before it is saved.

    For an appointment still to come, re-checks the date-dependent rules
    (``_date_rule_problems``) and raises ``BookingError`` with their messages; then recomputes
    what derives from the dates: ``age_at_interview`` (kept as it is once the birth date was
    erased), and for a confirmed appointment ``reminder_due_at`` (``REMINDER_HOURS_BEFORE``
    of elapsed time before the start), cleared of a reminder already sent for another time.
    """
    upcoming = appointment.starts_at > now and appointment.status in ACTIVE_STATUSES
    if upcoming:
        problems = _date_rule_problems(
            birth_date=appointment.birth_date, starts_at=appointment.starts_at,
            guardian_email=appointment.guardian_email,
            guardian_consent=appointment.guardian_consent, now=now)
        if problems:
            raise BookingError(" ".join(problems))
    if appointment.birth_date is not None:
        appointment.age_at_interview = age_on(appointment.birth_date,
                                              appointment.starts_at.astimezone(PARIS).date())
    if appointment.status == AppointmentStatus.CONFIRMED:
        due = _reminder_due(appointment.starts_at)
        if due != appointment.reminder_due_at:
            appointment.reminder_due_at = due
            appointment.reminder_sent_at = None


def _detail_problems(*, details: BookingDetails, mode: str) -> list[str]:
    """The eligibility rules that do not depend on dates (shape of what the person typed)."""
    problems: list[str] = []
    if not details.first_name.strip() or not details.last_name.strip():
        problems.append(_("Indiquez votre prénom et votre nom."))
    if mode not in Mode.values:
        problems.append(_("Choisissez une modalité d'entretien : sur place, en visio ou par "
                          "téléphone."))
    try:  # the same rule and words as the booking form's (matching.residence)
        validate_youth_postal_code(details.postal_code)
    except ValidationError as error:
        problems.extend(error.messages)
    if mode == Mode.PHONE and not details.phone.strip():
        problems.append(_("Un numéro de téléphone est nécessaire pour un entretien par "
                          "téléphone."))
    if details.youth_status not in Status.values:
        problems.append(_("Indiquez votre situation."))
    if any(domain not in Domain.values for domain in details.domains):
        problems.append(_("Domaine de projet inconnu."))
    if not details.consent:
        problems.append(_("Votre accord au traitement de vos données est nécessaire pour "
                          "réserver."))
    return problems


def _check_eligibility(*, details: BookingDetails, mode: str, starts_at: dt.datetime,
                       now: dt.datetime) -> None:
    """Every eligibility rule at booking time; one ``BookingError`` listing what fails."""
    problems = _date_rule_problems(
        birth_date=details.birth_date, starts_at=starts_at, guardian_email=details.guardian_email,
        guardian_consent=details.guardian_consent, now=now) + _detail_problems(
        details=details, mode=mode)
    if problems:
        raise BookingError(" ".join(problems))


def _youth_for_email(email: str) -> User:
    """The youth account of ``email``, locked until the transaction ends (a person's holds
    follow one another), created without a name when there is none: whoever holds a slot has
    not proven the address yet, so nothing they typed goes on the account
    (``_account_name_from_booking`` names it at confirmation). A new row needs no lock: until
    this transaction commits, another one creating the same address waits on the unique index,
    then fails and locks the committed row. Must run inside a transaction.

    The address is compared as the unique constraint ``user_email_ci_unique`` compares it
    (``LOWER`` on both sides, in PostgreSQL), so the look-up uses that index; ``iexact``
    compares with ``UPPER``, which no index serves (a scan of every account per hold)."""
    accounts = User.objects.filter(Exact(Lower("email"), Lower(Value(email))))
    user = accounts.select_for_update().order_by("pk").first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, role=Role.YOUTH)
        except IntegrityError:
            user = accounts.select_for_update().get()
    if user.role != Role.YOUTH:
        raise AddressNotBookable(_("Cette adresse e-mail est celle d'un compte professionnel : "
                                   "utilisez votre adresse personnelle."))
    if not user.is_active:
        raise AddressNotBookable(_("Ce compte est désactivé : contactez la coordination So "
                                   "Mobilité."))
    return user


def _account_name_from_booking(appointment: Appointment) -> None:
    """The account takes the name of the booking being confirmed: its address was just proven
    (the email code, the link of a booking made by an advisor, or the logged-in owner), so the
    latest proven booking names the account; an unproven hold never does (tester t-youth 6)."""
    youth = appointment.youth
    names = {"first_name": appointment.first_name.strip(),
             "last_name": appointment.last_name.strip()}
    if youth.anonymised_at is not None or not names["first_name"]:
        return
    if (youth.first_name, youth.last_name) != (names["first_name"], names["last_name"]):
        User.objects.filter(pk=youth.pk).update(**names)
        youth.first_name, youth.last_name = names["first_name"], names["last_name"]


def _release_holds(condition: Q, now: dt.datetime) -> int:
    return Appointment.objects.filter(
        condition, status=AppointmentStatus.PENDING
    ).update(status=AppointmentStatus.EXPIRED, hold_client_ip=None, updated_at=now)


def _stamp(instance: _M, now: dt.datetime, *, by: User | None = None) -> _M:
    """Stamp the history row that the next save of ``instance`` writes with the service's clock
    (``now``) and, when known, who made the change: a change is then never recorded as older
    than the one before it (simple-history would use the real clock)."""
    history_stamp(instance, at=now, by=UNSET if by is None else by)
    return instance


def _lock_advisor(advisor: Advisor | int, *, with_user: bool = True) -> Advisor:
    """The advisor (or advisor id) locked for this transaction, with structure and, unless
    ``with_user`` is false (the caller never reads it: a hold by the young person), user."""
    related = ("structure", "user") if with_user else ("structure",)
    return (Advisor.objects.select_for_update(of=("self",)).select_related(*related)
            .get(pk=advisor if isinstance(advisor, int) else advisor.pk))


def _reminder_due(starts_at: dt.datetime) -> dt.datetime:
    """``REMINDER_HOURS_BEFORE`` hours of elapsed time before the start (UTC)."""
    return clock.before(starts_at, dt.timedelta(hours=settings.REMINDER_HOURS_BEFORE))


def _slot_taken(advisor: Advisor, mode: str | None, now: dt.datetime) -> BookingError:
    return BookingError(slot_taken_message(), next_slots=next_free_slots_for_structure(
        structure=advisor.structure, now=now, mode=mode, limit=3))


class _SlotTaken(Exception):
    pass


def _check_upcoming_limit(youth: User, now: dt.datetime, *,
                          exclude_appointment_id: int | None = None) -> None:
    """A young person has at most MAX_UPCOMING_APPOINTMENTS confirmed appointments to come."""
    upcoming = Appointment.objects.filter(youth=youth, status=AppointmentStatus.CONFIRMED,
                                          starts_at__gt=now)
    if exclude_appointment_id is not None:
        upcoming = upcoming.exclude(pk=exclude_appointment_id)
    count = upcoming.count()
    if count >= MAX_UPCOMING_APPOINTMENTS:
        raise UpcomingLimitReached(_(
            "Vous avez déjà %(count)s rendez-vous à venir : annulez-en un avant d'en "
            "réserver un autre.") % {"count": count})


def appointment_hold(
    *,
    advisor: Advisor,
    starts_at: dt.datetime,
    mode: str,
    details: BookingDetails,
    email: str,
    now: dt.datetime,
    booked_by: User | None = None,
    client_ip: str | None = None,
    by_account_owner: bool = False,
) -> Appointment:
    """Hold the slot for the young person while they confirm their email address.

    Creates (or reuses) their passwordless youth account. A person holds one slot at a time:
    a new hold replaces their previous unconfirmed one.

    ``booked_by``: an advisor booking at the desk or on the phone for the young person. She
    must be a current advisor of the slot's structure. The 48-hour notice does not apply (it
    protects the advisor, who chooses here: SPEC §3); every other rule does, and the slot must
    start after ``now``. The hold lasts ``STAFF_HOLD_HOURS`` (never past the start) and the
    young person gets a code and a link by email to confirm (``appointment_confirm_by_code``,
    ``bookings.links.staff_hold_confirm_url``). Until then it opens nothing of their account.

    ``client_ip`` (from ``accounts.client_ip``) may hold at most
    ``BOOKING_MAX_PENDING_HOLDS_PER_CLIENT`` slots at once. ``by_account_owner``: the request
    comes from the logged-in owner of ``email``, who may be told at once about their own account
    (``AddressNotBookable``, the upcoming-appointment limit); for anyone else (a stranger, an
    advisor booking for someone) the upcoming limit is checked when the code is typed
    (``appointment_confirm``) and ``AddressNotBookable`` must not be shown as such (see its
    docstring). Raises BookingError (French message).
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise BookingError(_("Adresse e-mail invalide.")) from None
    if booked_by is not None and not Advisor.objects.filter(
            user=booked_by, structure_id=advisor.structure_id,
            withdrawn_on__isnull=True).exists():
        raise BookingError(_("Vous ne pouvez réserver que les créneaux de votre structure."))
    _check_eligibility(details=details, mode=mode, starts_at=starts_at, now=now)
    notice = booked_by is None
    refusal = window_refusal(starts_at=starts_at, now=now, notice=notice)
    if refusal:
        raise BookingError(refusal)
    try:
        with transaction.atomic():
            youth = _youth_for_email(email)
            # The staff hold's email names the advisor (``notifications.queue``).
            advisor = _lock_advisor(advisor, with_user=not notice)
            _release_holds(Q(youth=youth) | Q(advisor=advisor, hold_expires_at__lte=now), now)
            if by_account_owner:
                _check_upcoming_limit(youth, now)
            held_by_client = client_ip and Appointment.objects.filter(
                status=AppointmentStatus.PENDING, hold_expires_at__gt=now,
                hold_client_ip=client_ip).count()
            if held_by_client and held_by_client >= settings.BOOKING_MAX_PENDING_HOLDS_PER_CLIENT:
                raise BookingError(_(
                    "Plusieurs réservations faites depuis votre connexion attendent encore leur "
                    "code de confirmation : confirmez-les, ou réessayez dans %(minutes)s "
                    "minutes.") % {"minutes": settings.BOOKING_HOLD_MINUTES})
            slot = slot_is_free(advisor=advisor, starts_at=starts_at, mode=mode, now=now,
                                notice=notice)
            if slot is None:
                raise _SlotTaken
            hold_expires_at = (
                clock.after(now, dt.timedelta(minutes=settings.BOOKING_HOLD_MINUTES)) if notice
                else min(clock.after(now, dt.timedelta(hours=settings.STAFF_HOLD_HOURS)),
                         slot.starts_at))
            appointment = Appointment(
                advisor=advisor, structure=advisor.structure, youth=youth,
                starts_at=slot.starts_at, ends_at=slot.ends_at, mode=mode,
                place=slot.place if mode == Mode.IN_PERSON else "",
                status=AppointmentStatus.PENDING, booked_by=booked_by,
                confirmation_secret="" if notice else new_confirmation_secret(),
                hold_expires_at=hold_expires_at, hold_client_ip=client_ip,
                first_name=details.first_name.strip(),
                last_name=details.last_name.strip(),
                phone=details.phone.strip(), birth_date=details.birth_date,
                postal_code=details.postal_code, youth_status=details.youth_status,
                departement=departement_of_postal_code(details.postal_code),
                domains=list(details.domains), project=details.project.strip(),
                consent_at=now, consent_text_version=CONSENT_TEXT_VERSION,
                guardian_email=details.guardian_email.strip(),
                guardian_consent=details.guardian_consent,
            )
            _apply_dates(appointment, now=now)
            _stamp(appointment, now)
            try:
                # No savepoint of its own: a refused insert (the constraints on the advisor's
                # active appointments; unreachable while every writer locks the advisor first)
                # ends the whole hold, rolled back by the block above as it always was.
                appointment.save(force_insert=True)
            except IntegrityError:
                raise _SlotTaken from None
            if not notice:
                notifications.queue(kind=NotificationKind.YOUTH_STAFF_HOLD, to=youth.email,
                                    appointment=appointment, now=now)
            return appointment
    except _SlotTaken:
        raise _slot_taken(advisor, mode, now) from None


def appointment_confirm_by_code(*, appointment: Appointment, code: str,
                                now: dt.datetime) -> Appointment:
    """The young person read out the code of the email sent when an advisor booked for them:
    confirm as ``appointment_confirm`` does. After ``STAFF_HOLD_MAX_ATTEMPTS`` wrong codes the
    code is refused until a new one is sent (``staff_hold_resend``)."""
    wrong = False
    with transaction.atomic():
        locked = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
        if locked.status != AppointmentStatus.PENDING or locked.booked_by_id is None:
            raise BookingError(_("Cette réservation n'attend plus de code."))
        if locked.confirmation_attempts >= STAFF_HOLD_MAX_ATTEMPTS:
            raise BookingError(_("Trop de codes incorrects : envoyez un nouveau code au ou à la "
                                 "jeune."))
        if not staff_hold_code_matches(locked, code):
            locked.confirmation_attempts += 1
            _stamp(locked, now)
            locked.save(update_fields=["confirmation_attempts", "updated_at"])
            wrong = True
    if wrong:
        raise BookingError(_("Code incorrect : vérifiez le dernier e-mail reçu par le ou la "
                             "jeune."))
    return appointment_confirm(appointment=locked, now=now)


def staff_hold_resend(*, appointment: Appointment, now: dt.datetime) -> Appointment:
    """Send a new code and link for a booking made by an advisor (the previous ones stop
    working, the count of wrong codes starts again)."""
    with transaction.atomic():
        locked = (Appointment.objects.select_for_update(of=("self",)).select_related("youth")
                  .get(pk=appointment.pk))
        if (locked.status != AppointmentStatus.PENDING or locked.booked_by_id is None
                or locked.hold_expired(now)):
            raise BookingError(_("Cette réservation n'est plus en attente de confirmation."))
        locked.confirmation_secret = new_confirmation_secret()
        locked.confirmation_attempts = 0
        _stamp(locked, now)
        locked.save(update_fields=["confirmation_secret", "confirmation_attempts",
                                   "updated_at"])
        notifications.queue(kind=NotificationKind.YOUTH_STAFF_HOLD, to=locked.youth.email,
                            appointment=locked, now=now)
    return locked


def _upcoming_refusal(appointment: Appointment, now: dt.datetime) -> BookingError | None:
    try:
        _check_upcoming_limit(appointment.youth, now, exclude_appointment_id=appointment.pk)
    except BookingError as refusal:
        return refusal
    return None


def _locked_again(appointment: Appointment, *, relations: tuple[str, ...]) -> Appointment:
    """``appointment`` read again and locked (``SELECT … FOR UPDATE`` of its row alone), with
    its ``relations`` (foreign keys): those the caller already read (the booking pages read
    the structure and the young person a moment before) are reused, the others joined. The
    rows of a structure or an account are not locked either way: reused, they are as read a
    few statements earlier in the same request instead of at this statement."""
    at_hand: list[models.ForeignKey[Any, Any]] = []
    missing: list[str] = []
    for name in relations:
        field = Appointment._meta.get_field(name)
        assert isinstance(field, models.ForeignKey)
        if field.is_cached(appointment):
            at_hand.append(field)
        else:
            missing.append(name)
    query = Appointment.objects.select_for_update(of=("self",))
    if missing:
        query = query.select_related(*missing)
    locked = query.get(pk=appointment.pk)
    for field in at_hand:
        related = field.get_cached_value(appointment)
        if related is not None and related.pk == getattr(locked, field.attname):
            field.set_cached_value(locked, related)
    return locked


_CONFIRMED_FIELDS = ("status", "confirmed_at", "confirmation_secret", "hold_client_ip",
                     "age_at_interview", "reminder_due_at", "reminder_sent_at", "video_room",
                     "updated_at")


def appointment_confirm(*, appointment: Appointment, now: dt.datetime) -> Appointment:
    """Make a held appointment final once the email code was entered; a refused hold is
    released. The limit of upcoming appointments is checked at this moment (told only now to
    whoever booked without being the logged-in owner: the code proved the address is theirs).

    The 48-hour notice and the horizon are judged at the moment the slot was taken (the hold,
    ``Appointment.held_at``), not at confirmation: the rule speaks of "the moment of booking"
    (SPEC §3), pages list what can be held now, and a hold is a promise for
    ``BOOKING_HOLD_MINUTES``. A slot listed at exactly 48 hours is therefore confirmed within
    its hold, at most that many minutes under 48 hours, while the hold keeps it from anyone
    else. (Listing only slots 48 hours plus the hold away would hide slots the rule allows and
    still fail a person who took longer to fill in the form.) The slot is checked again.
    A booking by an advisor (no notice) only needs the slot not to have started."""
    refusal: BookingError | None = None
    with transaction.atomic():
        appointment = _locked_again(appointment, relations=("structure", "youth"))
        if appointment.status == AppointmentStatus.CONFIRMED:
            return appointment
        if appointment.status != AppointmentStatus.PENDING:
            raise BookingError(_("Cette réservation n'est plus valable : choisissez un nouveau "
                                 "créneau."))
        # Locked with its structure and user, which the emails' snapshot reads.
        advisor = appointment.advisor = _lock_advisor(appointment.advisor_id)
        notice = appointment.booked_by_id is None
        window_from = appointment.held_at if notice else now
        earliest, _latest = booking_window(window_from, notice=notice)
        if appointment.hold_expired(now):
            refusal = BookingError(_("Le délai pour confirmer est dépassé et le créneau a été "
                                     "libéré : choisissez à nouveau un créneau."))
        elif (upcoming := _upcoming_refusal(appointment, now)) is not None:
            refusal = upcoming
        elif not notice and appointment.starts_at < earliest:
            refusal = BookingError(_("Ce rendez-vous a déjà commencé : il ne peut plus être "
                                     "confirmé."))
        elif appointment.starts_at < earliest:
            refusal = BookingError(
                _("Ce créneau commence dans moins de %(hours)s heures : il ne peut plus être "
                  "réservé. Choisissez un autre créneau.")
                % {"hours": settings.BOOKING_MIN_NOTICE_HOURS})
        elif slot_is_free(advisor=advisor, starts_at=appointment.starts_at,
                          mode=appointment.mode, now=now, notice=notice,
                          window_from=window_from,
                          exclude_appointment_id=appointment.pk) is None:
            refusal = _slot_taken(advisor, appointment.mode, now)
        appointment.hold_client_ip = None
        if refusal is not None:
            appointment.status = AppointmentStatus.EXPIRED
            _stamp(appointment, now)
            appointment.save(update_fields=["status", "hold_client_ip", "updated_at"])
        else:
            appointment.status = AppointmentStatus.CONFIRMED
            appointment.confirmed_at = now
            appointment.confirmation_secret = ""  # the code and link of a staff hold die
            _apply_dates(appointment, now=now)
            if appointment.mode == Mode.VIDEO and not appointment.video_room:
                appointment.video_room = new_video_room()
            _stamp(appointment, now)
            # What a confirmation changes (here and in ``_apply_dates``), not the row's forty
            # columns; the history row still copies the whole appointment.
            appointment.save(update_fields=_CONFIRMED_FIELDS)
            notifications.queue_together(messages=[
                (NotificationKind.YOUTH_CONFIRMATION, appointment.youth.email),
                (NotificationKind.ADVISOR_NEW, advisor.user.email)],
                appointment=appointment, now=now)
            _account_name_from_booking(appointment)
            appointment_profile_prefill(appointment=appointment, now=now)
    if refusal is not None:
        raise refusal
    return appointment


def appointment_profile_prefill(*, appointment: Appointment, now: dt.datetime) -> None:
    """Carry what the young person said when booking ``appointment`` (birth date, postal code,
    situation, domains, project) into their mobility profile, empty fields only
    (``matching.services.profile_prefill_from_booking``: nothing they or an advisor wrote is
    overwritten). SPEC §4: the situation is « gathered at booking and completed by the
    advisor ».

    Called inside the caller's transaction by every path that leaves an appointment confirmed:
    the young person's code or link and the advisor's hold link (``appointment_confirm``), a
    move (``appointment_move``), a coordinator's correction in admin
    (``appointment_details_update``) and the demo seed (``bookings.demo``). Does nothing for
    an appointment never confirmed (a hold proves nothing: anyone can type an address) or an
    anonymised young person. ``now`` (aware) stamps the history row."""
    if appointment.confirmed_at is None:
        return
    youth = appointment.youth
    if not youth.is_youth or youth.anonymised_at is not None:
        return
    profile_prefill_from_booking(
        youth=youth, birth_date=appointment.birth_date, postal_code=appointment.postal_code,
        status=appointment.youth_status, domains=list(appointment.domains),
        project=appointment.project, now=now)


def profile_prefill_from_latest_booking(*, youth: User, now: dt.datetime) -> None:
    """Catch up a profile that booking never filled (appointments confirmed before the
    prefill existed, data loaded by hand): each still empty field of ``PREFILLED_FIELDS``
    takes the value of the young person's latest confirmed booking that holds one (by
    confirmation time). A field emptied on purpose since it held a value stays empty.

    For the interview screen and the matching panel, when staff open them. One query when the
    profile already holds all five fields; otherwise one more for the appointments and, only
    when something is filled, the write (``profile_prefill_from_booking``, by the young
    person, reason « Informations données lors de la réservation »). ``now`` is aware."""
    if not youth.is_youth or youth.anonymised_at is not None:
        return
    profile = MobilityProfile.objects.filter(user=youth).only(*PREFILLED_FIELDS).first()
    empty = [name for name in PREFILLED_FIELDS
             if profile is None or not getattr(profile, name)]
    if not empty:
        return
    given: dict[str, Any] = {}
    sources = [_BOOKING_SOURCE[name] for name in PREFILLED_FIELDS]
    for booking in (Appointment.objects.filter(youth=youth, confirmed_at__isnull=False)
                    .order_by("-confirmed_at", "-id").values_list(*sources)):
        for name, value in zip(PREFILLED_FIELDS, booking, strict=True):
            if name in empty and not given.get(name) and value:
                given[name] = value
    if not given:
        return
    with transaction.atomic():
        profile_prefill_from_booking(
            youth=youth, birth_date=given.get("birth_date"),
            postal_code=given.get("postal_code", ""), status=given.get("status", ""),
            domains=list(given.get("wish_domains", [])), project=given.get("project_text", ""),
            now=now, keep_emptied=True)


#: Where each prefilled profile field comes from in a booking.
_BOOKING_SOURCE = {"birth_date": "birth_date", "postal_code": "postal_code",
                   "status": "youth_status", "wish_domains": "domains",
                   "project_text": "project"}


def cancellation_summary(appointments: Iterable[Appointment], *, done: bool) -> str:
    """What cancelling ``appointments`` (active ones) does, in French, counted exactly
    (tester t9c #4): confirmed appointments are cancelled and each young person is told, with
    a link to book again; holds still waiting for their code are released without any message
    (``_cancel_locked``: nothing was confirmed to them). ``done`` words it in the past (after
    the change) rather than the future (the confirmation asked first). "" when empty."""
    appointments = list(appointments)
    confirmed = sum(1 for a in appointments if a.confirmed_at is not None)
    holds = len(appointments) - confirmed
    parts = []
    if confirmed:
        parts.append((ngettext(
            "%(count)s rendez-vous confirmé est annulé : le ou la jeune est prévenu·e par "
            "e-mail, avec un lien pour reprendre rendez-vous.",
            "%(count)s rendez-vous confirmés sont annulés : les jeunes concerné·es sont "
            "prévenu·es par e-mail, avec un lien pour reprendre rendez-vous.", confirmed)
            if done else ngettext(
            "%(count)s rendez-vous confirmé sera annulé : le ou la jeune sera prévenu·e par "
            "e-mail, avec un lien pour reprendre rendez-vous.",
            "%(count)s rendez-vous confirmés seront annulés : les jeunes concerné·es seront "
            "prévenu·es par e-mail, avec un lien pour reprendre rendez-vous.", confirmed))
            % {"count": confirmed})
    if holds:
        parts.append((ngettext(
            "%(count)s réservation en attente de son code est libérée, sans message (elle "
            "n'avait pas été confirmée).",
            "%(count)s réservations en attente de leur code sont libérées, sans message (elles "
            "n'avaient pas été confirmées).", holds)
            if done else ngettext(
            "%(count)s réservation en attente de son code sera libérée, sans message (elle "
            "n'a pas été confirmée).",
            "%(count)s réservations en attente de leur code seront libérées, sans message "
            "(elles n'ont pas été confirmées).", holds))
            % {"count": holds})
    return " ".join(parts)


def _cancel_locked(appointment: Appointment, *, status: str, reason: str, now: dt.datetime,
                   ) -> None:
    """Cancel an appointment already locked by the caller and queue who must be told.

    ``status`` (a ``CANCELLED_STATUSES`` value) is given to a confirmed appointment only. A hold
    whose code was never typed is not an interview, so it is not cancelled but released: it
    becomes ``EXPIRED`` whoever releases it (the advisor's « Annuler la réservation », an
    absence or a withdrawn availability, the coordination, an account deletion), with
    ``cancelled_at`` and ``reason`` saying when and why; nobody is told (nothing was
    confirmed to them) and no figure counts it (tester t9a #1). An appointment that has
    started at ``now`` is never touched: ``BookingError`` (tester t9c #2)."""
    if appointment.starts_at <= now:
        # Last guard for every path (absence, changed availability, coordination): what has
        # started may have taken place; it waits for its attendance (tester t9c #2).
        raise BookingError(_("Ce rendez-vous a déjà commencé : il ne peut plus être annulé."))
    was_confirmed = appointment.status == AppointmentStatus.CONFIRMED
    appointment.status = status if appointment.confirmed_at is not None else (
        AppointmentStatus.EXPIRED)
    appointment.cancelled_at = now
    appointment.hold_client_ip = None
    appointment.cancel_reason = reason[:255]
    appointment.sequence += 1
    appointment.reminder_due_at = None
    _stamp(appointment, now)
    appointment.save()
    if was_confirmed:
        notifications.queue_together(messages=[
            (NotificationKind.YOUTH_CANCELLATION, appointment.youth.email),
            (NotificationKind.ADVISOR_CANCELLED, appointment.advisor.user.email)],
            appointment=appointment, now=now)
        notifications.offer_to_waiting_list(advisor_ids=[appointment.advisor_id])


def appointment_cancel(*, appointment: Appointment, by_youth: bool, reason: str,
                       now: dt.datetime) -> Appointment:
    """Cancel any time before the start. The row stays, with its new status: cancelled by
    the young person or by the structure (``by_youth``) when it was confirmed, ``EXPIRED`` for
    a hold still waiting for its code (released, not cancelled: ``_cancel_locked``). Raises
    ``BookingError`` when it is no longer active or has started."""
    with transaction.atomic():
        appointment = (Appointment.objects.select_for_update(of=("self",))
                       .select_related("advisor__user", "youth", "structure")
                       .get(pk=appointment.pk))
        if appointment.status not in ACTIVE_STATUSES:
            raise BookingError(_("Ce rendez-vous n'est plus actif (%(status)s).")
                               % {"status": appointment.get_status_display()})
        if appointment.starts_at <= now:
            raise BookingError(_("Ce rendez-vous a déjà commencé : il ne peut plus être annulé."))
        _cancel_locked(
            appointment,
            status=(AppointmentStatus.CANCELLED_BY_YOUTH if by_youth
                    else AppointmentStatus.CANCELLED_BY_STRUCTURE),
            reason=reason, now=now,
        )
    return appointment


#: What a coordinator may correct in admin: what the young person typed, and the reason of a
#: cancellation.
CORRECTABLE_FIELDS = ("first_name", "last_name", "phone", "birth_date", "postal_code",
                      "youth_status", "domains", "project", "guardian_email",
                      "guardian_consent", "cancel_reason")


def _with_changes(appointment: Appointment, changes: dict[str, Any]) -> Appointment:
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"not a correctable field: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(appointment, name, value)
    return appointment


def _details_problems_of(appointment: Appointment, *, now: dt.datetime) -> list[str]:
    details = BookingDetails(
        first_name=appointment.first_name, last_name=appointment.last_name,
        birth_date=appointment.birth_date, postal_code=appointment.postal_code,
        youth_status=appointment.youth_status, phone=str(appointment.phone or ""),
        domains=tuple(appointment.domains), project=appointment.project, consent=True,
        guardian_email=appointment.guardian_email,
        guardian_consent=appointment.guardian_consent)
    problems = _detail_problems(details=details, mode=appointment.mode)
    try:
        _apply_dates(appointment, now=now)
    except BookingError as error:
        problems.insert(0, error.message)
    return problems


def appointment_details_problems(*, appointment: Appointment, changes: dict[str, Any],
                                 now: dt.datetime) -> list[str]:
    """What the booking rules say of correcting ``changes`` (field → value, fields of
    ``CORRECTABLE_FIELDS``) on ``appointment``: French messages, empty when accepted. Nothing
    is saved; ``appointment`` is left as it is. For the admin form (see
    ``appointment_details_update``)."""
    return _details_problems_of(_with_changes(copy.copy(appointment), changes), now=now)


def appointment_details_update(*, appointment: Appointment, changes: dict[str, Any],
                               by: User | None, now: dt.datetime) -> Appointment:
    """Correct what the young person typed (``changes``: field → value among
    ``CORRECTABLE_FIELDS``), as a coordinator does in admin.

    The rules of a booking apply again (for an appointment still to come, the date-dependent
    ones through ``_apply_dates``, e.g. a birth date that makes the person over 35 on the day
    is refused), and what derives from the changed facts is recomputed: ``age_at_interview``,
    ``departement``. Raises ``BookingError`` listing what fails; the history records ``by``.
    """
    with transaction.atomic():
        locked = (Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk))
        _with_changes(locked, changes)
        problems = _details_problems_of(locked, now=now)
        if problems:
            raise BookingError(" ".join(problems))
        locked.departement = departement_of_postal_code(locked.postal_code)
        _stamp(locked, now, by=by)
        locked.save()
        appointment_profile_prefill(appointment=locked, now=now)
    return locked


def appointment_move(
    *,
    appointment: Appointment,
    new_starts_at: dt.datetime,
    mode: str,
    now: dt.datetime,
    advisor: Advisor | None = None,
) -> Appointment:
    """Move a confirmed appointment to another free slot (by default of the same advisor).

    The same row is kept, so the calendar entry (UID) is updated in place; ``sequence`` goes
    up, the reminder is recomputed, and the history table keeps the previous time. The young
    person is told of the change; the advisor gets « déplacé », or, when it moves to a
    colleague, the colleague gets « nouveau rendez-vous » and the previous advisor its
    cancellation. Raises ``BookingError`` (French) when a rule refuses the move.
    """
    with transaction.atomic():
        appointment = (Appointment.objects.select_for_update(of=("self",))
                       .select_related("advisor__user", "youth", "structure")
                       .get(pk=appointment.pk))
        if appointment.status != AppointmentStatus.CONFIRMED:
            raise BookingError(_("Seul un rendez-vous confirmé peut être déplacé."))
        if appointment.starts_at <= now:
            raise BookingError(_("Ce rendez-vous a déjà commencé : il ne peut plus être "
                                 "déplacé."))
        if mode == Mode.PHONE and not appointment.phone:
            raise BookingError(_("Un numéro de téléphone est nécessaire pour un entretien par "
                                 "téléphone."))
        refusal = window_refusal(starts_at=new_starts_at, now=now)
        if refusal:
            raise BookingError(refusal)
        target = _lock_advisor(advisor or appointment.advisor)
        slot = slot_is_free(advisor=target, starts_at=new_starts_at, mode=mode, now=now,
                            exclude_appointment_id=appointment.pk)
        if slot is None:
            raise _slot_taken(target, mode, now)
        previous_advisor = appointment.advisor
        before = notifications.appointment_snapshot(appointment)
        appointment.advisor = target
        appointment.structure = target.structure
        appointment.starts_at, appointment.ends_at = slot.starts_at, slot.ends_at
        appointment.mode = mode
        appointment.place = slot.place if mode == Mode.IN_PERSON else ""
        if mode == Mode.VIDEO and not appointment.video_room:
            appointment.video_room = new_video_room()
        appointment.sequence += 1
        _apply_dates(appointment, now=now)
        try:
            with transaction.atomic():
                _stamp(appointment, now)
                appointment.save()
        except IntegrityError:
            raise _slot_taken(target, mode, now) from None
        appointment_profile_prefill(appointment=appointment, now=now)
        after = notifications.appointment_snapshot(appointment)
        payload = {"old_starts_at": before["starts_at"]}
        notifications.queue(kind=NotificationKind.YOUTH_CHANGE, to=appointment.youth.email,
                            appointment=appointment, snapshot=after, payload=payload, now=now)
        # A colleague it moves to never had it: for her it is a new appointment.
        moved_within = previous_advisor.pk == target.pk
        notifications.queue(kind=NotificationKind.ADVISOR_MOVED if moved_within
                            else NotificationKind.ADVISOR_NEW, to=target.user.email,
                            appointment=appointment, snapshot=after, payload=payload, now=now)
        if not moved_within:
            # What the previous advisor had in her calendar, withdrawn by the new version.
            notifications.queue(kind=NotificationKind.ADVISOR_CANCELLED,
                                to=previous_advisor.user.email, appointment=appointment,
                                snapshot={**before, "sequence": after["sequence"],
                                          "status": after["status"]},
                                payload=payload, now=now)
        notifications.offer_to_waiting_list(advisor_ids=[previous_advisor.pk])
    return appointment


def holds_release_expired(*, now: dt.datetime) -> int:
    """Pending holds past their deadline become ``expired`` (their slot is free again)."""
    return _release_holds(Q(hold_expires_at__lte=now), now)


# --- Availability ---------------------------------------------------------------------------


def _validated_modes(modes: Iterable[str]) -> set[str]:
    chosen = set(modes)
    if not chosen:
        raise BookingError(_("Choisissez au moins une modalité : sur place, en visio ou par "
                             "téléphone."))
    if not chosen <= set(Mode.values):
        raise BookingError(_("Modalité inconnue."))
    return chosen


def _check_times(start_time: dt.time, end_time: dt.time) -> None:
    if end_time <= start_time:
        raise BookingError(_("L'heure de fin doit être après l'heure de début."))
    length = (dt.datetime.combine(dt.date.min, end_time)
              - dt.datetime.combine(dt.date.min, start_time))
    if length < interview_duration():
        raise BookingError(_("Une plage doit durer au moins %(minutes)s minutes (un entretien).")
                           % {"minutes": settings.INTERVIEW_DURATION_MINUTES})


def availability_overlap_message(existing: RecurringAvailability | OneOffAvailability) -> str:
    return _("Cette plage chevauche une disponibilité déjà publiée (%(existing)s) : modifiez "
             "les horaires ou les dates.") % {"existing": existing}


def availability_create_recurring(
    *,
    advisor: Advisor,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    modes: Iterable[str],
    place: str = "",
) -> RecurringAvailability:
    chosen = _validated_modes(modes)
    _check_times(start_time, end_time)
    if not 0 <= weekday <= 6:
        raise BookingError(_("Jour de la semaine invalide."))
    if valid_until is not None and valid_until < valid_from:
        raise BookingError(_("La date de fin de validité doit suivre la date de début."))
    with transaction.atomic():
        advisor = _lock_advisor(advisor)
        clash = recurring_availability_clash(
            advisor=advisor, weekday=weekday, start_time=start_time, end_time=end_time,
            valid_from=valid_from, valid_until=valid_until)
        if clash is not None:
            raise BookingError(availability_overlap_message(clash))
        try:
            with transaction.atomic():
                availability = RecurringAvailability.objects.create(
                    advisor=advisor, weekday=weekday, start_time=start_time, end_time=end_time,
                    valid_from=valid_from, valid_until=valid_until, place=place.strip(),
                    offers_in_person=Mode.IN_PERSON in chosen, offers_video=Mode.VIDEO in chosen,
                    offers_phone=Mode.PHONE in chosen,
                )
        except IntegrityError:
            raise BookingError(_("Cette plage chevauche une disponibilité déjà publiée.")) from None
        notifications.offer_to_waiting_list(advisor_ids=[advisor.pk])
    return availability


def one_off_date_refusal(date: dt.date) -> str:
    """Why no one-off period may be published on ``date`` (a French sentence), "" when it
    may: French public holidays are not bookable (SPEC §3) and the slot calendar skips them
    (``bookings.slots``, same table), so a period on one would be listed and never offered
    (tester t9a #5). The services and the admin form both ask it."""
    name = public_holiday_name(date)
    if name is None:
        return ""
    return (_("Le %(day)s est un jour férié (%(name)s) : aucun créneau n'est proposé aux jeunes "
              "ce jour-là. Choisissez une autre date.")
            % {"day": date.strftime("%d/%m/%Y"), "name": name})


def _check_not_a_holiday(date: dt.date) -> None:
    refusal = one_off_date_refusal(date)
    if refusal:
        raise BookingError(refusal)


def absence_period_refusal(*, starts_at: dt.datetime, ends_at: dt.datetime,
                           now: dt.datetime) -> str:
    """Why an absence from ``starts_at`` to ``ends_at`` (aware) may not be declared at
    ``now`` (a French sentence), "" when it may: it ends after it starts, it is declared
    before it ends (one already over would only excuse, after the fact, a week below the
    weekly minimum in the compliance watch: tester t9a #6), and it starts no earlier than the
    start of today in Paris: an advisor declares an absence ahead or on the day, never for
    the days before (tester t9c #2: an absence begun a month ago excused November and
    cancelled an interview already held). One begun earlier today is fine.
    The services and the admin form both ask it."""
    if ends_at <= starts_at:
        return _("La fin de l'absence doit suivre son début.")
    if ends_at <= now:
        return (_("Cette absence est déjà terminée (fin le %(end)s) : une absence se déclare "
                  "avant ou pendant sa période, pas après.")
                % {"end": ends_at.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")})
    today = now.astimezone(PARIS).date()
    if starts_at < clock.paris_at(today, dt.time(0, 0)):
        return (_("Une absence se déclare à l'avance ou le jour même : elle ne peut pas "
                  "commencer avant aujourd'hui (%(today)s). Indiquez un début à partir du "
                  "%(today)s à 00:00.") % {"today": today.strftime("%d/%m/%Y")})
    return ""


def availability_create_one_off(
    *,
    advisor: Advisor,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    modes: Iterable[str],
    place: str = "",
    now: dt.datetime,
) -> OneOffAvailability:
    """Publish a one-off period on ``date`` (Paris wall clock). Refused (``BookingError``) with
    no mode, times that hold no interview, a past date, a French public holiday, or an overlap
    with another period of the advisor. A date beyond the booking horizon is accepted
    (planning ahead): ``bookings.availability.publication_notes`` says when it opens."""
    chosen = _validated_modes(modes)
    _check_times(start_time, end_time)
    if date < now.astimezone(PARIS).date():
        raise BookingError(_("La date est passée."))
    _check_not_a_holiday(date)
    with transaction.atomic():
        advisor = _lock_advisor(advisor)
        clash = one_off_availability_clash(advisor=advisor, date=date, start_time=start_time,
                                           end_time=end_time)
        if clash is not None:
            raise BookingError(availability_overlap_message(clash))
        try:
            with transaction.atomic():
                availability = OneOffAvailability.objects.create(
                    advisor=advisor, date=date, start_time=start_time, end_time=end_time,
                    place=place.strip(), offers_in_person=Mode.IN_PERSON in chosen,
                    offers_video=Mode.VIDEO in chosen, offers_phone=Mode.PHONE in chosen,
                )
        except IntegrityError:
            raise BookingError(_("Cette plage chevauche une disponibilité déjà publiée.")) from None
        notifications.offer_to_waiting_list(advisor_ids=[advisor.pk])
    return availability


Availability = RecurringAvailability | OneOffAvailability
AVAILABILITY_CHANGE_FIELDS = ("weekday", "start_time", "end_time", "valid_from", "valid_until",
                              "date", "offers_in_person", "offers_video", "offers_phone",
                              "place")


def _covers(availability: Availability | None, appointment: Appointment) -> bool:
    """Whether ``availability`` (a version of it, None when deleted) still holds the booked
    ``appointment``: its Paris day, its times within the period, its mode offered."""
    if availability is None:
        return False
    start = appointment.starts_at.astimezone(PARIS)
    end = appointment.ends_at.astimezone(PARIS)
    day = start.date()
    if isinstance(availability, OneOffAvailability):
        on_day = availability.date == day
    else:
        on_day = (availability.weekday == day.weekday() and availability.valid_from <= day
                  and (availability.valid_until is None or day <= availability.valid_until))
    return (on_day and end.date() == day and availability.start_time <= start.time()
            and end.time() <= availability.end_time and appointment.mode in availability.modes)


def _availability_losses(old: Availability, new: Availability | None,
                         now: dt.datetime) -> list[Appointment]:
    """Booked appointments still to come that ``old`` holds and ``new`` would not."""
    booked = (Appointment.objects.filter(advisor_id=old.advisor_id, status__in=ACTIVE_STATUSES,
                                         starts_at__gt=now)
              .select_related("youth", "advisor__user", "structure").order_by("starts_at"))
    return [a for a in booked if _covers(old, a) and not _covers(new, a)]


def availability_change_preview(*, availability: Availability, changes: dict[str, Any] | None,
                                now: dt.datetime) -> list[Appointment]:
    """The booked appointments that changing ``availability`` (``changes``: field → value of
    ``AVAILABILITY_CHANGE_FIELDS``; None to delete it) would cancel. Nothing is saved."""
    return _availability_losses(availability, _changed(availability, changes), now)


def _changed(availability: Availability, changes: dict[str, Any] | None) -> Availability | None:
    if changes is None:
        return None
    unknown = set(changes) - set(AVAILABILITY_CHANGE_FIELDS)
    if unknown:
        raise ValueError(f"not an availability field: {sorted(unknown)}")
    version = copy.copy(availability)
    for name, value in changes.items():
        setattr(version, name, value)
    return version


def availability_change(*, availability: Availability, changes: dict[str, Any] | None,
                        confirm_cancellations: bool, now: dt.datetime,
                        ) -> Availability | None:
    """Change a published availability (``changes``: field → value of
    ``AVAILABILITY_CHANGE_FIELDS``, e.g. ``{"valid_until": day}`` to end a weekly one, new times
    to shorten it) or delete it (``changes=None``). Returns the new version (None if deleted).

    Booked appointments it holds that the new version would not are never dropped silently,
    as for an absence: without ``confirm_cancellations`` the change is refused with
    ``ChangeCancelsAppointments`` listing them; with it they are cancelled by the structure and
    each young person is told, with a link to book again. The new version obeys the rules of a
    new one (times, modes, no overlap). Raises ``BookingError``.
    """
    with transaction.atomic():
        _lock_advisor(availability.advisor)
        current = type(availability).objects.select_for_update().get(pk=availability.pk)
        new = _changed(current, changes)
        if new is not None:
            _check_availability_version(new)
        concerned = _availability_losses(current, new, now)
        if concerned and not confirm_cancellations:
            raise ChangeCancelsAppointments(
                (_("Ce changement retire %(count)s rendez-vous réservé(s).")
                 % {"count": len(concerned)}) + " " + cancellation_summary(concerned, done=False),
                appointments=concerned)
        _stamp(current, now)
        if new is None:
            current.delete()
        else:
            _stamp(new, now)
            new.save()
        for appointment in (Appointment.objects.select_for_update(of=("self",))
                            .select_related("youth", "advisor__user", "structure")
                            .filter(pk__in=[a.pk for a in concerned])):
            _cancel_locked(appointment, status=AppointmentStatus.CANCELLED_BY_STRUCTURE,
                           reason=_("Créneau retiré par la personne qui devait vous recevoir"),
                           now=now)
    return new


def _check_availability_version(version: Availability) -> None:
    """The rules of a new availability, for a changed one (its own row left out)."""
    if not version.modes:
        raise BookingError(_("Choisissez au moins une modalité : sur place, en visio ou par "
                             "téléphone."))
    _check_times(version.start_time, version.end_time)
    if isinstance(version, OneOffAvailability):
        _check_not_a_holiday(version.date)
        clash = one_off_availability_clash(
            advisor=version.advisor, date=version.date, start_time=version.start_time,
            end_time=version.end_time, exclude_pk=version.pk)
    else:
        if version.valid_until is not None and version.valid_until < version.valid_from:
            raise BookingError(_("La date de fin de validité doit suivre la date de début."))
        clash = recurring_availability_clash(
            advisor=version.advisor, weekday=version.weekday, start_time=version.start_time,
            end_time=version.end_time, valid_from=version.valid_from,
            valid_until=version.valid_until, exclude_pk=version.pk)
    if clash is not None:
        raise BookingError(availability_overlap_message(clash))


# --- Absences -------------------------------------------------------------------------------


def _overlapping_appointments(advisor: Advisor, starts_at: dt.datetime, ends_at: dt.datetime,
                              *, now: dt.datetime) -> QuerySet[Appointment]:
    """The advisor's active appointments within the period that have not started at ``now``:
    an appointment under way or past is never cancelled by a change of availability (it may
    have taken place and wait for its attendance; tester t9c #2)."""
    return Appointment.objects.filter(
        advisor=advisor, status__in=ACTIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at,
        starts_at__gt=now,
    ).order_by("starts_at")


def absence_preview(*, advisor: Advisor, starts_at: dt.datetime, ends_at: dt.datetime,
                    now: dt.datetime) -> list[Appointment]:
    """The booked appointments (confirmed or holds) an absence over this period declared at
    ``now`` would cancel or release: those not started yet."""
    return list(_overlapping_appointments(advisor, starts_at, ends_at, now=now)
                .select_related("youth"))


def absence_create(
    *,
    advisor: Advisor,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    kind: str,
    reason: str,
    confirm_cancellations: bool,
    now: dt.datetime,
) -> Absence:
    """Record an absence. Appointments it covers are never dropped silently: without
    ``confirm_cancellations`` the absence is refused and they are listed; with it they are
    cancelled by the structure and each young person is told, with a link to book again.

    The period must pass ``absence_period_refusal`` (declared before it ends, tester t9a #6).
    ``kind`` is the advisor's word (SPEC §3: short = hours or days, long = weeks or months; the
    spec sets no threshold, so none is enforced). Raises ``BookingError``."""
    refusal = absence_period_refusal(starts_at=starts_at, ends_at=ends_at, now=now)
    if refusal:
        raise BookingError(refusal)
    if kind not in AbsenceKind.values:
        raise BookingError(_("Type d'absence inconnu."))
    if not reason.strip():
        raise BookingError(_("Indiquez le motif de l'absence."))
    with transaction.atomic():
        advisor = _lock_advisor(advisor)
        concerned = list(_overlapping_appointments(advisor, starts_at, ends_at, now=now)
                         .select_for_update(of=("self",))
                         .select_related("youth", "advisor__user", "structure"))
        if concerned and not confirm_cancellations:
            raise AbsenceOverlapsAppointments(
                (_("Cette absence couvre %(count)s rendez-vous réservé(s).")
                 % {"count": len(concerned)}) + " " + cancellation_summary(concerned, done=False),
                appointments=concerned,
            )
        absence = _stamp(Absence(advisor=advisor, starts_at=starts_at, ends_at=ends_at,
                                 kind=kind, reason=reason.strip()), now)
        absence.save()
        for appointment in concerned:
            _cancel_locked(appointment, status=AppointmentStatus.CANCELLED_BY_STRUCTURE,
                           reason=_("Indisponibilité de la personne qui devait vous recevoir"),
                           now=now)
    return absence


def absence_withdraw(*, absence: Absence, now: dt.datetime) -> Absence | None:
    """Withdraw an absence the advisor no longer needs (typed wrong, plans changed).

    An absence still to come is deleted; one under way ends at ``now`` (its past part stays,
    like any past availability, for the compliance figures); a finished one cannot be
    withdrawn. The slots it hid are offered again (the slot cache follows the write).
    Appointments it cancelled stay cancelled: the young people were told and may book again.
    Returns the shortened absence, or None when deleted. Raises ``BookingError``. ``now`` is an
    aware datetime; the history row is stamped with it.
    """
    with transaction.atomic():
        _lock_advisor(absence.advisor)
        locked = Absence.objects.select_for_update().get(pk=absence.pk)
        if locked.ends_at <= now:
            raise BookingError(_("Cette absence est terminée : elle reste dans l'historique."))
        if locked.starts_at >= now:
            _stamp(locked, now).delete()
            return None
        locked.ends_at = now
        _stamp(locked, now).save(update_fields=["ends_at"])
    return locked


# --- Waiting list ---------------------------------------------------------------------------


def waiting_list_join(*, email: str, departement: str, mode: str, now: dt.datetime,
                      ) -> WaitingListEntry:
    """Sign up (or stay) on the waiting list of a département and mode until the horizon.

    Double opt-in: the entry counts only once the link emailed to the address is followed
    (``waiting_list_confirm``); until then the address receives nothing else. Signing up again
    before confirming sends the link again (the view limits how often).
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise BookingError(_("Adresse e-mail invalide.")) from None
    if departement not in NOUVELLE_AQUITAINE_DEPARTEMENTS:
        raise BookingError(_("Choisissez un département de Nouvelle-Aquitaine."))
    if mode not in Mode.values:
        raise BookingError(_("Modalité inconnue."))
    _earliest, latest = booking_window(now)
    with transaction.atomic():
        entry = WaitingListEntry.objects.select_for_update().filter(
            email=email, departement=departement, mode=mode, notified_at__isnull=True,
        ).first()
        if entry is None:
            try:
                with transaction.atomic():
                    entry = WaitingListEntry.objects.create(
                        email=email, departement=departement, mode=mode, created_at=now,
                        expires_at=latest)
            except IntegrityError:
                entry = WaitingListEntry.objects.get(email=email, departement=departement,
                                                     mode=mode, notified_at__isnull=True)
        entry.expires_at = latest
        entry.save(update_fields=["expires_at"])
        if entry.confirmed_at is None:
            notifications.queue(kind=NotificationKind.WAITING_LIST_CONFIRM, to=email, now=now,
                                payload={"entry_id": entry.pk, "departement": departement,
                                         "mode": mode})
    return entry


def waiting_list_confirm(*, entry: WaitingListEntry, now: dt.datetime) -> WaitingListEntry:
    """The address followed its confirmation link: the entry now waits for a free slot.
    Idempotent (a second click changes nothing)."""
    with transaction.atomic():
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.confirmed_at is None:
            entry.confirmed_at = now
            entry.save(update_fields=["confirmed_at"])
    return entry


def booking_refusal_notify(*, email: str, reason: str, structure_name: str,
                           now: dt.datetime) -> None:
    """Email the owner of ``email`` why a booking made with it cannot go ahead (see
    ``AddressNotBookable``): the page shown to whoever typed it gives nothing away."""
    with transaction.atomic():
        notifications.queue(kind=NotificationKind.BOOKING_REFUSED, to=email.strip().lower(),
                            now=now, payload={"reason": reason, "structure": structure_name})


def waiting_list_offer_slots(*, advisor_ids: Iterable[int], now: dt.datetime) -> int:
    """Tell the first people waiting about the free slots of these advisors.

    Each slot is announced once, to at most ``WAITING_LIST_BATCH_SIZE`` people waiting for one
    of its modes (in person: same département as the structure; video and phone: any, since
    remote interviews can be taken with any structure). A person is told once, then leaves the
    list (they may join again). Returns how many people were told.
    """
    advisor_ids = list(advisor_ids)
    if not WaitingListEntry.objects.filter(notified_at__isnull=True, expires_at__gt=now,
                                           confirmed_at__isnull=False).exists():
        return 0
    earliest, latest = booking_window(now)
    slots = free_slots(advisors=Advisor.objects.filter(pk__in=advisor_ids), start=earliest,
                       end=clock.after(latest, dt.timedelta(minutes=1)), now=now)
    if not slots:
        return 0
    told = 0
    with transaction.atomic():
        announced = set(WaitingListEntry.objects.filter(
            notified_for_slot__in=[s.key for s in slots]).values_list("notified_for_slot",
                                                                      flat=True))
        waiting = list(WaitingListEntry.objects.select_for_update(skip_locked=True)
                       .filter(notified_at__isnull=True, expires_at__gt=now,
                               confirmed_at__isnull=False)
                       .order_by("created_at", "pk"))
        advisors = {a.pk: a for a in Advisor.objects.filter(pk__in=advisor_ids)
                    .select_related("structure")}
        for slot in slots:
            if slot.key in announced:
                continue
            structure = advisors[slot.advisor_id].structure
            chosen = [
                entry for entry in waiting
                if entry.notified_at is None and entry.mode in slot.modes
                and (entry.mode != Mode.IN_PERSON or entry.departement == structure.departement)
            ][: settings.WAITING_LIST_BATCH_SIZE]
            for entry in chosen:
                entry.notified_at = now
                entry.notified_for_slot = slot.key
                entry.save(update_fields=["notified_at", "notified_for_slot"])
                notifications.queue(
                    kind=NotificationKind.WAITING_LIST_SLOT, to=entry.email, now=now,
                    payload={"structure": structure.public_name, "structure_slug": structure.slug,
                             "starts_at": slot.starts_at.isoformat(), "mode": entry.mode,
                             "place": slot.place},
                )
                told += 1
    return told
