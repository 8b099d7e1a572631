"""On-site rooms in the rotation: people who come to campus sit in on-site rooms only, people
online take online seats, and nobody has to get from campus to a screen (or back) in less than
the walking time.

A room on campus has `seats`; with an online link it also has online seats (the rest of its
`capacity`). The rotation is then two rotations that share the teams: one over the on-site
seats for the people with `mode = onsite`, one over the online seats for everyone else. A
person is in one of the two all day, so "nobody sees a team twice" holds across both; each is
planned by the ordinary planner on a reduced `Context`, and the two assignments are merged.
Rounds next to a keynote reached by a change of place (campus ↔ online) shorter than
`walking_minutes` are left free for the walk; so are the rounds of an on-site person beyond
the number of teams on campus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

import numpy as np

from schedules.context import Context
from schedules.model import Participant, Programme, Room
from schedules.plan import Plan
from schedules.problems import PlanningError


def online_seats(room: Room) -> int:
    """Seats for people taking part online: all of an online room's, none of a room that is
    only on campus, the rest of `capacity` for an on-site room with a link."""
    if not room.onsite:
        return room.capacity
    return room.capacity - room.seats if room.url else 0


def campus_address(programme: Programme, person: Participant, room_id: str) -> str:
    """Where the person walks to for a place in `room_id` ("Building A, room 2.14"), or ""
    when they take part in it online."""
    room = programme.room_by_id.get(room_id)
    if room is None or not room.onsite:
        return ""
    if person.mode == "onsite" or not online_seats(room):
        return room.onsite
    team = programme.team_by_id.get(person.team)
    return room.onsite if team is not None and team.room == room_id else ""


def on_campus(programme: Programme) -> bool:
    """Whether the rotation needs this module: an on-site room or anyone coming to campus."""
    return any(r.onsite for r in programme.rooms) or any(
        p.mode == "onsite" for p in programme.participants
    )


@dataclass(frozen=True)
class Pool:
    """One of the two rotations: its people and teams (indices into the whole context) and the
    seats each team's room has for them."""

    name: str  # "on-site" or "online"
    people: tuple[int, ...]
    teams: tuple[int, ...]
    seats: tuple[int, ...]


def pools(ctx: Context) -> tuple[Pool, Pool]:
    programme = ctx.programme
    rooms = [programme.room_by_id[programme.team_by_id[t].room] for t in ctx.team_ids]
    onsite = tuple(i for i, p in enumerate(ctx.people) if p.mode == "onsite")
    online = tuple(i for i, p in enumerate(ctx.people) if p.mode != "onsite")
    campus = tuple(t for t, room in enumerate(rooms) if room.onsite)
    remote = tuple(t for t, room in enumerate(rooms) if online_seats(room))
    return (
        Pool("on-site", onsite, campus, tuple(rooms[t].seats for t in campus)),
        Pool("online", online, remote, tuple(online_seats(rooms[t]) for t in remote)),
    )


def seat_check(ctx: Context) -> Callable[[np.ndarray, int, int], bool] | None:
    """For replanning on the day: whether person `i` may take a seat with team `t`, given a
    round's column of the assignment (on-site people on campus seats only, online people on
    online seats only, each kind counted apart); None when nobody is on campus."""
    if not on_campus(ctx.programme):
        return None
    onsite_pool, online_pool = pools(ctx)
    seats = {
        True: dict(zip(onsite_pool.teams, onsite_pool.seats, strict=True)),
        False: dict(zip(online_pool.teams, online_pool.seats, strict=True)),
    }
    on_site = np.array([p.mode == "onsite" for p in ctx.people], dtype=bool)

    def fits(column: np.ndarray, i: int, t: int) -> bool:
        mine = bool(on_site[i])
        taken = int(((column == t) & (on_site == mine)).sum())
        return taken < seats[mine].get(t, 0)

    return fits


def move_problem(
    programme: Programme, person: Participant, room_id: str, audience: Sequence[str]
) -> str:
    """Why an organiser cannot move `person` into `room_id` (its audience now `audience`)
    for want of a seat of their kind, or ""."""
    room = programme.room_by_id[room_id]
    if not on_campus(programme):
        return ""
    people = programme.participant_by_id
    onsite = person.mode == "onsite"
    kind = sum(1 for p in audience if p in people and (people[p].mode == "onsite") == onsite)
    seats = room.seats if onsite and room.onsite else (0 if onsite else online_seats(room))
    where = "on campus" if onsite else "online"
    if not seats:
        return f"{person.id} takes part {where} and room {room_id!r} has no seats {where}"
    if person.id not in audience and kind >= seats:
        return f"room {room_id!r} is full {where} ({seats} seats)"
    return ""


