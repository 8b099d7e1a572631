"""The planner's exact second stage: the most wishes that can be met, proven with HiGHS.

The greedy planner (greedy.py) gives a sound plan fast; this stage starts from it and lets
the HiGHS integer-programming solver (milp.py) look for a plan that meets more wishes under
exactly the same hard rules (each free person in one room per round, nobody sees a team
twice, seats, jury coverage) and the same balance (in each round the audiences differ by at
most one, rooms at capacity aside), within a time budget. The result is never worse than the
greedy plan, and says what it is: proven optimal, or how far from the best possible it can be.

People who are interchangeable (same role, same wishes, same free rounds) are pooled: the
model counts how many of a pool see team t in round r. A pool's counts split back into one
day per person because a bipartite multigraph of teams and rounds whose degrees are at most
n can be coloured with n colours (König), and each colour is one person's day.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import numpy as np

from schedules.context import Context, jury_possible

Status = Literal["optimal", "feasible", "skipped", "unsolved"]
MAX_CELLS = 30_000  # pool × round × team counts a model may have; beyond: skipped (docs)


@dataclass(frozen=True)
class Outcome:
    """The plan after the exact stage, and what is known about it."""

    assign: np.ndarray  # [person, round] -> team index or -1
    met: int  # wishes met
    bound: int  # the tightest upper bound known on the wishes that can be met
    status: Status  # optimal: met == bound proven; skipped: the solver did not run
    source: Literal["solver", "simple"]  # where the bound comes from
    seconds: float  # the solver's own time (0 when it did not run)
    cells: int  # the model's size (pooled counts), 0 when not built
    note: str = ""  # why the stage was skipped, or how it ended


def wishes_met(ctx: Context, assign: np.ndarray) -> int:
    return sum(
        sum(1 for t in ctx.preferences[i] if t in set(assign[i].tolist()))
        for i in range(len(ctx.people))
    )


def simple_bound(ctx: Context) -> int:
    """Each person gets at most as many wishes as they have free rounds."""
    free = ctx.available.sum(axis=1)
    return sum(min(len(p), int(free[i])) for i, p in enumerate(ctx.preferences))


def round_bounds(capacity: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The least and most audience each room may have in a round with these counts, so the
    round is as balanced as the planner keeps it: largest − smallest ≤ 1 over the rooms not
    at capacity when the counts are so, else no worse than they are."""
    n = int(counts.sum())
    room = counts < capacity
    if not room.any():
        return capacity.copy(), capacity.copy()
    if int(counts.max() - counts[room].min()) <= 1:
        low, high = 0, int(capacity.max())
        while low < high:  # the largest level m with sum(min(cap, m)) <= n
            mid = (low + high + 1) // 2
            if int(np.minimum(capacity, mid).sum()) <= n:
                low = mid
            else:
                high = mid - 1
        return np.minimum(capacity, low), np.minimum(capacity, low + 1)
    return np.minimum(capacity, counts[room].min()), np.minimum(capacity, counts.max())


@dataclass(frozen=True)
class Pool:
    people: tuple[int, ...]
    rounds: tuple[int, ...]
    jury: bool
    wishes: dict[int, int]  # team -> weight (how often the team is among the wishes)


def pools(ctx: Context) -> list[Pool]:
    """Interchangeable people together, in roster order of their first member."""
    found: dict[tuple[bool, tuple[int, ...], bytes], list[int]] = {}
    for i in range(len(ctx.people)):
        if not ctx.available[i].any():
            continue
        key = (bool(ctx.jury[i]), tuple(sorted(ctx.preferences[i])), ctx.available[i].tobytes())
        found.setdefault(key, []).append(i)
    return [
        Pool(
            tuple(members),
            tuple(int(r) for r in np.flatnonzero(ctx.available[members[0]])),
            jury,
            dict(Counter(wishes)),
        )
        for (jury, wishes, _), members in found.items()
    ]


