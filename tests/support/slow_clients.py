"""Clients that send a request a byte at a time (slow loris), for the edge and proxy tests."""

from __future__ import annotations

import asyncio
import contextlib
import time

SLOW = 200  # connections trickling a request one byte at a time


async def trickle(host: str, port: int, head: bytes, data: bytes, every: float) -> float:
    """Send `head` at once, then `data` a byte at a time; the seconds until the server closed
    the connection."""
    started = time.monotonic()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(head)
        for byte in data:
            if reader.at_eof():
                break
            writer.write(bytes([byte]))
            try:
                await writer.drain()
            except ConnectionError:
                break
            try:
                if await asyncio.wait_for(reader.read(65536), every) == b"":
                    break  # closed (after a 408, or silently)
            except TimeoutError:
                continue
            except ConnectionError:
                break
        else:
            await reader.read()  # everything sent: wait for the answer and the close
        return time.monotonic() - started
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


HEADERS_SLOWLY = (b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: slow-loris-slow\r\n\r\n")
