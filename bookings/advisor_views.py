"""The advisor's own availability page (/espace-conseil/disponibilites/): weekly and one-off
availability, absences. Views parse a form, call one service and show its refusal on the page.

Each form posts to its own URL; a refused form is shown again on the page with its input, the
other forms empty. A change that would cancel booked appointments (an absence; a weekly or
one-off availability deleted, or a weekly one ended) is shown with those appointments and asks
for confirmation (``ChangeCancelsAppointments``); the confirmation re-posts the same fields
with ``confirm_cancellations``. When the advisor's slots are not offered to young people (the
initial training not attended, the convention not in force…), the page says why and until
when, and so does the message after publishing.
"""

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advisors.decorators import advisor_required
from advisors.models import Advisor
from advisors.selectors import advisor_not_bookable_reasons
from somobilite.form_targets import form_target

from . import services
from .advisor_forms import (
    AbsenceForm,
    EndRecurringForm,
    OneOffAvailabilityForm,
    RecurringAvailabilityForm,
)
from .availability import publication_notes
from .models import Absence, OneOffAvailability, RecurringAvailability
from .selectors import appointments_released_by
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


def absence_get_for_advisor(*, advisor: Advisor, absence_id: int) -> Absence:
    """The advisor's own absence, else 404 (another advisor's ids find nothing)."""
    return get_object_or_404(Absence, pk=absence_id, advisor=advisor)


def _not_offered(advisor: Advisor) -> list[str]:
    return advisor_not_bookable_reasons(advisor=advisor, on=timezone.now().astimezone(PARIS).date())


def _published(request: HttpRequest, advisor: Advisor, message: str,
               availability: RecurringAvailability | OneOffAvailability) -> HttpResponse:
    """After publishing: say so, say why young people do not see it yet, if they do not, and
    what of it they will not see or not yet (``publication_notes``)."""
    reasons = _not_offered(advisor)
    if reasons:
        messages.warning(request, " ".join([
            message, _("Ces créneaux ne sont pas encore proposés aux jeunes :"), *reasons]))
    else:
        messages.success(request, message)
    for note in publication_notes(availability=availability, now=timezone.now()):
        messages.info(request, note)
    return redirect("advisor_availability:page")


def _confirmation(*, title: str, change: services.ChangeCancelsAppointments, action: str,
                  hidden: list[tuple[str, str]], button: str,
                  confirm_name: str = "confirm_cancellations") -> dict:
    """The card that lists the appointments a change would cancel and re-posts it confirmed."""
    return {"title": title, "message": change.message, "appointments": change.appointments,
            "action": action, "hidden": [*hidden, (confirm_name, "1")], "button": button}


def _page(request: HttpRequest, advisor: Advisor, *,
          recurring_form: RecurringAvailabilityForm | None = None,
          one_off_form: OneOffAvailabilityForm | None = None,
          absence_form: AbsenceForm | None = None,
          confirm: dict | None = None, status: int = 200) -> HttpResponse:
    now = timezone.now()
    today = now.astimezone(PARIS).date()
    recurring = list(advisor.recurring_availabilities
                     .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
                     .order_by("weekday", "start_time"))
    one_offs = list(advisor.one_off_availabilities.filter(date__gte=today)
                    .order_by("date", "start_time"))
    return render(request, TEMPLATE, {
        "advisor": advisor,
        "now": now,
        "recurring": recurring,
        "one_offs": one_offs,
        "absences": Absence.objects.filter(advisor=advisor, ends_at__gte=now)
                                   .order_by("starts_at"),
        "recurring_form": recurring_form or RecurringAvailabilityForm(initial={
            "valid_from": today}),
        "one_off_form": one_off_form or OneOffAvailabilityForm(),
        "absence_form": absence_form or AbsenceForm(),
        "confirm": confirm,
        "not_offered": _not_offered(advisor),
    }, status=status)


@advisor_required
def availability_page(request: HttpRequest) -> HttpResponse:
    return _page(request, current_advisor(request.user))


@advisor_required
@form_target("advisor_availability:page")
def recurring_create(request: HttpRequest) -> HttpResponse:
    advisor = current_advisor(request.user)
    form = RecurringAvailabilityForm(request.POST)
    if form.is_valid():
        try:
            recurring = services.availability_create_recurring(advisor=advisor,
                                                               **form.cleaned_data)
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            return _published(request, advisor,
                              _("Votre disponibilité hebdomadaire est publiée."), recurring)
    return _page(request, advisor, recurring_form=form)


@advisor_required
@form_target("advisor_availability:page")
def one_off_create(request: HttpRequest) -> HttpResponse:
    advisor = current_advisor(request.user)
    form = OneOffAvailabilityForm(request.POST)
    if form.is_valid():
        try:
            one_off = services.availability_create_one_off(advisor=advisor, now=timezone.now(),
                                                           **form.cleaned_data)
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            return _published(request, advisor,
                              _("Votre disponibilité ponctuelle est publiée."), one_off)
    return _page(request, advisor, one_off_form=form)