def improve(
    ctx: Context,
    assign: np.ndarray,
    *,
    seconds: float,
    seed: int = 0,
    max_cells: int = MAX_CELLS,
) -> Outcome:
    """The heuristic plan `assign`, or a better one found within `seconds` (0: no search)."""
    met = wishes_met(ctx, assign)
    bound = simple_bound(ctx)

    def keep(status: Status, note: str, cells: int = 0) -> Outcome:
        proven: Status = "optimal" if met >= bound else status
        return Outcome(assign, met, bound, proven, "simple", 0.0, cells, note)

    if met >= bound:
        return keep("optimal", "every person has as many wishes met as they have free rounds")
    groups = pools(ctx)
    teams = len(ctx.team_ids)
    cells = sum(len(g.rounds) for g in groups) * teams
    if seconds <= 0:
        return keep("skipped", "the exact stage is off (solve_seconds = 0)")
    if cells > max_cells:
        return keep(
            "skipped",
            f"the exact model would have {cells:,} counts (limit {max_cells:,})",
            cells,
        )
    from schedules import milp  # HiGHS loads only when a model is solved

    found = milp.solve(ctx, assign, groups, seconds=seconds, seed=seed)
    if found.counts is None:
        return Outcome(assign, met, bound, "unsolved", "simple", found.seconds, cells, found.note)
    solver_bound = min(bound, found.bound)
    better = found.met > met
    new = split(ctx, groups, found.counts, assign, seed) if better else assign
    final = found.met if better else met
    status: Status = "optimal" if final >= solver_bound else "feasible"
    return Outcome(new, final, solver_bound, status, "solver", found.seconds, cells, found.note)


def split(
    ctx: Context, groups: list[Pool], counts: list[np.ndarray], before: np.ndarray, seed: int = 0
) -> np.ndarray:
    """Each pool's counts ([team, round-of-pool] people) as one day per person; a person
    keeps the day the heuristic gave them whenever that day is still among the pool's."""
    assign = np.full(ctx.available.shape, -1, dtype=np.int64)
    for group, matrix in zip(groups, counts, strict=True):
        days = _days(matrix, len(group.people))
        rounds = list(group.rounds)
        left: Counter[tuple[int, ...]] = Counter()
        for day, times in days:
            left[day] += times
        waiting = []
        for person in group.people:
            mine = tuple(int(t) for t in before[person, rounds])
            if left[mine] > 0:
                left[mine] -= 1
                assign[person, rounds] = mine
            else:
                waiting.append(person)
        rest = [day for day, times in left.items() for _ in range(times)]
        random.Random(seed).shuffle(waiting)  # days in a seeded random order: rooms mixed
        for person, day in zip(waiting, rest, strict=True):
            assign[person, rounds] = day
    return assign


def _days(matrix: np.ndarray, people: int) -> list[tuple[tuple[int, ...], int]]:
    """Split a [team, round] count matrix (every column sums to `people`, every row to at
    most `people`) into days (one team per round, no team twice) with their multiplicity.
    Each day is taken as often as it can be while every team stays within the people left."""
    left = matrix.astype(np.int64).copy()
    n = people
    days: list[tuple[tuple[int, ...], int]] = []
    while n > 0:
        row = [int(x) for x in left.sum(axis=1)]
        team_of = _day(left, [t for t, total in enumerate(row) if total == n])
        used = set(team_of.values())
        times = min(
            [int(left[t, r]) for r, t in team_of.items()]
            + [n - total for t, total in enumerate(row) if t not in used]
        )
        for r, t in team_of.items():
            left[t, r] -= times
        n -= times
        days.append((tuple(team_of[r] for r in range(left.shape[1])), times))
    return days


def _day(left: np.ndarray, tight: list[int]) -> dict[int, int]:
    """A matching of rounds to teams along nonzero counts that covers every round and every
    tight team (one whose count equals the people left); one exists by König's theorem.
    Augmenting paths never unmatch a vertex, so matching the tight teams first and then
    augmenting from the rounds finds it."""
    mate: dict[tuple[str, int], int] = {}  # ("round", r) -> its team, ("team", t) -> its round

    def augment(kind: str, v: int, seen: set[int]) -> bool:
        other = "team" if kind == "round" else "round"
        line = left[:, v] if kind == "round" else left[v]
        for u in [int(x) for x in np.flatnonzero(line > 0)]:
            if u not in seen:
                seen.add(u)
                if (other, u) not in mate or augment(kind, mate[(other, u)], seen):
                    mate[(kind, v)], mate[(other, u)] = u, v
                    return True
        return False

    for t in tight:
        if not augment("team", t, set()):
            raise AssertionError("counts that no day splits")  # König: cannot happen
    for r in range(left.shape[1]):
        if ("round", r) not in mate and not augment("round", r, set()):
            raise AssertionError("counts that no day splits")
    return {r: mate[("round", r)] for r in range(left.shape[1])}


def jury_need(ctx: Context, assign: np.ndarray) -> np.ndarray:
    """Per team: the distinct jurors it must keep (the heuristic's cover where it fell short)."""
    need = ctx.programme.rotation.jury_per_team
    teams = len(ctx.team_ids)
    if not need or not jury_possible(ctx):
        return np.zeros(teams, dtype=np.int64)
    rows = assign[ctx.jury]
    cover = np.array([int((rows == t).any(axis=1).sum()) for t in range(teams)], dtype=np.int64)
    result: np.ndarray = np.minimum(cover, need)
    return result
