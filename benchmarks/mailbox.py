"""Email backend of the HTTP benchmark: every message is appended to ``<recipient>.txt`` in
``BENCH_MAILBOX_DIR``, where the load generator reads the login codes it was sent."""

import fcntl
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

SEPARATOR = "\n=== message ===\n"


def mailbox_path(directory: str | Path, address: str) -> Path:
    return Path(directory) / f"{address.lower().replace('/', '_')}.txt"


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            body = f"{SEPARATOR}Subject: {message.subject}\n\n{message.body}\n"
            for address in message.recipients():
                # Set by benchmarks.settings only (the type checker reads the test settings).
                directory = settings.BENCH_MAILBOX_DIR  # type: ignore[misc]
                with mailbox_path(directory, address).open("a") as file:
                    fcntl.flock(file, fcntl.LOCK_EX)
                    file.write(body)
        return len(email_messages)
