"""Reading a JSON file for a command: every failure becomes a readable CommandError."""

import json
from pathlib import Path

from django.core.management.base import CommandError


def read_json(path: str):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise CommandError(f"Fichier introuvable : {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Lecture impossible de {path} (UTF-8 attendu) : {error}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(f"JSON invalide dans {path}, ligne {error.lineno}, colonne "
                           f"{error.colno} : {error.msg}") from error
