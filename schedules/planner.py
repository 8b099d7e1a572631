"""The rotation planner: every available audience member in exactly one team room per round.

Hard rules: nobody sees a team twice, rooms hold no more than their capacity, nobody is in two
places at once, presenters are never audience, each team is seen by `jury_per_team` jury members
whenever the numbers allow. Soft goals, in order: `min_audience`, even audience sizes, preferences,
mixing of institutions.

Two stages: the greedy fill (greedy.py, evened out by balancing.py), then the exact stage
(exact.py), which may only improve on it; the assignment is then turned into the `Plan`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from schedules import campus, exact
from schedules.context import Context, explain_infeasible
from schedules.greedy import GreedyPlanner
from schedules.model import Programme
from schedules.plan import (
    EventInfo,
    PersonEntry,
    Plan,
    PlannedKeynote,
    PlannedRound,
    RoomSlot,
    TeamEntry,
    Unassigned,
)
from schedules.problems import PlanningError
from schedules.quality import quality, with_outcomes


def plan_rotation(programme: Programme, seed: int = 0, seconds: float | None = None) -> Plan:
    """Plan the whole rotation, or raise PlanningError with the numbers that make it impossible.

    Two stages: the greedy planner, then the exact stage (exact.py) for at most `seconds`
    (default: the programme's `[rotation] solve_seconds`), which may only improve on it."""
    budget = programme.rotation.solve_seconds if seconds is None else seconds
    outcomes: list[exact.Outcome] = []

    def two_stages(sub: Context) -> np.ndarray:
        greedy = GreedyPlanner(sub, seed).run()
        left = budget - sum(o.seconds for o in outcomes)  # on campus: two pools share it
        outcome = exact.improve(sub, greedy, seconds=max(left, 0.0), seed=seed)
        outcomes.append(outcome)
        return outcome.assign

    ctx = Context.build(programme)
    if campus.on_campus(programme):  # on-site and online seats: two rotations (campus.py)
        ctx = campus.with_walks(ctx)
        assign = campus.plan_pools(ctx, two_stages, explain_infeasible)
    else:
        reasons = explain_infeasible(ctx)
        if reasons:
            raise PlanningError(reasons)
        assign = two_stages(ctx)
    plan = build_plan(ctx, assign, seed=seed, version=1)
    return replace(plan, stats=with_outcomes(quality(programme, plan), outcomes))


def build_plan(
    ctx: Context,
    assign: np.ndarray,
    *,
    seed: int,
    version: int,
    extra_unassigned: dict[tuple[int, int], str] | None = None,
) -> Plan:
    """Turn an assignment matrix ([person, round] -> team index or -1) into the Plan."""
    programme = ctx.programme
    extra_unassigned = extra_unassigned or {}
    rooms_of = {t.id: t.room for t in programme.teams}
    rounds = []
    for r, slot in enumerate(programme.rotation.slots):
        audiences: list[list[str]] = [[] for _ in ctx.team_ids]
        for seated in np.flatnonzero(assign[:, r] >= 0):
            audiences[int(assign[seated, r])].append(ctx.people[int(seated)].id)
        rooms = tuple(
            RoomSlot(rooms_of[team], team, tuple(sorted(audiences[t])))
            for t, team in enumerate(ctx.team_ids)
        )
        rounds.append(PlannedRound(slot.index, slot.start, slot.end, rooms))
    unassigned = []
    for i, person in enumerate(ctx.people):
        for r in range(ctx.rounds):
            if assign[i, r] < 0:
                reason = extra_unassigned.get((i, r)) or ctx.reasons.get((i, r), "no seat")
                unassigned.append(Unassigned(r + 1, person.id, reason))
    keynotes = tuple(
        PlannedKeynote(
            k.id,
            k.start,
            k.end,
            k.room,
            tuple(sorted(p.id for p in programme.participants if k.plenary or k.id in p.keynotes)),
        )
        for k in programme.keynotes
    )
    members: dict[str, list[str]] = {t: [] for t in ctx.team_ids}
    for p in programme.participants:
        if p.role == "presenter" and p.team in members:
            members[p.team].append(p.id)
    return Plan(
        event=EventInfo(programme.event.id, programme.event.title, programme.event.timezone),
        teams=tuple(TeamEntry(t, rooms_of[t], tuple(members[t])) for t in ctx.team_ids),
        participants=tuple(
            PersonEntry(p.id, p.role, p.institution) for p in programme.participants
        ),
        rounds=tuple(rounds),
        keynotes=keynotes,
        unassigned=tuple(unassigned),
        version=version,
        seed=seed,
    )
