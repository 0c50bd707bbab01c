"""The annual report's tables as CSV files: one file per table (``<slug>.csv``) with a header
row, in the convention of every CSV « pour tableur » of the project (``vocabulary.spreadsheet``:
UTF-8 with BOM, ``;``, decimal comma, formulas neutralised). The same ``Table`` objects as the
PDF."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import BinaryIO

from vocabulary.spreadsheet import spreadsheet_csv

from .tables import Table, csv_value


def table_csv(table: Table) -> bytes:
    """One table as a CSV file « pour tableur » (``vocabulary.spreadsheet``: UTF-8 with BOM,
    ``;``, decimal comma), header row first."""
    return spreadsheet_csv([table.columns, *([csv_value(cell) for cell in row]
                                             for row in table.rows)])


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
