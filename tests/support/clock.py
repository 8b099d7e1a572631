"""Time in the tests: a rehearsal started so that the event clock reads a chosen minute now,
and waiting for something to become true instead of sleeping a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

SPEED = 30.0  # a 30-minute round lasts a minute


def start_so_that_now_is(minutes_after_nine: float, speed: float = SPEED) -> str:
    """`--start-at` for a rehearsal at `speed` whose clock reads 09:00 + `minutes_after_nine`."""
    wall = datetime.now(UTC) - timedelta(minutes=minutes_after_nine) / speed
    return wall.isoformat(timespec="milliseconds")


async def eventually(check: Callable[[], Any], seconds: float = 10, interval: float = 0.05) -> Any:
    """Poll an async or plain predicate until it returns something truthy; that is returned."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {seconds} s (last: {last!r})")
