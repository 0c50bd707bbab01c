from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What running the platform needs and no domain knows of: the health endpoint for the
    load balancer, the Celery worker heartbeat, backups (``scripts/backup.sh``)."""

    name = "operations"
    verbose_name = _("Exploitation")
