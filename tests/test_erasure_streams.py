"""Erasure rewrites a stream with its entries' own ids: a consumer group keeps its place (the
delivery worker neither loses its group nor gets entries again), and an entry added while
the stream was being scrubbed is scrubbed too."""

from __future__ import annotations

from typing import Any

import redis

from orchestrator.storage.erasure import Eraser, Person, rewrite_stream
from orchestrator.storage.keys import Keys
from orchestrator.storage.store import Store, redis_client

ANNA = Person("anna-berg", "erased-0001", "Anna Berg", "anna@example.org", "tok-anna-123")


def _entries(key: str, url: str) -> list[tuple[bytes, dict[bytes, bytes]]]:
    client: Any = redis.Redis.from_url(url)
    try:
        return client.xrange(key)
    finally:
        client.close()


def _fill(url: str, key: str) -> list[bytes]:
    client: Any = redis.Redis.from_url(url)
    ids = [
        client.xadd(key, {"type": "move", "participant": "bo-lind", "to": "r1"}),
        client.xadd(key, {"type": "move", "participant": "anna-berg", "to": "r2"}),
        client.xadd(key, {"type": "note", "data": '{"line": "Anna Berg joined"}'}),
        client.xadd(key, {"type": "move", "participant": "anna-berg", "to": "r3"}),
        client.xadd(key, {"type": "move", "participant": "bo-lind", "to": "r4"}),
    ]
    client.close()
    return ids


async def test_a_consumer_group_keeps_its_place(redis_url: str) -> None:
    store = Store(redis_client(redis_url), Keys("t"))
    key = store.keys.outbox
    ids = _fill(redis_url, key)
    client: Any = redis.Redis.from_url(redis_url)
    client.xgroup_create(key, "notify", id="0")
    read = client.xreadgroup("notify", "w1", {key: ">"}, count=3)
    assert [i for i, _ in read[0][1]] == ids[:3]
    changed = await rewrite_stream(store, key, Eraser([ANNA]))
    await store.redis.aclose()
    assert changed == 3
    after = _entries(key, redis_url)
    assert [i for i, _ in after] == ids
    assert after[1][1][b"participant"] == b"erased-0001"
    assert b"Anna" not in after[2][1][b"data"]
    rest = client.xreadgroup("notify", "w1", {key: ">"})
    assert [i for i, _ in rest[0][1]] == ids[3:]
    client.close()


class AddsWhileScrubbing(Eraser):
    """A writer appends an entry naming her just after the stream was read."""

    def __init__(self, url: str, key: str) -> None:
        super().__init__([ANNA])
        self.url, self.key, self.added = url, key, False

    def fields(self, entry: dict[bytes, bytes]) -> dict[bytes, bytes]:
        if not self.added:
            self.added = True
            client: Any = redis.Redis.from_url(self.url)
            client.xadd(self.key, {"type": "move", "participant": "anna-berg", "to": "r9"})
            client.close()
        return super().fields(entry)


async def test_an_entry_added_meanwhile_is_scrubbed_too(redis_url: str) -> None:
    store = Store(redis_client(redis_url), Keys("t"))
    key = store.keys.audit
    ids = _fill(redis_url, key)
    await rewrite_stream(store, key, AddsWhileScrubbing(redis_url, key))
    await store.redis.aclose()
    after = _entries(key, redis_url)
    assert [i for i, _ in after][:5] == ids and len(after) == 6
    assert b"anna-berg" not in b"".join(b"".join(f.values()) for _, f in after)
