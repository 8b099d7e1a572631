"""Replanning on the live day: rounds before `frozen_before` stay exactly as they were, and as
few people as possible move. Only the seats a change frees or needs are touched; a person is
only moved to make room when nobody can be seated otherwise."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from schedules import campus
from schedules.context import Context
from schedules.model import Participant, Programme, Team
from schedules.plan import Plan, PlannedRound
from schedules.planner import build_plan
from schedules.problems import PlanningError
from schedules.quality import quality


@dataclass(frozen=True)
class LateArrival:
    """Someone joins (new to the roster, or marked away until now) from `frozen_before` on."""

    participant: Participant


@dataclass(frozen=True)
class Departure:
    participant: str


@dataclass(frozen=True)
class TeamDropout:
    team: str


@dataclass(frozen=True)
class RoomLost:
    """A room can no longer be used; its team moves to `replacement`, or drops out without one."""

    room: str
    replacement: str | None = None


Change = LateArrival | Departure | TeamDropout | RoomLost


@dataclass(frozen=True)
class ReplanResult:
    plan: Plan
    programme: Programme
    moved: tuple[str, ...]  # people, other than the one the change is about, whose seat changed
    changed_seats: int  # (person, round) seats that differ from the old plan


def replan(plan: Plan, change: Change, *, frozen_before: int, programme: Programme) -> ReplanResult:
    rounds = programme.rotation.rounds
    if not 1 <= frozen_before <= rounds + 1:
        raise PlanningError(
            [f"frozen_before must be a round from 1 to {rounds + 1}, not {frozen_before}"]
        )
    programme, subject, dropped = _apply(programme, change, frozen_before)
    ctx = Context.build(programme)
    team_index = {t: i for i, t in enumerate(ctx.team_ids)}
    people = {p.id: i for i, p in enumerate(ctx.people)}
    k = frozen_before - 1  # first round index (0-based) that may change
    old = np.full((len(ctx.people), rounds), -1, dtype=np.int64)
    for rnd in plan.rounds:
        for slot in rnd.rooms:
            for pid in slot.audience:
                if pid in people:
                    old[people[pid], rnd.index - 1] = team_index[slot.team]
    assign = old.copy()
    active = np.ones((len(ctx.team_ids), rounds), dtype=bool)
    for team in dropped:
        active[team_index[team], k:] = False
    extra: dict[tuple[int, int], str] = {}
    pending: list[tuple[int, int]] = []
    for r in range(k, rounds):
        for i, person in enumerate(ctx.people):
            current = assign[i, r]
            if person.id == subject and isinstance(change, Departure):
                assign[i, r] = -1
                extra[(i, r)] = "departed"
            elif not ctx.available[i, r]:
                assign[i, r] = -1
            elif current < 0 or not active[current, r]:
                assign[i, r] = -1
                pending.append((i, r))
        for t in range(len(ctx.team_ids)):  # a smaller replacement room: the last seated move
            seated = [int(i) for i in np.flatnonzero(assign[:, r] == t)]
            for i in sorted(seated, key=lambda i: ctx.people[i].id)[int(ctx.capacity[t]) :]:
                assign[i, r] = -1
                pending.append((i, r))
    for i, r in pending:
        _seat(ctx, assign, active, i, r)
    new_plan = build_plan(
        ctx, assign, seed=plan.seed, version=plan.version + 1, extra_unassigned=extra
    )
    new_plan = _keep_frozen(new_plan, plan, frozen_before, dropped)
    new_plan = replace(new_plan, stats=quality(programme, new_plan))
    changed = assign[:, k:] != old[:, k:]
    moved = tuple(
        sorted(
            ctx.people[i].id
            for i in np.flatnonzero(changed.any(axis=1))
            if ctx.people[i].id != subject
        )
    )
    return ReplanResult(new_plan, programme, moved, int(changed.sum()))


def _apply(
    programme: Programme, change: Change, frozen_before: int
) -> tuple[Programme, str, list[str]]:
    """The programme after the change, the person it is about, and the teams that stop."""
    if isinstance(change, LateArrival):
        person = change.participant
        if not person.planned:
            raise PlanningError(
                [f"{person.id} is {person.role}; only audience and jury are placed"]
            )
        away = frozenset(r for r in person.unavailable if r >= frozen_before) | frozenset(
            range(1, frozen_before)
        )
        person = replace(person, unavailable=away)
        others = [p for p in programme.participants if p.id != person.id]
        return replace(programme, participants=(*others, person)), person.id, []
    if isinstance(change, Departure):
        if change.participant not in programme.participant_by_id:
            raise PlanningError([f"unknown participant {change.participant!r}"])
        return programme, change.participant, []
    if isinstance(change, TeamDropout):
        if change.team not in programme.team_by_id:
            raise PlanningError([f"unknown team {change.team!r}"])
        return programme, "", [change.team]
    users = [t for t in programme.teams if t.room == change.room]
    if not users:
        raise PlanningError([f"no team uses room {change.room!r}"])
    if change.replacement is None:
        return programme, "", [users[0].id]
    if change.replacement not in programme.room_by_id:
        raise PlanningError([f"unknown replacement room {change.replacement!r}"])
    if any(t.room == change.replacement for t in programme.teams) or any(
        k.room == change.replacement for k in programme.keynotes
    ):
        raise PlanningError([f"room {change.replacement!r} is already in use"])
    teams: tuple[Team, ...] = tuple(
        replace(t, room=change.replacement) if t.room == change.room else t for t in programme.teams
    )
    return replace(programme, teams=teams), "", []


def _seat(ctx: Context, assign: np.ndarray, active: np.ndarray, i: int, r: int) -> None:
    teams = len(ctx.team_ids)
    counts = np.bincount(assign[:, r][assign[:, r] >= 0], minlength=teams)

    def seen(person: int) -> set[int]:
        return {int(t) for t in assign[person] if t >= 0}

    fits = campus.seat_check(ctx)  # on campus: on-site and online seats apart

    def open_for(person: int) -> list[int]:
        taken = seen(person)
        return [
            t
            for t in range(teams)
            if active[t, r]
            and counts[t] < ctx.capacity[t]
            and t not in taken
            and (fits is None or fits(assign[:, r], person, t))
        ]

    candidates = open_for(i)
    if candidates:
        wishes = [t for t in ctx.preferences[i] if t in candidates]
        same = ctx.institution == ctx.institution[i]
        best = (
            wishes[0]
            if wishes
            else min(candidates, key=lambda t: (counts[t], int((assign[same, r] == t).sum()), t))
        )
        assign[i, r] = best
        return
    mine = seen(i)
    for full in sorted(
        (t for t in range(teams) if active[t, r] and t not in mine), key=lambda t: counts[t]
    ):
        for other in np.flatnonzero(assign[:, r] == full):
            if fits is not None and ctx.people[other].mode != ctx.people[i].mode:
                continue  # their seat is of the other kind
            for target in open_for(int(other)):
                assign[other, r] = target
                assign[i, r] = full
                return
    raise PlanningError(
        [
            f"round {r + 1}: no free seat for {ctx.people[i].id} in a team they "
            f"have not seen ({int((counts > 0).sum())} teams active, "
            f"{int(counts.sum())} seats taken)"
        ]
    )


def _keep_frozen(new: Plan, old: Plan, frozen_before: int, dropped: list[str]) -> Plan:
    """Frozen rounds exactly as they were; later rounds without the teams that stopped."""
    rounds: list[PlannedRound] = []
    for rnd_new, rnd_old in zip(new.rounds, old.rounds, strict=True):
        if rnd_old.index < frozen_before:
            rounds.append(rnd_old)
        else:
            rooms = tuple(s for s in rnd_new.rooms if s.team not in dropped)
            rounds.append(replace(rnd_new, rooms=rooms))
    frozen = [u for u in old.unassigned if u.round < frozen_before]
    later = [u for u in new.unassigned if u.round >= frozen_before]
    return replace(new, rounds=tuple(rounds), unassigned=tuple(frozen + later))
