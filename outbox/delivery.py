"""Sending outbox rows: at least once, always with the row's own Message-ID, retried with
backoff.

Public contract (keyword-only arguments, aware datetimes):

- ``email_queue(*, message, kind, now, expires_at=None, immediately=False) -> Email``: record
  a Django ``EmailMessage`` (or ``EmailMultiAlternatives``) in the caller's transaction instead
  of sending it; it leaves once that transaction has committed.
- ``email_deliver(*, email_id, now) -> bool`` and ``emails_send_pending(*, now) -> int``: send
  one row, or every row that is due (the sweep, a periodic task every minute).
- ``subject_with_prefix(subject) -> str``: every email of the platform leaves with
  ``EMAIL_SUBJECT_PREFIX`` (« [So Mobilité] ») at the start of its subject, added here and
  only here (``email_queue`` records it, ``attempt_send`` makes sure of it), so no sender
  writes or forgets it (tester t-youth 13: the booking code's email had none).
- For any outbox model (``OutboxRow``, also ``bookings.Notification``): ``attempt_send(row,
  *, build, now, connection=None)`` sends one message as that row and records the outcome,
  ``due(*, now)`` is the filter of rows a sweep must try, ``retry_delay(attempts)`` the backoff.
- ``mail_connection()``: a context manager giving one connection to the mail server for
  several sends (a task's emails, a sweep), passed to ``attempt_send``.

The guarantee: a row is sent at least once and at most once per successful SMTP transaction
that was recorded. Sending locks the row (``SELECT … FOR UPDATE SKIP LOCKED``) and skips it once
``sent_at`` is set, so tasks, retries and the sweep never send it twice; only a process that
dies after the mail server accepted the message and before the commit that records it leaves
it to be sent again, and then with the same ``Message-ID`` (mail clients show one message).
SMTP offers nothing stronger.

Retries: after a failed attempt (server down, 4xx or 5xx answer, timeout) the row waits
``retry_delay(attempts)``: ``OUTBOX_RETRY_BASE_SECONDS`` (60) doubled at each failure, at most
``OUTBOX_RETRY_MAX_SECONDS`` (3600); after ``OUTBOX_MAX_ATTEMPTS`` (30, about a day) the
sweep stops and the row stays "en échec" in admin, with the mail server's answer. A 5xx answer
is retried too: it usually means a misconfigured relay, which a coordinator can fix, not a bad
address (the platform's addresses were given by their owners).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from somobilite import clock
from somobilite.celery import publish_on_commit

from .models import Email, OutboxRow

logger = logging.getLogger(__name__)

#: Rows one sweep tries at most (the next sweep takes the rest).
SWEEP_BATCH = 500


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait after the ``attempts``-th failed attempt (1 → ``OUTBOX_RETRY_BASE_SECONDS``, then
    doubled each time, capped at ``OUTBOX_RETRY_MAX_SECONDS``). Elapsed time."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** min(max(attempts - 1, 0), 30), settings.OUTBOX_RETRY_MAX_SECONDS)
    return dt.timedelta(seconds=seconds)


def due(*, now: dt.datetime) -> Q:
    """Rows a sweep must try at ``now``: not sent, not dropped, attempts left, and either
    never tried and older than ``OUTBOX_SWEEP_DELAY_SECONDS`` (their own task had its chance)
    or past their ``next_attempt_at``."""
    grace = dt.timedelta(seconds=settings.OUTBOX_SWEEP_DELAY_SECONDS)
    return (Q(sent_at__isnull=True, obsolete_at__isnull=True,
              attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
            & (Q(attempts=0, created_at__lte=clock.before(now, grace))
               | Q(next_attempt_at__lte=now)))


def error_text(exc: BaseException) -> str:
    """An error as coordinators read it in admin: the exception's name and, for an SMTP
    answer, its code and text (``SMTPDataError: 451 4.3.0 Try again later``)."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{name}: " + "; ".join(
            f"{address}: {code} {_decoded(text)}" for address, (code, text)
            in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name}: {exc.smtp_code} {_decoded(exc.smtp_error)}"
    return f"{name}: {exc}"


