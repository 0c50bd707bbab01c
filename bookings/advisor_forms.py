"""Forms of the advisors' availability page: they check shape only, the services check rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vocabulary.dates import validate_plausible_day

from .models import AbsenceKind, Mode, RecurringAvailability

_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _modes_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Modalités proposées"), choices=Mode.choices,
        widget=forms.CheckboxSelectMultiple, required=False)


def _place_field() -> forms.CharField:
    return forms.CharField(
        label=_("Lieu de l'entretien sur place"), max_length=255, required=False,
        help_text=_("Laisser vide pour l'adresse de la structure."))


class RecurringAvailabilityForm(forms.Form):
    prefix = "recurring"

    weekday = forms.TypedChoiceField(label=_("Jour"), coerce=int,
                                     choices=RecurringAvailability.Weekday.choices)
    start_time = forms.TimeField(label=_("De"), widget=_TIME)
    end_time = forms.TimeField(label=_("À"), widget=_TIME)
    valid_from = forms.DateField(label=_("À partir du"), widget=_DATE,
                                 validators=[validate_plausible_day])
    valid_until = forms.DateField(label=_("Jusqu'au (facultatif)"), required=False,
                                  widget=_DATE, validators=[validate_plausible_day])
    modes = _modes_field()
    place = _place_field()


class OneOffAvailabilityForm(forms.Form):
    prefix = "one_off"

    date = forms.DateField(label=_("Date"), widget=_DATE, validators=[validate_plausible_day])
    start_time = forms.TimeField(label=_("De"), widget=_TIME)
    end_time = forms.TimeField(label=_("À"), widget=_TIME)
    modes = _modes_field()
    place = _place_field()


class AbsenceForm(forms.Form):
    """Dates and times are read on the Europe/Paris wall clock (the site's time zone)."""

    prefix = "absence"

    starts_at = forms.DateTimeField(label=_("Début"), widget=_DATETIME,
                                    validators=[validate_plausible_day])
    ends_at = forms.DateTimeField(label=_("Fin"), widget=_DATETIME,
                                  validators=[validate_plausible_day])
    kind = forms.ChoiceField(
        label=_("Type d'absence"), choices=AbsenceKind.choices,
        help_text=_("Courte : quelques heures ou quelques jours (formation, réunion, "
                    "maladie courte). Longue : des semaines ou des mois (congé, arrêt "
                    "prolongé). Une absence se déclare avant sa fin."))
    reason = forms.CharField(label=_("Motif"), max_length=255)
    confirm_cancellations = forms.BooleanField(required=False, widget=forms.HiddenInput)


class EndRecurringForm(forms.Form):
    """The last day a weekly availability is offered."""

    last_day = forms.DateField(label=_("Dernier jour"), widget=_DATE,
                               validators=[validate_plausible_day])
