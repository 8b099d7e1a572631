"""How good a plan is (the figures organisers read) and whether it breaks a hard rule."""

from __future__ import annotations

from collections import Counter
from statistics import mean
from typing import Any

import numpy as np

from schedules import campus, exact
from schedules.context import Context, absence, jury_possible
from schedules.exact import round_bounds
from schedules.model import Programme
from schedules.plan import Plan


def violations(programme: Programme, plan: Plan) -> list[str]:
    """Every hard-rule violation in the plan; an empty list means the plan is sound."""
    found: list[str] = []
    rooms = programme.room_by_id
    by_id = programme.participant_by_id
    teams_seen: dict[str, Counter[str]] = {}
    for rnd in plan.rounds:
        placed: Counter[str] = Counter()
        for slot in rnd.rooms:
            capacity = rooms[slot.room].capacity
            if len(slot.audience) > capacity:
                found.append(
                    f"round {rnd.index}: room {slot.room} holds {len(slot.audience)} "
                    f"but has {capacity} seats"
                )
            for pid in slot.audience:
                placed[pid] += 1
                teams_seen.setdefault(pid, Counter())[slot.team] += 1
                person = by_id.get(pid)
                if person is None or not person.planned:
                    found.append(
                        f"round {rnd.index}: {pid} is audience but is "
                        f"{person.role if person else 'not in the roster'}"
                    )
        for pid, times in placed.items():
            if times > 1:
                found.append(f"round {rnd.index}: {pid} is in {times} rooms at once")
        for keynote in plan.keynotes:
            if keynote.start < rnd.end and rnd.start < keynote.end:
                for pid in set(keynote.audience) & set(placed):
                    found.append(
                        f"round {rnd.index}: {pid} is both at keynote {keynote.id} "
                        "and in a team room"
                    )
        expected = {
            p.id
            for p in programme.participants
            if p.planned and not absence(programme, p, rnd.index)
        }
        departed = {
            u.participant for u in plan.unassigned if u.round == rnd.index and u.reason != "no seat"
        }
        for pid in sorted(expected - set(placed) - departed):
            found.append(f"round {rnd.index}: {pid} is available but has no room")
    for pid, counts in teams_seen.items():
        for team, times in counts.items():
            if times > 1:
                found.append(f"{pid} sees team {team} {times} times")
    found.extend(campus.violations(programme, plan))
    ctx = Context.build(programme, tuple(t.id for t in plan.teams))
    need = programme.rotation.jury_per_team
    if need and jury_possible(ctx):
        every_round = set.intersection(*({s.team for s in rnd.rooms} for rnd in plan.rounds))
        for team, cover in _jury_cover(programme, plan).items():
            if cover < need and team in every_round:  # a team that dropped out is exempt
                found.append(f"team {team} is seen by {cover} jury member(s), {need} needed")
    return found


def _jury_cover(programme: Programme, plan: Plan) -> dict[str, int]:
    jury = {p.id for p in programme.participants if p.role == "jury"}
    seen: dict[str, set[str]] = {t.id: set() for t in plan.teams}
    for rnd in plan.rounds:
        for slot in rnd.rooms:
            seen[slot.team].update(jury.intersection(slot.audience))
    return {team: len(members) for team, members in seen.items()}


def _seat_bound(programme: Programme, plan: Plan) -> int:
    """Wishes for one team can be met at most once per seat the round's balance lets it have
    (an even split, rooms at capacity aside: exact.round_bounds)."""
    wishers: Counter[str] = Counter(
        t for p in programme.participants if p.planned for t in set(p.preferences)
    )
    seats: Counter[str] = Counter()
    for rnd in plan.rounds:
        capacity = np.array([programme.room_by_id[s.room].capacity for s in rnd.rooms])
        counts = np.array([len(s.audience) for s in rnd.rooms])
        if not len(counts):
            continue
        _, high = round_bounds(capacity, counts)
        for slot, most in zip(rnd.rooms, high, strict=True):
            seats[slot.team] += int(most)
    return sum(min(count, seats[team]) for team, count in wishers.items())


def verdict(met: int, bound: int) -> str:
    """What the organiser reads about the plan's wishes."""
    if met >= bound:
        return "optimal (proven)"
    short = bound - met
    wishes = "wish" if short == 1 else "wishes"
    return f"{short} {wishes} short of the best possible at most (bound {bound})"


