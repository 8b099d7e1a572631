"""Board sessions end when they should: bound to a fingerprint of the organiser token (a new
token ends the old sessions), all ended by `rota sessions --revoke-all` or the board's
button (open board streams closed too); an organiser already logged in keeps working while
their address is locked out, and the board says who failed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from click.testing import CliRunner

from orchestrator.cli import main
from tests.support.app import AUTH, EXAMPLE, TOKEN
from tests.support.sse_kit import read_to_the_end

WRONG = {"Authorization": "Bearer not-the-token-not-the-token"}
OTHER_TOKEN = "Zq8vR2mX7pL4wK9tN3bH6cY1"


@asynccontextmanager
async def board(base_url: str, token: str = TOKEN) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await client.post(
            "/board/login", data={"token": token}, headers={"Origin": base_url}
        )
        assert response.status_code == 303
        yield client


async def csrf_of(client: httpx.AsyncClient) -> str:
    return (await client.get("/board")).text.split('data-csrf="')[1].split('"')[0]


async def test_a_logged_in_organiser_keeps_working_while_the_address_is_locked(
    serve, http, redis_url
) -> None:
    running = await serve(redis_url=redis_url)
    async with board(running.base_url) as client:
        for _ in range(6):
            await http.get(f"{running.base_url}/api/v1/state", headers=WRONG)
        assert (await http.get(f"{running.base_url}/api/v1/state", headers=AUTH)).status_code == 429
        assert (await client.get("/board/state")).status_code == 200
        csrf = await csrf_of(client)
        sent = await client.post(
            "/board/actions/broadcast",
            json={"message": "Still here"},
            headers={"X-CSRF-Token": csrf, "Origin": running.base_url},
        )
        assert sent.status_code == 200


async def test_the_board_shows_failed_logins_by_address(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url)
    async with board(running.base_url) as client:
        for _ in range(3):
            await http.get(f"{running.base_url}/api/v1/state", headers=WRONG)
        alerts = (await client.get("/board/state")).json()["alerts"]
        messages = [a["message"] for a in alerts if a["kind"] == "failed-logins"]
        assert messages == ["3 failed logins from 127.0.0.1"]


async def test_an_old_session_is_refused_after_a_token_change(serve, redis_url) -> None:
    first = await serve(redis_url=redis_url)
    async with board(first.base_url) as client:
        assert (await client.get("/board/state")).status_code == 200
        await first.stop()
        second = await serve(redis_url=redis_url, env={"ROTA_ORGANISER_TOKEN": OTHER_TOKEN})
        client.base_url = httpx.URL(second.base_url)
        assert (await client.get("/board/state")).status_code == 401
    async with board(second.base_url, OTHER_TOKEN) as fresh:
        assert (await fresh.get("/board/state")).status_code == 200


async def test_the_board_button_ends_every_session_and_stream(serve, redis_url) -> None:
    running = await serve(redis_url=redis_url)
    async with board(running.base_url) as one, board(running.base_url) as other:
        task, seen = read_to_the_end(other, "/board/events", "state")
        await asyncio.wait_for(seen.wait(), 10)
        ended = await one.post(
            "/board/sessions/end",
            headers={"X-CSRF-Token": await csrf_of(one), "Origin": running.base_url},
        )
        assert ended.status_code == 200 and ended.json() == {"ended": 2}
        await asyncio.wait_for(task, 10)  # the open stream is closed by the server
        for client in (one, other):
            assert (await client.get("/board/state")).status_code == 401


async def test_the_board_button_needs_the_anti_forgery_token(serve, redis_url) -> None:
    running = await serve(redis_url=redis_url)
    async with board(running.base_url) as client:
        refused = await client.post("/board/sessions/end", headers={"Origin": running.base_url})
        assert refused.status_code == 403
        assert (await client.get("/board/state")).status_code == 200


def rota(*args: str) -> tuple[int, str]:
    """The command in this process (its imports are loaded already), as a user runs it."""
    done = CliRunner().invoke(main, list(args))
    return done.exit_code, done.output


async def test_rota_sessions_revoke_all(serve, redis_url) -> None:
    running = await serve(redis_url=redis_url)
    async with board(running.base_url) as client:
        command = ["sessions", str(EXAMPLE), "--redis", redis_url]
        assert await asyncio.to_thread(rota, *command) == (0, "1 board session open\n")
        assert (await client.get("/board/state")).status_code == 200  # listing ends nothing
        assert await asyncio.to_thread(rota, *command, "--revoke-all") == (
            0,
            "ended 1 board session; log in again with the organiser token\n",
        )
        assert (await client.get("/board/state")).status_code == 401
