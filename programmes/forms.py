from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from somobilite.query_filters import QueryFilterForm
from vocabulary.codes import (
    ANY_STATUS,
    LANGUAGE_NAMES,
    CefrLevel,
    Domain,
    Status,
    Zone,
    language_name,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

#: Shorter labels for the catalogue's domain select, whose text cannot wrap: at 390 px a
#: full-width select shows about 32 characters (tester t9c #12). The codes are unchanged.
SHORT_DOMAIN_LABELS: "dict[str, StrOrPromise]" = {
    Domain.TRAINING.value: _("formation pro. ou apprentissage")}


class CatalogueFilterForm(QueryFilterForm):
    """The catalogue's filters; the parameters it ignores are told (QueryFilterForm)."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    domain = forms.ChoiceField(label=_("Domaine"), required=False,
                               choices=[("", _("Tous les domaines")),
                                        *((code, SHORT_DOMAIN_LABELS.get(code, label))
                                          for code, label in Domain.choices)])
    zone = forms.ChoiceField(label=_("Zone"), required=False,
                             choices=[("", _("Toutes les zones")), *Zone.choices])
    country = forms.ChoiceField(label=_("Pays"), required=False,
                                choices=lambda: [("", _("Tous les pays")), *countries])
    age = forms.IntegerField(label=_("Votre âge"), required=False, min_value=0, max_value=120)

    def filters(self) -> dict:
        """Keyword arguments for catalogue_sheets; an invalid field is reported and ignored."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {"query": data.get("q") or "", "domain": data.get("domain") or "",
                "zone": data.get("zone") or "", "country": data.get("country") or "",
                "age": data.get("age")}

    #: Query parameters of the catalogue that are not filters (the page of results).
    OTHER_PARAMETERS = frozenset({"page"})


# --- Advisors' proposals -------------------------------------------------------------------

#: Where each path of the exchange format (programmes.exchange errors) shows in the form.
PATH_TO_FIELD = {
    "slug": "title", "title": "title", "summary": "summary", "description": "description",
    "domains": "domains", "destinations": "destination_countries",
    "destinations.zones": "destination_zones", "destinations.countries": "destination_countries",
    "age": "age_max", "age.min": "age_min", "age.max": "age_max", "disability_age_max": "age_max",
    "statuses": "statuses", "duration_weeks": "duration_max_weeks",
    "duration_weeks.min": "duration_min_weeks", "duration_weeks.max": "duration_max_weeks",
    "budget_min_eur": "budget_min_eur", "cost.participant_eur": "cost_participant_eur",
    "cost.funding": "funding", "application.deadline": "application_deadline",
    "application.periods": "application_periods", "organiser": "organiser", "url": "url",
    "languages": "languages",
}
PROPOSAL_FIELDS = ("title", "summary", "description", "domains", "destination_zones",
                   "destination_countries", "age_min", "age_max", "statuses",
                   "duration_min_weeks", "duration_max_weeks", "budget_min_eur",
                   "cost_participant_eur", "funding", "application_deadline",
                   "application_periods", "organiser", "url")


def _language_choices(extra_codes=()) -> list[tuple[str, str]]:
    codes = set(LANGUAGE_NAMES) | set(extra_codes)
    named = sorted(((code, language_name(code).capitalize()) for code in codes),
                   key=lambda item: item[1])
    return [("", "—"), *named]


