"""Rota keeps going when processes or Redis go away: restarts, a killed leader, an outage."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from orchestrator.appkeys import CLICKS, SERVICE, STORE
from orchestrator.storage.keys import Keys
from schedules.clock import ClockState
from schedules.plan import Plan
from schedules.timeline import Timeline
from tests.support.app import AUTH, free_port, start_app
from tests.support.clock import eventually
from tests.support.redis_kit import RedisServer

pytestmark = pytest.mark.slow


def boundaries_and_clock(url: str, event: str = "bip-2025") -> tuple[set[str], ClockState]:
    client: Any = redis.Redis.from_url(url)
    keys = Keys(event)
    version = int(client.get(keys.plan_current))
    plan = Plan.from_dict(json.loads(client.get(keys.plan(version))))
    clock = ClockState.from_dict(json.loads(client.get(keys.clock)))
    client.close()
    return {b.id for b in Timeline.build(plan, clock).boundaries()}, clock


def fired(url: str, event: str = "bip-2025") -> dict[str, dict]:
    client: Any = redis.Redis.from_url(url)
    raw = client.hgetall(Keys(event).fired)
    outbox = client.xrange(Keys(event).outbox)
    client.close()
    result = {k.decode(): json.loads(v) for k, v in raw.items()}
    result["__outbox__"] = [entry[b"id"].decode() for _, entry in outbox]
    return result


def wall_of(clock: ClockState, start: datetime, minute: float) -> datetime:
    return clock.wall_time(start + timedelta(minutes=minute))


async def sleep_until(moment: datetime) -> None:
    await asyncio.sleep(max((moment - datetime.now(UTC)).total_seconds(), 0))


async def test_restart_mid_event_resumes_and_nothing_fires_twice(tmp_path: Path) -> None:
    """Embedded Redis under a data folder: stop Rota in round 2, start it again in round 3."""
    data = tmp_path / "var"
    first = await start_app(data_dir=data, speed=600.0, start_at="now")
    live = first.app[SERVICE].require_live()
    tokens = dict(live.token_of)
    start, clock = live.timeline.rounds[0].start, live.clock
    await sleep_until(wall_of(clock, start, 50))
    await first.stop()
    assert not (data / "redis.sock").exists()  # the embedded redis-server was stopped
    await sleep_until(wall_of(clock, start, 66))
    second = await start_app(data_dir=data, speed=600.0)  # no --start-at: the clock goes on
    try:
        again = second.app[SERVICE].require_live()
        assert again.token_of == tokens
        assert again.clock == clock
        assert again.timeline.current(again.event_now()).round == 3
        store = second.app[STORE]
        statuses = await eventually(lambda: _statuses(store, "round.started:3"))
        assert statuses["round.wrapup:2"] == "skipped"  # missed, and round 2 is over
        assert statuses["round.ended:2"] == "skipped"
        assert statuses["round.started:3"] == "fired"  # missed, but round 3 still runs
        assert statuses["round.started:2"] == "fired"  # fired before the restart, once
        await sleep_until(wall_of(clock, start, 182))
        everything = {b.id for b in again.timeline.boundaries()}
        done = await eventually(lambda: _statuses(store, *everything))
        assert set(done) == everything
        outbox: Any = await store.redis.xrange(store.keys.outbox)
        ids = [entry[b"id"].decode() for _, entry in outbox]
        assert len(ids) == len(set(ids))
        assert set(ids) == {k for k, v in done.items() if v == "fired"}
    finally:
        await second.stop()


async def _statuses(store, *required: str):
    fired_now = await store.fired()
    if all(r in fired_now for r in required):
        return {k: v["status"] for k, v in fired_now.items()}
    return None


async def test_two_processes_fire_each_transition_once_even_when_the_leader_is_killed(
    rota_process, redis_url, http
) -> None:
    common = ("--redis", redis_url, "--lease-seconds", "1")
    a = rota_process(*common, "--speed", "600", "--start-at", "now")
    b = rota_process(*common, "--resume")  # joins the stored rehearsal
    boundaries, clock = boundaries_and_clock(redis_url)
    start = clock.anchor_event
    roles = {p: (await http.get(f"{p.base_url}/healthz")).json()["role"] for p in (a, b)}
    assert sorted(roles.values()) == ["leader", "standby"]
    leader = a if roles[a] == "leader" else b
    survivor = b if leader is a else a
    await sleep_until(wall_of(clock, start, 45))
    leader.kill()  # SIGKILL: no goodbye, the lease just stops being renewed
    killed_at = time.monotonic()

    async def survivor_leads() -> bool:
        return (await http.get(f"{survivor.base_url}/healthz")).json()["role"] == "leader"

    await eventually(survivor_leads, seconds=10)
    assert time.monotonic() - killed_at < 10
    await sleep_until(wall_of(clock, start, 183))
    record = await eventually(lambda: _complete(redis_url, boundaries), seconds=10)
    outbox = record.pop("__outbox__")
    assert set(record) == boundaries  # every boundary accounted for, once (a hash)
    assert len(outbox) == len(set(outbox))  # no transition sent twice
    assert set(outbox) == {k for k, v in record.items() if v["status"] == "fired"}
    fences = {v["fence"] for v in record.values()}
    assert len(fences) == 2  # both leaders acted, each under its own fencing token
    assert sum(v["status"] == "fired" for v in record.values()) >= len(boundaries) - 4
    listing = await http.get(f"{survivor.base_url}/api/v1/participants", headers=AUTH)
    token = listing.json()[40]["token"]
    assert (await http.get(f"{survivor.base_url}/go/{token}")).status_code == 302
    assert survivor.terminate() == 0


def _complete(url: str, boundaries: set[str]):
    record = fired(url)
    return record if boundaries <= set(record) else None


async def test_redis_outage_go_keeps_answering_and_nothing_is_lost(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis", free_port())
    server.start()
    running = await start_app(redis_url=server.url, speed=60.0, start_at="now")
    try:
        live = running.app[SERVICE].require_live()
        tokens = list(live.token_of.values())[40:45]
        async with httpx.AsyncClient(timeout=10) as http:
            server.stop()
            for token in tokens:  # answered from memory while Redis is down
                response = await http.get(f"{running.base_url}/go/{token}")
                assert response.status_code == 302
            health = await http.get(f"{running.base_url}/healthz")
            assert health.status_code == 503 and health.json()["redis"] == "unreachable"
            await asyncio.sleep(0.5)
            assert len(running.app[CLICKS].buffer) == len(tokens)  # kept, not dropped
            server.start()  # same port, same append-only file
            await eventually(lambda: _healthy(http, running.base_url), seconds=15)
            store = running.app[STORE]

            async def clicks_arrived() -> bool:
                return len(await store.clicks()) == len(tokens)

            await eventually(clicks_arrived, seconds=10)
            delayed = await http.post(
                f"{running.base_url}/api/v1/clock/delay", headers=AUTH, json={"minutes": 5}
            )
            assert delayed.status_code == 200
            clock = await store.load_clock()
            assert clock is not None and clock.delay_minutes == 5
            assert (await store.tokens())[live.programme.participants[40].id] == tokens[0]
    finally:
        await running.stop()
        server.stop()


async def _healthy(http: httpx.AsyncClient, base: str) -> bool:
    response = await http.get(f"{base}/healthz")
    return response.status_code == 200 and response.json()["pubsub"] == "ok"
