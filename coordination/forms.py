"""The filters of the coordinators' statistics (shape only: the figures are
``bookings.statistics``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from advisors.models import Structure
from advisors.validators import DEPARTEMENT_CHOICES
from bookings.models import Mode
from bookings.statistics import OCCUPANCY_MAX_DAYS
from bookings.statistics_forms import PeriodForm


class StructureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Structure) -> str:
        return f"{obj.public_name} ({obj.departement})"


class NetworkFiltersForm(PeriodForm):
    """Period (both Paris dates included, at most ``OCCUPANCY_MAX_DAYS`` days), and optionally
    a département of the structures, a structure and a mode."""

    departement = forms.ChoiceField(label=_("Département"), required=False,
                                    choices=[("", _("Tous")), *DEPARTEMENT_CHOICES])
    structure = StructureChoiceField(
        label=_("Structure"), required=False, empty_label=_("Toutes"),
        queryset=Structure.objects.order_by("departement", "public_name"))
    mode = forms.ChoiceField(label=_("Modalité"), required=False,
                             choices=[("", _("Toutes")), *Mode.choices])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and not self.has_error("au") and (
                (end - start).days + 1 > OCCUPANCY_MAX_DAYS):
            self.add_error("au", _("La période ne peut pas dépasser deux ans (%(days)s jours).")
                           % {"days": OCCUPANCY_MAX_DAYS})
        return cleaned


class ComplianceFiltersForm(forms.Form):
    """Which structures the weekly table lists: a département, only those under the minimum."""

    departement = forms.ChoiceField(label=_("Département"), required=False,
                                    choices=[("", _("Tous")), *DEPARTEMENT_CHOICES])
    sous_minimum = forms.BooleanField(label=_("Seulement les structures sous le minimum"),
                                      required=False)
