from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisorsConfig(AppConfig):
    name = "advisors"
    verbose_name = _("Réseau des structures")
