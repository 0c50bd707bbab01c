from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from matching.vocabulary import Domain, Zone


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    domain = forms.ChoiceField(label=_("Domaine"), required=False,
                               choices=[("", _("Tous les domaines")), *Domain.choices])
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
