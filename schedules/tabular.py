"""The one path every spreadsheet and CSV export goes through, so a cell that a spreadsheet
would evaluate (a name starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is
written as text, never as a formula (the OWASP rule for CSV injection)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from schedules.text import clean

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-0.52", "+3") cannot run anything, and a results sheet needs its numbers.
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")

Cell = str | int | float | None


def neutralise(value: Cell) -> Cell:
    """A text cell made safe (neutral_text); numbers and empty cells as they are."""
    return neutral_text(value) if isinstance(value, str) else value


def neutral_text(value: str) -> str:
    """Text without control or invisible characters (schedules/text.py), prefixed with `'`
    when a spreadsheet would evaluate it, so it stays text."""
    text = clean(value)
    if text.lstrip().startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(rows: Iterable[Sequence[Cell]], *, crlf: bool = False) -> str:
    """Rows as CSV text, each cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()


def xlsx_bytes(rows: Iterable[Sequence[Cell]], title: str = "sheet") -> bytes:
    """Rows as one worksheet, the first frozen as the header; every text cell neutralised and
    stored as a string (openpyxl stores any text starting with `=` as a formula otherwise)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    for values in rows:
        sheet.append([neutralise(value) for value in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
