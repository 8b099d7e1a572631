"""Evening out rounds the greedy fill left uneven, without changing anyone's set of teams (so
preferences and jury coverage stay as they were): a person moves to a team they never see, or
swaps two of their rounds, chained by a breadth-first search over rounds."""

from __future__ import annotations

import numpy as np

from schedules.context import Context


def balance(ctx: Context, assign: np.ndarray, max_steps: int = 10_000) -> int:
    """Even out rounds the greedy left uneven (it cannot look ahead: in the last rounds a
    person may have one unseen team left). Moves a person to a team they never see, or swaps
    two of their rounds, so everyone keeps the same set of teams: preferences and jury
    coverage are untouched. Returns the number of moves."""
    teams, rounds = len(ctx.team_ids), ctx.rounds
    counts = (
        np.stack(
            [np.bincount(assign[:, r][assign[:, r] >= 0], minlength=teams) for r in range(rounds)],
            axis=1,
        )
        if rounds
        else np.zeros((teams, 0))
    )
    cap = ctx.capacity
    moves = 0

    def spread_ok(r: int) -> bool:
        room = counts[:, r] < cap
        return not room.any() or counts[:, r].max() - counts[room, r].min() <= 1

    for _ in range(max_steps):
        uneven = [r for r in range(rounds) if not spread_ok(r)]
        if not uneven or not _balance_step(ctx, assign, counts, uneven[0]):
            break
        moves += 1
    return moves


def _balance_step(ctx: Context, assign: np.ndarray, counts: np.ndarray, r: int) -> bool:
    """Move one person's worth of audience from a fuller team H to an emptier team L in round
    r. A person seeing H in round x and L in round y can swap those two rounds; chaining such
    swaps (a breadth-first search over rounds) carries the surplus of H to a round that can
    absorb it, or to a person who never sees L and can simply move."""
    cap = ctx.capacity
    order = np.argsort(counts[:, r], kind="stable")
    lows = [int(t) for t in order if counts[t, r] < cap[t]]
    highs = [int(t) for t in order[::-1]]
    for high in highs:
        for low in lows:
            if counts[high, r] - counts[low, r] <= 1:
                break
            path = _swap_path(ctx, assign, counts, r, high, low)
            if path is not None:
                _apply_path(assign, counts, path, high, low)
                return True
    return False


def _swap_path(
    ctx: Context, assign: np.ndarray, counts: np.ndarray, start: int, high: int, low: int
) -> list[tuple[int, int, int]] | None:
    """Steps (person, from_round, to_round); to_round -1 means: move to `low` outright."""
    cap = ctx.capacity
    parent: dict[int, tuple[int, int, int] | None] = {start: None}
    queue = [start]
    for here in queue:
        holders = np.flatnonzero(assign[:, here] == high)
        for person in holders:
            row = assign[person]
            if low not in row:
                need = ctx.programme.rotation.jury_per_team
                if ctx.jury[person] and need and _jurors_seeing(ctx, assign, high) <= need:
                    continue  # the team would lose a juror it needs
                return [*_trace(parent, here), (int(person), here, -1)]
            there = int(np.flatnonzero(row == low)[0])
            if there in parent:
                continue
            parent[there] = (int(person), here, there)
            if counts[high, there] < counts[low, there] and counts[high, there] < cap[high]:
                return _trace(parent, there)
            queue.append(there)
    return None


def _jurors_seeing(ctx: Context, assign: np.ndarray, team: int) -> int:
    return int((assign[ctx.jury] == team).any(axis=1).sum())


def _trace(parent: dict[int, tuple[int, int, int] | None], node: int) -> list[tuple[int, int, int]]:
    steps = []
    while parent[node] is not None:
        step = parent[node]
        assert step is not None
        steps.append(step)
        node = step[1]
    return steps[::-1]


def _apply_path(
    assign: np.ndarray, counts: np.ndarray, path: list[tuple[int, int, int]], high: int, low: int
) -> None:
    for person, here, there in path:
        assign[person, here] = low
        counts[high, here] -= 1
        counts[low, here] += 1
        if there >= 0:
            assign[person, there] = high
            counts[high, there] += 1
            counts[low, there] -= 1
