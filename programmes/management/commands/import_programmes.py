"""Import programme sheets from a JSON file of the exchange format (all or nothing)."""

from django.core.management.base import BaseCommand, CommandError

from programmes.exchange import parse_programmes
from programmes.services import ProgrammeImportError, programmes_import

from ._files import read_json


class Command(BaseCommand):
    help = "Crée ou met à jour les fiches dispositifs d'un fichier JSON (tout ou rien)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier JSON (liste de fiches)")
        parser.add_argument("--dry-run", action="store_true",
                            help="valider seulement, sans rien écrire")

    def handle(self, *args, file, dry_run, **options):
        sheets, errors = parse_programmes(read_json(file))
        if not errors:
            try:
                report = programmes_import(sheets=sheets, dry_run=dry_run)
            except ProgrammeImportError as error:
                errors = error.errors
        if errors:
            for message in errors:
                self.stderr.write(message)
            raise CommandError(f"Fichier refusé, rien n'a été écrit : {len(errors)} erreur(s).")
        created, updated = ("à créer", "à mettre à jour") if dry_run else ("créées", "mises à jour")
        self.stdout.write(
            f"{len(sheets)} fiche(s) valide(s) — {created} : {len(report.created)}, "
            f"{updated} : {len(report.updated)}, inchangées : {len(report.unchanged)}"
            + (" (essai : rien n'a été écrit)." if dry_run else "."))
