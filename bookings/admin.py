"""Coordinators' view of availability, absences, appointments, emails and the waiting list,
plus the weekly compliance page (``admin/bookings/appointment/conformite/``).

Changes that have consequences go through the services: an absence over booked appointments
needs the explicit confirmation box (then they are cancelled and the young people told), and
cancelling appointments is an action that notifies like the public pages do.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from outbox.admin import SENDING_FIELDS, DeliveryStateFilter, OutboxRowAdminMixin
from privacy.admin import YouthRecordAdminMixin
from somobilite import clock

from . import interviews, services
from .availability import one_off_availability_clash, recurring_availability_clash
from .compliance import weekly_compliance
from .models import (
    ATTENDANCE_STATUSES,
    Absence,
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    ModesMixin,
    Notification,
    OneOffAvailability,
    RecurringAvailability,
    WaitingListEntry,
)
from .slots import PARIS


def _modes_display(obj: ModesMixin) -> str:
    return obj.modes_label


def _listed(appointments) -> str:
    return "; ".join(f"{timezone.localtime(a.starts_at):%d/%m/%Y %H:%M} ({a.first_name} "
                     f"{a.last_name})" for a in appointments)


class _AvailabilityForm(forms.ModelForm):
    """Overlaps refused with the service's message; a change of a saved availability that
    would take booked interviews away lists them and needs the confirmation box (as an
    absence does), then ``services.availability_change`` cancels them and tells the young
    people."""

    confirm_cancellations = forms.BooleanField(
        label=_("Annuler les rendez-vous concernés et prévenir les jeunes"), required=False)
    clash_fields: tuple[str, ...] = ()

    def clash(self, data):
        raise NotImplementedError

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data
                if name in services.AVAILABILITY_CHANGE_FIELDS}

    def clean(self):
        data = super().clean()
        values = dict(data)
        if self.instance.pk is not None:  # the advisor of a saved one is read-only
            values.setdefault("advisor", self.instance.advisor)
        if self.errors or not all(values.get(f) is not None for f in self.clash_fields):
            return data
        clash = self.clash(values)
        if clash is not None:
            raise ValidationError(services.availability_overlap_message(clash))
        if self.instance.pk is not None and not data.get("confirm_cancellations"):
            concerned = services.availability_change_preview(
                availability=self.instance, changes=self.changes(), now=timezone.now())
            if concerned:
                raise ValidationError(
                    _("Ce changement retire %(count)s rendez-vous réservé(s) : %(list)s. "
                      "%(summary)s Cochez la case pour confirmer.")
                    % {"count": len(concerned), "list": _listed(concerned),
                       "summary": services.cancellation_summary(concerned, done=False)})
        return data


class RecurringAvailabilityForm(_AvailabilityForm):
    clash_fields = ("advisor", "weekday", "start_time", "end_time", "valid_from")

    class Meta:
        model = RecurringAvailability
        fields = ["advisor", "weekday", "start_time", "end_time", "valid_from", "valid_until",
                  "offers_in_person", "offers_video", "offers_phone", "place"]

    def clash(self, data):
        return recurring_availability_clash(
            advisor=data["advisor"], weekday=data["weekday"], start_time=data["start_time"],
            end_time=data["end_time"], valid_from=data["valid_from"],
            valid_until=data.get("valid_until"), exclude_pk=self.instance.pk)


class OneOffAvailabilityForm(_AvailabilityForm):
    clash_fields = ("advisor", "date", "start_time", "end_time")

    class Meta:
        model = OneOffAvailability
        fields = ["advisor", "date", "start_time", "end_time", "offers_in_person",
                  "offers_video", "offers_phone", "place"]

    def clash(self, data):
        return one_off_availability_clash(
            advisor=data["advisor"], date=data["date"], start_time=data["start_time"],
            end_time=data["end_time"], exclude_pk=self.instance.pk)

    def clean_date(self):
        date = self.cleaned_data["date"]
        refusal = services.one_off_date_refusal(date)
        if refusal:
            raise ValidationError(refusal)
        return date


class _AvailabilityAdmin(SimpleHistoryAdmin):
    """Changes and deletions go through ``services.availability_change``: booked interviews
    they would take away are listed first (on the form, on the delete page) and, once
    confirmed, cancelled with the young people told. No bulk deletion (it would list
    nothing)."""

    delete_confirmation_template = "bookings/admin/availability_delete_confirmation.html"
    autocomplete_fields = ["advisor"]
    list_select_related = ["advisor__user", "advisor__structure"]
    search_fields = ["advisor__user__email", "advisor__user__last_name",
                     "advisor__structure__public_name"]

    def get_readonly_fields(self, request, obj=None):
        return ["advisor"] if obj is not None else []

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        services.availability_change(
            availability=obj, changes=form.changes(), now=timezone.now(),
            confirm_cancellations=form.cleaned_data["confirm_cancellations"])

    def delete_model(self, request, obj):
        services.availability_change(availability=obj, changes=None, now=timezone.now(),
                                     confirm_cancellations=True)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        concerned = (services.availability_change_preview(availability=obj, changes=None,
                                                          now=timezone.now())
                     if obj is not None else [])
        return super().delete_view(request, object_id, {
            **(extra_context or {}), "concerned": concerned,
            "concerned_summary": services.cancellation_summary(concerned, done=False)})

    @admin.display(description=_("modalités"))
    def modes_display(self, obj):
        return _modes_display(obj)


@admin.register(RecurringAvailability)
class RecurringAvailabilityAdmin(_AvailabilityAdmin):
    form = RecurringAvailabilityForm
    list_display = ["advisor", "weekday", "start_time", "end_time", "valid_from", "valid_until",
                    "modes_display"]
    list_filter = ["weekday", "offers_in_person", "offers_video", "offers_phone",
                   "advisor__structure__departement"]


@admin.register(OneOffAvailability)
class OneOffAvailabilityAdmin(_AvailabilityAdmin):
    form = OneOffAvailabilityForm
    list_display = ["advisor", "date", "start_time", "end_time", "modes_display"]
    list_filter = ["offers_in_person", "offers_video", "offers_phone",
                   "advisor__structure__departement"]
    date_hierarchy = "date"


class AbsenceForm(forms.ModelForm):
    confirm_cancellations = forms.BooleanField(
        label=_("Annuler les rendez-vous concernés et prévenir les jeunes"), required=False)

    class Meta:
        model = Absence
        fields = ["advisor", "starts_at", "ends_at", "kind", "reason"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.instance.pk is None and data.get("starts_at") and data.get("ends_at"):
            refusal = services.absence_period_refusal(
                starts_at=data["starts_at"], ends_at=data["ends_at"], now=timezone.now())
            if refusal:
                raise ValidationError(refusal)
        if self.instance.pk is None and all(data.get(f) for f in ("advisor", "starts_at",
                                                                  "ends_at")):
            concerned = services.absence_preview(advisor=data["advisor"],
                                                 starts_at=data["starts_at"],
                                                 ends_at=data["ends_at"], now=timezone.now())
            if concerned and not data.get("confirm_cancellations"):
                raise ValidationError(
                    _("Cette absence couvre %(count)s rendez-vous réservé(s) : %(list)s. "
                      "%(summary)s Cochez la case pour confirmer.")
                    % {"count": len(concerned), "list": _listed(concerned),
                       "summary": services.cancellation_summary(concerned, done=False)})
        return data


@admin.register(Absence)
class AbsenceAdmin(SimpleHistoryAdmin):
    form = AbsenceForm
    list_display = ["advisor", "kind", "starts_at", "ends_at", "reason"]
    list_filter = ["kind", "advisor__structure__departement"]
    date_hierarchy = "starts_at"
    search_fields = ["advisor__user__email", "advisor__user__last_name", "reason"]
    autocomplete_fields = ["advisor"]
    list_select_related = ["advisor__user", "advisor__structure"]

    def get_readonly_fields(self, request, obj=None):
        # Dates of a saved absence stay put: a new period goes through the cancellation check.
        return ["advisor", "starts_at", "ends_at"] if obj is not None else []

    def get_fields(self, request, obj=None):
        fields = ["advisor", "starts_at", "ends_at", "kind", "reason"]
        return fields if obj is not None else [*fields, "confirm_cancellations"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.absence_create(
            advisor=obj.advisor, starts_at=obj.starts_at, ends_at=obj.ends_at, kind=obj.kind,
            reason=obj.reason, confirm_cancellations=form.cleaned_data["confirm_cancellations"],
            now=timezone.now())
        obj.pk = created.pk
        obj.created_at = created.created_at


class StartDateFilter(admin.SimpleListFilter):
    title = _("période")
    parameter_name = "periode"

    def lookups(self, request, model_admin):
        return [("upcoming", _("À venir")), ("past", _("Passés")),
                ("week", _("Les 7 prochains jours"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gte=now)
        if self.value() == "past":
            return queryset.filter(starts_at__lt=now)
        if self.value() == "week":
            return queryset.filter(starts_at__gte=now,
                                   starts_at__lt=clock.after(now, dt.timedelta(days=7)))
        return queryset


class AppointmentForm(forms.ModelForm):
    """Corrections of what the young person typed go through the booking rules
    (``services.appointment_details_problems``): e.g. a birth date that makes the person over
    35 on the day of an upcoming interview is refused here, with the reason."""

    attendance = forms.ChoiceField(
        label=_("présence à l'entretien"), required=False,
        choices=[("", _("— inchangée —")),
                 *[(status, label) for status, label in AppointmentStatus.choices
                   if status in ATTENDANCE_STATUSES]],
        help_text=_("Enregistrée comme depuis l'espace conseil (règles et trace de qui l'a "
                    "enregistrée) ; possible une fois l'entretien commencé."))

    class Meta:
        model = Appointment
        fields = list(services.CORRECTABLE_FIELDS)

    def attendance_change(self) -> str:
        """The attendance status to record, or "" to leave it as it is."""
        status = self.cleaned_data.get("attendance") or ""
        return "" if status == self.instance.status else status

    def detail_changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data
                if name in services.CORRECTABLE_FIELDS and name in self.cleaned_data}

    def clean(self):
        data = super().clean()
        changes = self.detail_changes()
        if changes and self.instance.pk is not None and not self.errors:
            problems = services.appointment_details_problems(
                appointment=self.instance, changes=changes, now=timezone.now())
            if problems:
                raise ValidationError(" ".join(problems))
        status = self.attendance_change() if "attendance" in self.cleaned_data else ""
        if status and self.instance.pk is not None:
            refusal = interviews.attendance_refusal(appointment=self.instance, status=status,
                                                    now=timezone.now())
            if refusal:
                self.add_error("attendance", refusal)
        return data


@admin.register(Appointment)
class AppointmentAdmin(YouthRecordAdminMixin, SimpleHistoryAdmin):
    form = AppointmentForm
    list_display = ["starts_at_local", "first_name", "last_name", "youth", "structure",
                    "advisor", "mode", "status"]
    list_filter = ["status", "mode", StartDateFilter, "structure__departement", "structure"]
    date_hierarchy = "starts_at"
    search_fields = ["youth__email", "first_name", "last_name", "=public_id"]
    list_select_related = ["youth", "structure", "advisor__user"]
    actions = ["cancel_by_structure"]
    change_list_template = "bookings/admin/appointment_change_list.html"
    readonly_fields = ["public_id", "advisor", "structure", "youth", "starts_at", "ends_at",
                       "mode", "place", "video_room", "status", "hold_expires_at",
                       "confirmed_at", "cancelled_at", "sequence", "reminder_due_at",
                       "reminder_sent_at", "consent_at", "consent_text_version", "created_at",
                       "updated_at", "age_at_interview", "departement"]
    fieldsets = [
        (_("Rendez-vous"), {"fields": ["public_id", "status", "attendance", "starts_at",
                                       "ends_at", "mode",
                                       "place", "video_room", "advisor", "structure"]}),
        (_("Jeune"), {"fields": ["youth", "first_name", "last_name", "phone", "birth_date",
                                 "age_at_interview", "postal_code", "departement",
                                 "youth_status", "domains", "project",
                                 "guardian_email", "guardian_consent", "consent_at",
                                 "consent_text_version"]}),
        (_("Suivi"), {"fields": ["hold_expires_at", "confirmed_at", "cancelled_at",
                                 "cancel_reason", "sequence", "reminder_due_at",
                                 "reminder_sent_at", "created_at", "updated_at"]}),
    ]

    def has_add_permission(self, request):
        return False  # appointments are booked by young people on the public pages

    def youth_id_of(self, obj) -> int | None:
        return obj.youth_id

    def save_model(self, request, obj, form, change):
        """Corrections go through the services: rules re-checked, derived fields recomputed,
        history entry by this coordinator; the attendance as the interview screen records it
        (``interviews.appointment_attendance_record``, with its trace)."""
        now = timezone.now()
        status = form.attendance_change()
        with transaction.atomic():
            services.appointment_details_update(appointment=obj, changes=form.detail_changes(),
                                                by=request.user, now=now)
            if status:
                interviews.appointment_attendance_record(appointment=obj, status=status,
                                                         by=request.user, now=now)

    @admin.display(description=_("début"), ordering="starts_at")
    def starts_at_local(self, obj):
        return f"{obj.starts_at.astimezone(PARIS):%d/%m/%Y %H:%M}"

    @admin.action(description=_("Annuler (par la structure) et prévenir les jeunes"))
    def cancel_by_structure(self, request: HttpRequest, queryset: QuerySet[Appointment]):
        done = 0
        for appointment in queryset.filter(status__in=[AppointmentStatus.PENDING,
                                                       AppointmentStatus.CONFIRMED]):
            try:
                services.appointment_cancel(appointment=appointment, by_youth=False,
                                            reason=str(_("Annulé par la coordination")),
                                            now=timezone.now())
                done += 1
            except services.BookingError as exc:
                self.message_user(request, f"{appointment} : {exc.message}", messages.WARNING)
        self.message_user(request, _("%(count)s rendez-vous annulé(s).") % {"count": done})

    def get_urls(self):
        return [
            path("conformite/", self.admin_site.admin_view(self.compliance_view),
                 name="bookings_compliance"),
            *super().get_urls(),
        ]

    def compliance_view(self, request: HttpRequest) -> HttpResponse:
        """Hours offered per active structure and ISO week of the horizon vs the minimum."""
        now = timezone.now()
        weeks = settings.BOOKING_HORIZON_WEEKS
        rows = weekly_compliance(start_week=timezone.localdate(now), weeks=weeks, now=now)
        only_below = request.GET.get("sous_minimum") == "1"
        structures: dict[int, dict] = {}
        for row in rows:
            entry = structures.setdefault(row.structure_id, {
                "name": row.structure_name, "departement": row.departement, "weeks": [],
                "below": 0})
            entry["weeks"].append(row)
            entry["below"] += row.below_minimum
        table = [s for s in structures.values() if s["below"] or not only_below]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Conformité des structures : minimum hebdomadaire de créneaux"),
            "opts": self.model._meta,
            "structures": table,
            "week_heads": rows[:weeks],
            "minimum": settings.WEEKLY_MINIMUM_HOURS,
            "only_below": only_below,
            "changelist_url": reverse("admin:bookings_appointment_changelist"),
        }
        return TemplateResponse(request, "bookings/admin/compliance.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}),
                         "compliance_url": reverse("admin:bookings_compliance")}
        return super().changelist_view(request, extra_context)


@admin.register(Notification)
class NotificationAdmin(OutboxRowAdminMixin, admin.ModelAdmin):
    """Read-only outbox: what was sent, when, what is waiting or failing (with the mail
    server's answer and the next attempt), and what was dropped because a later change made it
    untrue (with the reason)."""

    list_display = ["created_at", "kind", "to", "sequence", "state", "attempts",
                    "next_attempt_at", "error", "sent_at", "obsolete_reason"]
    list_filter = [DeliveryStateFilter, "kind"]
    search_fields = ["to", "message_id"]
    readonly_fields = SENDING_FIELDS
    date_hierarchy = "created_at"
    list_select_related = ["appointment"]


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(admin.ModelAdmin):
    list_display = ["email", "departement", "mode", "created_at", "expires_at", "notified_at"]
    list_filter = ["departement", "mode", ("notified_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Advisors' calendar subscriptions: coordinators see who has one and when it was last
    read, and may delete one (the address stops working). The address itself is never shown
    here; the advisor creates a new one from her space."""

    list_display = ["advisor", "created_at", "last_read_at"]
    list_select_related = ["advisor__user", "advisor__structure"]
    search_fields = ["advisor__user__email", "advisor__user__last_name"]
    readonly_fields = ("advisor", "created_at", "last_read_at")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
