"""Admin for coordinators: programme sheets, with CSV import/export (django-import-export)
and the « à revoir » flag for sheets not reviewed for PROGRAMME_REVIEW_MONTHS."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin
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

from .models import ProgrammeProposal, ProgrammeSheet, ProposalStatus, ReviewDigest
from .selectors import proposal_diff, review_limit, to_review_q
from .services import (
    ProposalError,
    build_filter_index,
    build_search_text,
    programme_sheet_save,
    proposal_accept,
    proposal_reject,
)

# --- CSV -----------------------------------------------------------------------------------

class CodeListWidget(widgets.Widget):
    """A JSON list of codes as « a, b, c »; ``nullable``: an empty cell means null."""

    def __init__(self, *, nullable: bool = False):
        self.nullable = nullable
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        items = [item.strip() for item in str(value or "").split(",") if item.strip()]
        return None if self.nullable and not items else items

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ", ".join(value)


class NullableCodeWidget(widgets.Widget):
    """A single code where an empty cell means null (no condition)."""

    def clean(self, value, row=None, **kwargs):
        return str(value or "").strip() or None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class LanguagesWidget(widgets.Widget):
    """« en:B2:required, es:A2 » ⇄ [{"language", "level", "required"}]."""

    def clean(self, value, row=None, **kwargs):
        result = []
        for item in str(value or "").split(","):
            parts = [part.strip() for part in item.split(":")]
            if parts == [""]:
                continue
            if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "required"):
                raise ValueError(_("Langue « %(item)s » : écrire code:niveau ou "
                                   "code:niveau:required.") % {"item": item.strip()})
            result.append({"language": parts[0], "level": parts[1],
                           "required": len(parts) == 3})
        return result

    def render(self, value, obj=None, **kwargs):
        return ", ".join(f"{item['language']}:{item['level']}"
                         + (":required" if item["required"] else "") for item in value or [])


class ProgrammeSheetResource(resources.ModelResource):
    domains = fields.Field(attribute="domains", column_name="domains", widget=CodeListWidget())
    destination_zones = fields.Field(attribute="destination_zones", column_name="destination_zones",
                                     widget=CodeListWidget())
    destination_countries = fields.Field(attribute="destination_countries",
                                         column_name="destination_countries",
                                         widget=CodeListWidget())
    statuses = fields.Field(attribute="statuses", column_name="statuses", widget=CodeListWidget())
    nationalities = fields.Field(attribute="nationalities", column_name="nationalities",
                                 widget=CodeListWidget(nullable=True))
    languages = fields.Field(attribute="languages", column_name="languages",
                             widget=LanguagesWidget())
    education_min = fields.Field(attribute="education_min", column_name="education_min",
                                 widget=NullableCodeWidget())
    residence_departements = fields.Field(attribute="residence_departements",
                                          column_name="residence_departements",
                                          widget=CodeListWidget(nullable=True))

    class Meta:
        model = ProgrammeSheet
        import_id_fields = ("slug",)
        exclude = ("id", "search_text", "filter_index", "created_at", "updated_at")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance, row, **kwargs):
        instance.search_text = build_search_text(instance)
        instance.filter_index = build_filter_index(instance)


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
class ProgrammeSheetAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    form = ProgrammeSheetForm
    resource_classes = [ProgrammeSheetResource]
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
