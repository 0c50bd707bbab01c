from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every email the platform sends leaves through an outbox row, written in the transaction
    that decided it, with a stable Message-ID, retries with backoff and a sweep (see
    ``outbox.delivery``). Imports no app: the apps above hand it their messages."""

    name = "outbox"
    verbose_name = _("E-mails envoyés")
