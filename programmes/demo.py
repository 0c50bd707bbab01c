"""Demo data: about thirty real programmes (programmes/demo_programmes.json, in the exchange
format), loaded through the same importer as ``import_programmes``. Idempotent: a second run
finds every sheet unchanged. Sheets whose facts could not all be checked are « à vérifier »,
with a note saying what (the ``verification`` key)."""

import json
from pathlib import Path

from .exchange import parse_programmes
from .services import ProgrammeImportError, programmes_import

DEMO_FILE = Path(__file__).with_name("demo_programmes.json")


def seed(stdout) -> None:
    sheets, errors = parse_programmes(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    if errors:
        raise ProgrammeImportError(errors)
    report = programmes_import(sheets=sheets)
    stdout.write(f"Fiches dispositifs : {len(report.created)} créées, {len(report.updated)} "
                 f"mises à jour, {len(report.unchanged)} inchangées.\n")
