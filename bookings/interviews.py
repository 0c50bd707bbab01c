"""Writes (and the logged reads) of what happens at and after an interview: attendance, the
advisor's confidential notes, follow-up entries and the "follow up on" date.

They sit in the booking domain because each of them belongs to one appointment and follows
its rules: who may see it is decided by the appointment's structure (``bookings.agenda``), and
it lives and dies with the young person's appointments (export and erasure in
``bookings.personal_data``).

Public contract (keyword-only arguments, aware datetimes; every function raises
``BookingError`` with a French message when a rule refuses the change):

- ``appointment_attendance_record(*, appointment, status, by, now) -> Appointment``
- ``attendance_refusal(*, appointment, status, now) -> str`` (why not, "" when allowed) and
  ``attendance_closed_reason(*, appointment, now) -> str`` (the state that forbids any)
- ``interview_note_add(*, appointment, text, by, now) -> InterviewNote``
- ``interview_notes_read(*, appointment, request, now) -> list[InterviewNote]`` (logged)
- ``follow_up_add(*, appointment, happened_on, channel, summary, by, now) -> FollowUpEntry``
- ``appointment_follow_up_date_set(*, appointment, on, by, now) -> Appointment``
- ``interview_age(*, appointment, birth_date, from_booking=False) -> InterviewAge | None``
  (read)
- ``appointment_can_take_place(*, appointment, now) -> bool`` (read)
- ``interview_programmes_send(*, appointment, advisor_user, sheets, message, now)
  -> ProgrammeRecommendation``: raises ``SelectionAlreadySent`` for a set already sent after
  this appointment (and ``matching.services.MatchingError`` as ``programmes_send`` does)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from matching.models import ProgrammeRecommendation
from matching.services import programmes_send
from privacy.models import AccessAction
from privacy.services import access_log_record
from programmes.models import ProgrammeSheet
from somobilite.history import history_stamp
from vocabulary.ages import age_on
from vocabulary.day_formats import date_format

from .models import (
    ATTENDANCE_STATUSES,
    Appointment,
    AppointmentStatus,
    AttendanceRecord,
    FollowUpChannel,
    FollowUpEntry,
    InterviewNote,
    InterviewSelection,
)
from .services import MAX_AGE, BookingError
from .slots import PARIS

NOTE_MAX_LENGTH = 10_000
FOLLOW_UP_MAX_LENGTH = 5_000
#: How far ahead a "follow up on" date may be set (a year is plenty for a reminder).
FOLLOW_UP_HORIZON = dt.timedelta(days=366)


class InterviewAge(NamedTuple):
    """A young person's age in whole years on the interview's Paris day."""

    years: int
    #: The birth date it comes from was typed since this booking, by the young person or an
    #: advisor, and differs from the one given at booking: corrected.
    corrected: bool
    #: Above ``MAX_AGE``: outside the network's public (SPEC §4, « 35 ans au plus le jour de
    #: l'entretien »).
    over_limit: bool
    #: The birth date given at this booking when the profile's differs without anyone having
    #: corrected it (it came from another booking of the young person), else None: shown as
    #: a mismatch to check, not as a correction (tester t9c #3).
    booked_differs: dt.date | None = None


def interview_age(*, appointment: Appointment, birth_date: dt.date | None,
                  from_booking: bool = False) -> InterviewAge | None:
    """The age to show on the interview screen: from ``birth_date``, the profile's birth date as
    it stands now (an advisor may have corrected it with the young person), on the interview's
    day in Paris time; without one, the age stored at booking (``age_at_interview``, which the
    statistics keep as given). ``None`` when neither is known (erased data). Raises nothing.

    ``from_booking``: the profile's birth date was written by a booking's prefill
    (``matching.selectors.profile_field_origins``), not typed by anyone. A birth date
    that differs from this booking's is « corrected » only when someone typed it; one that
    came from another booking is reported as ``booked_differs``."""
    booked = appointment.birth_date
    if birth_date is None:
        if appointment.age_at_interview is None:
            return None
        years = appointment.age_at_interview
        return InterviewAge(years, corrected=False, over_limit=years > MAX_AGE)
    years = age_on(birth_date, appointment.starts_at.astimezone(PARIS).date())
    differs = booked is not None and booked != birth_date
    return InterviewAge(years, corrected=differs and not from_booking,
                        over_limit=years > MAX_AGE,
                        booked_differs=booked if differs and from_booking else None)


def _name(user: User) -> str:
    return user.get_full_name() or user.email


def appointment_can_take_place(*, appointment: Appointment, now: dt.datetime) -> bool:
    """Whether ``appointment`` may still take place at ``now`` (aware): booked (confirmed, or a
    hold that may still be confirmed) and not over. Only then does the interview screen offer
    what serves to hold it, the video room or the call (tester t9c #10: a cancelled video
    interview still offered « Ouvrir la salle de visio »)."""
    return appointment.is_active and appointment.ends_at > now


def _started(appointment: Appointment, now: dt.datetime) -> bool:
    return appointment.starts_at <= now


def _lock(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")


def _cancellation(appointment: Appointment) -> str:
    """« le 18/03/2026 à 12:00, motif : … »: when and why it ended, as far as known."""
    parts = []
    if appointment.cancelled_at is not None:
        parts.append(_("le %(when)s") % {"when": _when(appointment.cancelled_at)})
    if appointment.cancel_reason:
        parts.append(_("motif : %(reason)s") % {"reason": appointment.cancel_reason})
    return f" ({', '.join(parts)})" if parts else ""


def attendance_closed_reason(*, appointment: Appointment, now: dt.datetime) -> str:
    """Why no attendance can be recorded for ``appointment`` at ``now``, in a French sentence
    that says the state it is in (and when it will be possible, if ever), or "" when it can.

    Attendance is recorded once the start has passed (Europe/Paris) on a confirmed appointment
    or one already recorded (SPEC §6, issue 12). A cancelled appointment says by whom, when
    and why, as far as known; a hold never confirmed (pending or released) says so: neither
    will ever have an attendance (tester t9a #8: the screen promised one « à partir du … »).
    The interview screen shows it; ``attendance_refusal`` gives it to a refused form."""
    status = appointment.status
    if status == AppointmentStatus.CANCELLED_BY_YOUTH:
        return (_("Rendez-vous annulé par le ou la jeune%(detail)s : il n'a pas eu lieu, pas "
                  "de présence à enregistrer.") % {"detail": _cancellation(appointment)})
    if status == AppointmentStatus.CANCELLED_BY_STRUCTURE:
        return (_("Rendez-vous annulé par la structure%(detail)s : il n'a pas eu lieu, pas de "
                  "présence à enregistrer.") % {"detail": _cancellation(appointment)})
    if status == AppointmentStatus.EXPIRED:
        return (_("Réservation jamais confirmée, le créneau a été libéré%(detail)s : "
                  "l'entretien n'a pas eu lieu, pas de présence à enregistrer.")
                % {"detail": _cancellation(appointment)})
    if status == AppointmentStatus.PENDING:
        return _("Réservation en attente de la confirmation du ou de la jeune : la présence "
                 "s'enregistrera une fois le rendez-vous confirmé et commencé.")
    if status not in (AppointmentStatus.CONFIRMED, *ATTENDANCE_STATUSES):
        return (_("Ce rendez-vous n'a pas eu lieu (%(status)s) : il n'y a pas de présence à "
                  "enregistrer.") % {"status": appointment.get_status_display()})
    if not _started(appointment, now):
        return (_("L'entretien n'a pas encore commencé : la présence s'enregistre à partir du "
                  "%(when)s.") % {"when": _when(appointment.starts_at)})
    return ""


def attendance_refusal(*, appointment: Appointment, status: str, now: dt.datetime) -> str:
    """Why ``status`` may not be recorded as ``appointment``'s attendance at ``now`` (a French
    sentence), or "" when it may: see ``appointment_attendance_record`` and
    ``attendance_closed_reason``. Forms call it to show the reason next to the field; the
    service calls it again on the locked row."""
    if status not in ATTENDANCE_STATUSES:
        return _("Choisissez : entretien réalisé, absence, ou annulation au dernier moment.")
    return attendance_closed_reason(appointment=appointment, now=now)


def appointment_attendance_record(*, appointment: Appointment, status: str, by: User,
                                  now: dt.datetime) -> Appointment:
    """Record whether the interview took place: ``done``, ``no_show`` or ``late_cancelled``
    (the young person cancelled at the last minute, counted apart in the statistics).

    Allowed once the start time has passed (Europe/Paris), on a confirmed appointment or one
    whose attendance is already recorded (a correction); otherwise raises ``BookingError``
    with ``attendance_refusal``'s sentence. Each recording or correction writes an
    ``AttendanceRecord`` (who, when, from and to) in the same transaction; recording the
    status it already has changes nothing. Rule source: SPEC §6 and issue 12.
    """
    if status not in ATTENDANCE_STATUSES:
        raise BookingError(attendance_refusal(appointment=appointment, status=status, now=now))
    with transaction.atomic():
        locked = _lock(appointment)
        refusal = attendance_refusal(appointment=locked, status=status, now=now)
        if refusal:
            raise BookingError(refusal)
        if locked.status == status:
            return locked
        previous = locked.status
        locked.status = status
        history_stamp(locked, by=by, at=now)
        locked.save(update_fields=["status", "updated_at"])
        AttendanceRecord.objects.create(appointment=locked, status=status,
                                        previous_status=previous, recorded_by=by,
                                        recorded_by_name=_name(by), recorded_at=now)
    return locked


def interview_note_add(*, appointment: Appointment, text: str, by: User,
                       now: dt.datetime) -> InterviewNote:
    """Add a confidential note to an interview that was confirmed (the fetcher checked who
    may write). Notes are kept as written (no edition): a correction is a new note."""
    text = text.strip()
    if not text:
        raise BookingError(_("La note est vide."))
    if len(text) > NOTE_MAX_LENGTH:
        raise BookingError(_("Une note ne peut dépasser %(count)s caractères.")
                           % {"count": NOTE_MAX_LENGTH})
    if appointment.confirmed_at is None:
        raise BookingError(_("Ce rendez-vous n'est pas confirmé : pas de note possible."))
    return InterviewNote.objects.create(appointment=appointment, author=by,
                                        author_name=_name(by), text=text, created_at=now)


def interview_notes_read(*, appointment: Appointment, request: AuthenticatedHttpRequest,
                         now: dt.datetime) -> list[InterviewNote]:
    """The notes of every interview of this young person with the appointment's structure,
    oldest first, each with its ``appointment`` loaded; the reading is written to the staff
    access log (one entry per reading, even when there is no note yet: the log records that
    the file was opened). One query plus the log entry."""
    notes = list(InterviewNote.objects.filter(
        appointment__youth_id=appointment.youth_id,
        appointment__structure_id=appointment.structure_id,
    ).select_related("appointment").order_by("created_at", "id"))
    access_log_record(request=request, subject_id=appointment.youth_id,
                      action=AccessAction.VIEW, what=str(_("Notes d'entretien")), now=now)
    return notes


def follow_up_add(*, appointment: Appointment, happened_on: dt.date, channel: str,
                  summary: str, by: User, now: dt.datetime) -> FollowUpEntry:
    """Record a follow-up action after the interview: its date (between the interview's day
    and today, Europe/Paris), the channel and what was done."""
    today = now.astimezone(PARIS).date()
    if not _started(appointment, now) or appointment.confirmed_at is None:
        raise BookingError(_("Le suivi s'enregistre après l'entretien."))
    if channel not in FollowUpChannel.values:
        raise BookingError(_("Choisissez comment le suivi a eu lieu."))
    if happened_on > today:
        raise BookingError(_("La date du suivi ne peut pas être dans le futur."))
    if happened_on < appointment.starts_at.astimezone(PARIS).date():
        raise BookingError(_("La date du suivi ne peut pas précéder l'entretien."))
    summary = summary.strip()
    if not summary:
        raise BookingError(_("Décrivez en quelques mots ce qui a été fait."))
    if len(summary) > FOLLOW_UP_MAX_LENGTH:
        raise BookingError(_("Le suivi ne peut dépasser %(count)s caractères.")
                           % {"count": FOLLOW_UP_MAX_LENGTH})
    return FollowUpEntry.objects.create(appointment=appointment, happened_on=happened_on,
                                        channel=channel, summary=summary, author=by,
                                        author_name=_name(by), created_at=now)


def appointment_follow_up_date_set(*, appointment: Appointment, on: dt.date | None, by: User,
                                   now: dt.datetime) -> Appointment:
    """Set (or clear, with ``on=None``) the date on which to follow the young person up; it
    shows in the agenda of the appointment's advisor. The date is after today (Paris) and
    within a year."""
    today = now.astimezone(PARIS).date()
    if on is not None and not today < on <= today + FOLLOW_UP_HORIZON:
        raise BookingError(_("La date de relance doit être dans les douze prochains mois, à "
                             "partir de demain."))
    with transaction.atomic():
        locked = _lock(appointment)
        if locked.confirmed_at is None:
            raise BookingError(_("Ce rendez-vous n'est pas confirmé."))
        if locked.follow_up_on != on:
            locked.follow_up_on = on
            history_stamp(locked, by=by, at=now)
            locked.save(update_fields=["follow_up_on", "updated_at"])
    return locked


class SelectionAlreadySent(BookingError):
    """The same set of programmes was already sent after this appointment: nothing is sent
    again. ``recommendation`` is the selection sent first; the message says when and where the
    young person finds it."""

    def __init__(self, recommendation: ProgrammeRecommendation, *, first_name: str):
        self.recommendation = recommendation
        sent_at = recommendation.created_at.astimezone(PARIS)
        super().__init__(
            _("Cette sélection a déjà été envoyée le %(day)s à %(time)s : rien n'est renvoyé. "
              "%(name)s l'a reçue par e-mail (avec le PDF) et la retrouve dans son espace So "
              "Mobilité (« Mon espace », rubrique « Les programmes que l'on m'a "
              "conseillés »).")
            % {"day": date_format(sent_at, "j F Y"), "time": date_format(sent_at, "H:i"),
               "name": first_name or _("Le ou la jeune")})


def selection_key(sheets: Iterable[ProgrammeSheet]) -> str:
    """The fingerprint of a set of sheets (SHA-256 hex of their sorted ids): the same for the
    same set in any order or with repeats."""
    ids = sorted({sheet.pk for sheet in sheets})
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()


def interview_programmes_send(*, appointment: Appointment, advisor_user: User,
                              sheets: list[ProgrammeSheet], message: str, now: dt.datetime
                              ) -> ProgrammeRecommendation:
    """Send the selected programmes to the young person of ``appointment``
    (``matching.services.programmes_send``: stored with their explanation, emailed with the
    PDF after commit), once per appointment and set of sheets.

    Idempotent under concurrency: the appointment's row is locked (``SELECT … FOR UPDATE``),
    an earlier send of the same set is looked for, and only then is the selection written with
    its ``InterviewSelection``; the unique constraint (appointment, set) has the last word for
    a database without row locks. A repeat (two tabs, a double click) raises
    ``SelectionAlreadySent`` and nothing is stored or emailed; another set, or the same set
    after another appointment, is sent. Raises ``MatchingError`` when ``programmes_send``
    refuses (roles, no sheet, unpublished sheet, no birth date). ``now`` is aware."""
    key = selection_key(sheets)
    with transaction.atomic():
        locked = (Appointment.objects.select_for_update(of=("self",)).select_related("youth")
                  .get(pk=appointment.pk))
        _refuse_if_sent(locked, key)
        recommendation = programmes_send(advisor_user=advisor_user, youth_user=locked.youth,
                                         sheets=sheets, message=message, now=now)
        try:
            with transaction.atomic():
                InterviewSelection.objects.create(appointment=locked,
                                                  recommendation=recommendation,
                                                  sheets_key=key)
        except IntegrityError:
            _refuse_if_sent(locked, key)  # sent meanwhile: this one is rolled back
            raise
    return recommendation


def _refuse_if_sent(appointment: Appointment, key: str) -> None:
    earlier = (InterviewSelection.objects.filter(appointment=appointment, sheets_key=key)
               .select_related("recommendation").first())
    if earlier is not None:
        raise SelectionAlreadySent(earlier.recommendation, first_name=appointment.first_name)
