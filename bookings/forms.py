"""Forms of the public booking pages: they check the shape of what was typed; the booking
services check the rules again (eligibility, the 48-hour rule, the slot being free)."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from advisors.validators import (
    DEPARTEMENT_CHOICES,
)
from matching.residence import validate_youth_postal_code
from somobilite.query_filters import QueryFilterForm
from territory.places import Place, PlaceError, place_find
from vocabulary.ages import age_on
from vocabulary.codes import Domain, Status
from vocabulary.dates import validate_birth_date
from vocabulary.names import validate_person_name
from vocabulary.phones import FrenchPhoneNumberFormField as PhoneNumberField
from vocabulary.postal_codes import PostalCodeField

from .models import Mode
from .services import CONSENT_TEXT, BookingDetails

MAX_AGE = 35
GUARDIAN_AGE = 15


def capitalised(choices):
    """The vocabulary's labels are lower case (they are used inside sentences); form options
    start with a capital."""
    return [(value, capfirst(label)) for value, label in choices]


class SearchForm(QueryFilterForm):
    """Where the young person lives and the interview mode. ``lieu`` cleans to a
    ``territory.places.Place`` (or None when left empty); when it names several places or
    none, ``suggestions`` holds the places to offer. Other parameters of the address
    (``?departement=33``) are ignored and told (QueryFilterForm, tester t9c #7)."""

    lieu = forms.CharField(
        label=_("Votre commune, code postal ou département"), required=False, max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2",
                                      "placeholder": _("ex. Pessac, 87200 ou 33")}),
    )
    mode = forms.ChoiceField(
        label=_("Type d'entretien"), required=False,
        choices=[("", _("Tous les types")), *Mode.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions: tuple[Place, ...] = ()

    def clean_lieu(self) -> Place | None:
        value = self.cleaned_data["lieu"]
        if not value.strip():
            return None
        try:
            return place_find(value)
        except PlaceError as exc:
            self.suggestions = exc.suggestions
            raise ValidationError(exc.message, code=exc.code) from exc


class WaitingListForm(forms.Form):
    email = forms.EmailField(label=_("Votre adresse e-mail"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    departement = forms.ChoiceField(label=_("Département"), choices=DEPARTEMENT_CHOICES)
    mode = forms.ChoiceField(label=_("Type d'entretien"), choices=Mode.choices)


class BookingForm(forms.Form):
    """What the young person tells us; ``interview_day`` and ``modes`` come from the slot,
    ``today`` decides whether a parent's consent is needed (the age when consenting)."""

    mode = forms.ChoiceField(label=_("Type d'entretien"), widget=forms.RadioSelect)
    first_name = forms.CharField(label=_("Prénom"), max_length=150,
                                 validators=[validate_person_name],
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Nom"), max_length=150,
                                validators=[validate_person_name],
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_("Un code de confirmation vous y sera envoyé."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneNumberField(
        label=_("Téléphone"), required=False,
        help_text=_("Obligatoire pour un entretien par téléphone."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    birth_date = forms.DateField(
        label=_("Date de naissance"), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"},
                               format="%Y-%m-%d"),
    )
    postal_code = PostalCodeField(
        label=_("Code postal de votre domicile"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    youth_status = forms.ChoiceField(label=_("Votre situation"),
                                     choices=[("", "---------"), *capitalised(Status.choices)])
    domains = forms.MultipleChoiceField(
        label=_("Votre projet concerne"), required=False, choices=capitalised(Domain.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    project = forms.CharField(
        label=_("Votre projet en quelques mots"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : destination envisagée, dates, questions…"),
    )
    guardian_email = forms.EmailField(
        label=_("E-mail d'un parent ou tuteur·rice"), required=False,
        help_text=_("Obligatoire si vous avez moins de 15 ans."),
    )
    guardian_consent = forms.BooleanField(
        label=_("Mon parent ou tuteur·rice est d'accord pour que je prenne ce rendez-vous et "
                "que mes données soient traitées."),
        required=False,
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Votre accord est nécessaire pour prendre rendez-vous.")},
    )

    def __init__(self, *args, modes: tuple[str, ...], interview_day: dt.date, today: dt.date,
                 account_email: str = "", **kwargs):
        """``account_email``: the address of the logged-in young person, who books with it
        (the field is then shown but not editable, and no code is needed)."""
        super().__init__(*args, **kwargs)
        self.interview_day = interview_day
        self.today = today
        labels = [Mode(m).label for m in modes]
        cast(forms.ChoiceField, self.fields["mode"]).choices = list(zip(modes, labels, strict=True))
        # Django's message would show the raw code refused (« phone »): name what is offered.
        self.fields["mode"].error_messages["invalid_choice"] = _(
            "Ce créneau ne se fait pas de cette façon : choisissez %(modes)s.") % {
            "modes": " ou ".join(str(label) for label in labels)}
        if len(modes) == 1:
            self.fields["mode"].initial = modes[0]
        if account_email:
            email = self.fields["email"]
            email.disabled = True
            email.initial = account_email
            email.help_text = _("L'adresse de votre compte.")

    def guardian_needed(self) -> bool:
        """Whether to show the parent or guardian block: the birth date typed (or known)
        makes the young person younger than ``GUARDIAN_AGE`` today, or the block already
        holds something. Without a birth date, False: the block appears when one is given
        (by the page's script, or by the server after a submit)."""
        if self.is_bound:
            if self.data.get(self.add_prefix("guardian_email")) or self.data.get(
                    self.add_prefix("guardian_consent")):
                return True
            try:
                birth_date = self.fields["birth_date"].to_python(
                    self.data.get(self.add_prefix("birth_date"), ""))
            except ValidationError:
                birth_date = None
        else:
            birth_date = self.get_initial_for_field(self.fields["birth_date"], "birth_date")
        return (isinstance(birth_date, dt.date) and birth_date < self.today
                and age_on(birth_date, self.today) < GUARDIAN_AGE)

    def details(self) -> BookingDetails:
        """What the service needs, from a valid form."""
        data = self.cleaned_data
        return BookingDetails(
            first_name=data["first_name"], last_name=data["last_name"],
            birth_date=data["birth_date"], postal_code=data["postal_code"],
            youth_status=data["youth_status"],
            phone=data["phone"].as_e164 if data["phone"] else "",
            domains=tuple(data["domains"]), project=data["project"], consent=data["consent"],
            guardian_email=data["guardian_email"], guardian_consent=data["guardian_consent"],
        )

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"].strip()
        validate_youth_postal_code(value)  # the one rule of a young person's postal code
        return value

    def clean_birth_date(self) -> dt.date:
        birth_date = self.cleaned_data["birth_date"]
        validate_birth_date(birth_date, today=self.today)
        if age_on(birth_date, self.interview_day) > MAX_AGE:
            raise ValidationError(
                _("So Mobilité s'adresse aux jeunes de %(max)s ans ou moins le jour de "
                  "l'entretien (le %(day)s, vous aurez %(age)s ans)."),
                params={"max": MAX_AGE, "day": self.interview_day.strftime("%d/%m/%Y"),
                        "age": age_on(birth_date, self.interview_day)},
                code="too_old",
            )
        return birth_date

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # A number typed but not valid already has its own message: do not add "Indiquez…".
        if data.get("mode") == Mode.PHONE and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", ValidationError(
                _("Indiquez un numéro de téléphone : la conseillère ou le conseiller vous "
                  "appellera à ce numéro."), code="phone_required"))
        birth_date = data.get("birth_date")
        if birth_date and age_on(birth_date, self.today) < GUARDIAN_AGE:
            if not data.get("guardian_email"):
                self.add_error("guardian_email", ValidationError(
                    _("Vous avez moins de 15 ans : indiquez l'adresse e-mail d'un parent ou "
                      "tuteur·rice."), code="guardian_email_required"))
            if not data.get("guardian_consent"):
                self.add_error("guardian_consent", ValidationError(
                    _("Vous avez moins de 15 ans : l'accord d'un parent ou tuteur·rice est "
                      "nécessaire."), code="guardian_consent_required"))
        email, guardian = data.get("email"), data.get("guardian_email")
        if email and guardian and email.lower() == guardian.lower():
            self.add_error("guardian_email", ValidationError(
                _("L'adresse du parent ou tuteur·rice doit être différente de la vôtre."),
                code="guardian_email_same"))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code reçu par e-mail"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autocapitalize": "characters", "spellcheck": "false"}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Motif (facultatif)"), required=False, max_length=255)
