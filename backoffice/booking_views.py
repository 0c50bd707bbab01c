"""Booking for a young person who phones or walks in (/espace-conseil/reserver/): the advisor
picks a free slot of her own or of a colleague of the structure (no 48-hour notice), types
the young person's details, and the booking service holds the slot. The young person confirms
with the emailed code (read out to the advisor) or later with the email's link; until then
the hold opens nothing of their account (``bookings.agenda.staff_hold_get`` shows only what
the advisor typed).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from advisors.models import Advisor
from bookings.agenda import staff_hold_get, structure_advisors
from bookings.models import CONFIRMED_STATUSES, Appointment, AppointmentStatus, Mode
from bookings.services import (
    BookingError,
    appointment_cancel,
    appointment_confirm_by_code,
    appointment_hold,
    staff_hold_resend,
)
from bookings.slots import PARIS, Slot, free_slots, slots_by_day
from somobilite import clock
from somobilite.form_targets import form_target
from vocabulary.dates import is_plausible_day

from .access import advisor_space, not_found
from .forms import HoldCodeForm, StaffBookingForm

DAYS_SHOWN = 7


def _slot_url(slot: Slot) -> str:
    return (f"{reverse('backoffice:book_for_youth_form')}?"
            f"{urlencode({'conseiller': slot.advisor_id, 'debut': slot.starts_at.isoformat()})}")


def _first_day(request: AuthenticatedHttpRequest, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("du", ""))
    except ValueError:
        return today
    horizon = today + dt.timedelta(weeks=settings.BOOKING_HORIZON_WEEKS)
    return min(max(day, today), horizon)


@advisor_space
@require_GET
def book_for_youth(request: AuthenticatedHttpRequest, advisor: Advisor) -> HttpResponse:
    """The structure's free slots, seven days at a time from today (from now, not 48 h)."""
    now = timezone.now()
    today = now.astimezone(PARIS).date()
    first = _first_day(request, today)
    colleagues = structure_advisors(structure_id=advisor.structure_id)
    names = {colleague.pk: colleague.user.get_full_name() for colleague in colleagues}
    start = dt.datetime.combine(first, dt.time.min, tzinfo=PARIS)
    slots = free_slots(advisors=Advisor.objects.filter(pk__in=list(names)), start=start,
                       end=start + dt.timedelta(days=DAYS_SHOWN), now=now, notice=False)
    days = [(day, [(slot, names.get(slot.advisor_id, ""), _slot_url(slot),
                    ", ".join(str(Mode(mode).label) for mode in slot.modes))
                   for slot in day_slots])
            for day, day_slots in slots_by_day(slots)]
    here = reverse("backoffice:book_for_youth")
    previous = first - dt.timedelta(days=DAYS_SHOWN)
    following = first + dt.timedelta(days=DAYS_SHOWN)
    horizon = today + dt.timedelta(weeks=settings.BOOKING_HORIZON_WEEKS)
    return render(request, "backoffice/book_slots.html", {
        "advisor": advisor, "days": days, "first": first,
        "last": following - dt.timedelta(days=1),
        "previous_url": f"{here}?du={max(previous, today).isoformat()}" if first > today else "",
        "next_url": f"{here}?du={following.isoformat()}" if following <= horizon else "",
    })


def _requested_slot(request: AuthenticatedHttpRequest, advisor: Advisor, now: dt.datetime
                    ) -> tuple[Advisor, Slot] | str:
    """(colleague, slot) named in the query string, or the French reason why there is none: a
    broken link (a time that cannot be read, an advisor who is not of the structure), a time
    already passed, or a slot no longer free (tester t-book8 #15: all said « plus libre »)."""
    broken = _("Ce lien de réservation n'est pas valable : choisissez un créneau dans la liste.")
    try:
        colleague_id = int(request.GET.get("conseiller", ""))
        starts_at = dt.datetime.fromisoformat(request.GET.get("debut", "").replace(" ", "+"))
        if timezone.is_naive(starts_at) or not is_plausible_day(starts_at):
            return broken
        starts_at = starts_at.astimezone(PARIS)
    except (ValueError, OverflowError):
        return broken
    colleague = next((c for c in structure_advisors(structure_id=advisor.structure_id)
                      if c.pk == colleague_id), None)
    if colleague is None:
        return broken
    if starts_at <= now:
        return _("Ce créneau est passé : choisissez-en un autre.")
    slot = next((slot for slot in free_slots(
        advisors=Advisor.objects.filter(pk=colleague.pk), start=starts_at,
        end=clock.after(starts_at, dt.timedelta(minutes=1)), now=now, notice=False)
        if slot.starts_at == starts_at), None)
    if slot is None:
        return _("Ce créneau n'est plus libre : choisissez-en un autre.")
    return colleague, slot


