"""Admin for coordinators: programme sheets, with import/export in the JSON exchange format
and the « à revoir » flag for sheets not reviewed for PROGRAMME_REVIEW_MONTHS."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin

from somobilite.admin_readonly import ViewOnlyAdminMixin
from vocabulary.codes import (
    ANY_STATUS,
    DEPARTEMENTS,
    NATIONALITY_GROUP_LABELS,
    Domain,
    Status,
    Zone,
)
from vocabulary.exchange import ExchangeFileError, load_json

from .exchange import parse_programmes, programmes_to_json
from .models import ProgrammeProposal, ProgrammeSheet, ProposalStatus, ReviewDigest
from .selectors import proposal_diff, review_limit, to_review_q
from .services import (
    ProgrammeImportError,
    ProposalError,
    programme_sheet_save,
    programmes_import,
    proposal_accept,
    proposal_reject,
)

# --- Import and export in the exchange format --------------------------------------------

IMPORT_MAX_BYTES = 20 * 1024 * 1024  # a 3,000-sheet file is about 6 Mo


class ProgrammeImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier JSON"),
        help_text=_("Au format d'échange des fiches (celui de « Exporter » et de "
                    "manage.py export_programmes), 20 Mo au plus."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Fichier trop gros : 20 Mo au plus."))
        return upload


# --- Admin form ----------------------------------------------------------------------------

def _country_choices():
    return list(countries)


def _departement_choices():
    return [(code, f"{code} – {name}") for code, name in DEPARTEMENTS.items()]


def _nationality_choices():
    return [(code, str(label)) for code, label in NATIONALITY_GROUP_LABELS.items()] + list(
        countries)


class ProgrammeSheetForm(forms.ModelForm):
    url = forms.URLField(label=_("lien officiel"), max_length=500, assume_scheme="https")
    domains = forms.MultipleChoiceField(label=_("domaines"), choices=Domain.choices,
                                        widget=forms.CheckboxSelectMultiple)
    destination_zones = forms.MultipleChoiceField(label=_("zones de destination"),
                                                  choices=Zone.choices, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    destination_countries = forms.MultipleChoiceField(label=_("pays de destination"),
                                                      choices=_country_choices, required=False)
    statuses = forms.MultipleChoiceField(
        label=_("statuts acceptés"), choices=[(ANY_STATUS, _("tous les statuts")),
                                              *Status.choices],
        widget=forms.CheckboxSelectMultiple, initial=[ANY_STATUS])
    nationalities = forms.MultipleChoiceField(
        label=_("nationalités acceptées"), choices=_nationality_choices, required=False,
        help_text=_("Aucune sélection : aucune condition de nationalité."))
    residence_departements = forms.MultipleChoiceField(
        label=_("réservé aux habitants des départements"), choices=_departement_choices,
        required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Aucune sélection : aucune condition de résidence. Le département est lu "
                    "sur le code postal du jeune."))

    class Meta:
        model = ProgrammeSheet
        fields = ("title", "slug", "publication", "summary", "description", "url", "organiser",
                  "last_reviewed", "domains", "destination_zones", "destination_countries",
                  "age_min", "age_max", "age_reference", "disability_age_max", "statuses",
                  "nationalities", "residence_departements", "education_min", "languages",
                  "duration_min_weeks", "duration_max_weeks", "budget_min_eur",
                  "cost_participant_eur", "funding", "application_deadline",
                  "application_periods", "verification", "verification_note")
        widgets = {"verification": forms.RadioSelect}

    def clean_nationalities(self):
        return self.cleaned_data["nationalities"] or None

    def clean_residence_departements(self):
        return self.cleaned_data["residence_departements"] or None


class ToReviewFilter(admin.SimpleListFilter):
    title = _("vérification")
    parameter_name = "a_revoir"

    def lookups(self, request, model_admin):
        return [("1", _("À revoir")), ("0", _("À jour"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(to_review_q())
        if self.value() == "0":
            return queryset.exclude(to_review_q())
        return queryset


@admin.register(ProgrammeSheet)
class ProgrammeSheetAdmin(SimpleHistoryAdmin):
    """Sheets, with « Importer » and « Exporter » in the exchange format
    (/work/shared/formats/exchange-format.md) through the same reader and writer as
    ``import_programmes`` and ``export_programmes`` (tester t9b F3): a file goes back and forth
    between the admin and the commands unchanged. The export writes the sheets the list shows
    (its filters and search), each with its ``publication``; the import is all or nothing, every
    error listed, with « Vérifier » to validate without writing."""

    form = ProgrammeSheetForm
    change_list_template = "programmes/admin/programmesheet_change_list.html"
    list_display = ["title", "slug", "publication", "verification", "last_reviewed",
                    "to_review"]
    list_filter = ["publication", "verification", ToReviewFilter]
    search_fields = ["title", "slug", "organiser"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "publication", "summary", "description", "url",
                           "organiser", "last_reviewed")}),
        (_("Domaines et destinations"), {"fields": ("domains", "destination_zones",
                                                    "destination_countries")}),
        (_("Conditions"), {"fields": ("age_min", "age_max", "age_reference",
                                      "disability_age_max", "statuses", "nationalities",
                                      "residence_departements", "education_min",
                                      "languages")}),
        (_("Vérification des conditions"), {"fields": ("verification", "verification_note")}),
        (_("Durée, coût, candidature"), {"fields": (
            "duration_min_weeks", "duration_max_weeks", "budget_min_eur", "cost_participant_eur",
            "funding", "application_deadline", "application_periods")}),
        (_("Dates"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(boolean=True, description=_("à revoir"))
    def to_review(self, obj: ProgrammeSheet) -> bool:
        return obj.last_reviewed is None or obj.last_reviewed < review_limit()

    def save_model(self, request, obj, form, change):
        programme_sheet_save(sheet=obj, by=request.user)

    def changelist_view(self, request, extra_context=None):
        can_import = self.has_add_permission(request) and self.has_change_permission(request)
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "can_import": can_import})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("importer/", view(self.import_view), name="programmes_programmesheet_import"),
            path("exporter/", view(self.export_view), name="programmes_programmesheet_export"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ProgrammeImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        report = None
        dry_run = "dry_run" in request.POST
        if request.method == "POST" and form.is_valid():
            try:
                sheets, errors = parse_programmes(load_json(form.cleaned_data["file"].read()))
            except ExchangeFileError as error:
                errors = [_("fichier : %(reason)s") % {"reason": error.message}]
            if not errors:
                try:
                    report = programmes_import(sheets=sheets, dry_run=dry_run)
                except ProgrammeImportError as error:
                    errors = error.errors
            if report is not None and not dry_run:
                self.message_user(request, _(
                    "Import terminé : %(created)d fiche(s) créée(s), %(updated)d mise(s) à "
                    "jour, %(unchanged)d inchangée(s).") % {
                        "created": len(report.created), "updated": len(report.updated),
                        "unchanged": len(report.unchanged)}, messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:programmes_programmesheet_changelist"))
        return TemplateResponse(request, "programmes/admin/programmesheet_import.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": _("Importer des fiches (format d'échange JSON)"), "errors": errors,
            "report": report,
        })

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
            sheets = changelist.get_queryset(request).order_by("slug")
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(_("Filtres de la liste invalides : exportez depuis "
                                            "la liste des fiches."))
        response = HttpResponse(programmes_to_json(sheets),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="fiches-dispositifs-{timezone.localdate():%Y-%m-%d}.json"')
        return response


# --- Advisors' proposals -------------------------------------------------------------------

class RejectionForm(forms.Form):
    reason = forms.CharField(label=_("Motif du refus"), widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("Envoyé tel quel au conseiller ou à la conseillère."))


@admin.register(ProgrammeProposal)
class ProgrammeProposalAdmin(admin.ModelAdmin):
    """Read-only review page: the diff against the sheet, then « Accepter » or « Refuser »."""

    change_form_template = "programmes/admin/proposal_change_form.html"
    list_display = ["__str__", "kind", "proposer", "status", "created_at", "reviewed_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["proposer"]
    search_fields = ["content__title", "proposer__email", "sheet__title"]
    fields = readonly_fields = ("kind", "sheet", "proposer", "created_at", "note", "diff",
                                "status", "reviewer", "reviewed_at", "rejection_reason",
                                "notified_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("modifications proposées"))
    def diff(self, obj: ProgrammeProposal):
        lines = proposal_diff(proposal=obj)
        if not lines:
            return "—"
        rows = format_html_join(
            "", '<tr><th scope="row">{}</th><td>{}</td><td>{}{}</td></tr>',
            ((line.label, line.old, line.new,
              format_html(' <br><em>{}</em>', _("La fiche a changé sur ce point depuis la "
                                                "proposition."))
              if line.moved_since else "") for line in lines))
        return format_html(
            '<table class="proposal-diff"><thead><tr><th scope="col">{}</th><th scope="col">{}'
            '</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("Champ"), _("Fiche actuelle"), _("Proposé"), rows)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/accepter/", view(self.accept_view),
                 name="programmes_programmeproposal_accept"),
            path("<int:pk>/refuser/", view(self.reject_view),
                 name="programmes_programmeproposal_reject"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False,
                         "show_save_and_continue": False, "show_save_and_add_another": False,
                         "show_delete": False, "submitted": ProposalStatus.SUBMITTED}
        return super().change_view(request, object_id, form_url, extra_context)

    def _proposal(self, request, pk: int) -> ProgrammeProposal:
        proposal = get_object_or_404(ProgrammeProposal, pk=pk)
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        return proposal

    def _back(self, proposal: ProgrammeProposal):
        return HttpResponseRedirect(reverse("admin:programmes_programmeproposal_change",
                                            args=[proposal.pk]))

    def accept_view(self, request, pk: int):
        proposal = self._proposal(request, pk)
        if request.method != "POST":
            return self._back(proposal)
        try:
            sheet = proposal_accept(proposal=proposal, reviewer=request.user, now=timezone.now(),
                                    comment=request.POST.get("comment", ""))
        except ProposalError as error:
            self.message_user(request, error.message, messages.ERROR)
            return self._back(proposal)
        self.message_user(request, _("Proposition acceptée : la fiche « %(title)s » est à jour "
                                     "et le conseiller est prévenu.") % {"title": sheet.title},
                          messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:programmes_programmeproposal_changelist"))

    def reject_view(self, request, pk: int):
        proposal = self._proposal(request, pk)
        form = RejectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                proposal_reject(proposal=proposal, reviewer=request.user, now=timezone.now(),
                                reason=form.cleaned_data["reason"])
            except ProposalError as error:
                self.message_user(request, error.message, messages.ERROR)
                return self._back(proposal)
            self.message_user(request, _("Proposition refusée : le conseiller est prévenu."),
                              messages.SUCCESS)
            return HttpResponseRedirect(
                reverse("admin:programmes_programmeproposal_changelist"))
        return TemplateResponse(request, "programmes/admin/proposal_reject.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "proposal": proposal, "form": form, "title": _("Refuser la proposition"),
        })


@admin.register(ReviewDigest)
class ReviewDigestAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["month", "sent_at", "sheet_count"]