def _decoded(text: bytes | str) -> str:
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


@contextmanager
def mail_connection() -> Iterator[BaseEmailBackend]:
    """One connection to the mail server (``EMAIL_BACKEND``) for the sends of the block, to pass
    to ``attempt_send``: opened by the first send, kept open between sends, closed at the end
    of the block. In production each email otherwise opened its own SMTP connection (TCP,
    EHLO, STARTTLS, AUTH, QUIT) — twice per booking for a confirmation's two emails, and once
    per row in a sweep. After a failed send the connection is closed, so the next send opens a
    new one (a server that dropped the connection fails one email, not the rest). A failure
    to close is only logged: every row's outcome is already recorded."""
    connection = get_connection()
    try:
        yield connection
    finally:
        _close_quietly(connection)


def _close_quietly(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except Exception:  # a server that went away while idle: nothing left to record
        logger.warning("The connection to the mail server could not be closed", exc_info=True)


def attempt_send(row: OutboxRow, *, build: Callable[[], EmailMessage], now: dt.datetime,
                 cleared: dict[str, Any] | None = None,
                 connection: BaseEmailBackend | None = None) -> bool:
    """Send the message ``build()`` returns as ``row``: with the row's ``Message-ID``, counting
    the attempt, then record ``sent_at`` (and the field values of ``cleared``), or the error and the
    next attempt's time. Call it with ``row`` locked, in a transaction. True when the mail
    server accepted it. Never raises for a failure to build or send (template, network, SMTP
    answer): it is recorded on the row and logged. ``connection``: a connection shared with
    other sends (``mail_connection``), else the message opens its own."""
    row.attempts += 1
    try:
        message = build()
        message.subject = subject_with_prefix(message.subject)
        message.extra_headers = {**message.extra_headers, "Message-ID": row.message_id}
        if connection is not None:
            connection.open()  # kept open after the send (Django closes only what it opened)
            message.connection = connection
        message.send()
    except Exception as exc:  # the mail server refused or could not be reached: retry later
        if connection is not None:
            _close_quietly(connection)
        logger.exception("Email %s (%s) could not be sent, attempt %s", row.pk, row.message_id,
                         row.attempts)
        row.last_error = error_text(exc)[:2000]
        row.next_attempt_at = clock.after(now, retry_delay(row.attempts))
        row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        return False
    row.sent_at = now
    row.next_attempt_at = None
    for name, value in (cleared or {}).items():
        setattr(row, name, value)
    row.save(update_fields=["attempts", "sent_at", "next_attempt_at", *(cleared or {})])
    return True


def subject_with_prefix(subject: Any) -> str:
    """``subject`` (a string or a lazy translation) as a string starting with
    ``settings.EMAIL_SUBJECT_PREFIX`` (added once, never twice)."""
    prefix = settings.EMAIL_SUBJECT_PREFIX
    subject = str(subject)
    return subject if subject.startswith(prefix) else f"{prefix}{subject}"


def _addresses(value: str) -> list[str]:
    return [address for _name, address in getaddresses([value]) if address]


def email_queue(*, message: EmailMessage, kind: str, now: dt.datetime,
                expires_at: dt.datetime | None = None, immediately: bool = False) -> Email:
    """Record ``message`` (subject, text, HTML alternative, attachments, recipients, sender,
    reply-to) as an outbox row of type ``kind`` (a short English name, e.g.
    ``programmes.proposal_outcome``) and send it once the caller's transaction commits.

    ``immediately``: send it now, in this process, before returning (time-critical messages
    such as login codes, which must not wait for a worker or a commit: their callers hold no
    transaction the message depends on); otherwise a Celery task sends it after commit. Either
    way a failed attempt is recorded and the sweep retries it with backoff. ``expires_at``:
    drop it unsent after that moment (a code past its validity).
    Raises ``ValueError`` for a message without recipient or with extra headers (they would be
    lost: the row keeps no other header than its Message-ID).
    """
    recipients = [*message.to, *message.cc, *message.bcc]
    if not recipients:
        raise ValueError("an email needs a recipient")
    if message.cc or message.bcc or message.extra_headers:
        raise ValueError("cc, bcc and extra headers are not kept by the outbox")
    body = message.body
    html = next((content for content, mimetype in getattr(message, "alternatives", [])
                 if mimetype == "text/html"), "")
    if message.content_subtype == "html":  # an HTML-only message: keep it as the HTML part
        body, html = "", message.body
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        data = content.encode() if isinstance(content, str) else content
        attachments.append({"filename": filename, "mimetype": mimetype,
                            "content": base64.b64encode(data).decode("ascii")})
    email = Email.objects.create(
        kind=kind[:100], to=", ".join(recipients),
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        reply_to=", ".join(message.reply_to), subject=subject_with_prefix(message.subject),
        body=str(body),
        html=html, attachments=attachments, expires_at=expires_at, created_at=now)
    if immediately:
        _deliver(email.pk, now=now, written=email)
    else:
        from .tasks import deliver_email

        publish_on_commit(deliver_email, email.pk)
    return email


def email_message(email: Email) -> EmailMultiAlternatives:
    """The Django message of a row, as it was recorded (without its Message-ID, which
    ``attempt_send`` adds)."""
    message = EmailMultiAlternatives(email.subject, email.body, email.from_email,
                                     _addresses(email.to), reply_to=_addresses(email.reply_to))
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], base64.b64decode(attachment["content"]),
                       attachment["mimetype"])
    return message


