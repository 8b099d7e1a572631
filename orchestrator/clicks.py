"""`/go` clicks go to the audit stream in batches, off the hot path, and are not lost: a batch
that Redis refuses stays in the buffer for the next try, and the buffer is flushed on exit."""

from __future__ import annotations

import asyncio
import collections
import json
import logging

from redis.exceptions import RedisError

from orchestrator.metrics import Metrics
from orchestrator.storage.store import Store

log = logging.getLogger(__name__)
BATCH = 500
BUFFER_LIMIT = 200_000


class ClickRecorder:
    def __init__(self, store: Store, metrics: Metrics) -> None:
        self.store = store
        self.metrics = metrics
        self.buffer: collections.deque[dict[str, str]] = collections.deque()
        self.dropped = 0
        self._failing = False

    def record(self, entry: dict[str, str]) -> None:
        if len(self.buffer) >= BUFFER_LIMIT:
            self.buffer.popleft()
            self.dropped += 1
        self.buffer.append(entry)

    async def flush(self) -> int:
        written = 0
        while self.buffer:
            batch = [self.buffer[i] for i in range(min(BATCH, len(self.buffer)))]
            try:  # one stream entry per batch: encoding an XADD per click costs the hot loop
                await self.store.audit(
                    [{"kind": "go", "count": str(len(batch)), "clicks": json.dumps(batch)}]
                )
            except (RedisError, OSError) as exc:
                if not self._failing:
                    log.warning("clicks kept in memory until redis answers (%s)", exc)
                    self._failing = True
                break
            if self._failing:
                log.info("clicks are reaching redis again")
                self._failing = False
            for _ in batch:
                self.buffer.popleft()
            written += len(batch)
        self.metrics.clicks_pending.set(len(self.buffer))
        return written

    async def run(self, interval: float = 0.25) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.flush()
