from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    """Communes, postal codes and départements of Nouvelle-Aquitaine, from official open data.

    The lowest layer beside ``accounts``: it imports no other app of the project."""

    name = "territory"
    verbose_name = _("Territoire")
