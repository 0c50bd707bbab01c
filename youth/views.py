"""The young person's space (/mon-espace/) and the PDF of a selection of programmes."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import youth_required
from bookings.followup import recommendation_get_for_user
from bookings.links import appointment_manage_token
from bookings.models import Appointment, AppointmentStatus
from bookings.selectors import appointments_upcoming_for_youth
from matching.first_look import (
    first_look_for_youth,
    first_look_record_opened,
    first_look_record_shown,
)
from matching.forms import profile_completion
from matching.models import MobilityProfile, ProgrammeRecommendation
from matching.pdf import recommendation_pdf
from matching.selectors import recommendations_for_youth


@youth_required
def youth_space(request):
    """The young person's home: appointments, profile completion, the first look at the
    programmes that may fit (matching.first_look; what is shown is recorded for the advisor),
    programmes sent, their data.

    A fixed number of queries whatever the number of appointments, selections or sheets."""
    now = timezone.now()
    upcoming = [
        {"appointment": appointment,
         "manage_url": reverse("bookings:appointment_manage",
                               kwargs={"token": appointment_manage_token(appointment)})
         if appointment.status == AppointmentStatus.CONFIRMED else None}
        for appointment in appointments_upcoming_for_youth(youth=request.user, now=now)
    ]
    upcoming_ids = {row["appointment"].pk for row in upcoming}
    past = [
        appointment for appointment in (
            Appointment.objects.filter(youth=request.user)
            .exclude(status__in=[AppointmentStatus.PENDING, AppointmentStatus.EXPIRED])
            .select_related("structure").order_by("-starts_at")
        )
        if appointment.pk not in upcoming_ids
    ]
    profile = MobilityProfile.objects.filter(user=request.user).first()
    completion = profile_completion(profile)
    first_look = first_look_for_youth(profile=profile, on=timezone.localdate(now))
    first_look_record_shown(youth=request.user, items=first_look.items, now=now)
    return render(request, "youth/space.html", {
        "first_look": first_look,
        "upcoming": upcoming,
        "past": past,
        "completion": completion,
        "filled_count": sum(section["filled"] for section in completion),
        "recommendations": recommendations_for_youth(youth=request.user),
    })


@youth_required
@require_GET
def first_look_open(request, slug: str):
    """A sheet opened from the first look: counted for the advisor (only if it was shown to
    this young person), then the sheet itself."""
    first_look_record_opened(youth=request.user, slug=slug, now=timezone.now())
    return redirect("programmes:detail", slug=slug)


@login_required
def recommendation_pdf_download(request, public_id):
    """A selection of programmes as PDF, for the young person it was sent to and the staff who
    may see it (bookings.followup); 404 for anyone else."""
    try:
        recommendation = recommendation_get_for_user(user=request.user, public_id=public_id,
                                                     request=request)
    except ProgrammeRecommendation.DoesNotExist as exc:
        raise Http404("Sélection introuvable.") from exc
    response = HttpResponse(recommendation_pdf(recommendation), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="so-mobilite-programmes-{recommendation.created_at:%Y-%m-%d}.pdf"')
    return response
