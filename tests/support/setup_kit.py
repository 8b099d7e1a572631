"""What the setup tests share: the setup-only service on loopback (as `rota serve --data-dir
DIR` starts it with no programme), a signed-in client, a lecturer's workbook, and the day's
form as a lecturer fills it in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from openpyxl import Workbook

from orchestrator.edge.guard import runner_options
from orchestrator.settings import Settings
from orchestrator.setup.setup_only import create_setup_app
from tests.support.app import TOKEN, free_port

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEAMS = ("Helsinki", "Lisbon", "Leuven")
DAY = {
    "title": "Students' day",
    "date": "2027-03-25",
    "timezone": "Europe/Berlin",
    "language": "en",
    "start": "09:00",
    "round_minutes": "30",
    "rounds": "3",
    "changeover_minutes": "0",
    "min_audience": "1",
    "jury_per_team": "0",
    **{f"rooms-{i}-name": f"Room {name}" for i, name in enumerate(TEAMS)},
    **{f"rooms-{i}-seats": "12" for i in range(3)},
    **{f"rooms-{i}-kind": "jitsi" for i in range(3)},
    **{f"teams-{i}-name": f"Team {name}" for i, name in enumerate(TEAMS)},
    **{f"teams-{i}-room": f"Room {name}" for i, name in enumerate(TEAMS)},
}


def workbook(path: Path, zone: str = "Lisbon") -> Path:
    """Two presenters per team and nine listeners, in a lecturer's own columns; "Lisbon" is a
    time zone Rota can only guess (Europe/Lisbon)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Participants"
    sheet.append(["First name", "Last name", "E-mail", "Team", "Time zone"])
    for t, team in enumerate(TEAMS):
        for n in range(2):
            sheet.append([f"Pre{t}{n}", "Senter", f"p{t}{n}@example.org", f"Team {team}", zone])
    for n in range(9):
        sheet.append([f"List{n}", "Ener", f"a{n}@example.org", "", "Europe/Berlin"])
    book.save(path)
    return path


@asynccontextmanager
async def setup_service(data_dir: Path, redis_url: str) -> AsyncIterator[str]:
    port = free_port()
    settings = Settings.build(
        data_dir / "programme.toml",
        {"ROTA_ORGANISER_TOKEN": TOKEN},
        port=port,
        redis_url=redis_url,
        data_dir=data_dir,
    )
    runner = web.AppRunner(
        create_setup_app(settings), handle_signals=False, **runner_options(settings)
    )
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def organiser(base: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A client logged in on the board, and its anti-forgery token (from the setup page)."""
    async with httpx.AsyncClient(base_url=base, timeout=30, headers={"Origin": base}) as client:
        login = await client.post("/board/login", data={"token": TOKEN})
        assert login.status_code == 303
        page = await client.get("/board/setup")
        assert page.status_code == 200, page.text
        yield client, page.text.split('name="csrf" value="')[1].split('"')[0]


async def upload_list(
    client: httpx.AsyncClient, csrf: str, name: str, content: bytes
) -> httpx.Response:
    """The people step: a workbook uploaded as a lecturer's browser sends it."""
    return await client.post(
        "/board/setup/people",
        data={"csrf": csrf},
        files={"list": (name, content, XLSX)},
    )


@asynccontextmanager
async def served_with_mail(
    serve: Any, folder: Path, redis_url: str
) -> AsyncIterator[tuple[Any, Any]]:
    """A small day rehearsed 60× fast on loopback, its [mail] pointing at a real SMTP server
    (aiosmtpd, its Inbox); stopped before the mail server stops (its connection)."""
    from tests.support.clock import start_so_that_now_is
    from tests.support.examples import example_with_mail
    from tests.support.mailbox import FAST, mail_server

    with contextmanager(mail_server)(folder) as inbox:
        programme = example_with_mail(folder / "event", inbox.section(), small=True)
        running = await serve(
            programme,
            redis_url=redis_url,
            data_dir=folder / "data",
            speed=60,
            start_at=start_so_that_now_is(-30),
            **FAST,
        )
        try:
            yield running, inbox
        finally:
            await running.stop()