def walks(programme: Programme, person: Participant) -> dict[int, str]:
    """Rounds (1-based) the person must leave free to walk to or from a keynote that is not
    where their rounds are (campus ↔ online) when the gap is shorter than the walking time."""
    walking = timedelta(minutes=programme.event.walking_minutes)
    if not walking or person.mode != "onsite":
        return {}
    free: dict[int, str] = {}
    for keynote_id in programme.keynotes_of(person):
        keynote = programme.keynote_by_id[keynote_id]
        if campus_address(programme, person, keynote.room):
            continue  # on campus too: an ordinary walk between rooms
        for slot in programme.rotation.slots:
            before = timedelta(0) <= keynote.start - slot.end < walking
            after = timedelta(0) <= slot.start - keynote.end < walking
            if (before or after) and not slot.overlaps(keynote.start, keynote.end):
                free.setdefault(slot.index, f"walking to or from keynote {keynote_id}")
    return free


def with_walks(ctx: Context) -> Context:
    """The context with the rounds kept free for walking marked unavailable, and, for people
    on campus who are there in more rounds than teams present on campus, the rounds beyond
    (rotated from person to person, so the on-site rooms stay evenly filled): nobody sees a
    team twice."""
    available = ctx.available.copy()
    reasons = dict(ctx.reasons)
    on_site_teams = len(pools(ctx)[0].teams)
    turn = 0
    for i, person in enumerate(ctx.people):
        for index, reason in walks(ctx.programme, person).items():
            if available[i, index - 1]:
                available[i, index - 1] = False
                reasons[(i, index - 1)] = reason
        rounds = [int(r) for r in np.flatnonzero(available[i])]
        surplus = len(rounds) - on_site_teams
        if person.mode == "onsite" and on_site_teams and surplus > 0:
            for j in range(surplus):  # round robin over everyone's free rounds
                r = rounds[(turn + j) % len(rounds)]
                available[i, r] = False
                reasons[(i, r)] = "free: every team on campus seen"
            turn += surplus
    return replace(ctx, available=available, reasons=reasons)


def sub_context(ctx: Context, pool: Pool) -> Context:
    """The context of one pool: its people, its teams, its seats (indices renumbered)."""
    people = list(pool.people)
    renumber = {t: k for k, t in enumerate(pool.teams)}
    row = {i: k for k, i in enumerate(people)}
    return replace(
        ctx,
        team_ids=tuple(ctx.team_ids[t] for t in pool.teams),
        capacity=np.array(pool.seats, dtype=np.int64),
        people=tuple(ctx.people[i] for i in people),
        institution=ctx.institution[people],
        jury=ctx.jury[people],
        available=ctx.available[people],
        reasons={(row[i], r): why for (i, r), why in ctx.reasons.items() if i in row},
        preferences=tuple(
            tuple(renumber[t] for t in ctx.preferences[i] if t in renumber) for i in people
        ),
    )


Solver = Callable[[Context], np.ndarray]


def plan_pools(ctx: Context, solve: Solver, explain: Callable[[Context], list[str]]) -> np.ndarray:
    """The whole assignment ([person, round] -> team index or -1), each pool planned alone by
    `solve` after `explain` found nothing impossible in it (reasons name the pool)."""
    assign = np.full(ctx.available.shape, -1, dtype=np.int64)
    reasons: list[str] = []
    solved: list[tuple[Pool, np.ndarray]] = []
    for pool in pools(ctx):
        if not pool.people:
            continue
        if not pool.teams:
            reasons.append(
                f"{len(pool.people)} people take part {pool.name} but no team presents in a "
                f"room with {pool.name} seats"
                + (" (give a room `onsite` and a team that room)" if pool.name == "on-site" else "")
            )
            continue
        sub = sub_context(ctx, pool)
        found = explain(sub)
        if found:
            reasons.extend(f"{pool.name}: {reason}" for reason in found)
            continue
        solved.append((pool, solve(sub)))
    if reasons:
        raise PlanningError(reasons)
    for pool, part in solved:
        teams = np.array(pool.teams, dtype=np.int64)
        rows = np.array(pool.people, dtype=np.int64)
        assign[rows] = np.where(part >= 0, teams[np.maximum(part, 0)], -1)
    return assign


def violations(programme: Programme, plan: Plan) -> list[str]:
    """On-site people outside on-site rooms, and seats of either kind overfilled."""
    found: list[str] = []
    by_id = programme.participant_by_id
    for rnd in plan.rounds:
        for slot in rnd.rooms:
            room = programme.room_by_id[slot.room]
            people = [by_id[pid] for pid in slot.audience if pid in by_id]
            here = sum(1 for p in people if p.mode == "onsite")
            if here and not room.onsite:
                found.append(f"round {rnd.index}: {here} on-site people in online room {room.id}")
            if room.onsite and here > room.seats:
                found.append(
                    f"round {rnd.index}: room {room.id} seats {room.seats} but has {here} on site"
                )
            if len(people) - here > online_seats(room):
                found.append(
                    f"round {rnd.index}: room {room.id} has {online_seats(room)} online seats "
                    f"but {len(people) - here} online"
                )
    return found
