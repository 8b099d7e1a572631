"""Answers for `/go` are worked out before they are needed: the segment now running at once,
and the next one a little after each boundary (not during its rush of clicks), in small chunks
that leave the event loop free. At a boundary everybody clicks at once; with this, each click
is a dictionary lookup."""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, datetime

from orchestrator.event.live import Live
from orchestrator.event.service import Service

CHUNK = 500
QUIET_AFTER_BOUNDARY = 5.0  # seconds


class AnswersAhead:
    def __init__(self, service: Service) -> None:
        self.service = service

    async def _warm(self, live: Live, segment: int) -> bool:
        people = [p.id for p in live.programme.participants]
        for start in range(0, len(people), CHUNK):
            if self.service.live is not live:
                return False  # the plan or clock changed: start over with the new one
            live.warm(segment, people[start : start + CHUNK])
            await asyncio.sleep(0)
        return True

    async def _pause(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.01))

    async def run(self) -> None:
        while True:
            live = self.service.require_live()
            current = live.segment(live.event_now())
            if not await self._warm(live, current):
                continue
            live.forget_before(current)
            until_next = 30.0
            if current < len(live.moments):
                boundary = live.clock.wall_time(live.moments[current])
                until_next = (boundary - datetime.now(UTC)).total_seconds()
            await self._pause(min(QUIET_AFTER_BOUNDARY, until_next / 2))
            if self.service.live is not live or not await self._warm(live, current + 1):
                continue
            # The plan, the days and the answers live until the next rebuild: keep the
            # collector from scanning them again and again (full collections of a large event
            # took hundreds of milliseconds, in the middle of a boundary's rush of clicks).
            gc.freeze()
            if current < len(live.moments):
                boundary = live.clock.wall_time(live.moments[current])
                await self._pause(min((boundary - datetime.now(UTC)).total_seconds(), 30.0))
            else:
                await self._pause(30.0)
