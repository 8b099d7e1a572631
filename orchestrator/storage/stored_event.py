"""Read an event's stored state from the command line, without serving it: the Redis at a
URL, the one a running Rota keeps in the data folder, or that folder's data on its own (the
embedded redis-server is started for the moment and stopped again)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from orchestrator.errors import SetupError
from orchestrator.event.live import Live
from orchestrator.storage.erasure import without_erased
from orchestrator.storage.keys import Keys
from orchestrator.storage.redis_server import EmbeddedRedis
from orchestrator.storage.store import Store, redis_client
from rooms.links import JitsiConfig
from schedules.clock import ClockState
from schedules.model import Programme
from schedules.plan import Plan

T = TypeVar("T")


@contextlib.asynccontextmanager
async def stored_event(
    programme: Programme, redis_url: str | None, data_dir: Path
) -> AsyncIterator[Store]:
    embedded: EmbeddedRedis | None = None
    url = redis_url
    if not url:
        candidate = EmbeddedRedis(data_dir)
        if candidate.socket.exists() and await candidate._answers():
            url = candidate.url  # a running Rota's own Redis: read it, do not stop it
        elif (data_dir / "appendonly.aof").exists() or (data_dir / "appendonlydir").exists():
            embedded = candidate
            await embedded.start()
            url = embedded.url
        else:
            raise SetupError(f"no stored event in {data_dir} (give --data-dir or --redis)")
    client: aioredis.Redis = redis_client(url)
    try:
        yield Store(client, Keys(programme.event.id))
    finally:
        await client.aclose()
        if embedded is not None:
            await embedded.stop()


async def live_from_store(programme: Programme, store: Store, jitsi: JitsiConfig) -> Live:
    programme = await without_erased(store, programme)
    plan = await store.load_plan()
    clock = await store.load_clock()
    if plan is None or clock is None:
        raise SetupError(f"event {programme.event.id!r} has no stored plan; serve it first")
    return Live.build(
        programme,
        plan,
        clock,
        await store.tokens(),
        await store.revoked_tokens(),
        await store.room_salt(),
        2.0,
        "",
        jitsi,
    )


async def stored_run(
    programme: Programme, redis_url: str | None, data_dir: Path
) -> tuple[ClockState, Plan] | None:
    """The run and plan stored for the event, or None when nothing is stored (or the store
    cannot be read: then serving it says why)."""
    try:
        async with stored_event(programme, redis_url, data_dir) as store:
            clock, plan = await store.load_clock(), await store.load_plan()
    except (SetupError, RedisError, OSError):
        return None
    return (clock, plan) if clock is not None and plan is not None else None


Work = Callable[[Live, Store], Awaitable[T]]


async def with_stored_event(
    programme: Programme,
    redis_url: str | None,
    data_dir: Path,
    work: Work[T],
    environ: Mapping[str, str] | None = None,
) -> T:
    """`work(live, store)` against the event's stored state (`rota attendance`, `rota
    results`); SetupError when nothing is stored. `environ` (the one `rota` read) holds
    ROTA_JITSI_SECRET for the rooms' links."""
    async with stored_event(programme, redis_url, data_dir) as store:
        jitsi = JitsiConfig.from_section(
            programme.sections.get("jitsi"),
            environ or {},
            base=programme.source.parent if programme.source else None,
        )
        return await work(await live_from_store(programme, store, jitsi), store)
