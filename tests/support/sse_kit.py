"""A server-sent event stream read to its end in a task, for tests that watch the server
close it: the event is set once a chosen event has arrived (a positive marker first)."""

from __future__ import annotations

import asyncio

import httpx


def read_to_the_end(
    client: httpx.AsyncClient, url: str, first: str
) -> tuple[asyncio.Task[str], asyncio.Event]:
    arrived = asyncio.Event()

    async def read() -> str:
        text = ""
        async with client.stream("GET", url) as response:
            assert response.status_code == 200
            async for chunk in response.aiter_text():
                text += chunk
                if f"event: {first}" in text:
                    arrived.set()
        return text

    return asyncio.create_task(read()), arrived
