from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouthConfig(AppConfig):
    """The young person's space: pages composed from bookings, matching and privacy. It sits
    on top of the domain apps and nothing imports it."""

    name = "youth"
    verbose_name = _("Espace jeune")