@advisor_required
@form_target("advisor_availability:page")
def absence_create(request: HttpRequest) -> HttpResponse:
    advisor = current_advisor(request.user)
    form = AbsenceForm(request.POST)
    confirm = None
    if form.is_valid():
        now = timezone.now()
        try:
            services.absence_create(advisor=advisor, now=now, **form.cleaned_data)
        except services.ChangeCancelsAppointments as change:
            confirm = _confirmation(
                title=_("Confirmer l'absence"), change=change,
                action=reverse("advisor_availability:absence_create"),
                hidden=[(field.html_name, field.value() or "") for field in form
                        if field.name != "confirm_cancellations"],
                confirm_name=form["confirm_cancellations"].html_name,
                button=_("Enregistrer l'absence et annuler ces rendez-vous"))
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, " ".join(filter(None, [
                _("Votre absence est enregistrée."), services.cancellation_summary(
                    appointments_released_by(advisor_id=advisor.pk, now=now), done=True)])))
            return redirect("advisor_availability:page")
    return _page(request, advisor, absence_form=form, confirm=confirm)


def _change(request: HttpRequest, advisor: Advisor, availability, *, changes: dict | None,
            title: str, button: str, hidden: list[tuple[str, str]], done: str) -> HttpResponse:
    """Delete or change an availability through ``services.availability_change``; booked
    appointments it would cancel are listed for confirmation first."""
    now = timezone.now()
    try:
        services.availability_change(
            availability=availability, changes=changes, now=now,
            confirm_cancellations=request.POST.get("confirm_cancellations") == "1")
    except services.ChangeCancelsAppointments as change:
        return _page(request, advisor, confirm=_confirmation(
            title=title, change=change, action=request.path, hidden=hidden, button=button))
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, " ".join(filter(None, [done, services.cancellation_summary(
            appointments_released_by(advisor_id=advisor.pk, now=now), done=True)])))
    return redirect("advisor_availability:page")


@advisor_required
@form_target("advisor_availability:page")
def recurring_delete(request: HttpRequest, pk: int) -> HttpResponse:
    advisor = current_advisor(request.user)
    availability = recurring_availability_get_for_advisor(advisor=advisor, availability_id=pk)
    return _change(request, advisor, availability, changes=None, hidden=[],
                   title=_("Confirmer la suppression de cette disponibilité hebdomadaire"),
                   button=_("Supprimer et annuler ces rendez-vous"),
                   done=_("La disponibilité hebdomadaire est supprimée."))


@advisor_required
@form_target("advisor_availability:page")
def recurring_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a weekly availability after a given day (kept as history until then)."""
    advisor = current_advisor(request.user)
    availability = recurring_availability_get_for_advisor(advisor=advisor, availability_id=pk)
    form = EndRecurringForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
        return redirect("advisor_availability:page")
    last_day: dt.date = form.cleaned_data["last_day"]
    return _change(request, advisor, availability, changes={"valid_until": last_day},
                   hidden=[("last_day", last_day.isoformat())],
                   title=_("Confirmer la fin de cette disponibilité hebdomadaire"),
                   button=_("Arrêter et annuler ces rendez-vous"),
                   done=_("La disponibilité hebdomadaire s'arrête le %(day)s.")
                   % {"day": last_day.strftime("%d/%m/%Y")})


@advisor_required
@form_target("advisor_availability:page")
def one_off_delete(request: HttpRequest, pk: int) -> HttpResponse:
    advisor = current_advisor(request.user)
    availability = one_off_availability_get_for_advisor(advisor=advisor, availability_id=pk)
    return _change(request, advisor, availability, changes=None, hidden=[],
                   title=_("Confirmer la suppression de cette disponibilité ponctuelle"),
                   button=_("Supprimer et annuler ces rendez-vous"),
                   done=_("La disponibilité ponctuelle est supprimée."))


@advisor_required
@form_target("advisor_availability:page")
def absence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one of the advisor's absences (``services.absence_withdraw``)."""
    advisor = current_advisor(request.user)
    absence = absence_get_for_advisor(advisor=advisor, absence_id=pk)
    try:
        shortened = services.absence_withdraw(absence=absence, now=timezone.now())
    except services.BookingError as error:
        messages.error(request, error.message)
    else:
        if shortened is None:
            messages.success(request, _("L'absence est retirée : vos créneaux de cette période "
                                        "sont de nouveau proposés."))
        else:
            messages.success(request, _("L'absence s'arrête maintenant : vos créneaux à venir "
                                        "sont de nouveau proposés."))
    return redirect("advisor_availability:page")
