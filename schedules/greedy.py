"""The planner's first stage, a round-by-round greedy fill against per-round targets (an even
split of the available audience under the room capacities): jury first, then people with
preferences, then everyone else; a person who finds every unseen team full triggers a one-step
exchange with someone already seated, and only then a target is relaxed. Scoring is vectorised
over teams with numpy, which keeps 200 teams × 10,000 people × 6 rounds to a few seconds. What
the greedy left uneven, balancing.py evens out."""

from __future__ import annotations

import random

import numpy as np

from schedules.balancing import balance
from schedules.context import Context, jury_duties
from schedules.problems import PlanningError

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
    targets: np.ndarray = np.minimum(capacity, max(level - 1, 0))
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
    """One round being filled: counts, targets and per-institution counts, kept incrementally.

    `fill` is how full each room is against its target (plus a seeded jitter that breaks ties);
    `base` is the same with rooms at their target closed off (infinite)."""

    def __init__(self, ctx: Context, targets: np.ndarray, jitter: np.ndarray) -> None:
        teams = len(ctx.team_ids)
        self.ctx = ctx
        self.limit = targets.astype(np.int64)
        self.count = np.zeros(teams, dtype=np.int64)
        self.inst = np.zeros((ctx.institutions, teams), dtype=np.float64)
        self.members: list[list[int]] = [[] for _ in range(teams)]
        self.jitter = jitter
        self.fill = np.zeros(teams, dtype=np.float64)
        self.base = np.zeros(teams, dtype=np.float64)
        self.full = np.zeros(teams, dtype=np.float64)  # infinite where capacity is reached
        for t in range(teams):
            self._rescore(t)

    def _rescore(self, t: int) -> None:
        self.fill[t] = self.count[t] / max(self.limit[t], 1) + self.jitter[t]
        self.base[t] = INF if self.count[t] >= self.limit[t] else self.fill[t]
        self.full[t] = INF if self.count[t] >= self.ctx.capacity[t] else 0.0

    def open(self, t: int) -> bool:
        return bool(self.count[t] < self.limit[t])

    def place(self, person: int, t: int) -> None:
        if self.count[t] >= self.limit[t]:
            self._move_target_to(t)
        self.count[t] += 1
        self.inst[self.ctx.institution[person], t] += 1
        self.members[t].append(person)
        self._rescore(t)

    def _move_target_to(self, t: int) -> None:
        """Give room t one more seat in the target by taking one from the emptiest open room,
        so the targets still add up to the people present."""
        spare = [u for u in range(len(self.limit)) if u != t and self.count[u] < self.limit[u]]
        if spare:
            donor = max(spare, key=lambda u: (self.limit[u] - self.count[u], -u))
            self.limit[donor] -= 1
            self._rescore(donor)
        self.limit[t] = max(self.limit[t], self.count[t] + 1)

    def remove(self, person: int, t: int) -> None:
        self.count[t] -= 1
        self.inst[self.ctx.institution[person], t] -= 1
        self.members[t].remove(person)
        self._rescore(t)


