from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The advisors' back-office (/espace-conseil/): pages composed from the booking, matching
    and programme domains. Nothing imports this app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "backoffice"
    verbose_name = "Espace conseil"
