"""The matching panel of an interview (/espace-conseil/rendez-vous/<id>/programmes/).

The engine runs on the profile as saved (edited on the interview screen), against the
published sheets only. The advisor ticks programmes and writes a message; both are kept in
the session as a draft for this appointment, so that after a profile change and a new run the
ticks that still apply stay ticked (those no longer in the results are dropped, and said so).
"Aperçu" shows what the young person will receive; "Envoyer" calls
``bookings.interviews.interview_programmes_send`` (the same set is sent once per appointment).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from bookings.interviews import SelectionAlreadySent, interview_programmes_send
from bookings.models import Appointment
from matching.engine import MatchResult
from matching.services import (
    MatchingError,
    profile_data,
    profile_match,
    recommendation_items,
)
from programmes.models import ProgrammeSheet
from somobilite.form_targets import form_target

from .access import staff_space
from .interview_views import interview_appointment, interview_profile, interview_url

RESULTS_SHOWN = 20
NEAR_MISSES_SHOWN = 10
ALL_SHOWN = 200
MESSAGE_MAX_LENGTH = 5_000
DRAFT_PREFIX = "backoffice-matching-"


def _draft_key(appointment: Appointment) -> str:
    return f"{DRAFT_PREFIX}{appointment.public_id}"


def _draft(request: AuthenticatedHttpRequest, appointment: Appointment) -> dict:
    draft = request.session.get(_draft_key(appointment)) or {}
    return {"slugs": list(draft.get("slugs", [])), "message": str(draft.get("message", ""))}


def _save_draft(request: AuthenticatedHttpRequest, appointment: Appointment, *, slugs: list[str],
                message: str) -> None:
    request.session[_draft_key(appointment)] = {"slugs": slugs, "message": message}


def _posted(request: AuthenticatedHttpRequest) -> tuple[list[str], str]:
    slugs = list(dict.fromkeys(request.POST.getlist("fiches")))[:ALL_SHOWN]
    return slugs, request.POST.get("message", "")[:MESSAGE_MAX_LENGTH]


def _published(slugs) -> dict[str, ProgrammeSheet]:
    """The published sheets of these slugs, by slug (one query)."""
    return {sheet.slug: sheet for sheet in ProgrammeSheet.objects.published()
            .filter(slug__in=list(slugs))}


def _panel(request: AuthenticatedHttpRequest, appointment: Appointment, profile,
           *, slugs: list[str], message: str) -> HttpResponse:
    """The panel: the run of the day, the draft's ticks that still apply."""
    today = timezone.localdate()
    context = {"appointment": appointment, "profile": profile, "message": message,
               "interview_url": interview_url(appointment),
               "action_url": reverse("backoffice:matching", args=[appointment.public_id])}
    try:
        result: MatchResult = profile_match(profile=profile, on=today)
    except MatchingError as error:
        context["error"] = error.message
        return render(request, "backoffice/matching.html", context)
    everything = request.GET.get("tout") == "1"
    limit = ALL_SHOWN if everything else RESULTS_SHOWN
    near_limit = ALL_SHOWN if everything else NEAR_MISSES_SHOWN
    applicable = {item.slug for item in (*result.results, *result.near_misses)}
    ticked = [slug for slug in slugs if slug in applicable]
    dropped = [slug for slug in slugs if slug not in applicable]
    results = [item for index, item in enumerate(result.results)
               if index < limit or item.slug in ticked]
    near_misses = [item for index, item in enumerate(result.near_misses)
                   if index < near_limit or item.slug in ticked]
    sheets = _published(item.slug for item in (*results, *near_misses))
    titles = dict(ProgrammeSheet.objects.filter(slug__in=dropped).values_list("slug", "title"))
    context.update({
        "results": [(item, sheets[item.slug]) for item in results if item.slug in sheets],
        "near_misses": [(item, sheets[item.slug]) for item in near_misses
                        if item.slug in sheets],
        "result_count": len(result.results),
        "near_miss_count": len(result.near_misses),
        "more": not everything and (len(result.results) > limit
                                    or len(result.near_misses) > near_limit),
        "all_url": f"{context['action_url']}?tout=1",
        "ticked": ticked,
        "dropped": [titles.get(slug, slug) for slug in dropped],
        "on": today,
    })
    return render(request, "backoffice/matching.html", context)


@staff_space
@require_http_methods(["GET", "POST"])
def matching_panel(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    appointment = interview_appointment(request, public_id)
    profile = interview_profile(request, appointment, now=timezone.now())
    if request.method == "GET":
        draft = _draft(request, appointment)
        return _panel(request, appointment, profile, **draft)
    slugs, message = _posted(request)
    _save_draft(request, appointment, slugs=slugs, message=message)
    if request.POST.get("action") != "preview":
        return redirect(reverse("backoffice:matching", args=[appointment.public_id])
                        + "#resultats")
    sheets = _published(slugs)
    chosen = [sheets[slug] for slug in slugs if slug in sheets]
    if not chosen:
        messages.error(request, _("Cochez au moins un programme à envoyer."))
        return _panel(request, appointment, profile, slugs=slugs, message=message)
    try:
        items = recommendation_items(person=profile_data(profile), sheets=chosen,
                                     on=timezone.localdate())
    except MatchingError as error:
        messages.error(request, error.message)
        return _panel(request, appointment, profile, slugs=slugs, message=message)
    return render(request, "backoffice/matching_preview.html", {
        "appointment": appointment, "items": items, "message": message.strip(),
        "slugs": [sheet.slug for sheet in chosen],
        "back_url": reverse("backoffice:matching", args=[appointment.public_id]),
    })


@staff_space
@form_target("backoffice:matching", "public_id")
def matching_send(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    appointment = interview_appointment(request, public_id)
    slugs, message = _posted(request)
    sheets = _published(slugs)
    missing = [slug for slug in slugs if slug not in sheets]
    back = reverse("backoffice:matching", args=[appointment.public_id])
    if missing:
        messages.error(request, _("Une fiche choisie n'est plus publiée : vérifiez la sélection "
                                  "et prévisualisez à nouveau."))
        return redirect(back)
    try:
        interview_programmes_send(appointment=appointment, advisor_user=request.user,
                                  sheets=[sheets[slug] for slug in slugs], message=message,
                                  now=timezone.now())
    except SelectionAlreadySent as repeat:
        request.session.pop(_draft_key(appointment), None)
        messages.warning(request, repeat.message)
        return redirect(interview_url(appointment, "programmes"))
    except MatchingError as error:
        messages.error(request, error.message)
        return redirect(back)
    request.session.pop(_draft_key(appointment), None)
    messages.success(request, _("Programmes envoyés à %(name)s : par e-mail (avec le PDF) et "
                                "dans son espace.") % {"name": appointment.first_name})
    return redirect(interview_url(appointment, "programmes"))
