"""The advisor's own availability page (/espace-conseil/disponibilites/): weekly and one-off
availability, absences. Views parse a form, call one service and show its refusal on the page.

Each form posts to its own URL; a refused form is shown again on the page with its input, the
other forms empty. An absence over booked appointments is shown with those appointments and
asks for confirmation; the confirmation re-posts the same fields with ``confirm_cancellations``.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advisors.decorators import advisor_required
from advisors.models import Advisor

from . import services
from .advisor_forms import AbsenceForm, OneOffAvailabilityForm, RecurringAvailabilityForm
from .models import Absence, Appointment, Mode, OneOffAvailability, RecurringAvailability
from .slots import PARIS

TEMPLATE = "bookings/advisor/availability.html"


def current_advisor(user) -> Advisor:
    """The current designation of a user already let in by ``advisor_required``."""
    return (user.advisor_designations.filter(withdrawn_on__isnull=True)
            .select_related("structure", "user").get())


def recurring_availability_get_for_advisor(*, advisor: Advisor,
                                           availability_id: int) -> RecurringAvailability:
    return get_object_or_404(RecurringAvailability, pk=availability_id, advisor=advisor)


def one_off_availability_get_for_advisor(*, advisor: Advisor,
                                         availability_id: int) -> OneOffAvailability:
    return get_object_or_404(OneOffAvailability, pk=availability_id, advisor=advisor)


def _modes_label(modes) -> str:
    return ", ".join(str(Mode(mode).label) for mode in modes)


def _page(request: HttpRequest, advisor: Advisor, *,
          recurring_form: RecurringAvailabilityForm | None = None,
          one_off_form: OneOffAvailabilityForm | None = None,
          absence_form: AbsenceForm | None = None,
          concerned: list[Appointment] | None = None,
          concerned_message: str = "") -> HttpResponse:
    now = timezone.now()
    today = now.astimezone(PARIS).date()
    recurring = list(advisor.recurring_availabilities
                     .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
                     .order_by("weekday", "start_time"))
    one_offs = list(advisor.one_off_availabilities.filter(date__gte=today)
                    .order_by("date", "start_time"))
    for availability in (*recurring, *one_offs):
        availability.modes_label = _modes_label(availability.modes)
    for appointment in concerned or ():
        appointment.mode_label = Mode(appointment.mode).label
    return render(request, TEMPLATE, {
        "advisor": advisor,
        "recurring": recurring,
        "one_offs": one_offs,
        "absences": Absence.objects.filter(advisor=advisor, ends_at__gte=now)
                                   .order_by("starts_at"),
        "recurring_form": recurring_form or RecurringAvailabilityForm(initial={
            "valid_from": today}),
        "one_off_form": one_off_form or OneOffAvailabilityForm(),
        "absence_form": absence_form or AbsenceForm(),
        "concerned": concerned,
        "concerned_message": concerned_message,
    })


@advisor_required
def availability_page(request: HttpRequest) -> HttpResponse:
    return _page(request, current_advisor(request.user))


@advisor_required
@require_POST
def recurring_create(request: HttpRequest) -> HttpResponse:
    advisor = current_advisor(request.user)
    form = RecurringAvailabilityForm(request.POST)
    if form.is_valid():
        try:
            services.availability_create_recurring(advisor=advisor, **form.cleaned_data)
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Votre disponibilité hebdomadaire est publiée."))
            return redirect("advisor_availability:page")
    return _page(request, advisor, recurring_form=form)


@advisor_required
@require_POST
def one_off_create(request: HttpRequest) -> HttpResponse:
    advisor = current_advisor(request.user)
    form = OneOffAvailabilityForm(request.POST)
    if form.is_valid():
        try:
            services.availability_create_one_off(advisor=advisor, now=timezone.now(),
                                                 **form.cleaned_data)
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Votre disponibilité ponctuelle est publiée."))
            return redirect("advisor_availability:page")
    return _page(request, advisor, one_off_form=form)


@advisor_required
@require_POST
def absence_create(request: HttpRequest) -> HttpResponse:
    advisor = current_advisor(request.user)
    form = AbsenceForm(request.POST)
    concerned, concerned_message = None, ""
    if form.is_valid():
        try:
            services.absence_create(advisor=advisor, now=timezone.now(), **form.cleaned_data)
        except services.AbsenceOverlapsAppointments as overlap:
            concerned, concerned_message = overlap.appointments, overlap.message
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            if form.cleaned_data["confirm_cancellations"]:
                messages.success(request, _("Votre absence est enregistrée ; les rendez-vous "
                                            "concernés sont annulés et les jeunes prévenu·es."))
            else:
                messages.success(request, _("Votre absence est enregistrée."))
            return redirect("advisor_availability:page")
    return _page(request, advisor, absence_form=form, concerned=concerned,
                 concerned_message=concerned_message)


@advisor_required
@require_POST
def recurring_delete(request: HttpRequest, pk: int) -> HttpResponse:
    availability = recurring_availability_get_for_advisor(
        advisor=current_advisor(request.user), availability_id=pk)
    services.availability_delete(availability=availability)
    messages.success(request, _("La disponibilité hebdomadaire est supprimée."))
    return redirect("advisor_availability:page")


@advisor_required
@require_POST
def one_off_delete(request: HttpRequest, pk: int) -> HttpResponse:
    availability = one_off_availability_get_for_advisor(
        advisor=current_advisor(request.user), availability_id=pk)
    services.availability_delete(availability=availability)
    messages.success(request, _("La disponibilité ponctuelle est supprimée."))
    return redirect("advisor_availability:page")
