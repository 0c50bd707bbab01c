"""Admin for coordinators: programme sheets, with CSV import/export (django-import-export)
and the « à revoir » flag for sheets not reviewed for PROGRAMME_REVIEW_MONTHS."""

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from matching.vocabulary import ANY_STATUS, NATIONALITY_GROUP_LABELS, Domain, Status, Zone

from .models import ProgrammeSheet
from .services import build_filter_index, build_search_text, programme_sheet_save


def review_limit():
    return timezone.localdate() - relativedelta(months=settings.PROGRAMME_REVIEW_MONTHS)


def to_review_q() -> Q:
    return Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=review_limit())


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

    class Meta:
        model = ProgrammeSheet
        fields = ("title", "slug", "publication", "summary", "description", "url", "organiser",
                  "last_reviewed", "domains", "destination_zones", "destination_countries",
                  "age_min", "age_max", "age_reference", "disability_age_max", "statuses",
                  "nationalities", "education_min", "languages", "duration_min_weeks",
                  "duration_max_weeks", "budget_min_eur", "cost_participant_eur", "funding",
                  "application_deadline", "application_periods")

    def clean_nationalities(self):
        return self.cleaned_data["nationalities"] or None


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
    list_display = ["title", "slug", "publication", "last_reviewed", "to_review"]
    list_filter = ["publication", ToReviewFilter]
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
                                      "education_min", "languages")}),
        (_("Durée, coût, candidature"), {"fields": (
            "duration_min_weeks", "duration_max_weeks", "budget_min_eur", "cost_participant_eur",
            "funding", "application_deadline", "application_periods")}),
        (_("Dates"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(boolean=True, description=_("à revoir"))
    def to_review(self, obj: ProgrammeSheet) -> bool:
        return obj.last_reviewed is None or obj.last_reviewed < review_limit()

    def save_model(self, request, obj, form, change):
        programme_sheet_save(sheet=obj)
