"""Failed authentication per client, counted in Redis so every process agrees: a fixed window
that starts at a client's first failure. Once a client has used up its failures, it is refused
(even with the right token: otherwise a refusal would tell a guesser which guess was right)
until the window ends. Successes are never counted or delayed."""

from __future__ import annotations

import math
from dataclasses import dataclass

from orchestrator.storage.store import Store


@dataclass(frozen=True)
class AuthFailures:
    store: Store
    allowed: int
    window_seconds: float

    async def retry_after(self, client: str) -> int:
        """Seconds until this client may try again; 0 when it may try now."""
        key = self.store.keys.auth_failures(client)
        async with self.store.redis.pipeline(transaction=False) as pipe:
            pipe.get(key)
            pipe.pttl(key)
            count, ttl_ms = await pipe.execute()
        if count is None or int(count) < self.allowed or ttl_ms <= 0:
            return 0
        return max(1, math.ceil(int(ttl_ms) / 1000))

    async def failed(self, client: str) -> int:
        """Count one failure; the number of failures in this client's window."""
        key = self.store.keys.auth_failures(client)
        window_ms = max(1, int(self.window_seconds * 1000))
        async with self.store.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, px=window_ms, nx=True)
            pipe.incr(key)
            _, count = await pipe.execute()
        return int(count)
