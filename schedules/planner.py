"""The rotation planner: every available audience member in exactly one team room per round.

Hard rules: nobody sees a team twice, rooms hold no more than their capacity, nobody is in two
places at once, presenters are never audience, each team is seen by `jury_per_team` jury members
whenever the numbers allow. Soft goals, in order: `min_audience`, even audience sizes, preferences,
mixing of institutions.

The method is a round-by-round greedy fill against per-round targets (an even split of the
available audience under the room capacities), jury first, then people with preferences, then
everyone else; a person who finds every unseen team full triggers a one-step exchange with
someone already seated, and only then a target is relaxed. Scoring is vectorised over teams
with numpy, which keeps 200 teams × 10,000 people × 6 rounds to a few seconds.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np

from .context import Context, explain_infeasible, jury_possible
from .model import Programme
from .plan import (
    EventInfo,
    PersonEntry,
    Plan,
    PlannedKeynote,
    PlannedRound,
    RoomSlot,
    TeamEntry,
    Unassigned,
)
from .problems import PlanningError
from .quality import quality

INF = float("inf")


def even_targets(n: int, capacity: np.ndarray, rotate: int = 0) -> np.ndarray:
    """Split n people over rooms as evenly as capacities allow (largest − smallest ≤ 1 where
    possible); which rooms get the remainder rotates with `rotate`."""
    if n <= 0 or len(capacity) == 0:
        return np.zeros(len(capacity), dtype=np.int64)
    low, high = 0, int(capacity.max())
    while low < high:  # the smallest level L with sum(min(cap, L)) >= n
        mid = (low + high) // 2
        if int(np.minimum(capacity, mid).sum()) >= n:
            high = mid
        else:
            low = mid + 1
    level = low
    targets = np.minimum(capacity, max(level - 1, 0))
    remainder = n - int(targets.sum())
    order = np.roll(np.arange(len(capacity)), -rotate)
    for t in order:
        if remainder <= 0:
            break
        if capacity[t] > targets[t]:
            targets[t] += 1
            remainder -= 1
    return targets


class _Round:
    """One round being filled: counts, targets and per-institution counts, kept incrementally."""

    def __init__(self, ctx: Context, targets: np.ndarray, jitter: np.ndarray) -> None:
        teams = len(ctx.team_ids)
        self.ctx = ctx
        self.limit = targets.astype(np.int64)
        self.count = np.zeros(teams, dtype=np.int64)
        self.inst = np.zeros((ctx.institutions, teams), dtype=np.float64)
        self.members: list[list[int]] = [[] for _ in range(teams)]
        self.jitter = jitter
        self.base = np.zeros(teams, dtype=np.float64)
        for t in range(teams):
            self._rescore(t)

    def _rescore(self, t: int) -> None:
        full = self.count[t] >= self.limit[t]
        self.base[t] = INF if full else self.count[t] / max(self.limit[t], 1) + self.jitter[t]

    def open(self, t: int) -> bool:
        return bool(self.count[t] < self.limit[t])

    def place(self, person: int, t: int) -> None:
        self.count[t] += 1
        self.inst[self.ctx.institution[person], t] += 1
        self.members[t].append(person)
        self._rescore(t)

    def remove(self, person: int, t: int) -> None:
        self.count[t] -= 1
        self.inst[self.ctx.institution[person], t] -= 1
        self.members[t].remove(person)
        self._rescore(t)

    def relax_to_capacity(self) -> None:
        self.limit = self.ctx.capacity.astype(np.int64).copy()
        for t in range(len(self.limit)):
            self._rescore(t)


class _Planner:
    def __init__(self, ctx: Context, seed: int) -> None:
        self.ctx = ctx
        self.rng = random.Random(seed)
        people, rounds = ctx.available.shape
        self.assign = np.full((people, rounds), -1, dtype=np.int64)
        self.seen: list[set[int]] = [set() for _ in range(people)]
        self.jury_cover = np.zeros(len(ctx.team_ids), dtype=np.int64)
        self.jury_need = ctx.programme.rotation.jury_per_team if jury_possible(ctx) else 0

    def run(self) -> np.ndarray:
        for r in range(self.ctx.rounds):
            self._fill_round(r)
        return self.assign

    def _fill_round(self, r: int) -> None:
        ctx = self.ctx
        present = [int(i) for i in np.flatnonzero(ctx.available[:, r])]
        teams = len(ctx.team_ids)
        targets = even_targets(len(present), ctx.capacity, rotate=self.rng.randrange(max(teams, 1)))
        jitter = np.array([self.rng.random() * 1e-3 for _ in range(teams)])
        state = _Round(ctx, targets, jitter)
        jury = [i for i in present if ctx.jury[i]]
        wishing = [i for i in present if not ctx.jury[i]
                   and any(t not in self.seen[i] for t in ctx.preferences[i])]
        wishing_set = set(wishing)
        rest = [i for i in present if not ctx.jury[i] and i not in wishing_set]
        for group in (jury, wishing, rest):
            self.rng.shuffle(group)
            for person in group:
                self._seat(state, person, r)

    def _seat(self, state: _Round, person: int, r: int) -> None:
        team = self._choose(state, person)
        if team is None and self._exchange(state, person, r):
            return
        if team is None:
            state.relax_to_capacity()
            team = self._choose(state, person)
        if team is None and self._exchange(state, person, r):
            return
        if team is None:
            p = self.ctx.people[person]
            raise PlanningError([
                f"round {r + 1}: {p.id} has already seen every team that still has a free seat "
                f"({len(self.seen[person])} of {len(self.ctx.team_ids)} teams seen); "
                "add seats or teams, or drop a round"])
        self._put(state, person, team, r)

    def _put(self, state: _Round, person: int, team: int, r: int) -> None:
        state.place(person, team)
        self.assign[person, r] = team
        self.seen[person].add(team)
        if self.ctx.jury[person]:
            self.jury_cover[team] += 1

    def _take(self, state: _Round, person: int, team: int, r: int) -> None:
        state.remove(person, team)
        self.assign[person, r] = -1
        self.seen[person].discard(team)
        if self.ctx.jury[person]:
            self.jury_cover[team] -= 1

    def _choose(self, state: _Round, person: int) -> int | None:
        ctx = self.ctx
        seen = self.seen[person]
        is_jury = bool(ctx.jury[person])
        if not is_jury:
            for team in ctx.preferences[person]:
                if team not in seen and state.open(team):
                    return team
        score = state.base + state.inst[ctx.institution[person]]
        if is_jury and self.jury_need:
            score = score + 100.0 * np.minimum(self.jury_cover, self.jury_need)
        if seen:
            score[list(seen)] = INF
        best = int(np.argmin(score))
        return None if score[best] == INF else best

    def _exchange(self, state: _Round, person: int, r: int) -> bool:
        """Seat `person` in a full team by moving someone seated there to a team with room."""
        teams = len(self.ctx.team_ids)
        open_teams = [t for t in range(teams) if state.open(t)]
        for full in sorted((t for t in range(teams) if t not in self.seen[person]),
                           key=lambda t: state.count[t]):
            for other in list(state.members[full]):
                if self.ctx.jury[other]:
                    continue
                for target in open_teams:
                    if target != full and target not in self.seen[other]:
                        self._take(state, other, full, r)
                        self._put(state, other, target, r)
                        self._put(state, person, full, r)
                        return True
        return False


def plan_rotation(programme: Programme, seed: int = 0) -> Plan:
    """Plan the whole rotation, or raise PlanningError with the numbers that make it impossible."""
    ctx = Context.build(programme)
    reasons = explain_infeasible(ctx)
    if reasons:
        raise PlanningError(reasons)
    assign = _Planner(ctx, seed).run()
    plan = build_plan(ctx, assign, seed=seed, version=1)
    return replace(plan, stats=quality(programme, plan))


def build_plan(ctx: Context, assign: np.ndarray, *, seed: int, version: int,
               extra_unassigned: dict[tuple[int, int], str] | None = None) -> Plan:
    """Turn an assignment matrix ([person, round] -> team index or -1) into the Plan."""
    programme = ctx.programme
    extra_unassigned = extra_unassigned or {}
    rooms_of = {t.id: t.room for t in programme.teams}
    rounds = []
    for r, slot in enumerate(programme.rotation.slots):
        audiences: list[list[str]] = [[] for _ in ctx.team_ids]
        for person in np.flatnonzero(assign[:, r] >= 0):
            audiences[int(assign[person, r])].append(ctx.people[int(person)].id)
        rooms = tuple(RoomSlot(rooms_of[team], team, tuple(sorted(audiences[t])))
                      for t, team in enumerate(ctx.team_ids))
        rounds.append(PlannedRound(slot.index, slot.start, slot.end, rooms))
    unassigned = []
    for i, person in enumerate(ctx.people):
        for r in range(ctx.rounds):
            if assign[i, r] < 0:
                reason = extra_unassigned.get((i, r)) or ctx.reasons.get((i, r), "no seat")
                unassigned.append(Unassigned(r + 1, person.id, reason))
    keynotes = tuple(
        PlannedKeynote(k.id, k.start, k.end, k.room,
                       tuple(sorted(p.id for p in programme.participants if k.id in p.keynotes)))
        for k in programme.keynotes)
    members: dict[str, list[str]] = {t: [] for t in ctx.team_ids}
    for p in programme.participants:
        if p.role == "presenter" and p.team in members:
            members[p.team].append(p.id)
    return Plan(
        event=EventInfo(programme.event.id, programme.event.title, programme.event.timezone),
        teams=tuple(TeamEntry(t, rooms_of[t], tuple(members[t])) for t in ctx.team_ids),
        participants=tuple(PersonEntry(p.id, p.role, p.institution)
                           for p in programme.participants),
        rounds=tuple(rounds),
        keynotes=keynotes,
        unassigned=tuple(unassigned),
        version=version,
        seed=seed,
    )
