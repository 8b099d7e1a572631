"""What a participant page shows, without a browser: when it really moves after a delay, the
gap between, before and after the day, and dates for people whose day differs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orchestrator.event.live import Live
from orchestrator.language.i18n import translator
from orchestrator.views.page_view import Words, fresh_broadcasts, page_view
from rooms.links import JitsiConfig
from schedules.programme import load_programme
from schedules.timeline import delay
from tests.support.app import EXAMPLE
from tests.support.live import make_live

START = datetime(2025, 3, 27, 8, 0, tzinfo=UTC)  # 09:00 Berlin


@pytest.fixture(scope="module")
def live() -> Live:
    base = make_live(load_programme(EXAMPLE), salt="s", jitsi=JitsiConfig())
    # round 2 and everything after it put off by 30 minutes during round 1
    return base.rebuilt(clock=delay(base.clock, base.timeline, at(10), 30))


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def mover(live: Live) -> str:
    return next(
        p.id
        for p in live.programme.participants
        if p.role == "audience"
        and [pl.round for pl in live.days[p.id][:2]] == [1, 2]
        and live.programme.language_of(p) == "de"
    )


def test_the_next_place_is_reached_when_it_really_begins(live: Live) -> None:
    pid = mover(live)
    view = page_view(live, pid, at(29))
    assert view["now"]["round"] == 1
    assert view["next"]["round"] == 2
    assert view["next"]["start_text"] == "10:00"  # not the planned 09:30
    assert view["move_wall"] == live.clock.wall_time(at(60)).isoformat()


def test_a_gap_says_until_when_there_is_nothing(live: Live) -> None:
    pid = mover(live)
    view = page_view(live, pid, at(45))
    t = translator("de")
    assert view["now"] is None
    assert view["headline"] == t("nothing_now")
    assert view["until"] == t("until", time="10:00")
    assert view["next"]["round"] == 2


def test_before_and_after_the_day(live: Live) -> None:
    pid = mover(live)
    before = page_view(live, pid, at(-60))
    assert before["phase"] == "before"
    assert before["now"] is None
    assert before["next"]["start_text"].endswith("09:00") and "27" in before["next"]["start_text"]
    after = page_view(live, pid, at(600))
    assert (after["phase"], after["next"], after["now"]) == ("after", None, None)
    assert after["headline"] == translator("de")("done")


def test_a_date_when_the_persons_day_differs() -> None:
    """An event evening in Berlin is the next morning in Tokyo: the date is shown."""
    berlin, tokyo = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo")
    words = Words("en", tokyo, berlin, date(2025, 3, 27))
    evening = datetime(2025, 3, 27, 20, 0, tzinfo=berlin)
    assert words.dated(evening)
    assert words.when(evening) == "Fri, Mar 28, 4:00\u202fAM"
    morning = datetime(2025, 3, 27, 9, 0, tzinfo=berlin)  # 17:00 in Tokyo, the same day
    assert words.when(morning) == "5:00\u202fPM"


def test_broadcasts_on_load_are_fresh_and_newest_first(live: Live) -> None:
    now = at(60)
    wall = live.clock.wall_time

    def entry(minutes_ago: float, seq: int = 0) -> str:
        ms = int(wall(now - timedelta(minutes=minutes_ago)).timestamp() * 1000)
        return f"{ms}-{seq}"

    entries = [(entry(5), "recent"), (entry(200), "stale"), (entry(30), "older")]
    shown = fresh_broadcasts(live, entries, now)
    assert [b["message"] for b in shown] == ["recent", "older"]
