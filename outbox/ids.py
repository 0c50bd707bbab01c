"""Message-IDs of the outbox rows."""

from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings


def message_id_new() -> str:
    """A new ``<…@domain>`` Message-ID (RFC 5322), the domain being ``SITE_URL``'s host (the
    platform's own name, so ids never collide with another sender's). Given once per outbox
    row, when it is written."""
    domain = urlsplit(settings.SITE_URL).hostname or "somobilite.fr"
    return make_msgid(domain=domain)
