from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Données personnelles")

    def ready(self) -> None:
        # Each app's personal_data module registers what it holds (see privacy.registry).
        autodiscover_modules("personal_data")
