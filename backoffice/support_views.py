"""Help requests to the coordination (/espace-conseil/aide/) and the media bank
(/espace-conseil/mediatheque/). The rules and the file checks are in ``support``; files leave
only through ``support.downloads.attachment_response``."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from advisors.models import Advisor
from support.downloads import attachment_response
from support.files import type_name
from support.models import HelpRequest, MediaCategory, MediaItem
from support.selectors import (
    help_request_get_for_author,
    help_requests_of,
    media_categories,
    media_item_get,
    media_items,
)
from support.services import SupportError, help_request_submit

from .access import advisor_space, network_staff
from .forms import HelpRequestForm


@advisor_space
@require_http_methods(["GET", "POST"])
def help_page(request: AuthenticatedHttpRequest, advisor: Advisor) -> HttpResponse:
    """The advisor's requests (status, answer) and the form to send a new one."""
    form = HelpRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = help_request_submit(
                author=request.user, kind=data["kind"], subject=data["subject"],
                message=data["message"], page_url=data["page_url"],
                screenshot=data["screenshot"] or None, now=timezone.now())
        except SupportError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error("screenshot", error)
        else:
            messages.success(request, _("Votre demande est envoyée à la coordination, qui vous "
                                        "répondra par e-mail et ici."))
            return redirect("backoffice:help_detail", public_id=sent.public_id)
    if request.method == "POST" and request.FILES and not form.is_valid():
        messages.warning(request, _("Votre texte est conservé ci-dessous ; choisissez à nouveau "
                                    "la capture d'écran si vous souhaitez la joindre."))
    return render(request, "backoffice/help.html", {
        "form": form,
        "requests": list(help_requests_of(user=request.user).select_related("structure")),
    })


def _own_request(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HelpRequest:
    try:
        return help_request_get_for_author(user=request.user, public_id=public_id)
    except HelpRequest.DoesNotExist:
        raise Http404(_("Demande introuvable.")) from None


@advisor_space
@require_GET
def help_detail(request: AuthenticatedHttpRequest, advisor: Advisor, public_id: uuid.UUID,
                ) -> HttpResponse:
    help_request = _own_request(request, public_id)
    return render(request, "backoffice/help_detail.html", {
        "help_request": help_request,
        "screenshot_type": type_name(help_request.screenshot_type),
    })


@advisor_space
@require_GET
def help_screenshot(request: AuthenticatedHttpRequest, advisor: Advisor, public_id: uuid.UUID,
                    ) -> FileResponse:
    help_request = _own_request(request, public_id)
    if not help_request.screenshot:
        raise Http404(_("Pas de capture d'écran pour cette demande."))
    extension = help_request.screenshot_type.split("/")[1].replace("jpeg", "jpg")
    return attachment_response(help_request.screenshot, filename=f"capture.{extension}",
                               content_type=help_request.screenshot_type)


@network_staff
@require_GET
def media_page(request: HttpRequest) -> HttpResponse:
    """The media bank by category (``?categorie=`` one of ``MediaCategory``)."""
    chosen = request.GET.get("categorie", "")
    if chosen not in MediaCategory.values:
        chosen = ""
    items = list(media_items(category=chosen or None))
    categories = media_categories()
    groups = [(category, [item for item in items if item.category == category.code])
              for category in categories if not chosen or category.code == chosen]
    return render(request, "backoffice/media.html", {
        "categories": categories,
        "chosen": chosen,
        "groups": [(category, rows) for category, rows in groups if rows or chosen],
        "total": sum(category.count for category in categories),
    })


@network_staff
@require_GET
def media_download(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    try:
        item = media_item_get(public_id=public_id)
    except MediaItem.DoesNotExist:
        raise Http404(_("Document introuvable.")) from None
    return attachment_response(item.file, filename=item.original_name,
                               content_type=item.content_type)
