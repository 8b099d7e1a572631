"""Real HTTP receivers on loopback for the notification tests. Each path behaves like a kind
of subscriber out there: healthy, failing for a while, slow, rate-limiting, gone. The healthy
ones verify Standard Webhooks signatures with their own code (checked against the reference
vector in tests/fixtures), not Rota's."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.app import free_port

VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the Standard Webhooks vector's


def verify(secret: str, message_id: str, timestamp: str, body: bytes, header: str) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    return any(hmac.compare_digest(expected, given) for given in header.split())


@dataclass
class Hit:
    path: str
    at: float
    headers: dict[str, str]
    body: dict[str, Any]
    verified: bool | None


@dataclass
class Receivers:
    base_url: str = ""
    secret: str = ""
    hits: list[Hit] = field(default_factory=list)
    fail_first: dict[str, int] = field(default_factory=dict)  # path -> failures before a 200
    down_until: float = 0.0  # /down answers 503 until then
    stall_seconds: float = 30.0  # /stall holds its first request this long, then answers 200

    def at(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def delivered(self, path: str) -> list[Hit]:
        """Hits answered 2xx (the receiver decides; failures are recorded too)."""
        return [h for h in self.at(path) if h.headers.get("x-answered") == "2xx"]


@asynccontextmanager
async def receivers(secret: str) -> AsyncIterator[Receivers]:
    state = Receivers(secret=secret)
    counts: dict[str, int] = {}

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        raw = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        peer = request.transport.get_extra_info("peername") if request.transport else None
        headers["x-peer-port"] = str(peer[1]) if peer else ""  # which process sent it
        verified = None
        if "webhook-signature" in headers:
            verified = verify(
                secret,
                headers["webhook-id"],
                headers["webhook-timestamp"],
                raw,
                headers["webhook-signature"],
            )
        counts[path] = counts.get(path, 0) + 1
        status, extra = 200, {}
        if path == "/slow":
            await asyncio.sleep(5)
        elif path == "/stall" and counts[path] == 1:
            state.hits.append(
                Hit(path, time.time(), {**headers, "x-answered": "stalled"}, {}, None)
            )
            await asyncio.sleep(state.stall_seconds)
        elif path == "/gone":
            status = 410
        elif path == "/limited" and counts[path] == 1:
            status, extra = 429, {"Retry-After": "1"}
        elif path == "/redirect":
            status, extra = 302, {"Location": f"{state.base_url}/ok"}
        elif path == "/down" and time.time() < state.down_until:
            status = 503
        elif counts[path] <= state.fail_first.get(path, 0):
            status = 500
        headers["x-answered"] = "2xx" if status < 300 else str(status)
        state.hits.append(Hit(path, time.time(), headers, json.loads(raw or b"{}"), verified))
        return web.Response(status=status, headers=extra)

    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    state.base_url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()
