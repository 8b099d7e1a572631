"""Which run `rota serve` serves: the stored one carried on, a new rehearsal, or the real
day armed again from the programme (its records archived, never deleted); a rehearsal never
leaks into the real day. Asked once, at start-up (event/service.py)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime

from orchestrator.errors import SetupError
from orchestrator.settings import Settings
from orchestrator.storage.store import Store
from schedules.clock import ClockState
from schedules.model import Programme
from schedules.retimed import Retimed, describe

log = logging.getLogger(__name__)


def describe_run(clock: ClockState) -> str:
    """How a run reads in messages: the real day, or a rehearsal at its speed and start."""
    if clock.is_real:
        return "the real day at the programme's own times"
    first = clock.wall_time(clock.anchor_event)
    return f"a rehearsal at {clock.speed:g}× (round 1 at {first:%H:%M} UTC on {first:%Y-%m-%d})"


def run_matches(stored: ClockState, speed: float) -> bool:
    """Whether the stored run is the one asked for when no new start is given."""
    if speed == 1:
        return stored.is_real
    return not stored.is_real and stored.speed == speed


class RunMismatch(SetupError):
    """The store holds another run than the one asked for: `rota serve` stops and says how
    to go on (`--resume` or `--fresh`)."""

    def __init__(self, stored: ClockState, speed: float) -> None:
        asked = (
            "the real day at the programme's own times"
            if speed == 1
            else f"a rehearsal at {speed:g}×"
        )
        super().__init__(
            f"the data folder holds {describe_run(stored)}, but you asked for {asked}. "
            "Add --resume to carry on with the stored run, or --fresh to start "
            + ("the real day from the programme's own times" if speed == 1 else "a new run")
            + " (the previous run's records are archived, nothing is deleted, and personal "
            "links stay the same)."
        )


def parse_start(value: str, programme: Programme, now: datetime) -> datetime:
    """`now`, or an ISO time (local to the event when it has no offset)."""
    if value == "now":
        return now
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=programme.event.tz)
    return moment.astimezone(UTC)


async def chosen_run(
    settings: Settings, store: Store, programme: Programme, moves: list[Retimed]
) -> tuple[ClockState, bool]:
    """The run to serve, and whether it is a new one. An explicit `--start-at` starts a
    new rehearsal run; otherwise the stored run is carried on only when it is the one
    asked for (the real day at speed 1, or a rehearsal at the same speed), so a rehearsal
    can never leak into the real day; and a stored real day whose programme times have
    changed (a corrected date, a new start) is armed again from the programme."""
    stored = await store.load_clock()
    start_at = settings.start_at
    why = ""
    if start_at is None and settings.speed != 1 and (stored is None or settings.fresh):
        start_at = "now"
    if start_at is not None:
        wall = parse_start(start_at, programme, datetime.now(UTC))
        clock = ClockState.rehearsal(programme.starts, wall, settings.speed)
        clock = replace(clock, version=(stored.version + 1) if stored else 0)
        await store.reset_run()
        log.info(
            "rehearsal at %g×: the first round starts at %s",
            settings.speed,
            wall.isoformat(),
        )
    elif stored is None:
        clock = ClockState.real_time()
        log.info("the real day: speed 1 at the programme's own times")
    elif settings.resume or run_matches(stored, settings.speed):
        # (also with --fresh: a unit file that keeps it must not archive the day it serves)
        why = "" if settings.resume else await _stale(store, programme, stored, moves)
        if not why:
            log.info("carrying on with the stored run (%s)", describe_run(stored))
            return stored, False
        clock = replace(ClockState.real_time(), version=stored.version + 1)
        await store.reset_run()
        log.warning(
            "%s: the day is armed again from the programme (the stored run's records "
            "are archived, nothing is deleted; personal links stay the same)",
            why,
        )
    elif settings.fresh:
        clock = replace(ClockState.real_time(), version=stored.version + 1)
        await store.reset_run()
        log.info(
            "the real day from the programme's own times; the previous run (speed %g) is archived",
            stored.speed,
        )
    else:
        raise RunMismatch(stored, settings.speed)
    await store.save_clock(clock, None)
    # a new run: the board's journal starts again from here
    entry = {"kind": "run.started", "speed": f"{clock.speed:g}"}
    await store.audit([{**entry, "why": why} if why else entry])
    return clock, True


async def _stale(
    store: Store, programme: Programme, stored: ClockState, moves: list[Retimed]
) -> str:
    """Why the stored real day no longer follows the programme ("" when it does): its
    times changed, or it is marked ended while the programme's day lies ahead. A change
    of times once the day has really begun is left to the replan API."""
    if not stored.is_real:
        return ""
    fired = await store.fired()
    now = datetime.now(UTC)
    ended = fired.get("event.ended", {}).get("at")
    if ended and datetime.fromisoformat(ended) < programme.starts and not moves:
        start = programme.starts.astimezone(programme.event.tz)
        return (
            f"the stored run is marked ended, but the programme's day lies ahead "
            f"({start:%Y-%m-%d %H:%M}, {programme.event.timezone})"
        )
    if not moves:
        return ""
    ran = any(record.get("status") == "fired" for record in fired.values())
    if ran and now >= programme.starts and "event.ended" not in fired:
        return ""  # the day is running: its records are real
    return "the programme's times changed since the stored run was made: " + describe(
        moves, programme.event.tz
    )
