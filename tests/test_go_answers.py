"""`/go`'s precomputed answers agree with working them out, and the clicks' audit entries are
what `json.dumps` of the entries would write (the hot path builds neither)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from orchestrator.boundaries.clicks import ClickRecorder, _json_wall
from orchestrator.event.live import Live, _click_prefix
from orchestrator.metrics import Metrics
from orchestrator.storage.keys import Keys
from orchestrator.storage.store import Store
from rooms.links import JitsiConfig
from schedules.clock import ClockState
from schedules.programme import load_programme
from tests.support.live import make_live

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bip-2025" / "programme.toml"


def example_live(speed: float) -> Live:
    programme = load_programme(EXAMPLE)
    clock = ClockState.rehearsal(programme.starts, datetime.now(UTC), speed)
    tokens = {p.id: f"token-{p.id}" for p in programme.participants}
    jitsi = JitsiConfig.from_section(programme.sections.get("jitsi"), {}, base=None)
    return make_live(programme, clock=clock, tokens=tokens, jitsi=jitsi)


def worked_out(live: Live, participant: str, at: datetime) -> str:
    place = live.where(participant, at).now
    if place is None:
        return live.page_url(live.token_of[participant])
    return live.join_url(place, participant)


@pytest.mark.parametrize("warmed", [False, True], ids=["on-demand", "warmed"])
@pytest.mark.parametrize("speed", [1.0, 60.0])
def test_redirect_agrees_with_where_all_day(speed: float, warmed: bool) -> None:
    live = example_live(speed)
    people = [p.id for p in live.programme.participants]
    if warmed:
        for segment in range(len(live.moments) + 1):
            live.warm(segment, people)
    disagreements = []
    for minute in range(-15, 200):
        at = live.programme.starts + timedelta(minutes=minute + 0.5)
        wall = live.clock.wall_time(at).timestamp()
        for pid in people:
            redirect = live.redirect(live.token_of[pid], wall)
            assert redirect is not None
            if redirect.location != worked_out(live, pid, at):
                disagreements.append((minute, pid))
    assert disagreements == []


def test_redirect_unknown_token() -> None:
    live = example_live(1.0)
    assert live.redirect("nobody-has-this", live.wall_moments[0]) is None


def test_click_entries_are_what_json_dumps_writes() -> None:
    entries = [("p1", "r1", 1764088000.12345), ('p"2\\', "page", 1764088001.5)]
    batch = [(_click_prefix(pid, to), wall) for pid, to, wall in entries]
    expected = json.dumps(
        [{"participant": pid, "to": to, "wall": round(wall, 3)} for pid, to, wall in entries]
    )
    assert ClickRecorder.encode(batch) == expected


@pytest.mark.parametrize(
    "wall", [1764088000.0, 1764088000.5, 1764088000.1005, 1764088000.9999, 1764088000.0004, 0.25]
)
def test_click_walls_are_what_json_dumps_writes(wall: float) -> None:
    assert _json_wall(wall) == json.dumps(round(wall, 3))


async def test_flushes_at_the_same_time_write_each_click_once(redis_url: str) -> None:
    """The background loop and the attendance report (api.py) may flush at once."""
    client = aioredis.Redis.from_url(redis_url)
    clicks = ClickRecorder(Store(client, Keys("flushes")), Metrics())
    for n in range(1200):
        clicks.record((_click_prefix(f"p{n}", "r1"), 1764088000.0 + n))
    await asyncio.gather(clicks.flush(), clicks.flush())
    stored = await clicks.store.clicks()
    await client.aclose()
    assert sorted(c["participant"] for c in stored) == sorted(f"p{n}" for n in range(1200))


def test_redirect_counts_are_exposed_as_a_counter() -> None:
    from prometheus_client import generate_latest

    metrics = Metrics()
    metrics.redirect_counts["keynote"] += 2
    text = generate_latest(metrics.registry).decode()
    assert 'rota_redirects_total{target="keynote"} 2.0' in text
    assert "# TYPE rota_redirects_total counter" in text
