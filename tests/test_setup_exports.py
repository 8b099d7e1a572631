"""Who is where, as the setup exports it (xlsx and PDF, per room and per person) and as the
plan step shows each person's day: over real HTTP on a setup-only service, the files read
back with openpyxl and pypdf. Names typed in other scripts stay as typed; a name starting
with "=" stays text; each person's times are in their own zone (09:00 in Berlin is 10:00 in
Helsinki)."""

from __future__ import annotations

import html
import io
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from orchestrator.appkeys import SERVICE
from tests.support.app import TOKEN
from tests.support.browser_kit import axe_violations, chromium, describe_violations
from tests.support.clock import start_so_that_now_is
from tests.support.setup_kit import DAY, TEAMS, organiser, setup_service, upload_list, workbook

SHOTS = Path(os.environ.get("ROTA_SHOTS", "/tmp/rota-setup-shots"))
POLISH, GREEK, FORMULA, HELSINKI = "Łukasz Żółć", "Ηλέκτρα Παππά", "=1+2 Evil", "List3 Ener"


def lecturers_list(path: Path) -> Path:
    """The kit's workbook, three listeners renamed as people type them, one in Helsinki who
    reads Finnish."""
    book = load_workbook(workbook(path))
    sheet = book.active
    assert sheet is not None
    sheet.cell(1, 6, "Language")
    for row, (first, last) in zip(
        (8, 9, 10), (("Łukasz", "Żółć"), ("Ηλέκτρα", "Παππά"), ("=1+2", "Evil")), strict=True
    ):
        sheet.cell(row, 1, first).data_type = "s"
        sheet.cell(row, 2, last)
    sheet.cell(11, 5, "Europe/Helsinki")
    sheet.cell(11, 6, "fi")
    book.save(path)
    return path


