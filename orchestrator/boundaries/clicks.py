"""`/go` clicks go to the audit stream in batches, off the hot path, and are not lost: a batch
that Redis refuses stays in the buffer for the next try, and the buffer is flushed on exit.
Past `BUFFER_LIMIT` clicks waiting (Redis away for long), the oldest make room."""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Callable

from orchestrator.errors import StorageUnavailable
from orchestrator.metrics import Metrics
from orchestrator.storage.store import Store

log = logging.getLogger(__name__)
BATCH = 500
BUFFER_LIMIT = 200_000


def _json_wall(wall: float) -> str:
    """`repr(round(wall, 3))`, as json.dumps writes it, at a third of the cost: both are the
    correctly rounded decimal, and repr drops the trailing zeros but keeps one decimal."""
    text = f"{wall:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


class ClickRecorder:
    def __init__(self, store: Store, metrics: Metrics) -> None:
        self.store = store
        self.metrics = metrics
        # (the entry's JSON up to its wall time, the wall time): see Live.redirect
        self.buffer: collections.deque[tuple[str, float]] = collections.deque(maxlen=BUFFER_LIMIT)
        # record((click, wall)): `click` is the entry's JSON up to the wall time
        # (`Redirect.click`). The deque's own append: no Python frame on /go's hot path.
        self.record: Callable[[tuple[str, float]], None] = self.buffer.append
        self._failing = False
        self._flushing = asyncio.Lock()  # the loop's flush and an API's (api.py) take turns

    @staticmethod
    def encode(batch: list[tuple[str, float]]) -> str:
        """What json.dumps of the entries as dictionaries writes, without building them."""
        return "[" + ", ".join(f"{click}{_json_wall(wall)}}}" for click, wall in batch) + "]"

    async def flush(self) -> int:
        """Writes the clicks buffered when it starts; those arriving meanwhile wait for the next
        flush. (Draining them too made a steady stream of clicks one Redis call per few clicks,
        each call costing more CPU than the clicks it carried.)"""
        async with self._flushing:
            return await self._flush()

    async def _flush(self) -> int:
        written = 0
        due = len(self.buffer)
        while written < due and self.buffer:
            batch = [self.buffer[i] for i in range(min(BATCH, due - written, len(self.buffer)))]
            try:  # one stream entry per batch: encoding an XADD per click costs the hot loop
                await self.store.audit(
                    [{"kind": "go", "count": str(len(batch)), "clicks": self.encode(batch)}]
                )
            except (StorageUnavailable, OSError) as exc:
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
