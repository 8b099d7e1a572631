"""The programme reduced to arrays of indices, shared by the planner, replanning and quality."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schedules.model import Participant, Programme


@dataclass(frozen=True)
class Context:
    """The programme reduced to indices: teams 0..T-1, planned people 0..P-1, rounds 0..R-1."""

    programme: Programme
    team_ids: tuple[str, ...]
    capacity: np.ndarray  # per team: the audience seats of its room
    people: tuple[Participant, ...]  # audience and jury, roster order
    institution: np.ndarray  # per person: an institution index
    institutions: int
    jury: np.ndarray  # per person: bool
    available: np.ndarray  # [P, R] bool
    reasons: dict[tuple[int, int], str]  # (person, round) -> why not available
    preferences: tuple[tuple[int, ...], ...]  # per person: team indices in order of wish

    @property
    def rounds(self) -> int:
        return int(self.available.shape[1])

    @classmethod
    def build(cls, programme: Programme, teams: tuple[str, ...] | None = None) -> Context:
        team_ids = teams if teams is not None else tuple(t.id for t in programme.teams)
        index = {t: i for i, t in enumerate(team_ids)}
        capacity = np.array(
            [programme.room_by_id[programme.team_by_id[t].room].capacity for t in team_ids],
            dtype=np.int64,
        )
        people = tuple(p for p in programme.participants if p.planned)
        inst_index: dict[str, int] = {}
        institution = np.array(
            [inst_index.setdefault(p.institution or f"?{p.id}", len(inst_index)) for p in people],
            dtype=np.int64,
        )
        slots = programme.rotation.slots
        available = np.ones((len(people), len(slots)), dtype=bool)
        reasons: dict[tuple[int, int], str] = {}
        for i, person in enumerate(people):
            for r, slot in enumerate(slots):
                reason = absence(programme, person, slot.index)
                if reason:
                    available[i, r] = False
                    reasons[(i, r)] = reason
        preferences = tuple(tuple(index[t] for t in p.preferences if t in index) for p in people)
        jury = np.array([p.role == "jury" for p in people], dtype=bool)
        return cls(
            programme,
            team_ids,
            capacity,
            people,
            institution,
            len(inst_index),
            jury,
            available,
            reasons,
            preferences,
        )


def absence(programme: Programme, person: Participant, round_index: int) -> str:
    """Why a person is in no team room in a round (\"\" when they are available)."""
    if round_index in person.unavailable:
        return "unavailable"
    slot = programme.rotation.slots[round_index - 1]
    for keynote_id in programme.keynotes_of(person):
        keynote = programme.keynote_by_id[keynote_id]
        if slot.overlaps(keynote.start, keynote.end):
            return f"keynote {keynote_id}"
    return ""


def explain_infeasible(ctx: Context) -> list[str]:
    """The hard rules the numbers alone rule out, each with its figures."""
    reasons: list[str] = []
    teams = len(ctx.team_ids)
    if teams == 0:
        return ["no team presents, so nobody can be placed"]
    need = ctx.available.sum(axis=1)
    too_many = [ctx.people[i].id for i in np.flatnonzero(need > teams)]
    if too_many:
        reasons.append(
            f"{len(too_many)} audience member(s) are available in {int(need.max())} rounds but "
            f"only {teams} teams present, so they would see a team twice "
            f"(e.g. {', '.join(too_many[:3])}); add teams, drop rounds, or mark rounds unavailable"
        )
    seats = int(ctx.capacity.sum())
    for r in range(ctx.rounds):
        present = int(ctx.available[:, r].sum())
        if present > seats:
            reasons.append(
                f"round {r + 1}: {present} audience members need seats but the "
                f"{teams} team rooms hold {seats}"
            )
    return reasons


def jury_duties(ctx: Context) -> dict[int, list[int]] | None:
    """Which teams each juror must see so every team gets `jury_per_team` distinct jurors, or
    None when no assignment exists. A juror can cover as many teams as rounds they attend; with
    every juror free to see any team, giving each team the jurors with the most capacity left
    is exact (the Gale–Ryser argument), so None really means impossible."""
    need = ctx.programme.rotation.jury_per_team
    jurors = [int(j) for j in np.flatnonzero(ctx.jury)]
    duties: dict[int, list[int]] = {j: [] for j in jurors}
    if need <= 0:
        return duties
    left = {j: min(int(ctx.available[j].sum()), len(ctx.team_ids)) for j in jurors}
    for team in range(len(ctx.team_ids)):
        chosen = sorted(jurors, key=lambda j: (-left[j], j))[:need]
        if len(chosen) < need or any(left[j] <= 0 for j in chosen):
            return None
        for j in chosen:
            duties[j].append(team)
            left[j] -= 1
    return duties


def jury_possible(ctx: Context) -> bool:
    return jury_duties(ctx) is not None
