"""The advisor's calendar subscription: the page that shows her private .ics address (create,
regenerate, revoke), and the feed itself, read by calendar applications with the token alone.
The rules are in ``bookings.calendar_feed``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from advisors.models import Advisor
from bookings.calendar_feed import (
    calendar_feed_for_token,
    calendar_feed_ics,
    calendar_feed_mark_read,
    calendar_feed_regenerate,
    calendar_feed_revoke,
    calendar_feed_token,
)
from bookings.models import CalendarFeed
from somobilite.form_targets import form_target

from .access import advisor_space


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("backoffice:calendar_feed",
                                       args=[calendar_feed_token(feed)])


@advisor_space
@require_GET
def calendar_page(request: HttpRequest, advisor: Advisor) -> HttpResponse:
    feed = CalendarFeed.objects.filter(advisor=advisor).first()
    url = feed_url(feed) if feed else ""
    webcal = "webcal://" + url.split("://", 1)[1] if url else ""
    return render(request, "backoffice/calendar.html", {
        "advisor": advisor, "feed": feed, "url": url, "webcal_url": webcal,
    })


@advisor_space
@form_target("backoffice:calendar")
def calendar_regenerate(request: HttpRequest, advisor: Advisor) -> HttpResponse:
    existed = CalendarFeed.objects.filter(advisor=advisor).exists()
    calendar_feed_regenerate(advisor=advisor, now=timezone.now())
    messages.success(request, _(
        "Nouvelle adresse créée : l'ancienne ne fonctionne plus. Abonnez à nouveau votre agenda "
        "avec celle-ci.") if existed else _(
        "Votre adresse d'abonnement est prête : ajoutez-la à votre agenda."))
    return redirect("backoffice:calendar")


@advisor_space
@form_target("backoffice:calendar")
def calendar_revoke(request: HttpRequest, advisor: Advisor) -> HttpResponse:
    if calendar_feed_revoke(advisor=advisor):
        messages.success(request, _("L'adresse est désactivée : votre agenda ne recevra plus "
                                    "vos entretiens. Vous pouvez en créer une nouvelle."))
    return redirect("backoffice:calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics document for the token's advisor; the token authenticates this response only
    (no session is opened or read)."""
    feed = calendar_feed_for_token(token)
    if feed is None:
        raise Http404(_("Adresse d'agenda inconnue ou désactivée."))
    now = timezone.now()
    calendar_feed_mark_read(feed=feed, now=now)
    response = HttpResponse(calendar_feed_ics(feed=feed, now=now),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="so-mobilite-entretiens.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
