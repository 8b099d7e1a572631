"""`rota links` and `GET /api/v1/participants?format=…`: one row per person with their
personal link, for a running and for a stopped event."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import icalendar
import openpyxl
import pytest

from orchestrator.api.links_table import COLUMNS
from orchestrator.appkeys import SERVICE
from tests.support.app import AUTH, EXAMPLE, start_app

BASE = "https://rota.example.org"
ROTA = str(Path(sys.executable).parent / "rota")


def rows_of(fmt: str, data: bytes) -> list[dict[str, Any]]:
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheets read UTF-8
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    if fmt == "json":
        return json.loads(data)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    header: tuple[Any, ...] = values[0]  # cells of any kind
    return [dict(zip(header, (v or "" for v in row), strict=True)) for row in values[1:]]


async def rota_links(data_dir: Path, fmt: str, out: Path) -> bytes:
    """The command as a separate process, while this test's event may be serving."""
    process = await asyncio.create_subprocess_exec(
        *(ROTA, "links", str(EXAMPLE), "--base-url", BASE + "/", "--format", fmt),
        *("--out", str(out), "--data-dir", str(data_dir)),
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return out.read_bytes()  # noqa: ASYNC240 (a small file, once)


@pytest.fixture
async def event(tmp_path: Path) -> AsyncIterator:
    running = await start_app(data_dir=tmp_path / "var")
    yield running
    await running.stop()


def check_rows(rows: list[dict[str, str]], tokens: dict[str, str]) -> None:
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == len(tokens) and {r["id"] for r in rows} == set(tokens)
    by_id = {r["id"]: r for r in rows}
    onni = by_id["onni-virtanen"]  # presents for t1 in round 1: 09:00 in Berlin
    assert onni["link"] == f"{BASE}/go/{tokens['onni-virtanen']}"
    assert onni["page"] == f"{BASE}/p/{tokens['onni-virtanen']}"
    assert onni["agenda"] == f"{BASE}/p/{tokens['onni-virtanen']}/agenda.ics"
    assert onni["email"] == "onni-virtanen@example.org"
    assert (onni["language"], onni["timezone"]) == ("fi", "Europe/Helsinki")
    assert onni["first_place"] == "Room 1"
    assert onni["first_start_local"] == "2025-03-27 10:00 Europe/Helsinki"


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
async def test_links_of_a_running_event(event, tmp_path: Path, fmt: str) -> None:
    tokens = dict(event.app[SERVICE].require_live().token_of)
    data = await rota_links(tmp_path / "var", fmt, tmp_path / f"links.{fmt}")
    check_rows(rows_of(fmt, data), tokens)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
async def test_links_of_a_stopped_event(event, tmp_path: Path, fmt: str) -> None:
    tokens = dict(event.app[SERVICE].require_live().token_of)
    await event.stop()
    assert not (tmp_path / "var" / "redis.sock").exists()
    data = await rota_links(tmp_path / "var", fmt, tmp_path / f"links.{fmt}")
    check_rows(rows_of(fmt, data), tokens)


def test_links_without_a_stored_event_say_so(tmp_path: Path) -> None:
    done = subprocess.run(
        [ROTA, "links", str(EXAMPLE), "--base-url", BASE, "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no stored event" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
async def test_the_api_gives_the_same_table(event, http, fmt: str) -> None:
    live = event.app[SERVICE].require_live()
    url = f"{event.base_url}/api/v1/participants?format={fmt}"
    assert (await http.get(url)).status_code == 401  # organisers only
    response = await http.get(url, headers=AUTH)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(fmt, response.content)
    assert len(rows) == len(live.token_of)
    assert rows[0]["link"] == live.link(rows[0]["id"])


async def test_the_api_refuses_an_unknown_format(event, http) -> None:
    response = await http.get(f"{event.base_url}/api/v1/participants?format=pdf", headers=AUTH)
    assert response.status_code == 400 and "csv" in response.json()["error"]


async def test_every_agenda_item_carries_the_personal_link(event, http) -> None:
    live = event.app[SERVICE].require_live()
    token = live.token_of["onni-virtanen"]
    response = await http.get(f"{event.base_url}/p/{token}/agenda.ics")
    items = list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    assert items
    for item in items:
        assert str(item["URL"]) == live.link("onni-virtanen")
        assert str(item["LOCATION"]) == live.link("onni-virtanen")
    uids = [str(i["UID"]) for i in items]
    again = icalendar.Calendar.from_ical(
        (await http.get(f"{event.base_url}/p/{token}/agenda.ics")).content
    )
    assert [str(i["UID"]) for i in again.walk("VEVENT")] == uids  # stable: updates, no copies


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_typed_formula_stays_text_in_a_spreadsheet(fmt: str) -> None:
    """A name that looks like a formula (or holds a control character, which a sheet cannot
    store) is exported as text: a spreadsheet opening the table runs nothing."""
    from orchestrator.api.links_table import FORMATS, LinkRow

    row = LinkRow(
        "p1",
        '=HYPERLINK("https://evil.test")',
        "a@b.org",
        "audience",
        "",
        "en",
        "UTC",
        "l",
        "p",
        "a",
        "Room\x01 1",
        "",
    )
    data = FORMATS[fmt][0]([row])
    if fmt == "csv":
        assert rows_of(fmt, data)[0]["name"] == '\'=HYPERLINK("https://evil.test")'
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert sheet is not None
        assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("'=HYPERLINK")
        assert sheet["K2"].value == "Room 1"
