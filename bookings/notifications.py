"""Emails of the booking domain (French, HTML and plain text, with an .ics when it concerns an
appointment), sent through an outbox.

Delivery guarantees:

- A service that decides an email writes a ``Notification`` row in its own transaction
  (``queue``); after commit a Celery task delivers it (``deliver``). If the broker is down or
  the task is lost, the periodic sweep (``send_pending``) delivers it later.
- Reminders: ``reminders_send_due`` claims due reminders with ``SELECT … FOR UPDATE SKIP
  LOCKED``, marks ``reminder_sent_at`` and writes their outbox rows in the same transaction,
  then delivers them. State is the source of truth: a second run (or a retried task) finds
  nothing to claim; a worker killed between the claim and the send leaves unsent outbox rows
  that the sweep delivers. ``deliver`` locks the row and skips it once ``sent_at`` is set, so
  an email can only go twice if the process dies after the SMTP server accepted it and before
  the commit that records it (at-least-once, never silently lost).
"""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from somobilite.celery import publish_on_commit

from .compliance import weekly_compliance
from .links import (
    appointment_manage_url,
    booking_search_url,
    staff_hold_code,
    staff_hold_confirm_url,
    waiting_list_confirm_url,
)
from .models import Appointment, AppointmentStatus, Mode, Notification, NotificationKind
from .slots import PARIS

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10

SUBJECTS = {
    NotificationKind.YOUTH_CONFIRMATION: "Votre rendez-vous So Mobilité du {when} est confirmé",
    NotificationKind.YOUTH_CHANGE: "Votre rendez-vous So Mobilité est déplacé au {when}",
    NotificationKind.YOUTH_CANCELLATION: "Votre rendez-vous So Mobilité du {when} est annulé",
    NotificationKind.YOUTH_REMINDER: "Rappel : votre rendez-vous So Mobilité le {when}",
    NotificationKind.ADVISOR_NEW: "Nouveau rendez-vous le {when}",
    NotificationKind.ADVISOR_MOVED: "Rendez-vous déplacé au {when}",
    NotificationKind.ADVISOR_CANCELLED: "Rendez-vous annulé : {when}",
    NotificationKind.WAITING_LIST_SLOT: "Un créneau So Mobilité s'est libéré",
    NotificationKind.WAITING_LIST_CONFIRM: "Confirmez votre inscription sur la liste d'attente",
    NotificationKind.BOOKING_REFUSED: "Votre demande de rendez-vous So Mobilité",
    NotificationKind.COMPLIANCE_DIGEST: "Conformité hebdomadaire des structures",
    NotificationKind.YOUTH_STAFF_HOLD: "Confirmez votre rendez-vous So Mobilité du {when}",
}
ICS_METHOD = {
    NotificationKind.YOUTH_CONFIRMATION: "REQUEST",
    NotificationKind.YOUTH_CHANGE: "REQUEST",
    NotificationKind.YOUTH_CANCELLATION: "CANCEL",
    NotificationKind.ADVISOR_NEW: "REQUEST",
    NotificationKind.ADVISOR_MOVED: "REQUEST",
    NotificationKind.ADVISOR_CANCELLED: "CANCEL",
}


def queue(*, kind: str, to: str, now: dt.datetime, appointment: Appointment | None = None,
          payload: dict[str, Any] | None = None) -> Notification:
    """Record an email to send; it leaves once the caller's transaction has committed."""
    from .tasks import deliver_notification

    notification = Notification.objects.create(kind=kind, to=to, appointment=appointment,
                                               payload=payload or {}, created_at=now)
    publish_on_commit(deliver_notification, notification.pk)
    return notification


def offer_to_waiting_list(*, advisor_ids: list[int]) -> None:
    """After commit, tell people waiting about the free slots of these advisors."""
    from .tasks import offer_slots_to_waiting_list

    publish_on_commit(offer_slots_to_waiting_list, advisor_ids)


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(PARIS)


def _when(moment: dt.datetime) -> str:
    return _local(moment).strftime("%d/%m/%Y à %H:%M")


def _organizer() -> tuple[str, str]:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name or "So Mobilité", address


def _location(appointment: Appointment) -> str:
    if appointment.mode == Mode.VIDEO:
        return appointment.video_url
    if appointment.mode == Mode.PHONE:
        return _("Par téléphone (la personne qui vous reçoit vous appelle)")
    return appointment.place


