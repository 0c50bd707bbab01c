"""Message-IDs of the outbox rows."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings


def message_id_new() -> str:
    """A new ``<…@domain>`` Message-ID (RFC 5322): 122 random bits from the operating system
    (``uuid4``; not ``email.utils.make_msgid``, whose bits come from the ``random`` module,
    which tests and libraries seed), the domain being ``SITE_URL``'s host (the platform's own
    name). Given once per outbox row, when it is written."""
    domain = urlsplit(settings.SITE_URL).hostname or "somobilite.fr"
    return f"<{uuid.uuid4().hex}@{domain}>"
