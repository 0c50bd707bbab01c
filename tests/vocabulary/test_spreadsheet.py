"""The one convention of the CSV files « pour tableur » (tester t9b F7)."""

import datetime as dt
from decimal import Decimal

from vocabulary.spreadsheet import fixed, spreadsheet_cell, spreadsheet_csv


def test_a_file_opens_in_columns_with_decimal_commas_in_a_french_spreadsheet():
    content = spreadsheet_csv([["Structure", "Taux", "Heures", "Jour", "Ouvert"],
                               ["Info Jeunes Pau", fixed(0.127659, 4), 156.0,
                                dt.date(2026, 3, 2), True],
                               ["=1+1", None, 2.5, "-0,5", False]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").split("\r\n") == [
        "Structure;Taux;Heures;Jour;Ouvert",
        "Info Jeunes Pau;0,1277;156;2026-03-02;oui",
        "'=1+1;;2,5;-0,5;non",
        "",
    ]


def test_cells():
    assert fixed(None, 2) is None
    assert fixed(6.0, 2) == Decimal("6.00") and spreadsheet_cell(fixed(6.0, 2)) == "6,00"
    assert spreadsheet_cell(1234567.5) == "1234567,5"
    assert spreadsheet_cell(1e16) == "10000000000000000"
    assert spreadsheet_cell(-0.25) == "-0,25"
    assert spreadsheet_cell(1234) == "1234"
