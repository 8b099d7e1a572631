"""The exact stage's model, an integer program solved by HiGHS (exact.py says what it keeps).

Variables: x[pool, team, round], how many of a pool see the team in the round. Rules: a
pool's people are all placed in each of their free rounds; nobody sees a team twice (a
pool sees a team at most as often as it has people); each room's audience stays within the
round's balance bounds (and so within its seats); jurors keep every team covered.
Objective: the wishes met, each pool's wished-for teams weighted by how often they are wished.
The greedy plan is handed to HiGHS as its starting solution.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from schedules.context import Context
from schedules.exact import Pool, jury_need, round_bounds

INF = highspy.kHighsInf


@dataclass(frozen=True)
class Found:
    counts: list[np.ndarray] | None  # per pool: [team, pool round] counts; None: no solution
    met: int
    bound: int  # an upper bound on the wishes that can be met (proven by the solver)
    seconds: float
    note: str


class _Rows:
    """Constraint rows gathered as one sparse matrix (one call into HiGHS, not thousands)."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []

    def add(self, columns: list[int], lower: float, upper: float) -> None:
        self.starts.append(len(self.index))
        self.index.extend(columns)
        self.lower.append(lower)
        self.upper.append(upper)


def solve(
    ctx: Context, assign: np.ndarray, groups: list[Pool], *, seconds: float, seed: int
) -> Found:
    started = time.monotonic()
    teams = len(ctx.team_ids)
    low = np.zeros((teams, ctx.rounds), dtype=np.int64)
    high = np.zeros((teams, ctx.rounds), dtype=np.int64)
    for r in range(ctx.rounds):
        column = assign[:, r]
        low[:, r], high[:, r] = round_bounds(
            ctx.capacity, np.bincount(column[column >= 0], minlength=teams)
        )
    upper: list[float] = []
    cost: list[float] = []
    hint: list[float] = []
    where: list[dict[tuple[int, int], int]] = []  # per pool: (team, round) -> column
    rows = _Rows()
    in_room: dict[tuple[int, int], list[int]] = {}
    juror_sees: dict[int, list[int]] = {}
    for group in groups:
        n = len(group.people)
        counts = np.zeros((teams, ctx.rounds), dtype=np.int64)
        for r in group.rounds:
            counts[:, r] = np.bincount(assign[list(group.people), r], minlength=teams)
        mine: dict[tuple[int, int], int] = {}
        for r in group.rounds:
            for t in range(teams):
                top = min(n, int(high[t, r]))
                if top > 0:
                    mine[(t, r)] = len(upper)
                    in_room.setdefault((t, r), []).append(len(upper))
                    upper.append(top)
                    cost.append(group.wishes.get(t, 0))
                    hint.append(float(counts[t, r]))
            rows.add([mine[(t, r)] for t in range(teams) if (t, r) in mine], n, n)
        for t in range(teams):
            seeing = [mine[(t, r)] for r in group.rounds if (t, r) in mine]
            if len(seeing) > 1:
                rows.add(seeing, 0, n)
            if group.jury:
                juror_sees.setdefault(t, []).extend(seeing)
        where.append(mine)
    for t, r in zip(*np.nonzero(low), strict=True):
        if (int(t), int(r)) not in in_room:
            return Found(None, 0, 0, 0.0, "a room must be filled that no pool can reach")
    for (t, r), seated in in_room.items():
        rows.add(seated, float(low[t, r]), float(high[t, r]))
    for t, need in enumerate(jury_need(ctx, assign)):
        if need:
            rows.add(juror_sees.get(t, []), float(need), INF)

    # The raw class: highspy.Highs() prints a banner on stdout when created (HiGHS 1.16),
    # which would spoil `rota plan --format json`; output is off before anything else here.
    h = highspy._Highs()  # type: ignore[attr-defined]
    for option, value in (
        ("output_flag", False),
        ("threads", 1),
        ("random_seed", seed),  # with one thread: the same seed gives the same plan
        ("time_limit", max(seconds - (time.monotonic() - started), 0.01)),
        ("presolve", "off"),  # finds nothing to remove here and costs a second on 20,000 counts
        ("mip_rel_gap", 0.0),
        ("mip_abs_gap", 0.999),  # wishes are whole: a gap under one is none
    ):
        h.setOptionValue(option, value)
    columns = len(upper)
    h.addVars(columns, np.zeros(columns), np.array(upper, dtype=np.float64))
    everything = np.arange(columns, dtype=np.int32)
    h.changeColsCost(columns, everything, np.array(cost, dtype=np.float64))
    h.changeColsIntegrality(columns, everything, np.full(columns, highspy.HighsVarType.kInteger))
    h.addRows(
        len(rows.lower),
        np.array(rows.lower, dtype=np.float64),
        np.array(rows.upper, dtype=np.float64),
        len(rows.index),
        np.array(rows.starts, dtype=np.int32),
        np.array(rows.index, dtype=np.int32),
        np.ones(len(rows.index), dtype=np.float64),
    )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    start = highspy.HighsSolution()
    start.col_value = hint
    start.value_valid = True
    h.setSolution(start)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    seconds_used = time.monotonic() - started
    name = h.modelStatusToString(status)
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        return Found(None, 0, 0, seconds_used, f"HiGHS: {name}, no plan")
    values = np.rint(np.array(h.getSolution().col_value)).astype(np.int64)
    met = round(info.objective_function_value)
    dual = info.mip_dual_bound
    bound = int(np.floor(dual + 1e-6)) if np.isfinite(dual) else 10**12
    if status == highspy.HighsModelStatus.kOptimal:
        bound = met
    first = time.monotonic() - started
    left = min(seconds - first, max(0.5, first))  # closeness is worth less than wishes
    if met > round(float(np.dot(cost, hint))) and left > 0.05:
        values = _closest(h, values, np.array(hint), np.array(cost), met, left)
    seconds_used = time.monotonic() - started
    out = []
    for group, mine in zip(groups, where, strict=True):
        matrix = np.zeros((teams, len(group.rounds)), dtype=np.int64)
        for k, r in enumerate(group.rounds):
            for t in range(teams):
                at = mine.get((t, r))
                if at is not None:
                    matrix[t, k] = values[at]
        out.append(matrix)
    return Found(out, met, max(bound, met), seconds_used, f"HiGHS: {name.lower()}")


