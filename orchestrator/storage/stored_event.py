"""Read an event's stored state from the command line, without serving it: the Redis at a
URL, the one a running Rota keeps in the data folder, or that folder's data on its own (the
embedded redis-server is started for the moment and stopped again). The event as served
from that state is event/stored_live.py's."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import redis.asyncio as aioredis

from orchestrator.errors import SetupError, StorageUnavailable
from orchestrator.storage.keys import Keys
from orchestrator.storage.redis_server import EmbeddedRedis
from orchestrator.storage.store import Store, redis_client
from schedules.clock import ClockState
from schedules.model import Programme
from schedules.plan import Plan


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


async def stored_run(
    programme: Programme, redis_url: str | None, data_dir: Path
) -> tuple[ClockState, Plan] | None:
    """The run and plan stored for the event, or None when nothing is stored (or the store
    cannot be read: then serving it says why)."""
    try:
        async with stored_event(programme, redis_url, data_dir) as store:
            clock, plan = await store.load_clock(), await store.load_plan()
    except (SetupError, StorageUnavailable, OSError):
        return None
    return (clock, plan) if clock is not None and plan is not None else None
