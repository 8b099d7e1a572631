"""Each process listens on the event's pub/sub channel and keeps itself current: reloads the
plan, clock or tokens, re-arms transitions when leading, and fans messages out to its own
SSE clients. After a lost connection it reloads everything, since messages may be missed."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from orchestrator.boundaries.transitions import BoundaryScheduler
from orchestrator.errors import StorageUnavailable
from orchestrator.event.service import Service
from orchestrator.storage.sessions import ENDED
from orchestrator.storage.store import Store
from orchestrator.streams.board_stream import BoardStreams
from orchestrator.streams.page_streams import PageStreams

log = logging.getLogger(__name__)


class ChannelSync:
    def __init__(
        self,
        service: Service,
        store: Store,
        boundaries: BoundaryScheduler,
        pages: PageStreams,
        board: BoardStreams,
    ) -> None:
        self.service = service
        self.store = store
        self.boundaries = boundaries
        self.pages = pages  # participant pages: they show broadcasts
        self.board = board
        self.connected = asyncio.Event()

    async def run(self) -> None:
        backoff = 0.2
        first = True
        while True:
            try:
                async with self.store.subscription() as subscription:
                    if not first:
                        log.info("pub/sub reconnected; reloading state")
                        await self.service.reload_all()
                        await self.boundaries.on_change()
                        self._refresh()
                    first = False
                    backoff = 0.2
                    self.connected.set()
                    while True:
                        message = await subscription.next(wait=5.0)
                        if message is not None:
                            await self.dispatch(message)
            except (StorageUnavailable, OSError) as exc:
                if self.connected.is_set():
                    log.warning("pub/sub connection lost (%s)", exc)
                self.connected.clear()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "plan-changed":
            await self.service.reload("plan")
            await self.boundaries.on_change()
            self._refresh()
        elif kind == "clock-changed":
            await self.service.reload("clock")
            await self.boundaries.on_change()
            self._refresh()
        elif kind == "tokens-changed":
            await self.service.reload("tokens")
            self.pages.close_revoked()
        elif kind == "transition":
            # pages follow moves, not transitions: a look, and a move where a place changed
            # (sending every page each transition too doubled the writes at a boundary)
            self._refresh()
        elif kind == "broadcast":
            self.pages.broadcast(message)
        elif kind == ENDED:  # every board session ended: their open streams too
            self.board.close_all()

    def _refresh(self) -> None:
        self.pages.close_revoked()  # an erased person's pages, after a new plan
        self.pages.refresh()
        self.board.refresh()
