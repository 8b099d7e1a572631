"""On-site rooms in the rotation (schedules/campus.py): people on campus stay on campus, the
on-site and online seats of a room are counted apart, and nobody has to get from campus to a
screen (or back) in less than the walking time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedules import campus
from schedules.model import Event, Participant, Programme, Room
from schedules.planner import plan_rotation
from schedules.problems import PlanningError
from schedules.quality import violations
from schedules.replan import LateArrival, TeamDropout, replan
from tests.support.programmes import make_programme


def hybrid(room: Room, address: str, seats: int, online: int, url: str) -> Room:
    """An on-site room; with `url`, also `online` seats for people taking part online."""
    linked = replace(room, onsite=address, seats=seats, capacity=seats + (online if url else 0))
    return replace(linked, url=url)


def campus_day(
    *,
    onsite_rooms: dict[int, tuple[int, int, str]],
    onsite_people: int,
    online_people: int,
    teams: int = 4,
    rounds: int = 3,
    walking: int = 5,
    keynotes: Sequence[tuple[int, int]] = (),
    keynote_of_onsite: bool = False,
) -> Programme:
    """`onsite_rooms`: team index -> (seats, online seats, url)."""
    audience = [
        {"id": f"c{i}", "institution": f"u{i % 3}", "keynotes": [0] if keynote_of_onsite else []}
        for i in range(onsite_people)
    ] + [{"id": f"o{i}", "institution": f"u{i % 3}"} for i in range(online_people)]
    programme = make_programme(
        teams=teams, rounds=rounds, capacities=[20], audience=audience, keynotes=keynotes
    )
    rooms = tuple(
        hybrid(room, f"Building A, room {i}", *onsite_rooms[i]) if i in onsite_rooms else room
        for i, room in enumerate(programme.rooms)
    )
    people = tuple(
        replace(p, mode="onsite") if p.id.startswith("c") else p for p in programme.participants
    )
    event = Event("campus", "Campus day", "Europe/Berlin", walking_minutes=walking)
    return replace(programme, event=event, rooms=rooms, participants=people)


def rooms_of(plan, person: str) -> list[str]:
    return [s.room for rnd in plan.rounds for s in rnd.rooms if person in s.audience]


def test_people_on_campus_sit_only_in_onsite_rooms() -> None:
    day = campus_day(
        onsite_rooms={0: (6, 0, ""), 1: (6, 0, "")}, onsite_people=8, online_people=8, rounds=2
    )
    plan = plan_rotation(day)
    assert violations(day, plan) == []
    for i in range(8):
        assert set(rooms_of(plan, f"c{i}")) <= {"r0", "r1"}, f"c{i}"
        assert not set(rooms_of(plan, f"o{i}")) & {"r0", "r1"}, f"o{i}"


def test_onsite_and_online_seats_are_counted_apart() -> None:
    """r0 has 4 seats and 10 online places: never more than 4 on campus in it."""
    day = campus_day(
        onsite_rooms={0: (4, 10, "https://meet.example.org/r0"), 1: (4, 0, "")},
        onsite_people=8,
        online_people=9,
        rounds=2,
    )
    plan = plan_rotation(day)
    assert violations(day, plan) == []
    for rnd in plan.rounds:
        r0 = next(s for s in rnd.rooms if s.room == "r0")
        assert sum(pid.startswith("c") for pid in r0.audience) <= 4
        assert any(pid.startswith("o") for pid in r0.audience)  # online listeners take part too


def test_a_room_only_on_campus_has_no_online_seats() -> None:
    room = hybrid(Room("r", "R", 10), "Aula", 10, 0, "")
    assert campus.online_seats(room) == 0
    assert campus.online_seats(Room("v", "V", 12)) == 12


@pytest.mark.parametrize(
    ("onsite_rooms", "onsite", "reason"),
    [
        ({}, 4, "no team presents in a room with on-site seats"),
        ({0: (2, 0, "")}, 5, "on-site: round 1: 5 audience members need seats"),
    ],
    ids=["no-onsite-room", "too-few-seats"],
)
def test_impossible_campus_days_say_why(onsite_rooms, onsite, reason) -> None:
    day = campus_day(onsite_rooms=onsite_rooms, onsite_people=onsite, online_people=2, rounds=1)
    with pytest.raises(PlanningError) as caught:
        plan_rotation(day)
    assert any(reason in r for r in caught.value.reasons), caught.value.reasons


def walking_day(walking: int, offset: int) -> Programme:
    """Five rounds from 09:00 (Berlin), 30 min each, in three on-site rooms; two people on
    campus attend an online keynote of 30 min, `offset` minutes after 09:00."""
    return campus_day(
        onsite_rooms={0: (6, 0, ""), 1: (6, 0, ""), 2: (6, 0, "")},
        onsite_people=2,
        online_people=0,
        teams=3,
        rounds=5,
        walking=walking,
        keynotes=[(offset, 30)],
        keynote_of_onsite=True,
    )


@pytest.mark.parametrize(
    ("walking", "offset", "free"),
    [
        (10, 60, {2, 4}),  # 10:00–10:30, round 3's time: rounds 2 and 4 touch it
        (0, 60, set()),  # no walking time: nothing to keep free
        (10, 65, {2}),  # 10:05–10:35: 5 min after round 2 is too short, round 5 is 25 after
        (3, 65, set()),  # 5 min is walk enough
    ],
)
def test_rounds_next_to_an_online_keynote_are_left_for_walking(walking, offset, free) -> None:
    day = walking_day(walking, offset)
    assert set(campus.walks(day, day.participant_by_id["c0"])) == free


def test_the_planner_leaves_the_walk_free() -> None:
    day = walking_day(10, 60)
    plan = plan_rotation(day)
    assert violations(day, plan) == []
    away = {u.round: u.reason for u in plan.unassigned if u.participant == "c0"}
    assert away[2].startswith("walking") and away[4].startswith("walking")
    assert away[3] == "keynote k0"


def test_a_keynote_on_campus_needs_no_walk_off_campus() -> None:
    day = walking_day(10, 60)
    hall = Room("hall0", "Hall", 50, onsite="Aula", seats=50)
    day = replace(day, rooms=(*day.rooms, hall))
    assert campus.walks(day, day.participant_by_id["c0"]) == {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    teams=st.integers(2, 6),
    onsite_teams=st.integers(1, 6),
    rounds=st.integers(1, 4),
    onsite=st.integers(0, 20),
    online=st.integers(0, 20),
    linked=st.booleans(),
)
def test_plans_keep_campus_people_on_campus(
    teams, onsite_teams, rounds, onsite, online, linked
) -> None:
    onsite_teams = min(onsite_teams, teams)
    rooms = {
        t: (max(2, onsite // onsite_teams + 2), 10, "https://m.example.org/x" if linked else "")
        for t in range(onsite_teams)
    }
    day = campus_day(
        onsite_rooms=rooms,
        onsite_people=onsite,
        online_people=online,
        teams=teams,
        rounds=min(rounds, onsite_teams),
    )
    try:
        plan = plan_rotation(day)
    except PlanningError:
        return
    assert violations(day, plan) == []
    for person in day.participants:
        if person.mode == "onsite":
            assert all(day.room_by_id[r].onsite for r in rooms_of(plan, person.id))


def test_rounds_beyond_the_teams_on_campus_are_free() -> None:
    """Two teams on campus, four rounds: each on-site person sees both, and is free twice."""
    day = campus_day(
        onsite_rooms={0: (6, 0, ""), 1: (6, 0, "")}, onsite_people=6, online_people=0, rounds=4
    )
    plan = plan_rotation(day)
    assert violations(day, plan) == []
    for i in range(6):
        assert sorted(rooms_of(plan, f"c{i}")) == ["r0", "r1"]
        free = [u for u in plan.unassigned if u.participant == f"c{i}"]
        assert [u.reason for u in free] == ["free: every team on campus seen"] * 2
    per_round = [
        sum(pid.startswith("c") for s in r.rooms for pid in s.audience) for r in plan.rounds
    ]
    assert per_round == [3, 3, 3, 3]  # the free rounds rotate: the rooms stay evenly filled


@pytest.mark.parametrize(
    "change",
    [
        LateArrival(Participant("c99", "Late on campus", "audience", mode="onsite")),
        TeamDropout("t0"),
    ],
    ids=["late-arrival-on-campus", "onsite-team-drops-out"],
)
def test_replanning_keeps_campus_people_on_campus(change) -> None:
    day = campus_day(
        onsite_rooms={0: (6, 8, "https://m.example.org/0"), 1: (6, 0, ""), 2: (6, 0, "")},
        onsite_people=8,
        online_people=2,  # online rooms nearly empty: the emptiest seats are not on campus
        teams=5,
        rounds=2,
    )
    result = replan(plan_rotation(day), change, frozen_before=2, programme=day)
    assert violations(result.programme, result.plan) == []
    for person in result.programme.participants:
        if person.mode == "onsite":
            rooms = rooms_of(result.plan, person.id)
            assert all(result.programme.room_by_id[r].onsite for r in rooms), person.id


@pytest.mark.parametrize(
    ("person", "room", "audience", "problem"),
    [
        ("c0", "r0", [], ""),
        ("c0", "r3", [], "c0 takes part on campus and room 'r3' has no seats on campus"),
        ("o0", "r1", [], "o0 takes part online and room 'r1' has no seats online"),
        ("o0", "r0", [], ""),  # r0 has a link: online seats
        ("c0", "r0", ["c1", "c2"], "room 'r0' is full on campus (2 seats)"),
        ("o0", "r0", ["c1", "c2"], ""),  # the campus seats are full, the online ones are not
    ],
)
def test_an_organiser_move_needs_a_seat_of_the_persons_kind(person, room, audience, problem):
    day = campus_day(
        onsite_rooms={0: (2, 5, "https://m.example.org/0"), 1: (4, 0, "")},
        onsite_people=3,
        online_people=1,
    )
    assert campus.move_problem(day, day.participant_by_id[person], room, audience) == problem
