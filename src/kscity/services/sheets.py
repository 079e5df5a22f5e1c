"""Spreadsheet and CSV cells that stay data.

Titles, buyers and firm names come from outside feeds and uploads. openpyxl stores any text starting with "="
as a formula, and spreadsheet programs evaluate CSV fields starting with "=", "+", "-" or "@": a notice titled
"=HYPERLINK(…)" would run in the officer's Excel (CSV/formula injection, OWASP). Text is therefore written as
text: typed as a string in XLSX, and with a leading apostrophe in CSV, as OWASP advises.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header_cells(ws: WriteOnlyWorksheet, header: Iterable[Any]) -> list[WriteOnlyCell]:
    """A write-only sheet's header row: bold white on KRDS primary blue."""
    cells = []
    for value in header:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="256EF4")
        cells.append(cell)
    return cells


def text_cells(ws: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """A write-only sheet's row: text as text cells, numbers and dates as they are."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def keep_text(ws: Worksheet) -> None:
    """After appending to an ordinary sheet: every cell openpyxl took for a formula holds text again."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def csv_field(value: Any) -> Any:
    """A CSV field that a spreadsheet program shows as the text it is."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_START):
        return "'" + value
    return value
