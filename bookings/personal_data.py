"""Appointments, waiting-list entries and emails in the personal-data export and erasure.

On erasure, future appointments are cancelled (the advisor is told, in neutral words: the emails
about their appointments keep no name, phone or project) and every appointment
keeps only what the statistics need: age at the interview, département, status, domains,
mode, structure, dates and status. Their change history, which copies the personal fields,
is deleted.
"""

import datetime as dt

from django.db.models import Q
from django.utils.timezone import localtime

from privacy.registry import register
from somobilite import clock

from .links import WAITING_LIST_LINK_MAX_AGE
from .models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    FollowUpEntry,
    InterviewNote,
    Notification,
    WaitingListEntry,
)
from .notifications import notifications_anonymise
from .services import appointment_cancel

#: Unconfirmed bookings are deleted this long after their hold expired.
EXPIRED_HOLD_KEPT = dt.timedelta(days=1)

PERSONAL_FIELDS = {
    "first_name": "", "last_name": "", "phone": "", "birth_date": None, "postal_code": "",
    "project": "", "guardian_email": "", "cancel_reason": "",
}


def _appointment(appointment: Appointment) -> dict:
    return {
        "date": localtime(appointment.starts_at).isoformat(),
        "end": localtime(appointment.ends_at).isoformat(),
        "structure": appointment.structure.public_name,
        "advisor": appointment.advisor.user.get_full_name(),
        "mode": appointment.get_mode_display(),
        "place": appointment.place,
        "status": appointment.status_for_youth,  # addressed to them: it is their copy
        "first_name": appointment.first_name,
        "last_name": appointment.last_name,
        "phone": str(appointment.phone or ""),
        "birth_date": appointment.birth_date.isoformat() if appointment.birth_date else None,
        "postal_code": appointment.postal_code,
        "situation": appointment.get_youth_status_display(),
        "domains": appointment.domains,
        "project": appointment.project,
        "consent_given_at": appointment.consent_at.isoformat(),
        "consent_text_version": appointment.consent_text_version,
        "guardian_email": appointment.guardian_email,
        "guardian_consent": appointment.guardian_consent,
        "cancel_reason": appointment.cancel_reason,
    }


def export(user) -> dict:
    appointments = (Appointment.objects.filter(youth=user)
                    .select_related("structure", "advisor__user").order_by("starts_at"))
    return {
        "appointments": [_appointment(a) for a in appointments],
        "waiting_list": [
            {"departement": e.departement, "mode": e.get_mode_display(),
             "registered_at": e.created_at.isoformat()}
            for e in WaitingListEntry.objects.filter(email__iexact=user.email)
        ],
        "emails_sent": [
            {"kind": n.get_kind_display(), "created_at": n.created_at.isoformat(),
             "sent_at": n.sent_at.isoformat() if n.sent_at else None}
            for n in Notification.objects.filter(to__iexact=user.email).order_by("created_at")
        ],
    }


def erase(user, *, now: dt.datetime) -> None:
    future = Appointment.objects.filter(youth=user, status__in=ACTIVE_STATUSES,
                                        starts_at__gt=now)
    for appointment in future:
        appointment_cancel(appointment=appointment, by_youth=True,
                           reason="Compte supprimé à la demande de la personne", now=now)
    appointments = Appointment.objects.filter(youth=user)
    Appointment.history.filter(id__in=appointments.values("id")).delete()
    appointments.update(**PERSONAL_FIELDS)
    Notification.objects.filter(to__iexact=user.email).delete()
    notifications_anonymise(appointment_ids=appointments.values("id"))
    WaitingListEntry.objects.filter(email__iexact=user.email).delete()


def purge_expired(*, now: dt.datetime) -> dict[str, int]:
    """Unconfirmed bookings a day after their hold expired, expired waiting-list entries, and
    sign-ups whose confirmation link was never followed."""
    expired = Appointment.objects.filter(status=AppointmentStatus.EXPIRED,
                                         hold_expires_at__lt=clock.before(now, EXPIRED_HOLD_KEPT))
    Appointment.history.filter(id__in=expired.values("id")).delete()
    _, deleted = expired.delete()
    unconfirmed = deleted.get(Appointment._meta.label, 0)
    waiting, _ = WaitingListEntry.objects.filter(
        Q(expires_at__lt=now)
        | Q(confirmed_at__isnull=True, created_at__lt=now - WAITING_LIST_LINK_MAX_AGE)).delete()
    return {"unconfirmed_bookings_deleted": unconfirmed, "waiting_list_entries_deleted": waiting}


def export_interview_record(user) -> dict:
    """The advisors' confidential notes and follow-up entries about this person.

    Included on purpose: the GDPR right of access (article 15) covers every piece of personal
    data held about a person, and these notes are kept in a file shared by the structure's
    advisors and the coordination, not as one worker's private memo; no exception of
    article 15(4) or of French law (article 23 restrictions) applies to this information
    service. Advisors are told so on the interview screen, next to the notes."""
    notes = (InterviewNote.objects.filter(appointment__youth=user)
             .select_related("appointment__structure").order_by("created_at", "id"))
    entries = (FollowUpEntry.objects.filter(appointment__youth=user)
               .select_related("appointment__structure").order_by("happened_on", "id"))
    return {
        "interview_notes": [
            {"date": note.created_at.isoformat(), "author": note.author_name,
             "structure": note.appointment.structure.public_name,
             "interview": localtime(note.appointment.starts_at).isoformat(), "text": note.text}
            for note in notes],
        "follow_ups": [
            {"date": entry.happened_on.isoformat(), "channel": entry.get_channel_display(),
             "author": entry.author_name, "structure": entry.appointment.structure.public_name,
             "summary": entry.summary}
            for entry in entries],
    }


def erase_interview_record(user, *, now: dt.datetime) -> None:
    """Notes and follow-up texts go with the account; the attendance trace (outcomes, who
    recorded them) stays with the anonymised appointment for the statistics."""
    InterviewNote.objects.filter(appointment__youth=user).delete()
    FollowUpEntry.objects.filter(appointment__youth=user).delete()
    Appointment.objects.filter(youth=user).update(follow_up_on=None)


register("interview_record", export=export_interview_record, erase=erase_interview_record,
         order=90)
register("bookings", export=export, erase=erase, order=100,
         activity_lookups=("appointments__ends_at",), purge_expired=purge_expired)
