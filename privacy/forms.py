from django import forms
from django.utils.translation import gettext_lazy as _


class AccountDeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je comprends que mes rendez-vous à venir seront annulés et que mes données "
            "seront effacées définitivement."
        ),
        error_messages={"required": _("Cochez la case pour confirmer la suppression.")},
    )
