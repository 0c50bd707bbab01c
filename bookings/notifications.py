"""Emails of the booking domain (French, HTML and plain text, with an .ics when it concerns an
appointment), sent through an outbox.

Public contract (keyword-only arguments, aware datetimes):

- ``appointment_snapshot(appointment) -> dict``: what an email about the appointment tells, as
  it is now (JSON-ready; times in UTC ISO 8601).
- ``queue(*, kind, to, now, appointment=None, payload=None, snapshot=None) -> Notification``;
  ``queue_together(*, messages, now, appointment) -> list[Notification]``: several emails about
  one appointment (one snapshot), delivered by one task.
- ``deliver(*, notification_id, now, connection=None) -> bool``, ``send_pending(*, now) -> int``,
  ``reminders_send_due(*, now) -> int``, ``compliance_digest_queue(*, now) -> Notification``.
- ``notifications_anonymise(*, appointment_ids)``: after an account is erased.
- ``appointment_ics(snapshot, *, appointment, method, now, for_advisor=False) -> bytes``.
- ``warm_up()``: what a worker's first email would pay, done before its first task.

Delivery guarantees:

- A service that decides an email writes a ``Notification`` row in its own transaction
  (``queue``); after commit a Celery task delivers it (``deliver``). If the broker is down or
  the task is lost, the periodic sweep (``send_pending``) delivers it later.
- An email tells what was true when it was decided, never what is true when it leaves: the row
  carries the appointment's snapshot (version, status, times, place, names, and the old time of
  a move) and is rendered from it alone, .ics included, so the .ics SEQUENCE always belongs to
  the content it describes.
- A message that waited is dropped, not sent, when it is no longer true: when a later message
  about the same appointment *to the same recipient* carries a higher version (a move or a
  cancellation superseded it), or when it is a reminder and the interview has started. The row
  stays, marked ``obsolete_at`` with the reason (visible in admin). Another recipient's messages
  are never affected: the advisor who lost an appointment by a move still gets her notice
  after a second move.
- A change committed while an earlier message is being handed to the SMTP server does not stop
  that message (it was true when delivery began): the newer one, with its higher SEQUENCE,
  follows it and calendar clients keep the newer version.
- Reminders: ``reminders_send_due`` claims due reminders with ``SELECT … FOR UPDATE SKIP
  LOCKED``, marks ``reminder_sent_at`` and writes their outbox rows in the same transaction,
  then delivers them. State is the source of truth: a second run (or a retried task) finds
  nothing to claim; a worker killed between the claim and the send leaves unsent outbox rows
  that the sweep delivers. ``deliver`` locks the row and skips it once ``sent_at`` or
  ``obsolete_at`` is set, so an email can only go twice if the process dies after the SMTP
  server accepted it and before the commit that records it (at-least-once, never silently
  lost), and then with the row's own ``Message-ID``, which mail clients collapse. A failed
  attempt is retried with backoff (``outbox.delivery``).
- After a young person's account is erased, the rows about their appointments keep no name,
  phone or project: the emails still to send use neutral wording.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from icalendar import Calendar, Event, vCalAddress, vText

from advisors.conventions import CHANGE_KINDS, fmt
from advisors.selectors import conventions_coming
from advisors.services import convention_events_record
from outbox.delivery import attempt_send, due_ids, mail_connection
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

SUBJECTS: dict[str, str] = {
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
    NotificationKind.HELP_REQUEST_NEW: "Demande d'aide : {subject}",
    NotificationKind.HELP_REQUEST_ANSWERED: "Réponse de la coordination : {subject}",
    NotificationKind.HELP_REQUEST_CLOSED: "Demande d'aide close : {subject}",
    NotificationKind.EVALUATION_INVITATION: "Votre avis sur votre entretien So Mobilité",
    NotificationKind.CONVENTION_WATCH: "Conventions : {subject}",
}
ICS_METHOD: dict[str, str] = {
    NotificationKind.YOUTH_CONFIRMATION: "REQUEST",
    NotificationKind.YOUTH_CHANGE: "REQUEST",
    NotificationKind.YOUTH_CANCELLATION: "CANCEL",
    NotificationKind.ADVISOR_NEW: "REQUEST",
    NotificationKind.ADVISOR_MOVED: "REQUEST",
    NotificationKind.ADVISOR_CANCELLED: "CANCEL",
}
ADVISOR_KINDS = frozenset({NotificationKind.ADVISOR_NEW, NotificationKind.ADVISOR_MOVED,
                           NotificationKind.ADVISOR_CANCELLED})
#: Snapshot keys that name or reach the young person: removed when their account is erased.
PERSONAL_SNAPSHOT_KEYS = ("first_name", "last_name", "phone", "project", "cancel_reason",
                          "youth_email")


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def appointment_snapshot(appointment: Appointment) -> dict[str, Any]:
    """What an email about ``appointment`` tells, as the appointment is now.

    Keys: ``sequence`` (int), ``status``, ``starts_at``/``ends_at`` (UTC ISO 8601), ``mode``,
    ``place``, ``video_url``, ``phone`` (as shown, or ""), ``structure`` (public name),
    ``advisor_name``, ``booked_by_name`` (who made the booking for the young person, an
    advisor possibly not the one who receives: tester t9c #11; "" when the young person booked
    or the account is gone), ``first_name``, ``last_name``, ``youth_email``, ``project``,
    ``cancel_reason``, ``hold_expires_at`` (UTC ISO 8601 while pending, else None). Needs
    ``structure``, ``advisor.user`` and ``youth`` (one query each unless selected with the
    appointment).
    """
    return {
        "sequence": appointment.sequence,
        "status": appointment.status,
        "starts_at": _iso(appointment.starts_at),
        "ends_at": _iso(appointment.ends_at),
        "mode": appointment.mode,
        "place": appointment.place,
        "video_url": appointment.video_url,
        "phone": str(appointment.phone or ""),
        "structure": appointment.structure.public_name,
        "advisor_name": appointment.advisor.user.get_full_name(),
        "booked_by_name": (appointment.booked_by.get_full_name()
                           if appointment.booked_by_id is not None
                           and appointment.booked_by is not None else ""),
        "first_name": appointment.first_name,
        "last_name": appointment.last_name,
        "youth_email": appointment.youth.email,
        "project": appointment.project,
        "cancel_reason": appointment.cancel_reason,
        "hold_expires_at": (_iso(appointment.hold_expires_at)
                            if appointment.status == AppointmentStatus.PENDING
                            and appointment.hold_expires_at is not None else None),
    }


def _row(*, kind: str, to: str, now: dt.datetime, appointment: Appointment | None,
         payload: dict[str, Any] | None, snapshot: dict[str, Any] | None) -> Notification:
    """The outbox row of one email, not saved yet (its Message-ID already given)."""
    content = dict(payload or {})
    sequence = None
    if appointment is not None:
        content = {**(snapshot or appointment_snapshot(appointment)), **content}
        sequence = content["sequence"]
    return Notification(kind=kind, to=to, appointment=appointment, sequence=sequence,
                        payload=content, created_at=now)


def _record(*, kind: str, to: str, now: dt.datetime, appointment: Appointment | None,
            payload: dict[str, Any] | None, snapshot: dict[str, Any] | None) -> Notification:
    row = _row(kind=kind, to=to, now=now, appointment=appointment, payload=payload,
               snapshot=snapshot)
    row.save(force_insert=True)
    return row


def queue(*, kind: str, to: str, now: dt.datetime, appointment: Appointment | None = None,
          payload: dict[str, Any] | None = None, snapshot: dict[str, Any] | None = None,
          ) -> Notification:
    """Record an email to send; it leaves once the caller's transaction has committed.

    About an appointment, the row carries ``snapshot`` (by default the appointment as it is
    now, see ``appointment_snapshot``) updated with ``payload`` (e.g. ``old_starts_at``); the
    email is rendered from that alone.
    """
    from .tasks import deliver_notification

    notification = _record(kind=kind, to=to, now=now, appointment=appointment, payload=payload,
                           snapshot=snapshot)
    publish_on_commit(deliver_notification, notification.pk)
    return notification


def queue_together(*, messages: list[tuple[str, str]], now: dt.datetime,
                   appointment: Appointment) -> list[Notification]:
    """``queue`` for several emails about ``appointment`` decided at once, ``messages`` being
    (kind, recipient) pairs: the rows share one snapshot of the appointment as it is now, and
    one task delivers them in order after commit (one task instead of one per email: a task
    costs the worker more than rendering its email). The rows are written by one INSERT
    (no signal listens to them). Same guarantees as ``queue``."""
    from .tasks import deliver_notifications

    snapshot = appointment_snapshot(appointment)
    rows = Notification.objects.bulk_create(
        [_row(kind=kind, to=to, now=now, appointment=appointment, payload=None,
              snapshot=snapshot) for kind, to in messages])
    publish_on_commit(deliver_notifications, [row.pk for row in rows])
    return rows


def offer_to_waiting_list(*, advisor_ids: list[int]) -> None:
    """After commit, tell people waiting about the free slots of these advisors."""
    from .tasks import offer_slots_to_waiting_list

    publish_on_commit(offer_slots_to_waiting_list, advisor_ids)


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(PARIS)


def _when(moment: dt.datetime) -> str:
    return _local(moment).strftime("%d/%m/%Y à %H:%M")


def _moment(value: str | None) -> dt.datetime | None:
    return _local(dt.datetime.fromisoformat(value)) if value else None


def _organizer() -> tuple[str, str]:
    return _organizer_of(settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=4)
def _organizer_of(from_email: str) -> tuple[str, str]:
    """Name and address of ``DEFAULT_FROM_EMAIL``, parsed once per value (every .ics names it)."""
    name, address = parseaddr(from_email)
    return name or "So Mobilité", address


def _youth_name(snapshot: dict[str, Any]) -> str:
    return f"{snapshot.get('first_name', '')} {snapshot.get('last_name', '')}".strip()


def _location(snapshot: dict[str, Any], *, for_advisor: bool) -> str:
    """Where the interview takes place, worded for its reader: the video link, the phone
    arrangement or the address. What does not exist yet is said, never left blank (tester
    t9a #7): a video room is created at confirmation, so a booking an advisor made for the
    young person (``YOUTH_STAFF_HOLD``) has no link yet."""
    if snapshot["mode"] == Mode.VIDEO:
        if snapshot.get("video_url"):
            return snapshot["video_url"]
        return (_("le lien de la visio sera créé à la confirmation du rendez-vous")
                if for_advisor else
                _("le lien de la visio vous sera envoyé avec la confirmation du rendez-vous"))
    if snapshot["mode"] == Mode.PHONE:
        if for_advisor:
            phone = snapshot.get("phone")
            return (_("Par téléphone : vous appelez la personne au %(phone)s") % {"phone": phone}
                    if phone else _("Par téléphone : vous appelez la personne"))
        return _("Par téléphone (la personne qui vous reçoit vous appelle)")
    return snapshot["place"] or _("l'adresse de la structure %(structure)s") % {
        "structure": snapshot["structure"]}


def appointment_ics(snapshot: dict[str, Any], *, appointment: Appointment, method: str,
                    now: dt.datetime, for_advisor: bool = False,
                    manage_url: str | None = None) -> bytes:
    """iCalendar of an appointment as ``snapshot`` describes it (``appointment_snapshot``);
    ``appointment`` gives only its identity (UID, management link), never its content.
    ``manage_url``: the management link when the caller has already signed it (the email
    beside the .ics shows it too), else it is signed here.

    UID is the appointment's public id (stable) and SEQUENCE the snapshot's version, so
    calendar apps update the same entry on change and remove it on cancellation, and the
    SEQUENCE always belongs to the content beside it. The young person's copy links to the
    management page; the advisor's does not (that link acts as the young person).
    """
    name, address = _organizer()
    calendar = Calendar()
    calendar.add("prodid", "-//So Mobilité//Rendez-vous//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"{appointment.public_id}@somobilite.fr")
    event.add("sequence", snapshot["sequence"])
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", dt.datetime.fromisoformat(snapshot["starts_at"]).astimezone(dt.UTC))
    event.add("dtend", dt.datetime.fromisoformat(snapshot["ends_at"]).astimezone(dt.UTC))
    event.add("summary", _("Entretien So Mobilité, %(structure)s")
              % {"structure": snapshot["structure"]})
    event.add("location", _location(snapshot, for_advisor=for_advisor))
    if not for_advisor:
        event.add("description", _("Gérer ce rendez-vous : %(url)s")
                  % {"url": manage_url or appointment_manage_url(appointment)})
    cancelled = method == "CANCEL"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name)
    event.add("organizer", organizer)
    if snapshot.get("youth_email"):
        attendee = vCalAddress(f"mailto:{snapshot['youth_email']}")
        attendee.params["cn"] = vText(_youth_name(snapshot))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


#: The templates every email of this module is made of (an email extends ``base.html`` and
#: includes the details of the appointment).
EMAIL_PARTS = ("base.html", "_details.html", "_details.txt", "_phone.txt")


def warm_up() -> None:
    """Do once, before a worker's first task, what its first email would otherwise pay (~100 ms
    of CPU in a fresh Celery worker's first confirmation task, against ~20 ms for the next
    ones): load the French translations, build the URL resolver's index of reverse look-ups
    (the emails' links), compile the template of every kind of email and their parts (kept by
    the cached template loader, production's) and make a first calendar with icalendar.
    ``bookings.tasks`` calls it in the worker's main process before it forks its children,
    which start with all of it. Reads neither the database nor the cache."""
    with translation.override(settings.LANGUAGE_CODE):
        booking_search_url()
        appointment_manage_url(Appointment(public_id=uuid.UUID(int=0)))
        reverse("backoffice:interview", args=[uuid.UUID(int=0)])
        for name in (*(f"{kind}.{ext}" for kind in SUBJECTS for ext in ("txt", "html")),
                     *EMAIL_PARTS):
            get_template(f"bookings/email/{name}")
        calendar = Calendar()
        calendar.add("prodid", "-//So Mobilité//Rendez-vous//FR")
        calendar.to_ical()


def _context(notification: Notification) -> dict[str, Any]:
    """Template context, from the row alone (never from the appointment as it is now)."""
    payload = notification.payload
    context: dict[str, Any] = {"payload": payload, "site_url": settings.SITE_URL,
                               "search_url": booking_search_url()}
    appointment = notification.appointment
    if appointment is not None:
        for_advisor = notification.kind in ADVISOR_KINDS
        context.update(
            for_advisor=for_advisor,
            starts_at=_moment(payload["starts_at"]),
            ends_at=_moment(payload["ends_at"]),
            old_starts_at=_moment(payload.get("old_starts_at")),
            structure_name=payload["structure"],
            mode=payload["mode"],
            mode_label=Mode(payload["mode"]).label,
            location=_location(payload, for_advisor=for_advisor),
            video_url=payload.get("video_url", ""),
            phone=payload.get("phone", ""),
            advisor_name=payload["advisor_name"],
            # The person who booked, as the confirmation page names her (the advisor who
            # receives when unknown, on both).
            booked_by_name=payload.get("booked_by_name") or payload["advisor_name"],
            youth_first_name=payload.get("first_name", ""),
            youth_name=_youth_name(payload),
            project=payload.get("project", ""),
            cancel_reason=payload.get("cancel_reason", ""),
            by_structure=payload["status"] == AppointmentStatus.CANCELLED_BY_STRUCTURE,
            anonymised=payload.get("anonymised", False),
            manage_url="" if for_advisor else appointment_manage_url(appointment),
            public_id=appointment.public_id,
        )
    if notification.kind == NotificationKind.YOUTH_STAFF_HOLD and appointment is not None:
        # Credentials, not content: the code and link valid now (a resend changes them and
        # supersedes the earlier copies, see ``obsolete_reason``).
        context.update(code=staff_hold_code(appointment),
                       confirm_url=staff_hold_confirm_url(appointment),
                       hold_expires_at=_moment(payload.get("hold_expires_at")))
    if notification.kind == NotificationKind.EVALUATION_INVITATION:
        context["expires_at"] = _moment(payload.get("expires_at"))
    if notification.kind == NotificationKind.WAITING_LIST_CONFIRM:
        context["confirm_url"] = waiting_list_confirm_url(payload["entry_id"])
        context["mode_label"] = Mode(payload["mode"]).label
    if notification.kind == NotificationKind.WAITING_LIST_SLOT:
        context["slot_starts_at"] = _moment(payload["starts_at"])
        context["mode_label"] = Mode(payload["mode"]).label
    return context


def build_message(notification: Notification, *, now: dt.datetime) -> EmailMultiAlternatives:
    """The email of an outbox row, rendered from its payload (see ``_context``)."""
    context = _context(notification)
    kind = notification.kind
    when = ""
    if notification.appointment_id is not None:
        when = _when(context["starts_at"])
        if kind in (NotificationKind.YOUTH_CANCELLATION, NotificationKind.ADVISOR_CANCELLED):
            when = _when(context["old_starts_at"] or context["starts_at"])
    # The outbox adds « [So Mobilité] » (outbox.delivery.subject_with_prefix).
    subject = SUBJECTS[kind].format(when=when, subject=notification.payload.get("subject", ""))
    text = render_to_string(f"bookings/email/{kind}.txt", context)
    html = render_to_string(f"bookings/email/{kind}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL,
                                     [notification.to])
    message.attach_alternative(html, "text/html")
    if kind in ICS_METHOD and (appointment := notification.appointment) is not None:
        method = ICS_METHOD[kind]
        message.attach("rendez-vous.ics",
                       appointment_ics(notification.payload,
                                       appointment=appointment,
                                       method=method, now=now,
                                       for_advisor=context["for_advisor"],
                                       manage_url=context["manage_url"] or None),
                       f"text/calendar; method={method}")
    return message


#: Messages that lose their point at a moment of their snapshot: a reminder once the interview
#: has started, a "confirm your appointment" once the hold has expired.
EXPIRES_WITH: dict[str, tuple[str, Promise]] = {
    NotificationKind.YOUTH_REMINDER: ("starts_at", _lazy(
        "Rappel non envoyé : l'entretien a déjà commencé.")),
    NotificationKind.YOUTH_STAFF_HOLD: ("hold_expires_at", _lazy(
        "Non envoyé : la réservation provisoire a expiré avant l'envoi.")),
}


def _later_rows(*, pk: Any, appointment_id: Any, to: Any, sequence: Any,
                ) -> QuerySet[Notification]:
    """The rows that may supersede a row: about the same appointment, to the same recipient
    (whatever the case of the address), of the same or a higher version. Values or
    ``OuterRef``s (``deliver`` asks whether one exists while it locks the row)."""
    return (Notification.objects
            .filter(appointment_id=appointment_id, to__iexact=to, sequence__gte=sequence)
            .exclude(pk=pk))


def obsolete_reason(notification: Notification, *, now: dt.datetime,
                    later_rows_exist: bool | None = None) -> str:
    """Why this unsent row must not be sent any more ("" when it is still true).

    Superseded: a later row about the same appointment *to the same recipient* describes a
    newer state — a higher version (a move, a cancellation), the same version once a hold was
    confirmed or released, or the same message sent again (a new code). Whether that later row
    was sent, is waiting or was itself superseded does not matter. Too late: see
    ``EXPIRES_WITH``.

    ``later_rows_exist``: False when the caller has just read that no such later row exists
    (``deliver``, with its lock): then they are not read again. None: they are read here.
    """
    own = notification.sequence  # set on every row about an appointment (a constraint)
    if notification.appointment_id is None or own is None:
        return ""
    payload = notification.payload
    expiry = EXPIRES_WITH.get(notification.kind)
    if expiry and payload.get(expiry[0]) and dt.datetime.fromisoformat(payload[expiry[0]]) <= now:
        return str(expiry[1])
    if later_rows_exist is False:
        return ""
    pending = payload.get("status") == AppointmentStatus.PENDING
    later = (_later_rows(pk=notification.pk, appointment_id=notification.appointment_id,
                         to=notification.to, sequence=own)
             .values_list("pk", "kind", "sequence", "payload__status"))
    for pk, kind, sequence, status in later:
        if sequence is not None and sequence > own:  # never None here: filtered on >=
            return _("Remplacé par un message plus récent sur ce rendez-vous (version "
                     "%(newer)s, celui-ci décrivait la version %(own)s).") % {
                         "newer": sequence, "own": own}
        if pending and status != AppointmentStatus.PENDING:
            return _("Remplacé : la réservation provisoire a été confirmée ou libérée depuis.")
        if kind == notification.kind and pk > notification.pk:
            return _("Remplacé par le même message envoyé à nouveau depuis.")
    return ""


#: What ``deliver`` reads: the whole row, and of its appointment only what names it (the UID
#: of the .ics, the management link) and the code of a booking made by an advisor; the email
#: itself is written from the row's snapshot (``_context``). Any other field would be read
#: when used.
_DELIVERY_FIELDS = (*(field.name for field in Notification._meta.concrete_fields),
                    "appointment__public_id", "appointment__confirmation_secret")


def deliver(*, notification_id: int, now: dt.datetime,
            connection: BaseEmailBackend | None = None) -> bool:
    """Send one outbox row unless already sent, dropped or being sent, or no longer true (then
    it is marked obsolete with the reason). True when it left now. Every attempt carries the
    row's Message-ID; a failure is recorded with the next attempt's time
    (``outbox.delivery.attempt_send``). ``connection``: one connection to the mail server
    shared by several sends (``outbox.delivery.mail_connection``), else one per email.

    The statement that locks the row also tells whether a later row may supersede it
    (``_later_rows``): nearly always none (a confirmation's two emails go to two people), and
    then ``obsolete_reason`` reads nothing more — two statements per email, the lock and the
    record of the attempt."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("appointment").only(*_DELIVERY_FIELDS)
            .filter(pk=notification_id, sent_at__isnull=True, obsolete_at__isnull=True)
            .annotate(later_rows_exist=Exists(_later_rows(
                pk=OuterRef("pk"), appointment_id=OuterRef("appointment_id"),
                to=OuterRef("to"), sequence=OuterRef("sequence"))))
            .order_by().first()
        )
        if notification is None:
            return False
        reason = obsolete_reason(notification, now=now,
                                 later_rows_exist=notification.later_rows_exist)
        if reason:
            notification.obsolete_at = now
            notification.obsolete_reason = reason[:255]
            notification.save(update_fields=["obsolete_at", "obsolete_reason"])
            return False
        return attempt_send(notification, build=lambda: build_message(notification, now=now),
                            now=now, connection=connection)


def send_pending(*, now: dt.datetime) -> int:
    """Sweep: deliver outbox rows whose task was lost (once older than
    ``OUTBOX_SWEEP_DELAY_SECONDS``, the time their own task normally takes) or whose last
    attempt failed and whose backoff has passed (``outbox.delivery.due``). Returns how many
    left now. One connection to the mail server for the sweep (``mail_connection``)."""
    with mail_connection() as connection:
        return sum(deliver(notification_id=pk, now=now, connection=connection)
                   for pk in due_ids(Notification, now=now))


def reminders_send_due(*, now: dt.datetime) -> int:
    """Claim every due reminder (see module docstring), then send them. Returns how many."""
    with transaction.atomic():
        due = list(
            Appointment.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=AppointmentStatus.CONFIRMED, reminder_due_at__lte=now,
                    reminder_sent_at__isnull=True, starts_at__gt=now)
            .select_related("youth", "structure", "advisor__user")
            .order_by("reminder_due_at")[:500]
        )
        outbox = []
        for appointment in due:
            appointment.reminder_sent_at = now
            appointment.save(update_fields=["reminder_sent_at", "updated_at"])
            outbox.append(_record(kind=NotificationKind.YOUTH_REMINDER, to=appointment.youth.email,
                                  now=now, appointment=appointment, payload=None, snapshot=None))
    if not outbox:
        return 0
    with mail_connection() as connection:
        return sum(deliver(notification_id=n.pk, now=now, connection=connection)
                   for n in outbox)


