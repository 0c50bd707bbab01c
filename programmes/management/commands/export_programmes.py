"""Export the published programme sheets to a JSON file of the exchange format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.exchange import programmes_to_json
from programmes.selectors import published_sheets


class Command(BaseCommand):
    help = "Écrit les fiches dispositifs publiées dans un fichier JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier JSON à écrire")

    def handle(self, *args, file, **options):
        # Ordered by slug, keys in the format's order: the same database gives the same bytes.
        sheets = list(published_sheets().order_by("slug"))
        try:
            Path(file).write_text(programmes_to_json(sheets), encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Écriture impossible de {file} : {error}") from error
        self.stdout.write(f"{len(sheets)} fiche(s) publiée(s) exportée(s) dans {file}.")