@advisor_space
@require_http_methods(["GET", "POST"])
def book_for_youth_form(request: AuthenticatedHttpRequest, advisor: Advisor) -> HttpResponse:
    now = timezone.now()
    requested = _requested_slot(request, advisor, now)
    if isinstance(requested, str):
        messages.error(request, requested)
        return redirect("backoffice:book_for_youth")
    colleague, slot = requested
    today = now.astimezone(PARIS).date()
    form = StaffBookingForm(request.POST or None, modes=slot.modes, today=today,
                            interview_day=slot.starts_at.astimezone(PARIS).date())
    if request.method == "POST" and form.is_valid():
        try:
            appointment = appointment_hold(
                advisor=colleague, starts_at=slot.starts_at, mode=form.cleaned_data["mode"],
                details=form.details(), email=form.cleaned_data["email"], now=now,
                booked_by=request.user)
        except BookingError as error:
            if error.next_slots:
                messages.error(request, error.message)
                return redirect("backoffice:book_for_youth")
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Créneau réservé. Un code a été envoyé à %(email)s : "
                                        "saisissez-le quand le ou la jeune vous le lit.")
                             % {"email": appointment.youth.email})
            return redirect("backoffice:hold", public_id=appointment.public_id)
    return render(request, "backoffice/book_form.html", {
        "form": form, "slot": slot, "colleague": colleague,
        "starts_at": slot.starts_at.astimezone(PARIS),
    })


def _hold(request: AuthenticatedHttpRequest, public_id) -> Appointment:
    try:
        return staff_hold_get(user=request.user, public_id=public_id)
    except Appointment.DoesNotExist:
        raise not_found() from None


def _hold_state(appointment: Appointment, now: dt.datetime) -> str:
    """What became of a staff booking, for its page: ``waiting`` (for the code), ``ran_out``
    (its deadline passed), ``released`` (another hold for the same young person released it
    before its deadline: one hold at a time, ``services.appointment_hold``), ``cancelled``
    (released by someone before its code was typed, or cancelled once confirmed), or
    ``confirmed`` (confirmed or attended)."""
    if appointment.status in CONFIRMED_STATUSES:
        return "confirmed"
    if appointment.status == AppointmentStatus.PENDING:
        return "ran_out" if appointment.hold_expired(now) else "waiting"
    if appointment.status == AppointmentStatus.EXPIRED and appointment.cancelled_at is None:
        expires_at = appointment.hold_expires_at
        return "released" if expires_at and appointment.updated_at < expires_at else "ran_out"
    return "cancelled"


def _hold_page(request: AuthenticatedHttpRequest, appointment: Appointment, form=None
               ) -> HttpResponse:
    """The page of a staff booking: the code form while it waits; once confirmed, the
    interview screen; otherwise what became of it (tester t-book8 #14: it was a 404)."""
    state = _hold_state(appointment, timezone.now())
    if state == "confirmed":
        messages.info(request, _("Ce rendez-vous est confirmé."))
        return redirect("backoffice:interview", public_id=appointment.public_id)
    expires_at = appointment.hold_expires_at
    return render(request, "backoffice/hold.html", {
        "appointment": appointment, "starts_at": appointment.starts_at.astimezone(PARIS),
        "hold_expires_at": expires_at.astimezone(PARIS) if expires_at else None,
        "state": state,
        "changed_at": (appointment.cancelled_at or appointment.updated_at).astimezone(PARIS),
        "form": form or HoldCodeForm(),
    })


def _waiting_hold(request: AuthenticatedHttpRequest, public_id) -> Appointment | HttpResponse:
    """The staff booking for an action that needs it still waiting for its code, or its page
    (which says what became of it)."""
    appointment = _hold(request, public_id)
    if _hold_state(appointment, timezone.now()) != "waiting":
        return _hold_page(request, appointment)
    return appointment


@advisor_space
@require_GET
def hold(request: AuthenticatedHttpRequest, advisor: Advisor, public_id) -> HttpResponse:
    return _hold_page(request, _hold(request, public_id))


@advisor_space
@form_target("backoffice:hold", "public_id")
def hold_code(request: AuthenticatedHttpRequest, advisor: Advisor, public_id) -> HttpResponse:
    appointment = _waiting_hold(request, public_id)
    if isinstance(appointment, HttpResponse):
        return appointment
    form = HoldCodeForm(request.POST)
    if form.is_valid():
        try:
            appointment = appointment_confirm_by_code(
                appointment=appointment, code=form.cleaned_data["code"], now=timezone.now())
        except BookingError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("Rendez-vous confirmé : la confirmation et "
                                        "l'invitation d'agenda partent par e-mail."))
            return redirect("backoffice:interview", public_id=appointment.public_id)
    return _hold_page(request, appointment, form)


@advisor_space
@form_target("backoffice:hold", "public_id")
def hold_resend(request: AuthenticatedHttpRequest, advisor: Advisor, public_id) -> HttpResponse:
    appointment = _waiting_hold(request, public_id)
    if isinstance(appointment, HttpResponse):
        return appointment
    try:
        staff_hold_resend(appointment=appointment, now=timezone.now())
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Nouveau code envoyé ; l'ancien ne fonctionne plus."))
    return redirect("backoffice:hold", public_id=appointment.public_id)


@advisor_space
@form_target("backoffice:hold", "public_id")
def hold_cancel(request: AuthenticatedHttpRequest, advisor: Advisor, public_id) -> HttpResponse:
    appointment = _waiting_hold(request, public_id)
    if isinstance(appointment, HttpResponse):
        return appointment
    try:
        appointment_cancel(appointment=appointment, by_youth=False, now=timezone.now(),
                           reason=_("Réservation non confirmée, libérée par la structure"))
    except BookingError as error:
        messages.error(request, error.message)
        return redirect("backoffice:hold", public_id=appointment.public_id)
    messages.success(request, _("Réservation annulée : le créneau est de nouveau libre. "
                                "Elle ne compte pas comme un entretien."))
    return redirect("backoffice:agenda")
