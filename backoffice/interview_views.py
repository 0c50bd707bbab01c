"""The interview screen (/espace-conseil/rendez-vous/<id>/): the young person's situation and
project (their profile, what they prepared marked), attendance, confidential notes and the
follow-up. Each form posts to its own URL and calls one domain service; a refused form is
shown again on the page with what was typed.

Every request goes through ``bookings.agenda.appointment_get_for_staff``; reading the profile
and the notes writes the staff access log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from bookings.agenda import appointment_get_for_staff
from bookings.followup import profile_get_for_staff, profile_update_by_advisor
from bookings.interviews import (
    appointment_attendance_record,
    appointment_can_take_place,
    appointment_follow_up_date_set,
    attendance_closed_reason,
    follow_up_add,
    interview_age,
    interview_note_add,
    interview_notes_read,
)
from bookings.models import Appointment, Mode
from bookings.services import MAX_AGE, BookingError, profile_prefill_from_latest_booking
from bookings.slots import PARIS
from matching.first_look import first_look_views_for_youth
from matching.forms import AdvisorProfileForm, profile_cleaned_data, profile_forms
from matching.models import MobilityProfile
from matching.residence import youth_postal_code_warning
from matching.selectors import (
    profile_field_origins,
    recommendations_for_youth,
)
from matching.services import MatchingError
from somobilite.form_targets import form_target

from .access import coordinator_mfa, not_found, staff_space
from .forms import AttendanceForm, FollowUpDateForm, FollowUpForm, NoteForm

TEMPLATE = "backoffice/interview.html"

_Result = TypeVar("_Result")  # what an action's service returns, handed to its message

def interview_appointment(request: AuthenticatedHttpRequest, public_id) -> Appointment:
    """The appointment of the URL through the one fetcher, or 404."""
    try:
        return appointment_get_for_staff(user=request.user, public_id=public_id,
                                         coordinator_mfa=coordinator_mfa(request))
    except Appointment.DoesNotExist:
        raise not_found() from None


def interview_profile(request: AuthenticatedHttpRequest, appointment: Appointment, *,
                      now: datetime) -> MobilityProfile:
    """The young person's profile as staff open it: a profile the booking never filled (older
    data) first takes what their latest confirmed booking gathered, then the logged read."""
    profile_prefill_from_latest_booking(youth=appointment.youth, now=now)
    return profile_get_for_staff(user=request.user, youth_id=appointment.youth_id,
                                 request=request)


def interview_url(appointment: Appointment, anchor: str = "") -> str:
    url = reverse("backoffice:interview", args=[appointment.public_id])
    return f"{url}#{anchor}" if anchor else url


def _page(request: AuthenticatedHttpRequest, appointment: Appointment, *, profile_form=None,
          language_formset=None, attendance_form=None, note_form=None, follow_up_form=None,
          follow_up_date_form=None) -> HttpResponse:
    now = timezone.now()
    profile = interview_profile(request, appointment, now=now)
    if profile_form is None:
        profile_form, language_formset = profile_forms(profile=profile,
                                                       form_class=AdvisorProfileForm)
    started = appointment.starts_at <= now
    today = now.astimezone(PARIS).date()
    origins = profile_field_origins(profile=profile)
    context = {
        "appointment": appointment,
        "starts_at": appointment.starts_at.astimezone(PARIS),
        "ends_at": appointment.ends_at.astimezone(PARIS),
        "mode_label": Mode(appointment.mode).label,
        "youth": appointment.youth,
        "profile": profile,
        "age": interview_age(
            appointment=appointment, birth_date=profile.birth_date,
            from_booking="birth_date" in origins.from_booking),
        "max_age": MAX_AGE,
        "prepared": origins.set_by_youth,
        "postal_code_warning": youth_postal_code_warning(profile.postal_code),
        "form": profile_form,
        "formset": language_formset,
        "started": started,
        "can_take_place": appointment_can_take_place(appointment=appointment, now=now),
        "attendance_closed": attendance_closed_reason(appointment=appointment, now=now),
        "attendance_form": attendance_form or AttendanceForm(
            initial={"status": appointment.status}),
        "attendance_records": list(appointment.attendance_records.order_by("recorded_at",
                                                                           "id")),
        "notes": interview_notes_read(appointment=appointment, request=request, now=now),
        "note_form": note_form or NoteForm(),
        "follow_ups": list(appointment.follow_ups.order_by("happened_on", "id")),
        "follow_up_form": follow_up_form or FollowUpForm(initial={"happened_on": today}),
        "follow_up_date_form": follow_up_date_form or FollowUpDateForm(
            initial={"on": appointment.follow_up_on}),
        "recommendations": recommendations_for_youth(youth=appointment.youth),
        "first_look_views": first_look_views_for_youth(youth=appointment.youth),
        "matching_url": reverse("backoffice:matching", args=[appointment.public_id]),
    }
    return render(request, TEMPLATE, context)


@staff_space
@require_GET
def interview(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    return _page(request, interview_appointment(request, public_id))


@staff_space
@form_target("backoffice:interview", "public_id")
def profile_save(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    appointment = interview_appointment(request, public_id)
    form, formset = profile_forms(data=request.POST, form_class=AdvisorProfileForm)
    if form.is_valid() and formset.is_valid():
        try:
            profile_update_by_advisor(advisor_user=request.user, youth=appointment.youth,
                                      data=profile_cleaned_data(form, formset),
                                      request=request, now=timezone.now())
        except MatchingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Le profil est enregistré. Relancez la recherche de "
                                        "programmes pour en tenir compte."))
            return redirect(interview_url(appointment, "profil"))
    return _page(request, appointment, profile_form=form, language_formset=formset)


def _action(request: AuthenticatedHttpRequest, public_id: str, *, form_class: type[forms.Form],
            page_key: str, anchor: str, perform: Callable[[Appointment, dict[str, Any]], _Result],
            success: Callable[[_Result], str], error_field: str | None = None
            ) -> HttpResponse:
    """The adapter shared by the screen's small forms: parse, call one service, show its
    refusal on the page (in the form ``page_key`` of ``_page``) or redirect to ``anchor``."""
    appointment = interview_appointment(request, public_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = perform(appointment, form.cleaned_data)
        except BookingError as error:
            form.add_error(error_field, error.message)
        else:
            messages.success(request, success(result))
            return redirect(interview_url(appointment, anchor))
    return _page(request, appointment, **{page_key: form})


@staff_space
@form_target("backoffice:interview", "public_id")
def attendance_save(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    return _action(
        request, public_id, form_class=AttendanceForm, page_key="attendance_form",
        anchor="presence",
        perform=lambda appointment, data: appointment_attendance_record(
            appointment=appointment, status=data["status"], by=request.user,
            now=timezone.now()),
        success=lambda appointment: _("Présence enregistrée : %(status)s.")
        % {"status": appointment.get_status_display()})


@staff_space
@form_target("backoffice:interview", "public_id")
def note_add(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    return _action(
        request, public_id, form_class=NoteForm, page_key="note_form", anchor="notes",
        perform=lambda appointment, data: interview_note_add(
            appointment=appointment, text=data["text"], by=request.user, now=timezone.now()),
        success=lambda _note: _("Note enregistrée."))


@staff_space
@form_target("backoffice:interview", "public_id")
def follow_up_save(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    return _action(
        request, public_id, form_class=FollowUpForm, page_key="follow_up_form", anchor="suivi",
        perform=lambda appointment, data: follow_up_add(
            appointment=appointment, by=request.user, now=timezone.now(), **data),
        success=lambda _entry: _("Suivi enregistré."))


@staff_space
@form_target("backoffice:interview", "public_id")
def follow_up_date_save(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    return _action(
        request, public_id, form_class=FollowUpDateForm, page_key="follow_up_date_form",
        anchor="suivi", error_field="on",
        perform=lambda appointment, data: appointment_follow_up_date_set(
            appointment=appointment, on=data["on"], by=request.user, now=timezone.now()),
        success=lambda appointment: _("Date de relance enregistrée.")
        if appointment.follow_up_on else _("Plus de relance prévue."))
