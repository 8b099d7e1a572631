"""Writing a server-sent event stream from a hub client's queue."""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from orchestrator.streams.page_streams import Client

HEARTBEAT = 15.0
RETRY_MS = 1000


async def stream(
    request: web.Request, client: Client, on_close: object = None
) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    try:
        # A browser reconnects this long after a dropped stream (the default is 3 s or more).
        await response.write(f"retry: {RETRY_MS}\n\n".encode())
        while not client.closed or not client.queue.empty():
            try:
                async with asyncio.timeout(HEARTBEAT):  # no task per event, unlike wait_for
                    event, data, event_id = await client.queue.get()
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if event == "bye":  # the server is going away or the client fell behind
                break
            head = f"id: {event_id}\n" if event_id else ""
            await response.write(f"{head}event: {event}\ndata: {data}\n\n".encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        if callable(on_close):
            on_close(client)
    with contextlib.suppress(ConnectionResetError):
        await response.write_eof()
    return response
