"""Forms of the mobility profile: the young person's "Préparer mon entretien" and the
advisor's version used during the interview (same fields plus birth date and postal code).

They only check shape; matching.services.profile_update writes the cleaned data.
"""

import unicodedata
from decimal import Decimal
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vocabulary import formatting
from vocabulary.codes import (
    LANGUAGE_NAMES,
    CefrLevel,
    Domain,
    EducationLevel,
    Status,
    Zone,
    country_names_fr,
    language_name,
    zone_countries,
)
from vocabulary.dates import validate_birth_date, validate_plausible_day
from vocabulary.postal_codes import PostalCodeField

from .models import MobilityProfile
from .residence import validate_profile_postal_code

CEFR_LABELS = {
    CefrLevel.A1: _("A1 – débutant"),
    CefrLevel.A2: _("A2 – élémentaire"),
    CefrLevel.B1: _("B1 – intermédiaire"),
    CefrLevel.B2: _("B2 – intermédiaire avancé"),
    CefrLevel.C1: _("C1 – avancé"),
    CefrLevel.C2: _("C2 – maîtrise"),
}

#: The sections of the form, used for the page and for the completion shown in the space.
#: Disability is left out of the completion on purpose: declaring it is never expected.
PROFILE_SECTIONS = (
    ("situation", _("Votre situation"),
     ("status", "education_level", "studies_field", "professional_experience")),
    ("languages", _("Vos langues"), ("languages",)),
    ("budget", _("Votre budget"), ("budget_eur",)),
    ("project", _("Votre projet"),
     ("wish_domains", "wish_zones", "wish_countries", "wish_duration_min_weeks",
      "wish_duration_max_weeks", "wish_departure", "project_text")),
    ("hobbies", _("Vos loisirs et passions"), ("hobbies",)),
    ("nationality", _("Votre nationalité"), ("nationality",)),
)


def profile_completion(profile: MobilityProfile | None) -> list[dict]:
    """Which sections of the profile hold something (``profile`` None: nothing yet)."""
    return [{"key": key, "title": title,
             "filled": profile is not None
             and any(getattr(profile, name) not in (None, "", [], False) for name in names)}
            for key, title, names in PROFILE_SECTIONS]


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


def _language_choices(extra_codes=()) -> list[tuple[str, str]]:
    codes = set(LANGUAGE_NAMES) | {code for code in extra_codes if code}
    return _blank(sorted(((code, language_name(code).capitalize()) for code in codes),
                         key=lambda item: collation_key(item[1])))


def _country_choices() -> list[tuple[str, str]]:
    return list(country_names_fr().items())


#: Zones in the order the country chooser shows them; a country in several zones (Turkey,
#: Egypt, the Caucasus…) is listed once, under the first. EU countries are not repeated under
#: Europe, hence "Reste de l'Europe".
COUNTRY_GROUP_ORDER = (
    (Zone.EU, _("Union européenne")),
    (Zone.EUROPE, _("Reste de l'Europe")),
    (Zone.AFRICA, Zone.AFRICA.label),
    (Zone.NORTH_AMERICA, Zone.NORTH_AMERICA.label),
    (Zone.LATIN_AMERICA, Zone.LATIN_AMERICA.label),
    (Zone.MIDDLE_EAST, Zone.MIDDLE_EAST.label),
    (Zone.ASIA, Zone.ASIA.label),
    (Zone.OCEANIA, Zone.OCEANIA.label),
)


def country_groups() -> list[dict]:
    """[{key, label, countries: [(code, French name)]}] in COUNTRY_GROUP_ORDER, names sorted
    alphabetically; countries of no zone (uninhabited territories) in a last group."""
    names = country_names_fr()
    members = zone_countries()
    placed: set[str] = set()
    groups = []
    for zone, label in [*COUNTRY_GROUP_ORDER, ("other", _("Autres territoires"))]:
        codes = set(names) - placed if zone == "other" else members[zone] - placed
        placed |= codes
        countries = sorted(((code, names[code]) for code in codes if code in names),
                           key=lambda item: collation_key(item[1]))
        if countries:
            groups.append({"key": str(zone), "label": label, "countries": countries})
    return groups


