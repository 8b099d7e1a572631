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

from schedules import campus, exact
from schedules.context import Context, explain_infeasible, jury_duties
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


class _Planner:
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


def plan_rotation(programme: Programme, seed: int = 0, seconds: float | None = None) -> Plan:
    """Plan the whole rotation, or raise PlanningError with the numbers that make it impossible.

    Two stages: the greedy planner, then the exact stage (exact.py) for at most `seconds`
    (default: the programme's `[rotation] solve_seconds`), which may only improve on it."""
    budget = programme.rotation.solve_seconds if seconds is None else seconds
    outcomes: list[exact.Outcome] = []

    def two_stages(sub: Context) -> np.ndarray:
        greedy = _Planner(sub, seed).run()
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
