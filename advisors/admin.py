"""Admin for coordinators: structures, conventions, advisors and training.

Facts with rules attached (status steps, letters received, withdrawals) are read-only in the
forms and recorded through actions that call ``advisors.services``; simple-history keeps every
change (admin "Historique").
"""

import io
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from somobilite.admin_readonly import RecordAdminMixin

from . import forms, services
from .conventions import ConventionState, ConventionStatus, convention_status
from .invitations import InvitationError, advisor_invite
from .models import (
    Advisor,
    Convention,
    ConventionEvent,
    Structure,
    StructureStatusChange,
    TrainingAttendance,
    TrainingSession,
)
from .pdf import convention_pdf
from .selectors import conventions_on, initial_training_attended, structure_convention_status

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Trained(TypedDict):
    is_trained: bool


class _PresentCount(TypedDict):
    present_count: int

NO_CONVENTION = "none"


def intermediate_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form_class: type,
    title: str,
    apply: Callable,
) -> TemplateResponse | None:
    """An admin action with a form page: on submit, ``apply(obj, cleaned_data)`` runs for each
    selected object; a ``NetworkError`` becomes an error message naming the object."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data)
            except services.NetworkError as exc:
                modeladmin.message_user(request, f"{obj} : {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request,
                ngettext("%(count)d élément mis à jour.", "%(count)d éléments mis à jour.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "objects": queryset,
        "action": request.POST.get("action", ""),
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "advisors/admin/action_form.html", context)


class ConventionStateFilter(admin.SimpleListFilter):
    """Filters on the state computed today. The rules (months of notice, 30-day deadlines) live
    in Python, so the filter evaluates them over the listed rows: fine for the ~100 structures
    and conventions of the network, one extra query."""

    title = _("état de la convention")
    parameter_name = "etat_convention"

    def lookups(self, request, model_admin):
        return ConventionState.choices

    def status_of(self, obj, today) -> ConventionStatus | None:
        return convention_status(obj, on=today)

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        today = timezone.localdate()
        ids = [
            obj.pk
            for obj in self.prepare(queryset)
            if (status := self.status_of(obj, today)) and status.state == self.value()
        ]
        return queryset.filter(pk__in=ids)

    def prepare(self, queryset):
        return queryset


class StructureConventionStateFilter(ConventionStateFilter):
    def lookups(self, request, model_admin):
        return [*ConventionState.choices, (NO_CONVENTION, _("Aucune convention"))]

    def prepare(self, queryset):
        return queryset.prefetch_related("conventions")

    def queryset(self, request, queryset):
        if self.value() != NO_CONVENTION:
            return super().queryset(request, queryset)
        return queryset.filter(conventions__isnull=True)

    def status_of(self, obj, today):
        return structure_convention_status(obj, today)


class StructureStatusChangeInline(admin.TabularInline):
    model = StructureStatusChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ("status", "changed_on", "note", "recorded_by", "recorded_at")
    verbose_name_plural = _("historique des statuts (action « Changer le statut »)")

    def has_add_permission(self, request, obj=None):
        return False


class AdvisorInline(admin.TabularInline):
    model = Advisor
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = ("user", "designated_on", "withdrawn_on", "withdrawal_reason")
    verbose_name_plural = _("conseiller·ères (ajout par « Inviter un·e conseiller·ère »)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Structure)
class StructureAdmin(SimpleHistoryAdmin):
    form = forms.StructureAdminForm
    list_display = ["public_name", "commune", "departement", "kind", "status",
                    "convention_state"]
    list_filter = ["departement", "kind", "status", StructureConventionStateFilter]
    search_fields = ["public_name", "legal_name", "commune", "siret"]
    prepopulated_fields = {"slug": ["public_name"]}
    readonly_fields = ["status"]
    inlines = [StructureStatusChangeInline, AdvisorInline]
    actions = ["change_status"]
    fieldsets = [
        (None, {"fields": ["public_name", "legal_name", "slug", "kind", "status", "siret"]}),
        (_("Adresse et contact"), {"fields": ["address", "postal_code", "commune",
                                              "departement", "phone", "email"]}),
        (_("Annuaire public"), {"fields": ["description", "latitude", "longitude"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("conventions")

    @admin.display(description=_("convention aujourd'hui"))
    def convention_state(self, obj: Structure) -> str:
        status = structure_convention_status(obj, timezone.localdate())
        return status.label if status else str(_("Aucune convention"))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.structure_register(structure=obj, on=timezone.localdate(), by=request.user)

    @admin.action(description=_("Changer le statut (candidate → acceptée → active → sortie)"))
    def change_status(self, request, queryset):
        def apply(structure, data):
            services.structure_change_status(structure=structure, status=data["status"],
                                             on=data["on"], note=data["note"], by=request.user)

        return intermediate_action(self, request, queryset, form_class=forms.StructureStatusForm,
                                   title=_("Changer le statut"), apply=apply)


@admin.register(Convention)
class ConventionAdmin(SimpleHistoryAdmin):
    # Four columns, so the state and its reason fit at 1366 px beside the filters (the
    # signature and services dates are in the reason).
    list_display = ["structure", "state", "end_date", "reason"]
    change_list_template = "advisors/admin/convention_change_list.html"
    list_select_related = ["structure"]
    list_filter = [ConventionStateFilter, "structure__departement"]
    search_fields = ["structure__public_name", "structure__legal_name", "structure__commune"]
    autocomplete_fields = ["structure"]
    date_hierarchy = "signed_on"
    readonly_fields = ["termination_letter_received_on", "termination_requested_end_on",
                       "formal_notice_received_on", "formal_notice_answered_on",
                       "state", "end_date", "reason"]
    fieldsets = [
        (None, {"fields": ["structure", "signed_on", "services_start_on"]}),
        (_("Signataires"), {"fields": ["crij_signatory_name", "crij_signatory_title",
                                       "partner_signatory_name", "partner_signatory_title"]}),
        (_("État calculé aujourd'hui"), {"fields": ["state", "end_date", "reason"]}),
        (_("Courriers (enregistrés par les actions de la liste)"), {
            "fields": ["termination_letter_received_on", "termination_requested_end_on",
                       "formal_notice_received_on", "formal_notice_answered_on"]}),
        (None, {"fields": ["notes"]}),
    ]
    actions = ["print_pdf", "record_formal_notice", "record_formal_notice_answer",
               "record_termination_letter"]

    class Media:
        css = {"all": ["advisors/admin.css"]}

    def get_urls(self):
        return [
            path("etat/", self.admin_site.admin_view(self.state_on_date_view),
                 name="advisors_convention_state"),
            *super().get_urls(),
        ]

    def state_on_date_view(self, request: HttpRequest) -> HttpResponse:
        """Every convention's state on a date the coordinator chooses (default today), with
        the reasons, and the facts the daily watch recorded around that date."""
        today = timezone.localdate()
        form = forms.ConventionStateDateForm(request.GET or None, initial={"date": today})
        on = form.cleaned_data["date"] if form.is_bound and form.is_valid() else today
        rows = conventions_on(on)
        counts = Counter(row.status.state for row in rows)
        events = (ConventionEvent.objects
                  .filter(effective_on__gte=on - timedelta(days=31),
                          effective_on__lte=on + timedelta(days=31))
                  .select_related("convention__structure").order_by("effective_on", "pk"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("État des conventions au %(date)s") % {"date": on.strftime("%d/%m/%Y")},
            "opts": self.model._meta,
            "form": form,
            "on": on,
            "today": today,
            "rows": rows,
            "summary": [(state.label, counts[state]) for state in ConventionState
                        if counts[state]],
            "events": events,
            "changelist_url": reverse("admin:advisors_convention_changelist"),
        }
        return TemplateResponse(request, "advisors/admin/convention_state.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}),
                         "state_url": reverse("admin:advisors_convention_state")}
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        # The form already ran the same rules (Convention.clean); the service runs them again
        # under the structure's lock, for a coordinator who saved another one meanwhile.
        services.convention_save(convention=obj, today=timezone.localdate(), by=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.NetworkError as exc:
            # Raised by save_model after the form was valid (a concurrent save): nothing was
            # written (the admin's transaction rolled back); say why and show the form again.
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _status(self, obj: Convention) -> ConventionStatus:
        # Computed once per row and request: the three columns share it.
        cached: ConventionStatus | None = obj.__dict__.get("_status_today")
        if cached is None:
            cached = obj.__dict__["_status_today"] = convention_status(
                obj, on=timezone.localdate())
        return cached

    @admin.display(description=_("état aujourd'hui"))
    def state(self, obj: Convention) -> str:
        return self._status(obj).label if obj.pk else ""

    @admin.display(description=_("dernier jour en vigueur"))
    def end_date(self, obj: Convention) -> str:
        # dd/mm/yyyy: the long French date would widen the column past 1366 px.
        day = self._status(obj).end_date if obj.pk else None
        return day.strftime("%d/%m/%Y") if day else "–"

    @admin.display(description=_("motif"))
    def reason(self, obj: Convention) -> str:
        return self._status(obj).reason if obj.pk else ""

    @admin.action(description=_("Imprimer la convention (PDF)"))
    def print_pdf(self, request, queryset):
        conventions = list(queryset.select_related("structure"))
        if len(conventions) == 1:
            convention = conventions[0]
            response = HttpResponse(convention_pdf(convention), content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="convention-{convention.structure.slug}.pdf"'
            )
            return response
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for convention in conventions:
                archive.writestr(f"convention-{convention.structure.slug}-{convention.pk}.pdf",
                                 convention_pdf(convention))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="conventions.zip"'
        return response

    # Each PDF takes WeasyPrint a fraction of a second: a few at a time (admin_site reads the
    # action's ``max_rows``).
    print_pdf.__dict__["max_rows"] = 10

    @admin.action(description=_("Enregistrer une mise en demeure"))
    def record_formal_notice(self, request, queryset):
        def apply(convention, data):
            services.convention_record_formal_notice(
                convention=convention, received_on=data["received_on"], by=request.user)

        return intermediate_action(
            self, request, queryset, form_class=forms.ReceiptDateForm,
            title=_("Mise en demeure : date de réception par la structure"), apply=apply)

    @admin.action(description=_("Enregistrer la réponse à une mise en demeure"))
    def record_formal_notice_answer(self, request, queryset):
        def apply(convention, data):
            services.convention_record_formal_notice_answer(
                convention=convention, answered_on=data["answered_on"], by=request.user)

        return intermediate_action(
            self, request, queryset, form_class=forms.FormalNoticeAnswerForm,
            title=_("Réponse de la structure à la mise en demeure"), apply=apply)

    @admin.action(description=_("Enregistrer un courrier de résiliation"))
    def record_termination_letter(self, request, queryset):
        def apply(convention, data):
            services.convention_record_termination_letter(
                convention=convention, received_on=data["received_on"],
                requested_end_on=data["requested_end_on"], by=request.user)

        return intermediate_action(
            self, request, queryset, form_class=forms.TerminationLetterForm,
            title=_("Courrier de résiliation : date de réception par le CRIJ"), apply=apply)


class TrainedFilter(admin.SimpleListFilter):
    title = _("formation initiale")
    parameter_name = "forme"

    def lookups(self, request, model_admin):
        return [("oui", _("Formé·e")), ("non", _("Non formé·e"))]

    def queryset(self, request, queryset):
        if self.value() in ("oui", "non"):
            return queryset.filter(is_trained=self.value() == "oui")
        return queryset


class CurrentFilter(admin.SimpleListFilter):
    title = _("désignation")
    parameter_name = "designation"

    def lookups(self, request, model_admin):
        return [("en_cours", _("En cours")), ("retire", _("Retiré·e"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        current = Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today)
        if self.value() == "en_cours":
            return queryset.filter(current)
        if self.value() == "retire":
            return queryset.exclude(current)
        return queryset


@admin.register(Advisor)
class AdvisorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "email", "structure", "designated_on", "withdrawn_on", "trained"]
    list_select_related = ["user", "structure"]
    list_filter = [CurrentFilter, TrainedFilter, "structure"]
    search_fields = ["user__email", "user__first_name", "user__last_name",
                     "structure__public_name"]
    readonly_fields = ["user", "withdrawn_on", "withdrawal_reason", "trained"]
    fields = ["user", "structure", "designated_on", "withdrawn_on", "withdrawal_reason",
              "trained"]
    autocomplete_fields = ["structure"]
    actions = ["withdraw"]
    change_list_template = "advisors/admin/advisor_change_list.html"

    def get_queryset(self, request):
        trained = initial_training_attended().filter(user=OuterRef("user"))
        return super().get_queryset(request).annotate(is_trained=Exists(trained))

    def has_add_permission(self, request):
        return False  # advisors join by invitation (see invite_view)

    @admin.display(description=_("nom"), ordering="user__last_name")
    def name(self, obj: Advisor) -> str:
        return obj.user.get_full_name() or obj.user.email

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, obj: Advisor) -> str:
        return obj.user.email

    @admin.display(description=_("formé·e"), boolean=True, ordering="is_trained")
    def trained(self, obj: "WithAnnotations[Advisor, _Trained]") -> bool:
        return obj.is_trained

    @admin.action(description=_("Enregistrer le retrait"))
    def withdraw(self, request, queryset):
        def apply(advisor, data):
            services.advisor_withdraw(advisor=advisor, on=data["on"], reason=data["reason"],
                                      by=request.user)

        return intermediate_action(self, request, queryset, form_class=forms.AdvisorWithdrawForm,
                                   title=_("Retrait de la structure"), apply=apply)

    def get_urls(self):
        return [
            path("inviter/", self.admin_site.admin_view(self.invite_view),
                 name="advisors_advisor_invite"),
            *super().get_urls(),
        ]

    def invite_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        form = forms.AdvisorInviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                advisor = advisor_invite(**form.cleaned_data, invited_by=request.user,
                                        now=timezone.now())
            except InvitationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Invitation envoyée à %(email)s.") % {"email": advisor.user.email},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:advisors_advisor_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Inviter un·e conseiller·ère"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "advisors/admin/invite.html", context)


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "date", "place", "present"]
    list_filter = ["kind"]
    search_fields = ["title", "place"]
    date_hierarchy = "date"
    inlines = [TrainingAttendanceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            present_count=Count("attendances", filter=Q(attendances__attended=True))
        )

    @admin.display(description=_("présent·es"), ordering="present_count")
    def present(self, obj: "WithAnnotations[TrainingSession, _PresentCount]") -> int:
        return obj.present_count


@admin.register(ConventionEvent)
class ConventionEventAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Read-only: what the daily convention watch recorded (the task writes it)."""

    list_display = ["effective_on", "convention", "kind", "reason", "recorded_at"]
    list_select_related = ["convention__structure"]
    list_filter = ["kind"]
    search_fields = ["convention__structure__public_name"]
    date_hierarchy = "effective_on"
