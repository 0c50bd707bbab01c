"""Writes of the support domain: help requests (advisor → coordination and back) and the media
bank. Each help-request step emails the other side through the outbox
(``bookings.notifications``), in the same transaction as the change.

Errors: ``SupportError`` (a French message for the person) for a refused step; file checks
raise ``django.core.exceptions.ValidationError`` (``support.files``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from advisors.models import Advisor
from bookings import notifications
from bookings.models import NotificationKind

from .files import media_file_check, screenshot_check
from .models import HelpRequest, HelpRequestKind, HelpRequestStatus, MediaItem

SUBJECT_MAX_LENGTH = 150
MESSAGE_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 10000


class SupportError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _current_designation(user: User) -> Advisor | None:
    return (user.advisor_designations.filter(withdrawn_on__isnull=True)
            .select_related("structure").first() if user.is_advisor else None)


def _payload(request: HelpRequest) -> dict[str, Any]:
    """What the emails of a help request say, as it is when they are queued."""
    return {
        "subject": request.subject,
        "kind": str(HelpRequestKind(request.kind).label),
        "author_name": request.author_name,
        "author_email": request.author_email,
        "structure": request.structure.public_name if request.structure else "",
        "message": request.message,
        "page_url": request.page_url,
        "has_screenshot": bool(request.screenshot),
        "answer": request.answer,
        "status": str(HelpRequestStatus(request.status).label),
        "created_at": request.created_at.isoformat(),
        "space_url": settings.SITE_URL + reverse("backoffice:help_detail",
                                                 args=[request.public_id]),
        "admin_url": settings.SITE_URL + reverse("admin:support_helprequest_change",
                                                 args=[request.pk]),
    }


def help_request_submit(*, author: User, kind: str, subject: str, message: str,
                        page_url: str = "", screenshot: UploadedFile[bytes] | None = None,
                        now: dt.datetime) -> HelpRequest:
    """An advisor (current designation) asks the coordination; the coordination's address
    (``COORDINATION_EMAIL``) is emailed. The screenshot, if any, is checked again here (PNG or
    JPEG, ≤ HELP_SCREENSHOT_MAX_BYTES). Raises SupportError or ValidationError."""
    designation = _current_designation(author)
    if designation is None:
        raise SupportError(_("Seuls les conseillers et conseillères en poste peuvent écrire à la "
                             "coordination d'ici."))
    if kind not in HelpRequestKind.values:
        raise SupportError(_("Choisissez s'il s'agit d'une question ou d'un problème technique."))
    subject, message = subject.strip(), message.strip()
    if not subject or not message:
        raise SupportError(_("L'objet et le message sont obligatoires."))
    screenshot_type = screenshot_check(screenshot) if screenshot else ""
    with transaction.atomic():
        request = HelpRequest(
            author=author, author_name=author.get_full_name() or author.email,
            author_email=author.email, structure=designation.structure, kind=kind,
            subject=subject[:SUBJECT_MAX_LENGTH], message=message[:MESSAGE_MAX_LENGTH],
            page_url=page_url.strip()[:500], screenshot_type=screenshot_type, created_at=now)
        if screenshot:
            request.screenshot.save(f"capture.{screenshot_type.split('/')[1]}", screenshot,
                                    save=False)
        request.save()
        notifications.queue(kind=NotificationKind.HELP_REQUEST_NEW,
                            to=settings.COORDINATION_EMAIL, payload=_payload(request), now=now)
    return request


def _lock_for_coordinator(request: HelpRequest, by: User) -> HelpRequest:
    if not by.is_coordinator:
        raise SupportError(_("Seule la coordination répond aux demandes d'aide."))
    return HelpRequest.objects.select_for_update().get(pk=request.pk)


def help_request_answer(*, request: HelpRequest, answer: str, by: User, close: bool,
                        now: dt.datetime) -> HelpRequest:
    """A coordinator answers (or corrects the answer); ``close`` also closes the request. The
    advisor is emailed the answer. Raises SupportError (not a coordinator, empty answer)."""
    answer = answer.strip()
    if not answer:
        raise SupportError(_("Écrivez la réponse à envoyer."))
    with transaction.atomic():
        request = _lock_for_coordinator(request, by)
        request.answer = answer[:ANSWER_MAX_LENGTH]
        request.answered_by = by
        request.answered_at = now
        request.status = HelpRequestStatus.CLOSED if close else HelpRequestStatus.ANSWERED
        request.closed_at = now if close else None
        request.save()
        notifications.queue(kind=NotificationKind.HELP_REQUEST_ANSWERED, to=request.author_email,
                            payload=_payload(request), now=now)
    return request


def help_request_close(*, request: HelpRequest, by: User, now: dt.datetime) -> bool:
    """A coordinator closes a request (answered or not); the advisor is told. False when it was
    already closed (nothing sent again)."""
    with transaction.atomic():
        request = _lock_for_coordinator(request, by)
        if request.status == HelpRequestStatus.CLOSED:
            return False
        request.status = HelpRequestStatus.CLOSED
        request.closed_at = now
        request.save(update_fields=["status", "closed_at"])
        notifications.queue(kind=NotificationKind.HELP_REQUEST_CLOSED, to=request.author_email,
                            payload=_payload(request), now=now)
    return True


def media_item_save(*, item: MediaItem, upload: UploadedFile[bytes] | None, by: User,
                    now: dt.datetime) -> MediaItem:
    """Create or update a media bank file (coordinators, from admin). A new ``upload`` is
    checked by its content (``media_file_check``) and replaces the previous file, which is
    deleted once the change is committed. Raises SupportError or ValidationError."""
    if not by.is_coordinator:
        raise SupportError(_("Seule la coordination alimente la médiathèque."))
    if upload is None and not item.file:
        raise SupportError(_("Choisissez le fichier à déposer."))
    previous = item.file.name if item.pk and upload is not None else ""
    with transaction.atomic():
        if upload is not None:
            item.content_type = media_file_check(upload)
            item.size = upload.size or 0  # media_file_check refused an empty file
            item.original_name = (upload.name or "fichier").rsplit("/", 1)[-1][:255]
            item.file.save(item.original_name, upload, save=False)
        if item.pk is None:
            item.uploaded_by = by
            item.created_at = now
        item.updated_at = now
        item.save()
        if previous:
            storage = item.file.storage
            transaction.on_commit(lambda: storage.delete(previous))
    return item


def media_item_delete(*, item: MediaItem, by: User) -> None:
    """Remove a media bank file and its stored content (after commit)."""
    if not by.is_coordinator:
        raise SupportError(_("Seule la coordination alimente la médiathèque."))
    name, storage = item.file.name, item.file.storage
    with transaction.atomic():
        item.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
