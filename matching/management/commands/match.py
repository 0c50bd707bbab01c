"""Print, as JSON, what the matching engine returns for a profile file against the published
programme sheets (format: /work/shared/formats/exchange-format.md)."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from matching.engine import match
from matching.exchange import ProfileFormatError, profile_from_exchange
from programmes.management.commands._files import read_json
from programmes.selectors import published_sheet_data


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date : date AAAA-MM-JJ attendue, reçu « {value} »") from error


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise CommandError(f"--limit : entier positif attendu, reçu « {value} »")
    return int(value)


class Command(BaseCommand):
    help = "Affiche en JSON les fiches qui correspondent à un profil de mobilité."

    def add_arguments(self, parser):
        parser.add_argument("profile", help="fichier JSON du profil")
        parser.add_argument("--date", help="date du matching (AAAA-MM-JJ), aujourd'hui sinon")
        parser.add_argument("--limit", help="nombre maximum de résultats et de quasi-résultats")

    def handle(self, *args, profile, **options):
        on = _iso_date(options["date"]) if options["date"] else timezone.localdate()
        limit = _positive(options["limit"]) if options["limit"] is not None else None
        try:
            person = profile_from_exchange(read_json(profile))
        except ProfileFormatError as error:
            raise CommandError("Profil invalide :\n" + "\n".join(error.errors)) from error
        result = match(person, published_sheet_data(), on=on)
        self.stdout.write(json.dumps(result.to_json(limit=limit), ensure_ascii=False, indent=2))
