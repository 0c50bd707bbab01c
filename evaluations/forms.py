"""The questionnaire's form: it checks the shape of the answers; ``services.evaluation_answer``
decides whether the link may still be used."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import ProgrammeSheet

from .models import (
    COMMENT_MAX_LENGTH,
    PROGRAMME_OTHER_MAX_LENGTH,
    SATISFACTION_CHOICES,
    DeparturePeriod,
    Intention,
    Usefulness,
)


class EvaluationForm(forms.Form):
    """``programmes``: the sheets the young person was sent (``selectors.programmes_sent_for``),
    offered as choices beside the free text."""

    satisfaction = forms.TypedChoiceField(
        label=_("Dans l'ensemble, êtes-vous satisfait·e de votre entretien ?"),
        help_text=_("1 : pas du tout satisfait·e, 5 : très satisfait·e."),
        choices=SATISFACTION_CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une note de 1 à 5.")})
    usefulness = forms.TypedChoiceField(
        label=_("Les informations reçues vous ont-elles été utiles ?"),
        choices=Usefulness.choices, coerce=int, empty_value=None, required=False,
        widget=forms.RadioSelect)
    intends_to_go = forms.ChoiceField(
        label=_("Avez-vous l'intention de partir à l'étranger ?"), choices=Intention.choices,
        required=False, widget=forms.RadioSelect)
    departure_period = forms.ChoiceField(
        label=_("Si oui, quand pensez-vous partir ?"), choices=DeparturePeriod.choices,
        required=False, widget=forms.RadioSelect)
    programme: forms.ModelChoiceField[ProgrammeSheet] = forms.ModelChoiceField(
        label=_("Quel programme vous intéresse le plus ?"),
        queryset=ProgrammeSheet.objects.none(), required=False,
        empty_label=_("Aucun en particulier"),
        help_text=_("Parmi les programmes que votre conseiller·ère vous a envoyés."))
    programme_other = forms.CharField(
        label=_("Un autre programme ?"), required=False, max_length=PROGRAMME_OTHER_MAX_LENGTH,
        help_text=_("Facultatif : son nom, si ce n'est pas l'un de ceux de la liste."))
    comment = forms.CharField(
        label=_("Un commentaire ?"), required=False, max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Facultatif, %(max)s caractères au plus. N'y indiquez ni votre nom ni vos "
                    "coordonnées : les réponses sont lues sans votre identité.")
        % {"max": COMMENT_MAX_LENGTH})

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        if not programmes.exists():
            del self.fields["programme"]
            self.fields["programme_other"].label = _("Un programme vous intéresse-t-il ?")
            self.fields["programme_other"].help_text = _("Facultatif : son nom.")
