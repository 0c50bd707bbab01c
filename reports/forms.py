from django import forms
from django.utils.translation import gettext_lazy as _


class AnnualReportRequestForm(forms.Form):
    """The year of a report. The form checks only that it is a whole number; the range (from
    ``services.FIRST_YEAR`` to the current year) is the service's rule, so every integer out of
    it, 1999 as well as 2201 or -1, gets the service's message naming the range (tester t9b F8:
    the form's own bounds answered « en chiffres » for a year written in digits)."""

    year = forms.IntegerField(
        label=_("Année"),
        error_messages={"required": _("Indiquez l'année du bilan."),
                        "invalid": _("Indiquez une année entière en chiffres, par exemple "
                                     "2026.")},
        help_text=_("Le bilan porte sur l'année civile (1er janvier – 31 décembre). Pour "
                    "l'année en cours, les chiffres sont arrêtés au jour de la demande."))
