"""The annual report's tables as CSV files: one file per table (``<slug>.csv``), UTF-8 with a
byte order mark (so that spreadsheet programs read the accents) and a header row, cells
beginning like a formula neutralised (defusedcsv). The same ``Table`` objects as the PDF."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import BinaryIO

from defusedcsv import csv

from .tables import Table, csv_value


def table_csv(table: Table) -> bytes:
    """One table as a CSV file (UTF-8 with BOM, comma-separated, header row first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([csv_value(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_csv_zip(tables: list[Table], output: BinaryIO, *, year: int) -> list[str]:
    """Writes every table into a zip archive (``bilan-<year>/<slug>.csv``); returns the names."""
    names = []
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            name = f"bilan-{year}/{table.slug}.csv"
            archive.writestr(name, table_csv(table))
            names.append(name)
    return names


def write_csv_dir(tables: list[Table], directory: Path) -> list[Path]:
    """Writes every table as ``<slug>.csv`` in ``directory`` (created if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in tables:
        path = directory / f"{table.slug}.csv"
        path.write_bytes(table_csv(table))
        paths.append(path)
    return paths