def notifications_anonymise(*, appointment_ids: Any) -> int:
    """Strip the young person's name, phone, address and project from every row about these
    appointments (sent or not): what is still to send uses neutral wording. Returns how many
    rows changed."""
    rows = list(Notification.objects.filter(appointment_id__in=appointment_ids)
                .only("pk", "payload"))
    for row in rows:
        row.payload = {key: value for key, value in row.payload.items()
                       if key not in PERSONAL_SNAPSHOT_KEYS} | {"anonymised": True}
    Notification.objects.bulk_update(rows, ["payload"], batch_size=500)
    return len(rows)


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


def convention_watch_run(*, now: dt.datetime) -> Notification | None:
    """The daily convention watch (issue 14): apply the convention rules on the Paris date of
    ``now``, record what changed or newly comes within 30 days
    (``advisors.services.convention_events_record``) and, when something was recorded, queue
    one email to the coordination (``COORDINATION_EMAIL``) with those facts and every end
    coming within 30 days. Both in one transaction: a second run on the same day records
    nothing and sends nothing. Returns the email's row, or None when nothing was new.
    """
    today = now.astimezone(PARIS).date()
    with transaction.atomic():
        events = convention_events_record(today=today, now=now)
        if not events:
            return None
        recorded = [{"structure": event.convention.structure.public_name,
                     "kind": str(event.get_kind_display()),
                     "change": event.kind in CHANGE_KINDS,
                     "effective_on": fmt(event.effective_on),
                     "reason": event.reason} for event in events]
        coming = [{"structure": convention.structure.public_name,
                   "kind": str(item.kind.label), "effective_on": fmt(item.effective_on),
                   "reason": item.reason}
                  for convention, item in conventions_coming(today=today)]
        changes = sum(1 for event in events if event.kind in CHANGE_KINDS)
        subject = (_("%(n)s changement(s) et %(m)s échéance(s) à 30 jours")
                   % {"n": changes, "m": len(coming)})
        return queue(kind=NotificationKind.CONVENTION_WATCH, to=settings.COORDINATION_EMAIL,
                     payload={"today": fmt(today), "events": recorded, "coming": coming,
                              "subject": subject}, now=now)
