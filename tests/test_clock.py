"""The event clock, the live timeline and where people should be: pure, no waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedules.clock import ClockState
from schedules.planner import plan_rotation
from schedules.programme import load_programme
from schedules.timeline import ClockError, Timeline, delay, extend
from schedules.whereabouts import places, whereabouts

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bip-2025" / "programme.toml"
START = datetime(2025, 3, 27, 8, 0, tzinfo=UTC)  # 09:00 Berlin
LEAD = timedelta(minutes=2)
NO_GAP = timedelta(0)


@pytest.fixture(scope="module")
def day():
    programme = load_programme(EXAMPLE)
    return programme, plan_rotation(programme, seed=0)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_rehearsal_maps_wall_time_through_speed() -> None:
    wall = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    clock = ClockState.rehearsal(START, wall, speed=60)
    assert clock.event_time(wall + timedelta(seconds=30)) == at(30)
    assert clock.wall_time(at(90)) == wall + timedelta(seconds=90)
    assert ClockState.from_dict(clock.to_dict()) == clock


@settings(max_examples=200)
@given(st.floats(0.5, 3600), st.integers(-(10**6), 10**6))
def test_wall_and_event_time_are_inverse(speed: float, seconds: int) -> None:
    clock = ClockState.rehearsal(START, datetime(2026, 1, 1, tzinfo=UTC), speed)
    moment = START + timedelta(seconds=seconds)
    back = clock.event_time(clock.wall_time(moment))
    # timedelta keeps microseconds: a rounding of 1 µs of wall time is `speed` µs of event time
    assert abs((back - moment).total_seconds()) <= speed * 2e-6


def test_current_phase(day) -> None:
    _, plan = day
    timeline = Timeline.build(plan, ClockState.real_time())
    assert timeline.current(at(-5)).kind == "before"
    assert timeline.current(at(45)).round == 2
    assert timeline.current(at(65)).keynotes == ("k1",)
    assert timeline.current(at(181)).kind == "after"


def test_delay_shifts_everything_not_yet_started(day) -> None:
    _, plan = day
    clock = ClockState.real_time()
    timeline = Timeline.build(plan, clock)
    delayed = delay(clock, timeline, at(40), 10)  # during round 2
    after = Timeline.build(plan, delayed)
    assert after.rounds[1].end == at(60)  # the running round keeps its end
    assert after.rounds[2].start == at(70)
    k1 = after.keynote("k1")
    assert k1 is not None and k1.start == at(70)
    assert delayed.delay_minutes == 10
    assert after.current(at(65)).kind == "changeover"


def test_extend_lengthens_the_running_round_and_moves_later_rounds(day) -> None:
    _, plan = day
    clock = ClockState.real_time()
    extended = extend(clock, Timeline.build(plan, clock), at(40), 5)
    after = Timeline.build(plan, extended)
    assert after.rounds[1].end == at(65)
    assert after.rounds[2].start == at(65)
    assert after.rounds[5].end == at(185)
    k1 = after.keynote("k1")
    assert k1 is not None and k1.start == at(60)  # a speaker's slot stays


def test_clock_changes_that_cannot_apply(day) -> None:
    _, plan = day
    clock = ClockState.real_time()
    timeline = Timeline.build(plan, clock)
    with pytest.raises(ClockError, match="no round is running"):
        extend(clock, timeline, at(-10), 5)
    with pytest.raises(ClockError, match="the day is over"):
        delay(clock, timeline, at(500), 5)
    with pytest.raises(ClockError, match="in the past"):
        delay(clock, timeline, at(25), -10)


def test_boundaries_are_complete_and_ordered(day) -> None:
    _, plan = day
    bounds = Timeline.build(plan, ClockState.real_time()).boundaries()
    ids = [b.id for b in bounds]
    assert len(ids) == len(set(ids)) == 6 * 4 + 4 * 2 + 1  # 6 rounds, 4 keynotes, the end
    assert ids[0] == "round.warning:1" and ids[-1] == "event.ended"
    assert [b.at for b in bounds] == sorted(b.at for b in bounds)


def test_boundaries_at_one_instant_end_before_they_start_and_the_day_ends_last(day) -> None:
    _, plan = day
    bounds = Timeline.build(plan, ClockState.real_time()).boundaries()
    position = {b.id: n for n, b in enumerate(bounds)}
    at = {b.id: b.at for b in bounds}
    for n in range(1, 6):
        if at[f"round.ended:{n}"] == at[f"round.started:{n + 1}"]:
            assert position[f"round.ended:{n}"] < position[f"round.started:{n + 1}"]
    assert at["keynote.ended:awards"] == at["event.ended"]  # the day's last item: the awards
    assert bounds[-1].id == "event.ended"


def test_whereabouts_of_audience_presenter_and_keynote_attendee(day) -> None:
    programme, plan = day
    timeline = Timeline.build(plan, ClockState.real_time())
    channel_sync = next(
        p.id for p in programme.participants if p.role == "audience" and "k1" in p.keynotes
    )
    mine = places(plan, timeline, channel_sync)
    assert [p.kind for p in mine][:3] == ["room", "room", "keynote"]
    assert whereabouts(mine, at(-30), LEAD, NO_GAP).now is None  # before the day: their page
    first = whereabouts(mine, at(-1), LEAD, NO_GAP).now  # inside the 2-minute warning
    assert first is not None and first.round == 1
    assert first.room == plan.room_in_round(channel_sync, 1).room
    late = whereabouts(mine, at(29), LEAD, NO_GAP)  # last 2 minutes of round 1
    assert late.now is not None and late.now.round == 2
    keynote = whereabouts(mine, at(70), LEAD, NO_GAP)
    assert keynote.now is not None and keynote.now.keynote == "k1"
    assert whereabouts(mine, at(185), LEAD, NO_GAP).now is None  # between rotation and closing
    closing = whereabouts(mine, at(200), LEAD, NO_GAP).now  # 12:20: the closing lecture
    assert closing is not None and closing.keynote == "closing"
    assert whereabouts(mine, at(300), LEAD, NO_GAP).now is None  # after the day
    presenter = plan.teams[0].members[0]
    theirs = places(plan, timeline, presenter)
    assert {p.room for p in theirs if p.kind == "room"} == {plan.teams[0].room}
    assert [p.keynote for p in theirs if p.kind == "keynote"] == ["closing", "awards"]
    round_four = whereabouts(theirs, at(95), LEAD, NO_GAP).now
    assert round_four is not None and round_four.round == 4
