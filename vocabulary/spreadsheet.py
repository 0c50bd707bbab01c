"""CSV files « pour tableur »: the one convention of every CSV a person opens in a spreadsheet
(the structure's and the coordinators' statistics, the annual report's tables; tester t9b F7).

French spreadsheet software (Excel and LibreOffice in French) opens these as they are: UTF-8
with a byte order mark (so the accents are read), ``;`` between columns, CRLF line ends, a
decimal comma (« 0,1277 », « 12,50 »: with a point, a French spreadsheet reads text or a date),
dates as ISO ``AAAA-MM-JJ`` (read as dates), integers without thousands separator, and cells
that begin like a formula neutralised (defusedcsv). Machine-facing files (the JSON exchange
format) do not use this.

- ``fixed(value, places) -> Decimal | None``: a float rounded to ``places`` decimals, kept as
  a number (the writer puts the comma); None stays None.
- ``spreadsheet_cell(value) -> str``: one cell as written (None → empty, ``Decimal`` and
  ``float`` with a decimal comma, ``bool`` → « oui » / « non », ``date`` → ISO, other values
  ``str()``).
- ``spreadsheet_csv(rows) -> bytes``: the whole file (rows of cells, the header row first).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from defusedcsv import csv


def fixed(value: float | None, places: int) -> Decimal | None:
    """``value`` rounded to ``places`` decimals (half to even, as ``format``), e.g.
    ``fixed(0.127659, 4) == Decimal("0.1277")``; None for None."""
    if value is None:
        return None
    return Decimal(f"{value:.{places}f}")


def spreadsheet_cell(value: object) -> str:
    """One cell as written in the file (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, float):  # shortest digits, no trailing zero, never an exponent
        return format(Decimal(repr(value)).normalize(), "f").replace(".", ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def spreadsheet_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """The CSV file of ``rows`` (header row first), in the convention of the module docstring."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
