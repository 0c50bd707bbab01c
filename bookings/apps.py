from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Rendez-vous")

    def ready(self) -> None:
        # Connects the receivers that invalidate the free-slot cache (see bookings.slots.cache).
        from .slots import cache  # noqa: F401
