"""Programmes built directly from the model, for property tests that need thousands of them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from schedules.model import Event, Keynote, Participant, Programme, Room, Rotation, Team

START = datetime(2025, 3, 27, 8, 0, tzinfo=UTC)


def make_programme(
    *,
    teams: int,
    rounds: int,
    capacities: list[int],
    audience: list[dict],
    jury_per_team: int = 0,
    min_audience: int = 0,
    keynotes: Sequence[tuple[int, int]] = (),
    round_minutes: int = 30,
    changeover_minutes: int = 0,
    start: datetime = START,
    solve_seconds: float = 3.0,
) -> Programme:
    """`audience` items: {id, role, institution, preferences, unavailable, keynotes}."""
    rooms = tuple(Room(f"r{i}", f"Room {i}", capacities[i % len(capacities)]) for i in range(teams))
    team_list = tuple(Team(f"t{i}", f"Team {i}", f"r{i}") for i in range(teams))
    step = round_minutes + changeover_minutes
    starts = tuple(start + timedelta(minutes=step * i) for i in range(rounds))
    keynote_list = tuple(
        Keynote(f"k{i}", f"Keynote {i}", start + timedelta(minutes=offset), minutes, f"hall{i}")
        for i, (offset, minutes) in enumerate(keynotes)
    )
    presenters = tuple(
        Participant(f"pres{i}", f"Presenter {i}", "presenter", team=f"t{i}") for i in range(teams)
    )
    people = tuple(
        Participant(
            a["id"],
            a["id"],
            a.get("role", "audience"),
            institution=a.get("institution", ""),
            preferences=tuple(f"t{t}" for t in a.get("preferences", ()) if t < teams),
            unavailable=frozenset(a.get("unavailable", ())),
            keynotes=tuple(f"k{k}" for k in a.get("keynotes", ()) if k < len(keynotes)),
        )
        for a in audience
    )
    return Programme(
        event=Event("prop", "Property event", "Europe/Berlin"),
        rotation=Rotation(
            starts, round_minutes, changeover_minutes, min_audience, jury_per_team, solve_seconds
        ),
        rooms=rooms,
        teams=team_list,
        keynotes=keynote_list,
        participants=presenters + people,
    )


@st.composite
def programmes(draw: st.DrawFn, comfortable: bool = False) -> Programme:
    teams = draw(st.integers(1, 9))
    rounds = draw(st.integers(1, teams if comfortable else 9))
    size = draw(st.integers(0, 60))
    low = max(1, -(-2 * size // teams)) if comfortable else 1
    capacities = draw(st.lists(st.integers(low, max(low, 30)), min_size=1, max_size=teams))
    institutions = draw(st.integers(1, 5))
    keynotes = draw(
        st.lists(st.tuples(st.integers(0, 30 * rounds - 10), st.integers(10, 60)), max_size=2)
    )
    jury = draw(st.integers(0, 6))
    audience = []
    for i in range(size):
        audience.append(
            {
                "id": f"a{i}",
                "role": "jury" if i < jury else "audience",
                "institution": f"inst{draw(st.integers(0, institutions - 1))}",
                "preferences": draw(st.lists(st.integers(0, teams - 1), max_size=3, unique=True)),
                "unavailable": draw(st.sets(st.integers(1, rounds), max_size=2)),
                "keynotes": [0] if bool(keynotes) and draw(st.booleans()) else [],
            }
        )
    return make_programme(
        teams=teams,
        rounds=rounds,
        capacities=capacities,
        audience=audience,
        jury_per_team=draw(st.integers(0, 2)),
        min_audience=draw(st.integers(0, 3)),
        keynotes=keynotes,
    )
