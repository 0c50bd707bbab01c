"""Reading a JSON file for a command: every failure becomes a readable CommandError."""

from pathlib import Path

from django.core.management.base import CommandError

from vocabulary.exchange import ExchangeFileError, load_json


def read_json(path: str):
    """The JSON document of the file at ``path``; a missing, unreadable or broken file (see
    ``vocabulary.exchange.load_json``) raises a one-line French CommandError."""
    try:
        content = Path(path).read_bytes()
    except FileNotFoundError as error:
        raise CommandError(f"Fichier introuvable : {path}") from error
    except OSError as error:
        raise CommandError(f"Lecture impossible de {path} : {error}") from error
    try:
        return load_json(content)
    except ExchangeFileError as error:
        raise CommandError(f"Fichier refusé, {path} : {error.message}.") from error
