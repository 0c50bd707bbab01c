from django import forms
from django.utils.translation import gettext_lazy as _


class AnnualReportRequestForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année"), min_value=2000, max_value=2200,
        error_messages={"required": _("Indiquez l'année du bilan."),
                        "invalid": _("Indiquez une année en chiffres, par exemple 2026."),
                        "min_value": _("Indiquez une année en chiffres, par exemple 2026."),
                        "max_value": _("Indiquez une année en chiffres, par exemple 2026.")},
        help_text=_("Le bilan porte sur l'année civile (1er janvier – 31 décembre). Pour "
                    "l'année en cours, les chiffres sont arrêtés au jour de la demande."))