def collation_key(name: str) -> str:
    """Sort key for French names: accents do not count (« Égypte » between E and F)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name.casefold())
                   if not unicodedata.combining(ch))


#: One month in weeks (the exchange format's convention, vocabulary.formatting), as a Decimal.
WEEKS_PER_MONTH = Decimal(str(formatting.WEEKS_PER_MONTH))
WEEKS, MONTHS = "weeks", "months"
#: The longest duration a profile holds (its fields keep weeks in 6 digits, 2 decimals).
MAX_DURATION_WEEKS = Decimal("9999")
DURATION_UNITS = ((WEEKS, _("semaines")), (MONTHS, _("mois")))


def duration_in_unit(weeks: Decimal | None) -> tuple[Decimal | int | None, str]:
    """How a stored duration (weeks) is shown in the form, as people say it: in months from
    two months up when it is a whole or half number of months, else in weeks."""
    if weeks is None:
        return None, MONTHS
    months = weeks / WEEKS_PER_MONTH
    halves = (months * 2).quantize(Decimal(1))
    if months >= 2 and abs(months * 2 - halves) < Decimal("0.02"):
        return _plain_weeks(halves / 2), MONTHS
    return _plain_weeks(weeks), WEEKS


class DurationWidget(forms.MultiWidget):
    """A number and its unit (semaines / mois) side by side."""

    template_name = "matching/widgets/duration.html"

    def __init__(self, attrs=None):
        super().__init__((forms.NumberInput(attrs={"min": "0", "step": "any",
                                                   "inputmode": "decimal"}),
                          forms.Select(choices=DURATION_UNITS)), attrs)

    def decompress(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        return list(duration_in_unit(value))


class DurationField(forms.MultiValueField):
    """A duration typed in weeks or months, cleaned to weeks (Decimal, 2 places; months ×
    WEEKS_PER_MONTH), or None when the number is left empty. At most MAX_DURATION_WEEKS in
    either unit (2,298 months), else a ValidationError ``duration_too_long``."""

    widget = DurationWidget

    def __init__(self, **kwargs):
        fields = (forms.DecimalField(min_value=Decimal("0.01"), max_value=MAX_DURATION_WEEKS,
                                     decimal_places=2, required=False),
                  forms.ChoiceField(choices=DURATION_UNITS, required=False))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        number, unit = self.widget.widgets
        number.attrs["aria-label"] = _("%(label)s : nombre") % {"label": self.label}
        unit.attrs["aria-label"] = _("%(label)s : unité") % {"label": self.label}
        unit.attrs["class"] = "form-select"

    def compress(self, data_list):
        if not data_list or data_list[0] in (None, ""):
            return None
        number, unit = data_list[0], data_list[1] or WEEKS
        weeks = number * WEEKS_PER_MONTH if unit == MONTHS else number
        if weeks > MAX_DURATION_WEEKS:
            raise forms.ValidationError(
                _("Cette durée est trop longue : %(weeks)s semaines (%(months)s mois) au plus."),
                params={"weeks": MAX_DURATION_WEEKS,
                        "months": int(MAX_DURATION_WEEKS / WEEKS_PER_MONTH)},
                code="duration_too_long")
        return weeks.quantize(Decimal("0.01"))


def _plain_weeks(value: Decimal | None):
    """26 rather than 26.00 in the field (4.5 stays 4.5)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue"), required=False)
    level = forms.ChoiceField(label=_("Niveau"), required=False,
                              choices=_blank(CEFR_LABELS.items()))

    def __init__(self, *args, language_codes=(), number: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = _language_choices(
            language_codes)
        self.fields["language"].label = _("Langue %(number)s") % {"number": number}
        self.fields["level"].label = _("Niveau %(number)s") % {"number": number}

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("language") and not data.get("level"):
            self.add_error("level", _("Indiquez le niveau atteint dans cette langue."))
        if data.get("level") and not data.get("language"):
            self.add_error("language", _("Choisissez la langue de ce niveau."))
        return data


class BaseLanguageFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "number": (index or 0) + 1}

    def clean(self):
        # Also when a row has another error, so that every fault shows on the first submit
        # (tester t-book8 #8). A row's language that is not valid is not in its cleaned_data.
        codes = [form.cleaned_data.get("language") for form in self.forms]
        codes = [code for code in codes if code]
        if len(codes) != len(set(codes)):
            raise forms.ValidationError(_("Chaque langue ne s'indique qu'une fois."))

    def languages(self) -> list[dict]:
        """The profile's ``languages`` value: filled rows only."""
        return [{"language": form.cleaned_data["language"], "level": form.cleaned_data["level"]}
                for form in self.forms if form.cleaned_data.get("language")]


