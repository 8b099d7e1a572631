"""Group commit for inbound webhooks: events that arrive together are written to Redis in one
script call, and each request still waits until its own event is stored before answering.
At a round start a thousand joins arrive within seconds; one round trip (and one fsync of the
append-only file) per batch instead of per event.

The waiting list is a plain list and one wake-up event rather than an asyncio.Queue: a queue
costs a put, a get and a waiter per webhook; here a webhook costs one append and one future
(docs/benchmarks.md, webhooks)."""

from __future__ import annotations

import asyncio
import contextlib

from orchestrator.errors import StorageUnavailable
from orchestrator.storage.store import Store

BATCH = 256
Waiting = tuple[str, bytes, "asyncio.Future[bool]"]


class Intake:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.waiting: list[Waiting] = []
        self.arrived = asyncio.Event()

    async def store_event(self, key: str, event_json: bytes) -> bool:
        """True when stored now, False for a duplicate; raises when Redis failed."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.waiting.append((key, event_json, future))
        self.arrived.set()
        return await future

    async def run(self) -> None:
        while True:
            await self.arrived.wait()
            await asyncio.sleep(0)  # one turn of the loop: webhooks read meanwhile join in
            batch, self.waiting = self.waiting[:BATCH], self.waiting[BATCH:]
            if not self.waiting:
                self.arrived.clear()
            if batch:
                await self._store(batch)

    async def _store(self, batch: list[Waiting]) -> None:
        try:
            results = await self.store.store_room_events([(k, e) for k, e, _ in batch])
            if len(results) != len(batch):
                raise StorageUnavailable(f"{len(results)} answers for {len(batch)} events")
        except Exception as exc:  # every waiting request gets an answer, never a hang
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, StorageUnavailable | OSError):
                raise
            return
        except asyncio.CancelledError:
            for _, _, future in batch:
                if not future.done():
                    future.cancel()
            raise
        for (_, _, future), stored in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(stored)

    def fail_pending(self) -> None:
        waiting, self.waiting = self.waiting, []
        for _, _, future in waiting:
            with contextlib.suppress(asyncio.InvalidStateError):
                future.cancel()
