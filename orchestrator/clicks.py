"""`/go` clicks go to the audit stream in batches, off the hot path, and are not lost: a batch
that Redis refuses stays in the buffer for the next try, and the buffer is flushed on exit."""

from __future__ import annotations

import asyncio
import collections
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
        # (the entry's JSON up to its wall time, the wall time): see Live.redirect
        self.buffer: collections.deque[tuple[str, float]] = collections.deque()
        self.dropped = 0
        self._failing = False

    def record(self, click: str, wall: float) -> None:
        """`click` is the entry's JSON up to the wall time (`Redirect.click`)."""
        if len(self.buffer) >= BUFFER_LIMIT:
            self.buffer.popleft()
            self.dropped += 1
        self.buffer.append((click, wall))

    @staticmethod
    def encode(batch: list[tuple[str, float]]) -> str:
        """What json.dumps of the entries as dictionaries writes, without building them."""
        return "[" + ", ".join(f"{click}{round(wall, 3)!r}}}" for click, wall in batch) + "]"

    async def flush(self) -> int:
        """Writes the clicks buffered when it starts; those arriving meanwhile wait for the next
        flush. (Draining them too made a steady stream of clicks one Redis call per few clicks,
        each call costing more CPU than the clicks it carried.)"""
        written = 0
        due = len(self.buffer)
        while written < due and self.buffer:
            batch = [self.buffer[i] for i in range(min(BATCH, due - written, len(self.buffer)))]
            try:  # one stream entry per batch: encoding an XADD per click costs the hot loop
                await self.store.audit(
                    [{"kind": "go", "count": str(len(batch)), "clicks": self.encode(batch)}]
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