#: Languages one profile may list. ``absolute_max`` bounds the forms built whatever
#: ``langues-TOTAL_FORMS`` says (Django's default is max_num + 1,000).
MAX_LANGUAGES = 12
LanguageFormSet = forms.formset_factory(LanguageForm, formset=BaseLanguageFormSet, extra=2,
                                        max_num=MAX_LANGUAGES, absolute_max=MAX_LANGUAGES,
                                        validate_max=True)


class ProfileForm(forms.Form):
    """What the young person may tell before the interview. Every field is optional."""

    status = forms.ChoiceField(label=_("Vous êtes"), required=False,
                               choices=_blank(Status.choices))
    education_level = forms.ChoiceField(label=_("Votre plus haut diplôme"), required=False,
                                        choices=_blank(EducationLevel.choices))
    studies_field = forms.CharField(label=_("Vos études ou votre formation (filière, domaine)"),
                                    required=False, max_length=200)
    professional_experience = forms.CharField(
        label=_("Votre expérience professionnelle"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Emplois, stages, jobs d'été, bénévolat… même courts."))
    budget_eur = forms.IntegerField(
        label=_("Budget dont vous pourriez disposer (en euros)"), required=False, min_value=0,
        max_value=1_000_000,
        help_text=_("Une estimation suffit : économies, aide de la famille, bourses déjà "
                    "obtenues."))
    wish_domains = forms.MultipleChoiceField(
        label=_("Ce qui vous intéresse"), required=False, choices=Domain.choices,
        widget=forms.CheckboxSelectMultiple)
    wish_zones = forms.MultipleChoiceField(
        label=_("Zones du monde"), required=False, choices=Zone.choices,
        widget=forms.CheckboxSelectMultiple)
    wish_countries = forms.MultipleChoiceField(
        label=_("Pays précis"), required=False, choices=_country_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez un ou plusieurs pays ; le champ « Filtrer les pays » aide à les "
                    "trouver."))
    wish_duration_min_weeks = DurationField(
        label=_("Durée minimum"), required=False,
        help_text=_("En semaines ou en mois, comme vous le dites : 3 semaines, 6 mois…"))
    wish_duration_max_weeks = DurationField(label=_("Durée maximum"), required=False)
    wish_departure = forms.DateField(
        label=_("Date de départ souhaitée"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Même approximative."), validators=[validate_plausible_day])
    project_text = forms.CharField(label=_("Votre projet en quelques mots"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    hobbies = forms.CharField(label=_("Vos loisirs et passions"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    disability = forms.BooleanField(label=_("Je suis en situation de handicap"),
                                    required=False)
    nationality = forms.ChoiceField(label=_("Votre nationalité"), required=False,
                                    choices=lambda: _blank(_country_choices()))

    def __init__(self, *args, profile: MobilityProfile | None = None, **kwargs):
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(profile)
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_from(cls, profile: MobilityProfile) -> dict:
        initial = {name: getattr(profile, name) for name in cls.base_fields}
        initial["nationality"] = str(profile.nationality)  # a Country: str() is its code
        return initial

    def country_groups(self) -> list[dict]:
        """The country checkboxes grouped by zone, for ``matching/_country_chooser.html``:
        ``label``, ``key``, ``countries`` [(code, name, checked)] and ``selected`` (count).
        Each country shows once, in the first zone of COUNTRY_GROUP_ORDER containing it."""
        value = self["wish_countries"].value() or []
        checked = {str(code) for code in value}
        return [{**group, "countries": [(code, name, code in checked)
                                        for code, name in group["countries"]],
                 "selected": sum(code in checked for code, _name in group["countries"])}
                for group in country_groups()]

    def clean_wish_departure(self):
        """A departure date typed now is today or later (Paris date). One kept from an earlier
        save may have passed since: it does not block the other answers (tester t-book8 #8)."""
        departure = self.cleaned_data.get("wish_departure")
        if (departure is not None and "wish_departure" in self.changed_data
                and departure < timezone.localdate()):
            raise forms.ValidationError(
                _("Choisissez une date à venir, ou laissez ce champ vide."), code="past_departure")
        return departure

    def clean(self):
        super().clean()
        data = self.cleaned_data
        low = data.get("wish_duration_min_weeks")
        high = data.get("wish_duration_max_weeks")
        if low is not None and high is not None and low > high:
            self.add_error("wish_duration_max_weeks",
                           _("La durée maximum doit être au moins égale à la durée minimum."))
        return data


class AdvisorProfileForm(ProfileForm):
    """The advisor's version, during the interview: the same fields plus the identity facts
    the matching needs (age, département), checked with the young person."""

    birth_date = forms.DateField(label=_("Date de naissance"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"},
                                                        format="%Y-%m-%d"))
    postal_code = PostalCodeField(
        label=_("Code postal"), required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Celui de son domicile. Hors Nouvelle-Aquitaine, le profil le garde avec "
                    "un avertissement."))

    #: The young person's form speaks to them; the advisor's speaks about them.
    LABELS = {
        "status": _("Situation"),
        "education_level": _("Plus haut diplôme"),
        "studies_field": _("Études ou formation (filière, domaine)"),
        "professional_experience": _("Expérience professionnelle"),
        "budget_eur": _("Budget disponible (en euros)"),
        "wish_domains": _("Ce qui l'intéresse"),
        "project_text": _("Le projet en quelques mots"),
        "hobbies": _("Loisirs et passions"),
        "disability": _("Situation de handicap déclarée"),
        "nationality": _("Nationalité"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.LABELS.items():
            self.fields[name].label = label
        self.fields["budget_eur"].help_text = ""

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        validate_birth_date(birth_date, today=timezone.localdate())
        return birth_date

    def clean_postal_code(self) -> str:
        """« 87 200 » and « ３３０００ » as « 87200 », « 33000 », anything but 5 digits refused
        with « Le code postal a 5 chiffres » (``PostalCodeField``, tester t9c #9); then the
        profile's rule (``matching.residence``): any French
        postal code, one outside the region with a warning on the page."""
        value = self.cleaned_data.get("postal_code") or ""  # normalised, 5 digits or empty
        validate_profile_postal_code(value)
        return value


def profile_forms(*, data=None, profile: MobilityProfile | None = None,
                  form_class: type[ProfileForm] = ProfileForm):
    """The profile form and its languages formset, bound to ``data`` or filled from
    ``profile``."""
    languages = list(profile.languages) if profile is not None else []
    codes = [item.get("language", "") for item in languages]
    form = form_class(data, profile=profile)
    formset = LanguageFormSet(data, initial=None if data is not None else languages,
                              prefix="langues", form_kwargs={"language_codes": codes})
    return form, formset


def profile_cleaned_data(form: ProfileForm, formset: BaseLanguageFormSet) -> dict:
    return {**form.cleaned_data, "languages": formset.languages()}