@asynccontextmanager
async def planned(data: Path, redis_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """Signed in, the day saved and the list uploaded: the plan step can plan."""
    book = lecturers_list(data.parent / "mine.xlsx")
    async with setup_service(data, redis_url) as base, organiser(base) as (client, csrf):
        await client.post("/board/setup/day", data={**DAY, "csrf": csrf})
        sent = await upload_list(client, csrf, book.name, book.read_bytes())
        assert sent.status_code == 303, sent.text[:300]
        yield client, csrf


async def _file(client: httpx.AsyncClient, url: str) -> bytes:
    got = await client.get(url)
    assert got.status_code == 200, got.text[:500]
    assert "attachment" in got.headers["Content-Disposition"]
    return got.content


def _rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [[c.value for c in row] for row in sheet.iter_rows()]


async def test_the_rooms_sheet_has_each_round_team_and_name(tmp_path: Path, redis_url) -> None:
    async with planned(tmp_path / "data", redis_url) as (client, _):
        rows = _rows(await _file(client, "/board/setup/export/draft/rooms.xlsx"))
    assert rows[0][:3] == ["Room", "When (Europe/Berlin)", "What"]
    assert [(r[0], r[1]) for r in rows[1:4]] == [
        ("Room Helsinki", "9:00\u202fAM–9:30\u202fAM"),
        ("Room Helsinki", "9:30\u202fAM–10:00\u202fAM"),
        ("Room Helsinki", "10:00\u202fAM–10:30\u202fAM"),
    ]
    assert {r[2] for r in rows[1:]} == {f"Round {n}: Team {t}" for n in (1, 2, 3) for t in TEAMS}
    listeners = [
        POLISH,
        GREEK,
        "'" + FORMULA,
        HELSINKI,
        *(f"List{n} Ener" for n in (4, 5, 6, 7, 8)),
    ]
    for name in listeners:  # each listener in one room a round: three times in all
        assert sum(name in str(r[5]).split(", ") for r in rows[1:]) == 3, name
    assert all(
        r[4] == f"Pre{i}0 Senter, Pre{i}1 Senter"
        for i in range(3)
        for r in rows[1 + 3 * i : 4 + 3 * i]
    )


async def test_the_people_sheet_gives_each_day_in_its_own_zone(tmp_path: Path, redis_url) -> None:
    async with planned(tmp_path / "data", redis_url) as (client, _):
        data = await _file(client, "/board/setup/export/draft/people.xlsx")
    rows = _rows(data)
    names = {r[0] for r in rows[1:]}
    assert len(names) == 15 and {POLISH, GREEK, HELSINKI} <= names
    helsinki = [r for r in rows if r[0] == HELSINKI]
    assert [(r[1], r[2]) for r in helsinki] == [
        ("Europe/Helsinki", "10:00\u202fAM–10:30\u202fAM"),
        ("Europe/Helsinki", "10:30\u202fAM–11:00\u202fAM"),
        ("Europe/Helsinki", "11:00\u202fAM–11:30\u202fAM"),
    ]
    presenter = [r[3] for r in rows if r[0] == "Pre00 Senter"]
    assert presenter == [f"Round {n}: Team Helsinki presents" for n in (1, 2, 3)]
    greek = [r for r in rows if r[0] == GREEK]
    assert (greek[0][1], greek[0][2]) == ("Europe/Berlin", "9:00\u202fAM–9:30\u202fAM")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [row[0] for row in sheet.iter_rows() if str(row[0].value).endswith("Evil")]
    assert cells and all(c.data_type == "s" and c.value == "'" + FORMULA for c in cells)


@pytest.mark.parametrize(
    ("what", "said"),
    [
        ("rooms", ["Room Leuven", "Team Lisbon", "Times in Europe/Berlin", "9:00", POLISH, GREEK]),
        ("people", [f"{HELSINKI} — Times in Europe/Helsinki", "10:00", POLISH, GREEK, FORMULA]),
    ],
)
async def test_the_pdf_prints_names_as_typed(
    tmp_path: Path, redis_url, what: str, said: list[str]
) -> None:
    async with planned(tmp_path / "data", redis_url) as (client, _):
        data = await _file(client, f"/board/setup/export/draft/{what}.pdf")
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in said:
        assert words in text, words
    for page in reader.pages:  # DejaVu embedded, no standard font: names print as typed
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources["/Font"].get_object()
        assert isinstance(fonts, DictionaryObject)
        for font in (f.get_object() for f in fonts.values()):
            assert "DejaVu" in str(font["/BaseFont"])
            assert "/FontFile2" in font["/DescendantFonts"][0]["/FontDescriptor"]
    assert len(reader.pages) >= (3 if what == "rooms" else 1)


async def test_each_persons_day_in_their_zone_and_language(tmp_path: Path, redis_url) -> None:
    async with planned(tmp_path / "data", redis_url) as (client, _):
        first = await client.get("/board/setup/plan")
        options = dict(
            (html.unescape(name), pid)
            for pid, name in re.findall(
                r'<option value="([^"]+)"[^>]*>([^<]+)</option>', first.text
            )
        )
        assert {POLISH, GREEK, FORMULA, HELSINKI} <= set(options)
        page = await client.get("/board/setup/plan", params={"person": options[HELSINKI]})
    shown = html.unescape(page.text.split('id="agenda"')[1].split("</section>")[0])
    assert f"{HELSINKI}: times in Europe/Helsinki, in Finnish" in shown
    assert "10.00–10.30" in shown and "Kierros 1" in shown  # Finnish times and words
    assert "9.00" not in shown and "9:00" not in shown
    assert f'value="{options[HELSINKI]}" selected' in page.text


async def test_an_unknown_person_shows_the_first_one(tmp_path: Path, redis_url) -> None:
    async with planned(tmp_path / "data", redis_url) as (client, _):
        page = await client.get("/board/setup/plan", params={"person": "<script>x</script>"})
    assert page.status_code == 200 and "<script>x" not in page.text
    assert re.search(r'<option value="[^"]+" selected>=1\+2 Evil</option>', page.text)


async def test_the_exports_need_the_session_and_a_plan(tmp_path: Path, redis_url) -> None:
    async with planned(tmp_path / "data", redis_url) as (client, csrf):
        async with httpx.AsyncClient(base_url=str(client.base_url)) as stranger:
            refused = await stranger.get("/board/setup/export/draft/people.xlsx")
            assert refused.status_code == 303 and refused.headers["Location"] == "/board"
        before = await client.get("/board/setup/export/published/rooms.pdf")
        assert before.status_code == 409 and "Nothing is published yet" in before.text
        plan = await client.get("/board/setup/plan")
        version = plan.text.split('name="version" value="')[1].split('"')[0]
        assert "/board/setup/export/published/" not in plan.text
        done = await client.post("/board/setup/publish", data={"csrf": csrf, "version": version})
        assert "/board/setup/export/published/rooms.pdf" in done.text
        rows = _rows(await _file(client, "/board/setup/export/published/people.xlsx"))
        assert HELSINKI in {r[0] for r in rows}
        await client.post("/board/setup/day", data={**DAY, "rooms-0-seats": "1", "csrf": csrf})
        unplanned = await client.get("/board/setup/export/draft/rooms.xlsx")
        assert unplanned.status_code == 409 and "no plan to export" in unplanned.text


async def test_choosing_a_person_in_chromium_at_390_px(tmp_path: Path, redis_url) -> None:
    """By keyboard: the chooser, then the button; the day shown is theirs, axe finds nothing
    serious, and the plan step is kept as a screenshot to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (once, before the service)
    async with planned(tmp_path / "data", redis_url) as (client, _), chromium() as browser:
        base = str(client.base_url).rstrip("/")
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(f"{base}/board")
        await page.fill("#token", TOKEN)
        await page.keyboard.press("Enter")
        await page.wait_for_url(f"{base}/board/setup")
        await page.goto(f"{base}/board/setup/plan")
        await page.focus("#person")
        await page.select_option("#person", label=HELSINKI)
        await page.keyboard.press("Tab")
        await page.keyboard.press("Enter")  # "Show their day"
        await page.wait_for_selector("#agenda-of:has-text('Europe/Helsinki')")
        assert "10.00–10.30" in (await page.text_content(".agenda-table") or "")
        found = await axe_violations(page)
        assert not found, describe_violations(found)
        await page.locator("#agenda").scroll_into_view_if_needed()
        await page.screenshot(path=str(SHOTS / "5-plan-agenda.png"), full_page=True)


async def test_the_served_day_exports_what_it_serves(serve, tmp_path: Path, redis_url) -> None:
    """From the board of a served day (the bundled example, before it starts): the published
    day's files are the plan being served, each person in their zone."""
    running = await serve(
        redis_url=redis_url, data_dir=tmp_path, speed=60, start_at=start_so_that_now_is(-30)
    )
    live = running.app[SERVICE].require_live()
    async with organiser(running.base_url) as (client, _):
        plan = await client.get("/board/setup/plan")
        assert "/board/setup/export/published/people.xlsx" in plan.text
        rows = _rows(await _file(client, "/board/setup/export/published/people.xlsx"))
    programme = live.programme
    seated = {p for r in live.plan.rounds for slot in r.rooms for p in slot.audience}
    shown = {(r[0], r[1]) for r in rows[1:]}
    people = [programme.participant_by_id[p] for p in sorted(seated)]
    assert len(people) > 20 and len({p.timezone for p in people}) > 2
    assert all((p.name, programme.tz_of(p).key) in shown for p in people)
