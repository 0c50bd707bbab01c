"""Rebuild territory/data/communes.json from the npm package @etalab/decoupage-administratif."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territory import extract


class Command(BaseCommand):
    help = ("Rebuild the extract of the communes of Nouvelle-Aquitaine from the npm package "
            f"{extract.PACKAGE} (downloaded with npm pack, or --source).")

    def add_arguments(self, parser):
        parser.add_argument("--package-version", dest="package_version",
                            default=extract.DEFAULT_VERSION,
                            help="version of the package (default %(default)s)")
        parser.add_argument("--source", type=Path,
                            help="an already downloaded package: .tgz or unpacked directory")
        parser.add_argument("--output", type=Path, default=extract.DATA_FILE,
                            help="file to write (default: the committed extract)")

    def handle(self, *args, package_version, source, output, **options):
        try:
            with tempfile.TemporaryDirectory() as tmp:
                if source is None:
                    source = extract.fetch_package(package_version, Path(tmp))
                data = extract.build_extract(*extract.read_package(source))
        except extract.ExtractError as exc:
            raise CommandError(str(exc)) from exc
        extract.write_extract(data, output)
        self.stdout.write(self.style.SUCCESS(
            f"{len(data['communes'])} communes and {len(data['former_communes'])} former "
            f"communes of {len(data['departements'])} départements written to {output} "
            f"({data['source']['package']} {data['source']['version']})."))
