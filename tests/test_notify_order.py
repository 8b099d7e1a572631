"""Transitions due at the same instant are fired, and so delivered, in the timeline's order:
round.ended:N before round.started:N+1, a keynote's start after the round's end, event.ended
last. Each rehearsal is a whole tiny day at 3000× speed (about a second), with a real
receiver on loopback; twenty of them, each a test of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path

import pytest

from orchestrator.appkeys import SERVICE, STORE
from tests.support.app import start_app
from tests.support.clock import eventually
from tests.support.receivers import VECTOR_SECRET, receivers

pytestmark = pytest.mark.slow

REHEARSALS = 20

PROGRAMME = """
[event]
id = "tiny"
title = "Tiny day"
timezone = "UTC"
language = "en"
roster = "roster.csv"

[rotation]
start = "2026-05-04T09:00"
round_minutes = 10
rounds = 3
changeover_minutes = 0
min_audience = 1
jury_per_team = 0

[[rooms]]
id = "r1"
name = "Room 1"
capacity = 10

[[rooms]]
id = "r2"
name = "Room 2"
capacity = 10

[[teams]]
id = "t1"
name = "Team One"
project = "One"
room = "r1"

[[rooms]]
id = "r3"
name = "Room 3"
capacity = 10

[[teams]]
id = "t2"
name = "Team Two"
project = "Two"
room = "r2"

[[teams]]
id = "t3"
name = "Team Three"
project = "Three"
room = "r3"

[[keynotes]]
id = "k1"
title = "The second half"
start = "2026-05-04T09:10"
minutes = 20
room = "hall"

[[notify]]
id = "hook"
kind = "webhook"
url = "{url}"
secret_env = "HOOK_SECRET"
"""
ROSTER = "\n".join(
    [
        "id,name,email,role,team,institution,country,timezone,language,preferences,keynotes,"
        "unavailable",
        "p1,Presenter One,,presenter,t1,,,,,,,",
        "p2,Presenter Two,,presenter,t2,,,,,,,",
        "p3,Presenter Three,,presenter,t3,,,,,,,",
        *(f"a{n},Audience {n},,audience,,,,,,,{'k1' if n % 2 else ''}," for n in range(1, 7)),
    ]
)


@pytest.mark.parametrize("rehearsal", range(1, REHEARSALS + 1))
async def test_simultaneous_transitions_are_delivered_in_the_timelines_order(
    redis_url: str, tmp_path: Path, rehearsal: int
) -> None:
    async with receivers(VECTOR_SECRET) as recv:
        (tmp_path / "programme.toml").write_text(PROGRAMME.replace("{url}", f"{recv.base_url}/ok"))
        (tmp_path / "roster.csv").write_text(ROSTER)
        running = await start_app(
            tmp_path / "programme.toml",
            redis_url=redis_url,
            env={"HOOK_SECRET": VECTOR_SECRET, "ROTA_NOTIFY_ALLOW_PRIVATE": "1"},
            speed=3000.0,
            start_at=(datetime.now(UTC) + timedelta(seconds=1)).isoformat(),  # nothing missed
            notify_backoff_scale=0.01,
        )
        try:
            bounds = running.app[SERVICE].require_live().timeline.boundaries()
            together = [[b.id for b in g] for _, g in groupby(bounds, key=lambda b: b.at)]
            assert ["round.ended:1", "round.started:2", "keynote.started:k1"] in together
            assert ["round.ended:3", "keynote.ended:k1", "event.ended"] in together

            def arrived() -> list[str]:
                return [h.body["data"]["boundary"] for h in recv.delivered("/ok")]

            await eventually(lambda: "event.ended" in arrived(), seconds=20)
            fired = await running.app[STORE].fired()
            sent = [b.id for b in bounds if fired[b.id]["status"] == "fired"]
            assert arrived() == sent
        finally:
            await running.stop()