class GreedyPlanner:
    """The greedy assignment of one pool: `run` returns [person, round] -> team index or -1."""

    def __init__(self, ctx: Context, seed: int) -> None:
        self.ctx = ctx
        self.rng = random.Random(seed)
        people, rounds = ctx.available.shape
        self.assign = np.full((people, rounds), -1, dtype=np.int64)
        self.seen: list[set[int]] = [set() for _ in range(people)]
        self.jury_cover = np.zeros(len(ctx.team_ids), dtype=np.int64)
        duties = jury_duties(ctx)
        self.jury_need = ctx.programme.rotation.jury_per_team if duties is not None else 0
        self.duties = duties or {}

    def run(self) -> np.ndarray:
        for r in range(self.ctx.rounds):
            self._fill_round(r)
        balance(self.ctx, self.assign)
        return self.assign

    def _fill_round(self, r: int) -> None:
        ctx = self.ctx
        present = [int(i) for i in np.flatnonzero(ctx.available[:, r])]
        teams = len(ctx.team_ids)
        targets = even_targets(len(present), ctx.capacity, rotate=self.rng.randrange(max(teams, 1)))
        jitter = np.array([self.rng.random() * 1e-3 for _ in range(teams)])
        state = _Round(ctx, targets, jitter)
        jury = [i for i in present if ctx.jury[i]]
        wishing = [
            i
            for i in present
            if not ctx.jury[i] and any(t not in self.seen[i] for t in ctx.preferences[i])
        ]
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
            team = self._beyond_target(state, person)
        if team is None and self._swap_with_earlier(state, person, r):
            return
        if team is None:
            p = self.ctx.people[person]
            raise PlanningError(
                [
                    f"round {r + 1}: {p.id} has already seen every team that still has a free seat "
                    f"({len(self.seen[person])} of {len(self.ctx.team_ids)} teams seen); "
                    "add seats or teams, or drop a round"
                ]
            )
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
        if is_jury and self.jury_need:
            duty = self._duty(state, person)
            if duty is not None:
                return duty
            # Coverage is a hard rule, evenness a soft one: a juror may take a seat beyond a
            # room's target (penalised) to reach a team that still lacks jury.
            closed = np.where(state.count >= state.limit, 50.0, 0.0)
            score = (
                state.fill
                + closed
                + state.full
                + state.inst[ctx.institution[person]]
                + 100.0 * np.minimum(self.jury_cover, self.jury_need)
            )
        else:
            score = state.base + state.inst[ctx.institution[person]]
        if seen:
            score[list(seen)] = INF
        best = int(np.argmin(score))
        return None if score[best] == INF else best

    def _duty(self, state: _Round, person: int) -> int | None:
        """A team this juror is due to see and has not yet, with a free seat (beyond the
        round's target if need be: coverage is a hard rule, evenness a soft one)."""
        todo = [t for t in self.duties.get(person, ()) if t not in self.seen[person]]
        if not todo:
            return None
        closed = np.where(state.count >= state.limit, 50.0, 0.0)
        score = state.fill + closed + state.full + state.inst[self.ctx.institution[person]]
        best = min(todo, key=lambda t: score[t])
        return None if score[best] == INF else best

    def _beyond_target(self, state: _Round, person: int) -> int | None:
        """The least full unseen room with a free seat; placing there moves a target unit."""
        score = state.fill + state.full + state.inst[self.ctx.institution[person]]
        if self.seen[person]:
            score[list(self.seen[person])] = INF
        best = int(np.argmin(score))
        return None if score[best] == INF else best

    def _swap_with_earlier(self, state: _Round, person: int, r: int) -> bool:
        """The person's unseen teams are all full now: see one of them in an earlier round
        instead, and take that round's team now (their set of teams only grows)."""
        capacity = self.ctx.capacity
        unseen = [t for t in range(len(capacity)) if t not in self.seen[person]]
        for earlier in range(r):
            was = int(self.assign[person, earlier])
            if was < 0 or state.count[was] >= capacity[was]:
                continue
            column = self.assign[:, earlier]
            for team in unseen:
                if int((column == team).sum()) < capacity[team]:
                    self.assign[person, earlier] = team
                    self.seen[person].add(team)
                    if self.ctx.jury[person]:
                        self.jury_cover[team] += 1
                    state.place(person, was)
                    self.assign[person, r] = was
                    return True
        return False

    def _exchange(self, state: _Round, person: int, r: int) -> bool:
        """Seat `person` in a full team by moving someone seated there to a team with room."""
        teams = len(self.ctx.team_ids)
        open_teams = [t for t in range(teams) if state.open(t)]
        for full in sorted(
            (t for t in range(teams) if t not in self.seen[person]), key=lambda t: state.count[t]
        ):
            for other in list(state.members[full]):
                if self.ctx.jury[other] and self.jury_need:
                    continue  # a juror sits where their duty is
                for target in open_teams:
                    if target != full and target not in self.seen[other]:
                        self._take(state, other, full, r)
                        self._put(state, other, target, r)
                        self._put(state, person, full, r)
                        return True
        return False
