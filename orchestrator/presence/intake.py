"""Group commit for inbound webhooks: events that arrive together are written to Redis in one
pipeline, and each request still waits until its own event is stored before answering.
At a round start a thousand joins arrive within seconds; one round trip (and one fsync of the
append-only file) per batch instead of per event."""

from __future__ import annotations

import asyncio
import contextlib

from redis.exceptions import RedisError

from orchestrator.storage.store import Store

BATCH = 256


class Intake:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.queue: asyncio.Queue[tuple[str, str, asyncio.Future[bool]]] = asyncio.Queue()

    async def store_event(self, key: str, event_json: str) -> bool:
        """True when stored now, False for a duplicate; raises when Redis failed."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        await self.queue.put((key, event_json, future))
        return await future

    async def run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            try:
                results = await self.store.store_room_events([(k, e) for k, e, _ in batch])
                if len(results) != len(batch):
                    raise RedisError(f"{len(results)} answers for {len(batch)} events")
            except Exception as exc:  # every waiting request gets an answer, never a hang
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if not isinstance(exc, RedisError | OSError):
                    raise
                continue
            except asyncio.CancelledError:
                for _, _, future in batch:
                    if not future.done():
                        future.cancel()
                raise
            for (_, _, future), stored in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(stored)

    def fail_pending(self) -> None:
        while not self.queue.empty():
            _, _, future = self.queue.get_nowait()
            with contextlib.suppress(asyncio.InvalidStateError):
                future.cancel()
