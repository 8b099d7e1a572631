"""Background loops that stay alive through errors but always stop when cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


def stop_if_cancelled() -> None:
    """Call in a loop's error handler. A client library may turn the cancellation of a
    request into its own connection error; the task is still being cancelled, so stop."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def supervised(name: str, run: Callable[[], Awaitable[None]]) -> None:
    """Keep a background loop alive: a crash is logged with its traceback and the loop
    restarts, instead of the process carrying on without it."""
    while True:
        try:
            await run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            stop_if_cancelled()
            log.exception("background task %s crashed; restarting it in 1 s", name)
            await asyncio.sleep(1.0)


async def cancel_all(tasks: list[asyncio.Task[None]], grace: float = 5.0) -> None:
    for task in tasks:
        task.cancel()
    done, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        log.error("background task %s did not stop within %g s", task.get_name(), grace)
    for task in done:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            task.result()
