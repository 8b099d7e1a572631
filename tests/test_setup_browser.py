"""The whole setup in Debian's Chromium at a phone's width, as a lecturer does it: `rota serve
--data-dir DIR` on an empty folder, log in with the keyboard, the day typed in (rooms added by
saving, no script needed), the participant workbook uploaded and its guess seen, the plan,
publish; then `rota check` passes on the published files and the same `rota serve` command
serves the day. Screenshots of each step land in SHOTS for a look."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.app import TOKEN, free_port
from tests.support.browser_kit import axe_violations, chromium, describe_violations
from tests.support.setup_kit import DAY, workbook

ROTA = str(Path(sys.executable).parent / "rota")
SHOTS = Path(os.environ.get("ROTA_SHOTS", "/tmp/rota-setup-shots"))


def _serve(data: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [ROTA, "serve", "--data-dir", str(data), "--port", str(port)]
    env = {**os.environ, "ROTA_ORGANISER_TOKEN": TOKEN}
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(log.read_text())


@pytest.fixture
def empty_folder(tmp_path: Path) -> Iterator[tuple[Path, list[subprocess.Popen[bytes]]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield tmp_path / "myday", started
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(15)


async def _no_axe_violations(page) -> None:
    found = await axe_violations(page)
    assert not found, describe_violations(found)


async def _fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        selector = f'[name="{name}"]'
        if await page.eval_on_selector(selector, "e => e.tagName") == "SELECT":
            await page.select_option(selector, value)
        else:
            await page.fill(selector, value)


async def _set_up_in_chromium(base: str, book: Path) -> None:
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(f"{base}/setup")
        await page.wait_for_selector("#token:focus")
        await page.keyboard.type(TOKEN)  # the token field has the focus: keyboard only
        await page.keyboard.press("Enter")
        await page.wait_for_url(f"{base}/board/setup")

        first = {k: v for k, v in DAY.items() if not k.startswith(("rooms-2", "teams-"))}
        await _fill(page, first)
        await page.click("text=Save and check")
        await page.wait_for_selector("text=no [[teams]]: there is nobody to present")
        later = ("rooms-2", "teams-0", "teams-1")  # the rooms saved are offered to the teams
        await _fill(page, {k: v for k, v in DAY.items() if k.startswith(later)})
        await page.click("text=Save and check")
        await page.fill('[name="round_minutes"]', "0")  # a slip: said next to it as typed
        await page.keyboard.press("Tab")  # (setup.js; without it, when saved)
        said = page.locator("#round_minutes-said")
        await said.wait_for(timeout=10_000)
        assert "rounds must last at least one minute" in (await said.text_content() or "")
        await page.screenshot(path=str(SHOTS / "1-day-problem.png"), full_page=True)
        await _fill(page, {"round_minutes": "30"})
        await page.context.clear_cookies()  # the session ends while the form is being edited
        await page.fill('[name="title"]', "Students' day 2027")
        await page.keyboard.press("Tab")
        await page.wait_for_selector("text=Your session has ended, so this was not saved")
        await page.goto(f"{base}/board")
        await page.fill("#token", TOKEN)
        await page.keyboard.press("Enter")
        await page.wait_for_selector("text=is back in the form")
        assert await page.input_value('[name="title"]') == "Students' day 2027"  # not lost
        await _fill(page, {k: v for k, v in DAY.items() if k.startswith("teams-2")})
        await _no_axe_violations(page)
        await page.click("text=Save, then the people")
        await page.wait_for_url(f"{base}/board/setup/people")

        await page.set_input_files("#list", str(book))
        await page.click("button:has-text('Upload the list')")
        await page.wait_for_selector("text=How the list was read")
        preview = await page.text_content(".preview")
        assert preview and '"Lisbon" → Europe/Lisbon' in preview
        await _no_axe_violations(page)
        await page.screenshot(path=str(SHOTS / "2-people.png"), full_page=True)

        await page.click("text=On to the plan")
        await page.wait_for_selector("text=Who is where")
        assert await page.locator(".plan-grid tbody tr").count() == 3
        await _no_axe_violations(page)
        await page.screenshot(path=str(SHOTS / "3-plan.png"), full_page=True)
        await page.click("text=Publish the day")
        await page.wait_for_selector("#published")
        await page.screenshot(path=str(SHOTS / "4-published.png"), full_page=True)


def test_empty_folder_to_a_published_day(tmp_path: Path, empty_folder) -> None:
    data, started = empty_folder
    log = tmp_path / "rota.log"
    process, base = _serve(data, log)
    started.append(process)
    assert f"{base}/setup" in log.read_text()  # the banner gives the way in
    SHOTS.mkdir(parents=True, exist_ok=True)
    asyncio.run(_set_up_in_chromium(base, workbook(tmp_path / "participants.xlsx")))
    checked = subprocess.run(
        [ROTA, "check", str(data / "programme.toml")], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    assert "3 teams, 3 rounds" in checked.stdout and "15 participants" in checked.stdout
    process.terminate()
    assert process.wait(15) == 0
    day, base = _serve(data, log)  # the same command, now with a published day
    started.append(day)
    board = httpx.get(f"{base}/board", timeout=5)
    assert board.status_code == 200 and 'name="token"' in board.text
    state = httpx.get(
        f"{base}/api/v1/state", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )
    assert state.status_code == 200, state.text
    assert {room["team"] for room in state.json()["rooms"]} == {"t1", "t2", "t3"}
