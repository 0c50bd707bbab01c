"""``python manage.py annual_report --year 2026 [--output bilan.pdf] [--csv-dir DIR]``: the
annual report made here, without a stored row (coordinators use admin, which keeps it)."""

from __future__ import annotations

import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.exports import write_csv_dir
from reports.pdf import RENDER_PROCESSES
from reports.services import FIRST_YEAR, annual_report_files


class Command(BaseCommand):
    help = "Fait le bilan global annuel : un PDF et, au besoin, un fichier CSV par tableau."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="année du bilan")
        parser.add_argument("--output", type=Path, help="fichier PDF (défaut : bilan-ANNÉE.pdf)")
        parser.add_argument("--csv-dir", type=Path, help="dossier des fichiers CSV")

    def handle(self, *args, year: int, output: Path | None, csv_dir: Path | None, **options):
        now = timezone.now()
        this_year = timezone.localdate(now).year  # Paris (TIME_ZONE)
        if not FIRST_YEAR <= year <= this_year:
            raise CommandError(f"Année {year} : choisissez une année entre {FIRST_YEAR} et "
                               f"{this_year}.")
        output = output or Path(f"bilan-{year}.pdf")
        started = time.monotonic()

        def progress(step: str, percent: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{percent:3d} % {step}")

        try:
            with output.open("wb") as pdf:
                files = annual_report_files(year=year, now=now, pdf=pdf, csv_zip=None,
                                            progress=progress)
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire {output} : {exc}") from exc
        self.stdout.write(f"PDF : {output} ({files.pages} pages, "
                          f"{time.monotonic() - started:.1f} s)")
        if csv_dir is not None:
            paths = write_csv_dir(files.tables, csv_dir)
            self.stdout.write(f"CSV : {len(paths)} fichiers dans {csv_dir}")
        # Peak resident memory (kilobytes on Linux) of this process and of the largest of the
        # worker processes that laid out the PDF's parts (the bench adds them up).
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        self.stdout.write(f"Mémoire maximale : {own:.0f} Mo pour ce processus, {workers:.0f} Mo "
                          f"au plus pour chacun des {RENDER_PROCESSES} processus de rendu")
