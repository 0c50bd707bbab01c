"""Forms of the partner network: the coordinators' admin steps and the public directory filter.

They check shape only; the rules are in ``advisors.services``.
"""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vocabulary.dates import validate_plausible_day
from vocabulary.names import validate_person_name

from .models import Structure, StructureStatus
from .validators import validate_designation_date


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, **kwargs) -> forms.DateField:
    """A typed day (a ``date``), refused outside the project's plausible range (2000–2099,
    ``vocabulary.dates``) with a French message: the rules then add months and days to it
    (tester t9b F9)."""
    return forms.DateField(label=label, widget=DateInput(), validators=[validate_plausible_day],
                           **kwargs)


class ReceiptDateForm(forms.Form):
    received_on = date_field(_("Date de réception"), initial=timezone.localdate)


class TerminationLetterForm(ReceiptDateForm):
    requested_end_on = date_field(
        _("Date de fin demandée (facultatif)"),
        required=False,
        help_text=_("Seulement si la structure demande une fin plus tardive que le préavis de "
                    "deux mois."),
    )


class FormalNoticeAnswerForm(forms.Form):
    answered_on = date_field(_("Date de la réponse"), initial=timezone.localdate)


class StructureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=StructureStatus.choices)
    on = date_field(_("Date du changement"), initial=timezone.localdate)
    note = forms.CharField(label=_("Commentaire"), max_length=255, required=False)


class AdvisorWithdrawForm(forms.Form):
    on = date_field(_("Date du retrait"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Motif"), max_length=255, required=False)


class AdvisorInviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail professionnelle"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150,
                                 validators=[validate_person_name])
    last_name = forms.CharField(label=_("Nom"), max_length=150, validators=[validate_person_name])
    structure = forms.ModelChoiceField(
        label=_("Structure"),
        queryset=Structure.objects.exclude(status=StructureStatus.ENDED).order_by("public_name"),
    )
    designated_on = date_field(_("Désigné·e le"), initial=timezone.localdate,
                               help_text=_("Au plus un an à l'avance."))

    def clean_designated_on(self) -> date:
        """At most a year ahead of today (``validators.validate_designation_date``)."""
        day: date = self.cleaned_data["designated_on"]
        validate_designation_date(day, today=timezone.localdate())
        return day


class StructureAdminForm(forms.ModelForm):
    """The structure's admin form. The coordinates are typed as text, not in a number field: a
    browser silently empties a number field holding « NaN » or « 999,5 » before sending it
    (tester t9b F10), so the server could not say what was wrong. « 44,8378 » and « 44.8378 »
    are both read (French decimal comma)."""

    class Meta:
        model = Structure
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields shown
        localized_fields = ("latitude", "longitude")
        widgets = {
            "latitude": forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
            "longitude": forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
        }


class ConventionStateDateForm(forms.Form):
    """The day on which coordinators read every convention's state (a Paris date)."""

    date = forms.DateField(label=_("État au"), widget=DateInput(),
                           validators=[validate_plausible_day],
                           error_messages={"invalid": _("Saisissez une date valide, par "
                                                        "exemple 31/12/2026.")})
