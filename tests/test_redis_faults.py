"""Redis going away under a running Rota. The embedded redis-server, SIGKILLed mid-event, is
started again from its append-only file within seconds: every acknowledged webhook is still
there and the transitions go on. An external Redis that is away gets 503 with Retry-After
(never 500) on the organiser API, board actions and webhook intake, while /go answers from
memory; when it is back, leadership and transitions resume."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from orchestrator.appkeys import BOUNDARIES, SERVICE, STORE
from tests.support.app import AUTH, board_client, free_port, start_app
from tests.support.clock import eventually
from tests.support.redis_kit import RedisServer
from tests.support.standin_jitsi import JAAS_SECRET, JaasStandIn, sign

pytestmark = pytest.mark.slow

SYNC = "event-sync-bearer-token-0123456789"
ENV = {"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET, "ROTA_EVENT_SYNC_TOKEN": SYNC}


async def _healthy(http: httpx.AsyncClient, base: str) -> bool:
    try:
        response = await http.get(f"{base}/healthz")
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def _next_boundary(running, after: float) -> str:
    """The first boundary whose wall time is after `after` (Unix seconds)."""
    live = running.app[SERVICE].require_live()
    return next(
        b.id
        for b in sorted(live.timeline.boundaries(), key=lambda b: b.at)
        if live.clock.wall_time(b.at).timestamp() > after
    )


async def _fired(store, boundary: str):
    record = (await store.fired()).get(boundary)
    return record and record["status"]


async def test_a_killed_embedded_redis_is_restarted_and_nothing_acknowledged_is_lost(
    tmp_path: Path,
) -> None:
    data = tmp_path / "var"
    running = await start_app(data_dir=data, env=ENV, speed=300.0, start_at="now")
    try:
        live = running.app[SERVICE].require_live()
        room = live.room_names["keynote"]
        store = running.app[STORE]
        acknowledged: list[str] = []
        answers: list[int] = []
        stop = asyncio.Event()

        async def send_webhooks(http: httpx.AsyncClient) -> None:
            jaas = JaasStandIn(http, running.base_url, JAAS_SECRET)
            n = 0
            while not stop.is_set():
                n += 1
                key = f"k-{n}-{uuid.uuid4().hex[:6]}"
                envelope = jaas.envelope(
                    "PARTICIPANT_JOINED", room, time.time(), {"participantId": f"c{n}"}, key
                )
                status = (await jaas.post(envelope)).status_code
                answers.append(status)
                if status == 200:
                    acknowledged.append(f"jaas:{key}")
                await asyncio.sleep(0.01)

        async with httpx.AsyncClient(timeout=10) as http:
            sender = asyncio.create_task(send_webhooks(http))
            await eventually(lambda: len(acknowledged) >= 20, seconds=10)
            old = int((data / "redis.pid").read_text())
            os.kill(old, signal.SIGKILL)  # mid-event, mid-webhooks
            killed = time.monotonic()
            await asyncio.sleep(0.05)
            await eventually(lambda: _healthy(http, running.base_url), seconds=10)
            back = time.monotonic() - killed
            during = len(answers)
            await eventually(lambda: len(answers) >= during + 20, seconds=10)
            stop.set()
            await sender
            assert int((data / "redis.pid").read_text()) != old
            print(f"\nembedded redis SIGKILLed: healthy again after {back:.2f} s")
            print(f"webhooks: {answers.count(200)} acknowledged, {answers.count(503)} answered 503")
            assert set(answers) <= {200, 503}  # never a 500
            assert back < 5
            stored = {json.loads(event)["key"] for _, event in await store.room_events()}
            assert set(acknowledged) <= stored  # nothing acknowledged was lost

            coming = _next_boundary(running, time.time() + 0.5)
            assert await eventually(lambda: _fired(store, coming), seconds=20) == "fired"
    finally:
        await running.stop()


@pytest.fixture
async def outage(tmp_path: Path):
    """A Rota on an external Redis, and that Redis (the test stops and starts it)."""
    server = RedisServer(tmp_path / "redis", free_port())
    server.start()
    running = await start_app(redis_url=server.url, env=ENV, speed=300.0, start_at="now")
    yield running, server
    await running.stop()
    server.stop()


def _requests(running) -> dict[str, tuple[str, str, dict]]:
    live = running.app[SERVICE].require_live()
    jaas = JaasStandIn(httpx.AsyncClient(), running.base_url, JAAS_SECRET)
    envelope = jaas.envelope(
        "PARTICIPANT_JOINED", live.room_names["keynote"], time.time(), {"id": "p001"}
    )
    body = json.dumps(envelope).encode()
    occupant = {
        "room_name": live.room_names["keynote"],
        "room_jid": "k@conference.example.org",
        "occupant": {"id": "p001", "occupant_jid": "p@example.org/1", "joined_at": time.time()},
    }
    return {
        "api state": ("GET", "/api/v1/state", {"headers": AUTH}),
        "api delay": ("POST", "/api/v1/clock/delay", {"headers": AUTH, "json": {"minutes": 5}}),
        "api attendance": ("GET", "/api/v1/keynotes/k1/attendance", {"headers": AUTH}),
        "jaas webhook": (
            "POST",
            "/webhooks/jaas",
            {"content": body, "headers": {"X-Jaas-Signature": sign(JAAS_SECRET, body)}},
        ),
        "event_sync webhook": (
            "POST",
            "/webhooks/jitsi/events/occupant/joined",
            {"json": occupant, "headers": {"Authorization": f"Bearer {SYNC}"}},
        ),
    }


@pytest.mark.parametrize(
    "what", ["api state", "api delay", "api attendance", "jaas webhook", "event_sync webhook"]
)
async def test_an_external_redis_away_gives_503_with_retry_after(outage, what: str) -> None:
    running, server = outage
    method, path, options = _requests(running)[what]
    server.stop()
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as http:
        response = await http.request(method, path, **options)
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    assert "Redis" in response.json()["error"]


async def test_board_actions_with_redis_away_give_503(outage) -> None:
    running, server = outage
    async with board_client(running.base_url) as client:
        csrf = (await client.get("/board")).text.split('data-csrf="')[1].split('"')[0]
        server.stop()
        response = await client.post(
            "/board/actions/delay",
            json={"minutes": 5},
            headers={"X-CSRF-Token": csrf, "Origin": running.base_url},
        )
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"


async def test_after_ten_seconds_without_redis_leadership_and_transitions_resume(
    outage,
) -> None:
    running, server = outage
    boundaries = running.app[BOUNDARIES]
    store = running.app[STORE]
    live = running.app[SERVICE].require_live()
    token = next(iter(live.token_of.values()))
    await eventually(lambda: boundaries.leader, seconds=5)
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as http:
        server.stop()
        stopped = time.monotonic()
        await eventually(lambda: not boundaries.leader, seconds=5)  # the lease ran out
        assert (await http.get(f"/go/{token}")).status_code == 302  # from memory
        assert (await http.get("/api/v1/state", headers=AUTH)).status_code == 503
        await asyncio.sleep(max(0.0, 10 - (time.monotonic() - stopped)))
        server.start()
        restarted = time.monotonic()
        await eventually(lambda: boundaries.leader, seconds=10)
        print(f"\nleading again {time.monotonic() - restarted:.2f} s after Redis came back")
        delayed = await http.post("/api/v1/clock/delay", headers=AUTH, json={"minutes": 1})
        assert delayed.status_code == 200
    coming = _next_boundary(running, datetime.now(UTC).timestamp() + 0.5)
    assert await eventually(lambda: _fired(store, coming), seconds=40) == "fired"
