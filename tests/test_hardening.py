"""The review's low findings, one reason per test: a revoked or erased person's open page
stream is closed, and `HEAD /go/{token}` answers without counting a click."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from orchestrator.appkeys import CLICKS, SERVICE, STORE
from tests.conftest import AUTH, eventually

PERSON = "emma-schmidt"


async def open_page_stream(base: str, token: str) -> tuple[asyncio.Task[str], asyncio.Event]:
    """The page's stream read to its end in a task; the event is set at its first move."""
    moved = asyncio.Event()

    async def read() -> str:
        text = ""
        async with (
            httpx.AsyncClient(timeout=30) as http,
            http.stream("GET", f"{base}/p/{token}/events") as response,
        ):
            assert response.status_code == 200
            async for chunk in response.aiter_text():
                text += chunk
                if "event: move" in text:
                    moved.set()
        return text

    return asyncio.create_task(read()), moved


@pytest.mark.parametrize("how", ["revoke", "erase"])
async def test_the_open_stream_of_a_revoked_or_erased_person_is_closed(
    serve, http, redis_url, how: str
) -> None:
    running = await serve(redis_url=redis_url, start_at="now")
    token = running.app[SERVICE].require_live().token_of[PERSON]
    task, moved = await open_page_stream(running.base_url, token)
    await asyncio.wait_for(moved.wait(), 10)
    done = await http.post(f"{running.base_url}/api/v1/participants/{PERSON}/{how}", headers=AUTH)
    assert done.status_code == 200, done.text
    await asyncio.wait_for(task, 10)  # the server ended the stream
    assert (await http.get(f"{running.base_url}/go/{token}")).status_code == 404


async def test_head_on_go_counts_no_click(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url)
    token = running.app[SERVICE].require_live().token_of[PERSON]
    head = await http.head(f"{running.base_url}/go/{token}")
    assert head.status_code == 302 and head.headers["Location"]
    assert (await http.get(f"{running.base_url}/go/{token}")).status_code == 302
    await running.app[CLICKS].flush()

    async def clicks() -> list[dict[str, object]]:
        return [c for c in await running.app[STORE].clicks() if c["participant"] == PERSON]

    assert len(await eventually(clicks)) == 1  # the GET's, and no other
