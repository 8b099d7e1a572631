"""Replanning on the live day keeps the past and moves as few people as possible."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedules.model import Participant
from schedules.planner import plan_rotation
from schedules.problems import PlanningError
from schedules.programme import load_programme
from schedules.quality import violations
from schedules.replan import Departure, LateArrival, RoomLost, TeamDropout, replan
from tests.support.programmes import programmes

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bip-2025" / "programme.toml"


@pytest.fixture(scope="module")
def example():
    programme = load_programme(EXAMPLE)
    return programme, plan_rotation(programme, seed=0)


def _seats(plan, pid):
    return {rnd.index: s.team for rnd in plan.rounds for s in rnd.rooms if pid in s.audience}


def test_team_dropout_redistributes_only_its_audience(example) -> None:
    programme, plan = example
    result = replan(plan, TeamDropout("t3"), frozen_before=3, programme=programme)
    assert result.plan.rounds[:2] == plan.rounds[:2]
    for rnd in result.plan.rounds[2:]:
        assert "t3" not in {s.team for s in rnd.rooms}
        sizes = [len(s.audience) for s in rnd.rooms]
        assert max(sizes) - min(sizes) <= 2
    displaced = {
        pid for rnd in plan.rounds[2:] for s in rnd.rooms if s.team == "t3" for pid in s.audience
    }
    assert set(result.moved) == displaced
    assert violations(result.programme, result.plan) == []
    assert result.plan.version == plan.version + 1


def test_departure_moves_nobody_else(example) -> None:
    programme, plan = example
    leaver = next(p.id for p in programme.participants if p.role == "audience")
    result = replan(plan, Departure(leaver), frozen_before=4, programme=programme)
    assert result.moved == ()
    assert all(k < 4 for k in _seats(result.plan, leaver))
    assert _seats(result.plan, leaver) == {k: v for k, v in _seats(plan, leaver).items() if k < 4}
    assert {
        u.reason for u in result.plan.unassigned if u.participant == leaver and u.round >= 4
    } == {"departed"}
    assert violations(result.programme, result.plan) == []


def test_late_arrival_is_seated_without_moving_others(example) -> None:
    programme, plan = example
    newcomer = Participant(
        "late-1", "Late Comer", "audience", institution="DHBW Heidenheim", preferences=("t2",)
    )
    result = replan(plan, LateArrival(newcomer), frozen_before=3, programme=programme)
    seats = _seats(result.plan, "late-1")
    assert sorted(seats) == [3, 4, 5, 6]
    assert len(set(seats.values())) == 4
    assert "t2" in seats.values()
    assert result.moved == ()
    assert violations(result.programme, result.plan) == []


def test_room_lost_with_a_replacement_moves_nobody(example) -> None:
    programme, plan = example
    result = replan(
        plan,
        RoomLost("r2", replacement="spare"),
        frozen_before=3,
        programme=_with_spare_room(programme),
    )
    assert result.moved == ()
    assert {s.room for s in result.plan.rounds[3].rooms if s.team == "t2"} == {"spare"}
    assert {s.room for s in result.plan.rounds[0].rooms if s.team == "t2"} == {"r2"}


def test_room_lost_without_replacement_drops_its_team(example) -> None:
    programme, plan = example
    result = replan(plan, RoomLost("r2"), frozen_before=5, programme=programme)
    assert "t2" not in {s.team for s in result.plan.rounds[4].rooms}
    assert "t2" in {s.team for s in result.plan.rounds[3].rooms}
    assert violations(result.programme, result.plan) == []


def test_unknown_references_are_refused(example) -> None:
    programme, plan = example
    with pytest.raises(PlanningError, match="unknown team"):
        replan(plan, TeamDropout("nope"), frozen_before=2, programme=programme)
    with pytest.raises(PlanningError, match="frozen_before"):
        replan(plan, TeamDropout("t1"), frozen_before=0, programme=programme)


def _with_spare_room(programme):
    from dataclasses import replace

    from schedules.model import Room

    return replace(programme, rooms=(*programme.rooms, Room("spare", "Spare room", 40)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes(comfortable=True), st.data())
def test_replanning_keeps_frozen_rounds(programme, data) -> None:
    plan = plan_rotation(programme, seed=0)
    frozen = data.draw(st.integers(1, programme.rotation.rounds))
    team = data.draw(st.sampled_from([t.id for t in programme.teams]))
    try:
        result = replan(plan, TeamDropout(team), frozen_before=frozen, programme=programme)
    except PlanningError as exc:
        assert exc.reasons
        return
    assert result.plan.rounds[: frozen - 1] == plan.rounds[: frozen - 1]
    assert [u for u in result.plan.unassigned if u.round < frozen] == [
        u for u in plan.unassigned if u.round < frozen
    ]
    assert violations(result.programme, result.plan) == []
