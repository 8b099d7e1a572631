"""A roster file read into a grid of text cells, as the spreadsheet shows them: `.xlsx`
(openpyxl), `.ods` (python-calamine) or CSV (UTF-8, `;` or `,`, BOM). The only I/O of the
roster, like the programme's own file: what the cells mean is decided elsewhere (roster.py)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from schedules.problems import Problem

WORKBOOKS = (".xlsx", ".xlsm", ".ods")
FORMULA_ERRORS = frozenset(
    (
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "Err:502",
        "Err:504",
        "Err:508",
        "Err:510",
        "Err:511",
        "Err:522",
    )
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx, or an old .xls
ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class Grid:
    """One sheet: `rows` as (row number, cells as text); `where` names it in messages
    (`roster.csv`, `participants.xlsx:Participants`)."""

    where: str
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column): why
    merged: tuple[tuple[int, int, int, int], ...] = ()  # first row, first col, last row, col
    delimiter: str = ""  # CSV only


def read_grid(path: Path, sheet: str = "") -> tuple[Grid | None, list[Problem]]:
    """The sheet named `sheet` (else the first) of a workbook, or the CSV file; a file that
    cannot be read is one problem that says what to do."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, 1, f"cannot read the roster: {exc.strerror or exc}")]
    suffix = path.suffix.lower()
    if suffix in WORKBOOKS:
        problem = _not_a_workbook(raw, name, suffix)
        if problem:
            return None, [problem]
        if suffix == ".ods":
            return _ods(path, name, sheet)
        return _xlsx(raw, name, sheet)
    if raw.startswith((ZIP, OLE2)):
        return None, [
            Problem(
                name,
                1,
                "this is a workbook, not CSV text: name it .xlsx or .ods (or "
                'export it as "CSV UTF-8")',
            )
        ]
    if sheet:
        return None, [Problem(name, 1, f"[roster] sheet = {sheet!r}, but a CSV file has no sheets")]
    return _csv(raw, name)


def _not_a_workbook(raw: bytes, name: str, suffix: str) -> Problem | None:
    if raw.startswith(OLE2):
        return Problem(
            name,
            1,
            "the workbook is encrypted (password-protected) or an old Excel "
            "97–2003 file: remove the password, or save it again as .xlsx",
        )
    if not raw.startswith(ZIP):
        kind = "an OpenDocument spreadsheet" if suffix == ".ods" else "an Excel workbook"
        return Problem(
            name,
            1,
            f"not {kind} (renamed from another kind of file?): open it in "
            f'your spreadsheet program and save it as {suffix}, or as "CSV UTF-8"',
        )
    return None


def _corrupt(name: str, suffix: str, exc: BaseException) -> Problem:
    return Problem(
        name,
        1,
        f"the workbook cannot be read ({type(exc).__name__}: it is damaged or "
        f"incomplete): open it in your spreadsheet program and save it again as {suffix}",
    )


def _no_sheet(name: str, sheet: str, sheets: list[str]) -> Problem:
    return Problem(
        name,
        1,
        f"[roster] sheet = {sheet!r}, but the workbook has no such sheet "
        f"(sheets: {', '.join(repr(s) for s in sheets)})",
    )


def shown(value: Any) -> str:
    """A cell's value as a spreadsheet shows it: 12 not 12.0, a date as 2025-03-27, a time as
    10:00."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M" if value.second == 0 else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return str(value).strip()


def _formula_error(text: str) -> str:
    return f"the formula error {text}: correct the formula, or type the value"


def _xlsx(raw: bytes, name: str, sheet: str) -> tuple[Grid | None, list[Problem]]:
    from openpyxl import load_workbook

    try:  # any damage in a file from outside may surface as any error from the parser
        values = load_workbook(io.BytesIO(raw), data_only=True)
        formulas = load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as exc:
        return None, [_corrupt(name, ".xlsx", exc)]
    if sheet and sheet not in values.sheetnames:
        return None, [_no_sheet(name, sheet, values.sheetnames)]
    ws = values[sheet] if sheet else values.worksheets[0]
    raw_ws = formulas[ws.title]
    errors: dict[tuple[int, int], str] = {}
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, row in enumerate(ws.iter_rows(min_row=1, min_col=1), start=1):
        cells: list[str] = []
        for column, cell in enumerate(row):
            text = shown(cell.value)
            if cell.data_type == "e" or text in FORMULA_ERRORS:
                errors[(number, column)] = _formula_error(text)
                text = ""
            elif cell.value is None and raw_ws.cell(number, column + 1).data_type == "f":
                errors[(number, column)] = (
                    "a formula whose result was never saved (the file was written by a program, "
                    "not a spreadsheet): open it in your spreadsheet program and save it again"
                )
            cells.append(text)
        rows.append((number, tuple(cells)))
    merged = tuple(
        (m.min_row, m.min_col - 1, m.max_row, m.max_col - 1) for m in ws.merged_cells.ranges
    )
    return Grid(f"{name}:{ws.title}", tuple(rows), errors, merged), []


def _ods(path: Path, name: str, sheet: str) -> tuple[Grid | None, list[Problem]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = list(book.sheet_names)
        if sheet and sheet not in sheets:
            return None, [_no_sheet(name, sheet, sheets)]
        if not sheets:
            return None, [Problem(name, 1, "the workbook has no sheet")]
        chosen = sheet or sheets[0]
        data = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except Exception as exc:
        return None, [_corrupt(name, ".ods", exc)]
    errors: dict[tuple[int, int], str] = {}
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, row in enumerate(data, start=1):
        cells = [shown(value) for value in row]
        for column, text in enumerate(cells):
            if text in FORMULA_ERRORS:
                errors[(number, column)] = _formula_error(text)
                cells[column] = ""
        rows.append((number, tuple(cells)))
    return Grid(f"{name}:{chosen}", tuple(rows), errors), []


def decode(raw: bytes, name: str) -> tuple[str | None, Problem | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(
            name,
            line,
            f'not UTF-8 text (byte {raw[exc.start]:#04x}); export the roster as "CSV UTF-8"',
        )


def _csv(raw: bytes, name: str) -> tuple[Grid | None, list[Problem]]:
    text, problem = decode(raw, name)
    if text is None:
        return None, [problem] if problem else []
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple[str, ...]]] = []
    start_line = 0
    try:
        for row in reader:
            rows.append((start_line + 1, tuple(cell.strip() for cell in row)))
            start_line = reader.line_num
    except csv.Error as exc:
        return None, [Problem(name, reader.line_num or 1, f"not readable as CSV: {exc}")]
    return Grid(name, tuple(rows), delimiter=delimiter), []