class ProposalForm(forms.Form):
    """An advisor's proposal: the main fields of a sheet, turned into the exchange format by
    programmes.services.proposal_content_build and checked there by the import parser."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(label=_("Résumé"), max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Une ou deux phrases, pour la liste des dispositifs."))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("Markdown : **gras**, listes avec « - »."))
    domains = forms.MultipleChoiceField(label=_("Domaines"), choices=Domain.choices,
                                        widget=forms.CheckboxSelectMultiple)
    destination_zones = forms.MultipleChoiceField(label=_("Zones de destination"),
                                                  choices=Zone.choices, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    destination_countries = forms.MultipleChoiceField(
        label=_("Pays de destination"), choices=lambda: list(countries), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Ctrl (ou Cmd) + clic pour en choisir plusieurs. Une zone ou un pays au "
                    "moins."))
    age_min = forms.IntegerField(label=_("Âge minimum"), required=False, min_value=0,
                                 max_value=120)
    age_max = forms.IntegerField(label=_("Âge maximum"), required=False, min_value=0,
                                 max_value=120)
    statuses = forms.MultipleChoiceField(
        label=_("Pour qui"), choices=Status.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les situations."))
    duration_min_weeks = forms.DecimalField(label=_("Durée minimum (semaines)"), required=False,
                                            min_value=Decimal("0.01"), max_digits=6,
                                            decimal_places=2)
    duration_max_weeks = forms.DecimalField(label=_("Durée maximum (semaines)"), required=False,
                                            min_value=Decimal("0.01"), max_digits=6,
                                            decimal_places=2)
    budget_min_eur = forms.IntegerField(label=_("Budget conseillé (€)"), required=False,
                                        min_value=0)
    cost_participant_eur = forms.IntegerField(label=_("Coût pour le participant (€)"),
                                              required=False, min_value=0)
    funding = forms.CharField(label=_("Financements"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    application_deadline = forms.DateField(label=_("Date limite de candidature"),
                                           required=False,
                                           widget=forms.DateInput(attrs={"type": "date"}))
    application_periods = forms.CharField(label=_("Périodes de candidature"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    organiser = forms.CharField(label=_("Organisateur"), max_length=200, required=False)
    url = forms.URLField(label=_("Lien officiel"), max_length=500, assume_scheme="https")
    note = forms.CharField(label=_("Message pour la coordination"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Vos sources, ce qui a changé et pourquoi."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        initial_languages = self.initial.get("languages") or []
        choices = _language_choices(item["language"] for item in initial_languages)
        self.language_rows = []
        for index in range(max(3, len(initial_languages) + 1)):
            item = initial_languages[index] if index < len(initial_languages) else {}
            prefix = f"lang_{index}_"
            self.fields[prefix + "language"] = forms.ChoiceField(
                label=_("Langue"), choices=choices, required=False,
                initial=item.get("language", ""))
            self.fields[prefix + "level"] = forms.ChoiceField(
                label=_("Niveau"), choices=[("", "—"), *CefrLevel.choices], required=False,
                initial=item.get("level", ""))
            self.fields[prefix + "required"] = forms.BooleanField(
                label=_("Obligatoire"), required=False, initial=item.get("required", False))
            self.language_rows.append([self[prefix + name]
                                       for name in ("language", "level", "required")])

    @classmethod
    def initial_from_sheet(cls, sheet) -> dict:
        initial = {name: getattr(sheet, name) for name in PROPOSAL_FIELDS}
        initial["statuses"] = [code for code in sheet.statuses if code != ANY_STATUS]
        initial["languages"] = list(sheet.languages)
        return initial

    def clean(self):
        super().clean()
        data = self.cleaned_data
        languages = []
        for index in range(len(self.language_rows)):
            prefix = f"lang_{index}_"
            code, level = data.get(prefix + "language"), data.get(prefix + "level")
            if not code and not level:
                continue
            if not code or not level:
                self.add_error(prefix + "language",
                               _("Choisissez la langue et le niveau, ou aucun des deux."))
                continue
            languages.append({"language": code, "level": level,
                              "required": bool(data.get(prefix + "required"))})
        data["languages"] = languages
        return data

    def add_format_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the import parser's errors (by format path) next to the fields."""
        for path, reasons in errors.items():
            name = PATH_TO_FIELD.get(path)
            for reason in reasons:
                if name == "languages":
                    self.add_error("lang_0_language", _("Langues : %(reason)s")
                                   % {"reason": reason})
                elif name in self.fields:
                    self.add_error(name, reason)
                else:
                    self.add_error(None, f"{path} : {reason}")