def optimality(met: int, bound: int, source: str = "simple", note: str = "") -> dict[str, Any]:
    """The plan's `stats.optimality`: optimal (met == bound, proven) or how far it may be."""
    why = {
        "simple": "each person's free rounds and the seats the balance leaves a team",
        "solver": "the exact stage (CP-SAT), under the same rules",
    }[source]
    return {
        "status": "optimal" if met >= bound else "feasible",
        "met": met,
        "bound": bound,
        "short": max(bound - met, 0),
        "bound_from": source,
        "text": verdict(met, bound),
        "why": why,
        "note": note,
    }


def with_outcomes(stats: dict[str, Any], outcomes: list[exact.Outcome]) -> dict[str, Any]:
    """The stats with the exact stage's bound: the tighter of the simple one and the solver's."""
    prefs = dict(stats["preferences"])
    met, simple = prefs["met"], prefs["upper_bound"]
    known = sum(o.bound for o in outcomes) if outcomes else simple  # per pool: the best known
    bound = min(simple, known)
    source = (
        "solver" if any(o.source == "solver" for o in outcomes) and known < simple else "simple"
    )
    notes = "; ".join(o.note for o in outcomes if o.note)
    entry = optimality(met, bound, source, notes)
    entry["exact"] = {
        "ran": any(o.cells and o.status != "skipped" for o in outcomes),
        "skipped": any(o.status == "skipped" for o in outcomes),
        "cells": sum(o.cells for o in outcomes),
    }
    prefs["upper_bound"], prefs["gap"] = bound, bound - met
    return {**stats, "preferences": prefs, "optimality": entry}


def quality(programme: Programme, plan: Plan) -> dict[str, Any]:
    """The quality figures printed under the plan and stored in its JSON `stats`."""
    rounds = []
    min_audience = programme.rotation.min_audience
    for rnd in plan.rounds:
        sizes = [len(s.audience) for s in rnd.rooms] or [0]
        rounds.append(
            {
                "round": rnd.index,
                "min": min(sizes),
                "mean": round(mean(sizes), 2),
                "max": max(sizes),
                "below_min_audience": [s.team for s in rnd.rooms if len(s.audience) < min_audience],
            }
        )
    seen: dict[str, set[str]] = {}
    available_rounds: Counter[str] = Counter()
    for rnd in plan.rounds:
        for slot in rnd.rooms:
            for pid in slot.audience:
                seen.setdefault(pid, set()).add(slot.team)
                available_rounds[pid] += 1
    by_rank = [[0, 0] for _ in range(3)]  # [met, asked] for first, second, third choices
    met = bound = 0
    for person in programme.participants:
        if not person.planned or not person.preferences:
            continue
        teams = seen.get(person.id, set())
        for rank, team in enumerate(person.preferences[:3]):
            by_rank[rank][1] += 1
            by_rank[rank][0] += team in teams
        met += sum(team in teams for team in person.preferences)
        bound += min(len(person.preferences), available_rounds[person.id] or 0)
    bound = min(bound, _seat_bound(programme, plan))
    cover = _jury_cover(programme, plan)
    ctx = Context.build(programme, tuple(t.id for t in plan.teams))
    need = programme.rotation.jury_per_team
    shares = []
    for rnd in plan.rounds:
        present = Counter(
            programme.participant_by_id[pid].institution for s in rnd.rooms for pid in s.audience
        )
        for slot in rnd.rooms:
            if slot.audience:
                distinct = len({programme.participant_by_id[p].institution for p in slot.audience})
                shares.append(distinct / min(len(slot.audience), len(present)))
    return {
        "rounds": rounds,
        "preferences": {
            "people": sum(1 for p in programme.participants if p.planned and p.preferences),
            "first": {"met": by_rank[0][0], "asked": by_rank[0][1]},
            "second": {"met": by_rank[1][0], "asked": by_rank[1][1]},
            "third": {"met": by_rank[2][0], "asked": by_rank[2][1]},
            "met": met,
            "upper_bound": bound,
            "gap": bound - met,
        },
        "jury": {
            "per_team": need,
            "possible": jury_possible(ctx),
            "coverage": cover,
            "teams_below": sorted(t for t, c in cover.items() if c < need),
        },
        "mixing": {"institution_share": round(mean(shares), 3) if shares else 1.0},
        "unassigned": len(plan.unassigned),
        "optimality": optimality(met, bound),
    }
