"""Each process listens on the event's pub/sub channel and keeps itself current: reloads the
plan, clock or tokens, re-arms transitions when leading, and fans messages out to its own
SSE clients. After a lost connection it reloads everything, since messages may be missed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from redis.exceptions import RedisError

from orchestrator.service import Service
from orchestrator.storage.store import Store
from orchestrator.streams.board import BoardHub
from orchestrator.streams.pages import Hub
from orchestrator.transitions import Conductor

log = logging.getLogger(__name__)


class Listener:
    def __init__(
        self, service: Service, store: Store, conductor: Conductor, hubs: list[Hub | BoardHub]
    ) -> None:
        self.service = service
        self.store = store
        self.conductor = conductor
        self.hubs = hubs
        self.hub = hubs[0]
        self.connected = asyncio.Event()

    async def run(self) -> None:
        backoff = 0.2
        first = True
        while True:
            pubsub = self.store.redis.pubsub()
            try:
                await pubsub.subscribe(self.store.keys.channel)
                if not first:
                    log.info("pub/sub reconnected; reloading state")
                    await self.service.reload_all()
                    await self.conductor.on_change()
                    self._refresh()
                first = False
                backoff = 0.2
                self.connected.set()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                    if message is not None and message["type"] == "message":
                        await self.dispatch(json.loads(message["data"]))
            except (RedisError, OSError) as exc:
                if self.connected.is_set():
                    log.warning("pub/sub connection lost (%s)", exc)
                self.connected.clear()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()

    async def dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "plan-changed":
            await self.service.reload("plan")
            await self.conductor.on_change()
            self._refresh()
        elif kind == "clock-changed":
            await self.service.reload("clock")
            await self.conductor.on_change()
            self._refresh()
        elif kind == "tokens-changed":
            await self.service.reload("tokens")
        elif kind == "transition":
            # pages follow moves, not transitions: a look, and a move where a place changed
            # (sending every page each transition too doubled the writes at a boundary)
            self._refresh()
        elif kind == "broadcast":
            self.hub.broadcast(message)

    def _refresh(self) -> None:
        for hub in self.hubs:
            hub.refresh()
