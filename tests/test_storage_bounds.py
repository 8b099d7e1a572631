"""The storage boundary: what the stores raise when Redis is away (one `StorageUnavailable`,
never redis-py's own errors), and the audit stream's cap reaching the Lua scripts as an
argument (written once, in Python)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import redis.exceptions

from orchestrator.errors import REDIS_AWAY, StorageUnavailable
from orchestrator.storage import purge_store, sessions
from orchestrator.storage import store as store_module
from orchestrator.storage.keys import Keys
from orchestrator.storage.notifications import NotificationStore
from orchestrator.storage.score_store import ScoreStore
from orchestrator.storage.store import Claim, Store, redis_client
from schedules.evidence import Mark
from tests.support.app import free_port


async def _subscribe(store: Store) -> None:
    async with store.subscription():
        pass


CALLS: dict[str, Callable[[Store], Awaitable[Any]]] = {
    "event store": lambda store: store.load_plan(),
    "notification store": lambda store: NotificationStore(store).subscribers(),
    "score store": lambda store: ScoreStore(store).scores(),
    "sessions": lambda store: sessions.count(store),
    "purge": lambda store: purge_store.purged(store),
    "pub/sub": _subscribe,
}


@pytest.mark.parametrize("what", CALLS)
async def test_a_store_with_redis_away_raises_storage_unavailable(what: str) -> None:
    store = Store(redis_client(f"redis://127.0.0.1:{free_port()}/0"), Keys("away"))
    try:
        with pytest.raises(StorageUnavailable) as raised:
            await CALLS[what](store)
    finally:
        await store.redis.aclose()
    assert isinstance(raised.value.__cause__, redis.exceptions.ConnectionError)
    assert raised.value.status == 503 and raised.value.reason == REDIS_AWAY
    assert raised.value.headers() == {"Retry-After": "5"}


async def _mark(store: Store, i: int) -> None:
    assert await store.mark(Mark("round-1", "r1", f"p{i}", "confirmed", time.time()))


async def _claim(store: Store, i: int) -> None:
    if i == 0:
        assert await store.acquire_lease("cap", 30) == 1  # the lease "cap:1"
    claim = Claim("fired", "t", time.time(), "cap:1", 1)
    assert await store.claim("cap:1", f"b{i}", claim, "round.started") == 1


@pytest.mark.parametrize("write", [_mark, _claim], ids=["presence mark", "transition claim"])
async def test_the_audit_streams_cap_reaches_the_scripts(
    redis_url: str, monkeypatch: pytest.MonkeyPatch, write: Callable[[Store, int], Awaitable[None]]
) -> None:
    monkeypatch.setattr(store_module, "AUDIT_MAXLEN", 10)
    store = Store(redis_client(redis_url), Keys("cap"))
    try:
        for i in range(400):
            await write(store, i)
        length = await store.redis.xlen(store.keys.audit)
    finally:
        await store.redis.aclose()
    # MAXLEN ~ trims whole stream nodes (100 entries each by default): far below 400
    assert length <= 200