def _no_content() -> dict[str, Any]:
    """What an ``Email`` keeps of its content once sent or dropped: nothing."""
    return {"body": "", "html": "", "attachments": []}


def email_deliver(*, email_id: int, now: dt.datetime,
                  connection: BaseEmailBackend | None = None) -> bool:
    """Send one row unless it was sent, dropped, is being sent by another process, or expired
    (then it is dropped with the reason). True when it left now. ``connection``: see
    ``attempt_send``."""
    return _deliver(email_id, now=now, connection=connection)


def _deliver(email_id: int, *, now: dt.datetime, written: Email | None = None,
             connection: BaseEmailBackend | None = None) -> bool:
    """``email_deliver``; ``written``: the row as this process has just written it (``email_queue``
    sending at once), which is then only locked, not read again."""
    with transaction.atomic():
        waiting = (Email.objects.select_for_update(skip_locked=True)
                   .filter(pk=email_id, sent_at__isnull=True, obsolete_at__isnull=True)
                   .order_by())
        if written is not None:
            email: Email | None = written if waiting.exists() else None
        else:
            email = waiting.first()
        if email is None:
            return False
        if email.expires_at is not None and email.expires_at <= now:
            email.obsolete_at = now
            email.obsolete_reason = _("Non envoyé : expiré avant l'envoi (code ou lien "
                                      "devenu invalide).")
            for name, value in _no_content().items():
                setattr(email, name, value)
            email.save(update_fields=["obsolete_at", "obsolete_reason", *_no_content()])
            return False
        return attempt_send(email, build=lambda: email_message(email), now=now,
                            cleared=_no_content(), connection=connection)


def due_ids(model: type[OutboxRow], *, now: dt.datetime) -> list[int]:
    """Primary keys of the rows of ``model`` (an ``OutboxRow``) a sweep must try at ``now``,
    oldest first, at most ``SWEEP_BATCH``."""
    return list(model._default_manager.filter(due(now=now)).order_by("created_at")
                .values_list("pk", flat=True)[:SWEEP_BATCH])


def emails_send_pending(*, now: dt.datetime) -> int:
    """Sweep: try every due row (see ``due``), over one connection to the mail server
    (``mail_connection``). Returns how many left now."""
    with mail_connection() as connection:
        return sum(email_deliver(email_id=pk, now=now, connection=connection)
                   for pk in due_ids(Email, now=now))
