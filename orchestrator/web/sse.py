"""Writing a server-sent event stream from a hub client's queue."""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from ..hub import Client

HEARTBEAT = 15.0


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
    counter = 0
    try:
        while not client.closed or not client.queue.empty():
            try:
                event, data = await asyncio.wait_for(client.queue.get(), HEARTBEAT)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            counter += 1
            await response.write(f"id: {counter}\nevent: {event}\ndata: {data}\n\n".encode())
            if event == "bye":
                break
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        if callable(on_close):
            on_close(client)
    with contextlib.suppress(ConnectionResetError):
        await response.write_eof()
    return response
