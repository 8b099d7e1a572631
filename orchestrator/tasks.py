"""Background loops, supervised: they stay alive through errors and always stop when
cancelled. Cancellation is handled here, once, so no loop has to remember it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
RECANCEL_EVERY = 0.05  # seconds between cancellations of a task that has not stopped yet


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def supervised(name: str, run: Callable[[], Awaitable[None]]) -> None:
    """Keep a background loop alive: a crash is logged with its traceback and the loop
    restarts, instead of the process carrying on without it. An error raised while the task
    is being cancelled is the cancellation in disguise (a client library may turn it into a
    connection error): the loop stops."""
    while True:
        try:
            await run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            if _cancelling():
                raise asyncio.CancelledError from None
            log.exception("background task %s crashed; restarting it in 1 s", name)
            await asyncio.sleep(1.0)


async def cancel_all(tasks: list[asyncio.Task[None]], grace: float = 5.0) -> None:
    """Cancel the tasks, and cancel again until each has ended: redis-py may swallow a
    cancellation that lands in a blocking read, and a loop that catches the resulting error
    carries on; the next cancellation lands in its next wait (its back-off sleep) instead."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    pending = {task for task in tasks if not task.done()}
    while pending and loop.time() < deadline:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=RECANCEL_EVERY)
    for task in pending:
        log.error("background task %s did not stop within %g s", task.get_name(), grace)
    for task in tasks:
        if task.done():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                task.result()
