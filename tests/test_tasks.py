"""The supervised-task helper: a loop stops when cancelled even if a library swallows the
cancellation, and a crash restarts the loop."""

from __future__ import annotations

import asyncio
import logging

import pytest

from orchestrator.tasks import cancel_all, supervised


async def test_a_loop_whose_client_swallows_the_cancellation_still_stops(
    caplog: pytest.LogCaptureFixture,
) -> None:
    swallowed = 0

    async def loop() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(10)  # a blocking read in redis-py
            except asyncio.CancelledError:
                swallowed += 1  # ... turned into a connection error and caught by the loop
            await asyncio.sleep(0.2)  # the loop's back-off

    task = asyncio.create_task(supervised("stubborn", loop), name="stubborn")
    await asyncio.sleep(0.05)
    await cancel_all([task], grace=2.0)
    assert task.done() and swallowed == 1
    assert "did not stop" not in caplog.text


async def test_an_error_raised_while_cancelling_stops_instead_of_restarting() -> None:
    runs = 0

    async def loop() -> None:
        nonlocal runs
        runs += 1
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            raise ConnectionError("Connection closed by server") from None

    task = asyncio.create_task(supervised("disguised", loop))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 2.0)
    assert runs == 1


async def test_a_crashed_loop_is_restarted(caplog: pytest.LogCaptureFixture) -> None:
    runs = 0

    async def loop() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise RuntimeError("a bug")

    with caplog.at_level(logging.ERROR, logger="orchestrator.tasks"):
        await asyncio.wait_for(supervised("crashy", loop), 5.0)
    assert runs == 2 and "background task crashy crashed" in caplog.text
