from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    """The coordinators' pages outside admin (/coordination/): the network's statistics and
    the compliance watch, composed from the booking, matching and network domains. Nothing
    imports this app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "coordination"
    verbose_name = "Coordination"
