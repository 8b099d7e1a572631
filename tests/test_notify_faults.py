"""A notification sender that dies in the middle of a delivery: the subscriber's queue is
locked by a short lease that only a living sender keeps renewing, so another process takes
the queue over within seconds and delivers the same message (same webhook-id) again."""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.support.app import AUTH, EXAMPLE
from tests.support.builders import upcoming_copy
from tests.support.clock import eventually
from tests.support.receivers import VECTOR_SECRET, receivers

pytestmark = pytest.mark.slow

ENV = {"ROTA_NOTIFY_ALLOW_PRIVATE": "1"}


def owns_port(pid: int, port: int) -> bool:
    """Whether process `pid` has the TCP socket bound to local `port` (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) in {f"socket:[{i}]" for i in inodes}:
                return True
        except OSError:
            continue
    return False


async def _healthy(http: httpx.AsyncClient, base_url: str) -> bool:
    try:
        return (await http.get(f"{base_url}/healthz")).status_code == 200
    except httpx.HTTPError:
        return False


async def test_a_sender_killed_mid_delivery_is_taken_over_within_seconds(
    rota_process, redis_url: str, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    ahead = upcoming_copy(EXAMPLE, tmp_path / "event")  # a real day ahead
    async with receivers(VECTOR_SECRET) as recv:
        # two processes (not waited for synchronously: the receiver shares this loop)
        both = [
            rota_process("--redis", redis_url, env=ENV, programme=ahead, ready=False)
            for _ in range(2)
        ]
        for rota in both:
            await eventually(partial(_healthy, http, rota.base_url), seconds=60, interval=0.2)
        api = both[0].base_url
        made = await http.post(
            f"{api}/api/v1/notify/subscribers",
            headers=AUTH,
            json={"url": f"{recv.base_url}/stall", "events": ["test"], "secret": VECTOR_SECRET},
        )
        assert made.status_code == 201, made.text
        sent = await http.post(
            f"{api}/api/v1/notify/subscribers/{made.json()['id']}/test", headers=AUTH
        )
        assert sent.status_code == 202
        stalled = (await eventually(lambda: recv.at("/stall"), seconds=30))[0]
        port = int(stalled.headers["x-peer-port"])
        sender = next(r for r in both if owns_port(r.process.pid, port))
        sender.kill()  # SIGKILL while its request is in flight: the queue's lock stays behind
        killed = time.time()
        again = (await eventually(lambda: recv.delivered("/stall"), seconds=25))[0]
        waited = again.at - killed
        print(f"\nnext attempt {waited:.2f} s after the sender was SIGKILLed mid-delivery")
        assert again.headers["webhook-id"] == stalled.headers["webhook-id"]
        assert waited < 20
