"""The board's alerts as pure data, one reason per case: who is missing, who is in the wrong
room, a silent presence feed, failed deliveries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from orchestrator.event.live import Live
from orchestrator.views.board_view import PresenceFeed, snapshot
from schedules.programme import load_programme
from tests.support.live import make_live

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bip-2025" / "programme.toml"
ROUND_2 = datetime(2025, 3, 27, 8, 30, tzinfo=UTC)  # round 2 starts (09:30 Berlin)
FEED = PresenceFeed(configured=True, seconds_since=1.0, silence_seconds=300)


@pytest.fixture(scope="module")
def live() -> Live:
    return make_live(load_programme(EXAMPLE))  # a self-hosted Jitsi: meet.jit.si reports nobody


def kinds(state: dict[str, object], room: str | None = None) -> list[str]:
    alerts = state["alerts"]
    assert isinstance(alerts, list)
    return [a["kind"] for a in alerts if room is None or a["room"] == room]


def team_and_audience(live: Live, room: str) -> tuple[set[str], list[str]]:
    slot = next(s for s in live.plan.round(2).rooms if s.room == room)
    return set(next(t.members for t in live.plan.teams if t.id == slot.team)), list(slot.audience)


@pytest.mark.parametrize(("minutes", "alerted"), [(0.5, False), (1.5, True)])
def test_no_presenter_is_alerted_after_a_minute(live: Live, minutes: float, alerted: bool) -> None:
    _, audience = team_and_audience(live, "r1")
    present = {"r1": set(audience)}
    state = snapshot(live, present, ROUND_2 + timedelta(minutes=minutes), FEED)
    assert ("no-presenters" in kinds(state, "r1")) is alerted


@pytest.mark.parametrize(("minutes", "alerted"), [(2.5, False), (3.5, True)])
def test_an_empty_room_is_alerted_after_three_minutes(
    live: Live, minutes: float, alerted: bool
) -> None:
    members, audience = team_and_audience(live, "r1")
    present = {"r2": members | set(audience)}  # somebody is somewhere, r1 is empty
    state = snapshot(live, present, ROUND_2 + timedelta(minutes=minutes), FEED)
    assert ("empty" in kinds(state, "r1")) is alerted


def test_someone_in_the_wrong_room_is_alerted_there(live: Live) -> None:
    members, _ = team_and_audience(live, "r1")
    _, elsewhere = team_and_audience(live, "r2")
    state = snapshot(live, {"r1": members | {elsewhere[0]}}, ROUND_2 + timedelta(minutes=5), FEED)
    assert "wrong-room" in kinds(state, "r1")
    tile = next(t for t in state["tiles"] if t["room"] == "r1")
    assert tile["wrong_room"] == 1


@pytest.mark.parametrize(
    ("feed", "kind", "severity"),
    [
        (
            PresenceFeed(configured=False, seconds_since=None, silence_seconds=300),
            "no-feed",
            "info",
        ),
        (
            PresenceFeed(configured=True, seconds_since=None, silence_seconds=300),
            "feed-silent",
            "warning",
        ),
        (
            PresenceFeed(configured=True, seconds_since=301.0, silence_seconds=300),
            "feed-silent",
            "critical",
        ),
    ],
)
def test_the_presence_feed_is_watched(
    live: Live, feed: PresenceFeed, kind: str, severity: str
) -> None:
    state = snapshot(live, {}, ROUND_2 + timedelta(minutes=5), feed)
    found = [a for a in state["alerts"] if a["kind"] == kind]
    assert [a["severity"] for a in found] == [severity]


def test_a_recent_webhook_keeps_the_feed_quiet(live: Live) -> None:
    state = snapshot(live, {}, ROUND_2 + timedelta(minutes=5), FEED)
    assert "feed-silent" not in kinds(state)


def test_failed_deliveries_are_alerted(live: Live) -> None:
    state = snapshot(live, {}, ROUND_2, FEED, delivery_failures=3)
    found = [a for a in state["alerts"] if a["kind"] == "delivery-failed"]
    assert len(found) == 1 and found[0]["message"].startswith("3 notification deliveries")