def _closest(
    h: Any, found: np.ndarray, hint: np.ndarray, cost: np.ndarray, met: int, seconds: float
) -> np.ndarray:
    """Among plans meeting `met` wishes, one as close to the greedy plan as the time left
    finds: most of the greedy's counts kept (y ≤ x, y ≤ greedy count, the sum of y as large as
    can be), so people keep their days and the greedy's mixing of institutions and jury
    spread survive. Any plan found is as good in wishes; without one, `found` stands."""
    columns = len(hint)
    kept = np.flatnonzero(hint > 0).astype(np.int32)
    h.setOptionValue("time_limit", seconds)
    h.changeColsCost(columns, np.arange(columns, dtype=np.int32), np.zeros(columns))
    h.addVars(len(kept), np.zeros(len(kept)), hint[kept].astype(np.float64))
    extra = np.arange(columns, columns + len(kept), dtype=np.int32)
    h.changeColsCost(len(kept), extra, np.ones(len(kept)))
    pairs = len(kept)
    h.addRows(  # y_j - x_j <= 0
        pairs,
        np.full(pairs, -INF),
        np.zeros(pairs),
        2 * pairs,
        np.arange(0, 2 * pairs, 2, dtype=np.int32),
        np.ravel(np.column_stack([extra, kept])).astype(np.int32),
        np.tile([1.0, -1.0], pairs),
    )
    wished = np.flatnonzero(cost > 0).astype(np.int32)
    h.addRow(float(met), INF, len(wished), wished, cost[wished].astype(np.float64))
    start = highspy.HighsSolution()
    start.col_value = [*found.astype(np.float64), *np.minimum(found[kept], hint[kept])]
    start.value_valid = True
    h.setSolution(start)
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return found
    values = np.rint(np.array(h.getSolution().col_value[:columns])).astype(np.int64)
    wishes = int(np.dot(cost, values))
    return values if wishes >= met else found