def appointment_ics(appointment: Appointment, *, method: str, now: dt.datetime) -> bytes:
    """iCalendar for the appointment: stable UID (the public id) and SEQUENCE, so calendar
    apps update the same entry on change and remove it on cancellation."""
    name, address = _organizer()
    calendar = Calendar()
    calendar.add("prodid", "-//So Mobilité//Rendez-vous//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"{appointment.public_id}@somobilite.fr")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("summary", _("Entretien So Mobilité, %(structure)s")
              % {"structure": appointment.structure.public_name})
    event.add("location", _location(appointment))
    event.add("description", _("Gérer ce rendez-vous : %(url)s")
              % {"url": appointment_manage_url(appointment)})
    cancelled = method == "CANCEL"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{appointment.youth.email}")
    attendee.params["cn"] = vText(f"{appointment.first_name} {appointment.last_name}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def _context(notification: Notification) -> dict[str, Any]:
    context: dict[str, Any] = {"payload": notification.payload, "site_url": settings.SITE_URL,
                               "search_url": booking_search_url()}
    appointment = notification.appointment
    if appointment is not None:
        old = notification.payload.get("old_starts_at")
        context.update(
            appointment=appointment,
            structure=appointment.structure,
            advisor_name=appointment.advisor.user.get_full_name(),
            starts_at=_local(appointment.starts_at),
            ends_at=_local(appointment.ends_at),
            old_starts_at=_local(dt.datetime.fromisoformat(old)) if old else None,
            mode_label=appointment.get_mode_display(),
            location=_location(appointment),
            manage_url=appointment_manage_url(appointment),
            by_structure=appointment.status == AppointmentStatus.CANCELLED_BY_STRUCTURE,
        )
    if notification.kind == NotificationKind.YOUTH_STAFF_HOLD and appointment is not None:
        context.update(code=staff_hold_code(appointment),
                       confirm_url=staff_hold_confirm_url(appointment),
                       hold_expires_at=_local(appointment.hold_expires_at))
    if notification.kind == NotificationKind.WAITING_LIST_CONFIRM:
        context["confirm_url"] = waiting_list_confirm_url(notification.payload["entry_id"])
        context["mode_label"] = Mode(notification.payload["mode"]).label
    if notification.kind == NotificationKind.WAITING_LIST_SLOT:
        context["slot_starts_at"] = _local(dt.datetime.fromisoformat(
            notification.payload["starts_at"]))
        context["mode_label"] = Mode(notification.payload["mode"]).label
    return context


def build_message(notification: Notification, *, now: dt.datetime) -> EmailMultiAlternatives:
    context = _context(notification)
    kind = notification.kind
    when = ""
    if notification.appointment is not None:
        when = _when(notification.appointment.starts_at)
        if kind in (NotificationKind.YOUTH_CANCELLATION, NotificationKind.ADVISOR_CANCELLED):
            when = _when(context["old_starts_at"] or notification.appointment.starts_at)
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{SUBJECTS[kind].format(when=when)}"
    text = render_to_string(f"bookings/email/{kind}.txt", context)
    html = render_to_string(f"bookings/email/{kind}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL,
                                     [notification.to])
    message.attach_alternative(html, "text/html")
    if kind in ICS_METHOD and notification.appointment is not None:
        method = ICS_METHOD[kind]
        message.attach("rendez-vous.ics",
                       appointment_ics(notification.appointment, method=method, now=now),
                       f"text/calendar; method={method}")
    return message


def deliver(*, notification_id: int, now: dt.datetime) -> bool:
    """Send one outbox row unless already sent or being sent. True when it left now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("appointment__structure", "appointment__advisor__user",
                            "appointment__youth")
            .filter(pk=notification_id, sent_at__isnull=True).first()
        )
        if notification is None:
            return False
        notification.attempts += 1
        try:
            build_message(notification, now=now).send()
        except Exception as exc:  # SMTP or template failure: keep the row for the sweep.
            logger.exception("Email %s could not be sent", notification.pk)
            notification.last_error = repr(exc)[:2000]
            notification.save(update_fields=["attempts", "last_error"])
            return False
        notification.sent_at = now
        notification.save(update_fields=["attempts", "sent_at"])
    return True


def send_pending(*, now: dt.datetime) -> int:
    """Sweep: deliver outbox rows whose task was lost or failed, once they are older than
    ``OUTBOX_SWEEP_DELAY_SECONDS`` (the time their own task normally takes). Returns how many
    left now."""
    grace = dt.timedelta(seconds=settings.OUTBOX_SWEEP_DELAY_SECONDS)
    ids = list(Notification.objects.filter(
        sent_at__isnull=True, created_at__lte=now - grace, attempts__lt=MAX_ATTEMPTS,
    ).order_by("created_at").values_list("pk", flat=True)[:500])
    return sum(deliver(notification_id=pk, now=now) for pk in ids)


def reminders_send_due(*, now: dt.datetime) -> int:
    """Claim every due reminder (see module docstring), then send them. Returns how many."""
    with transaction.atomic():
        due = list(
            Appointment.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=AppointmentStatus.CONFIRMED, reminder_due_at__lte=now,
                    reminder_sent_at__isnull=True, starts_at__gt=now)
            .select_related("youth")
            .order_by("reminder_due_at")[:500]
        )
        outbox = []
        for appointment in due:
            appointment.reminder_sent_at = now
            appointment.save(update_fields=["reminder_sent_at", "updated_at"])
            outbox.append(Notification.objects.create(
                kind=NotificationKind.YOUTH_REMINDER, to=appointment.youth.email,
                appointment=appointment, created_at=now))
    return sum(deliver(notification_id=n.pk, now=now) for n in outbox)


def compliance_digest_queue(*, now: dt.datetime) -> Notification:
    """Weekly digest to the coordination: structures below the minimum in the coming weeks."""
    today = now.astimezone(PARIS).date()
    rows = [row for row in weekly_compliance(start_week=today,
                                             weeks=settings.BOOKING_HORIZON_WEEKS, now=now)
            if row.below_minimum]
    payload = {"rows": [
        {"structure": r.structure_name, "departement": r.departement,
         "week": f"{r.iso_year}-S{r.iso_week:02d}", "week_start": r.week_start.isoformat(),
         "hours": r.hours_offered, "minimum": r.minimum_hours, "reason": r.reason}
        for r in rows
    ]}
    with transaction.atomic():
        return queue(kind=NotificationKind.COMPLIANCE_DIGEST, to=settings.COORDINATION_EMAIL,
                     payload=payload, now=now)
