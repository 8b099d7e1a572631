"""The draft checked exactly as `rota check` checks a programme: schedules' loader on the
written TOML (with the environment `rota serve` has), then the jury demand and the planner.
Problems are handed back by form field (from the line they name), the participant list's
apart, and the plan with the grid and figures the page shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orchestrator.setup.draft_folder import DraftFolder
from schedules.coverage import jury_problems
from schedules.exports import optimality_summary
from schedules.model import Programme
from schedules.plan import Plan
from schedules.planner import plan_rotation
from schedules.problems import PlanningError, Problem
from schedules.programme import check_programme, inspect_roster, planning_problems
from schedules.roster_view import preview


@dataclass
class Verdict:
    programme: Programme | None
    by_field: dict[str, list[Problem]] = field(default_factory=dict)
    general: list[Problem] = field(default_factory=list)  # the draft's, at no field
    people: list[Problem] = field(default_factory=list)  # the participant list's
    plan: Plan | None = None
    planned: bool = False  # the planner was asked

    @property
    def errors(self) -> int:
        every = [*self.general, *self.people, *(p for ps in self.by_field.values() for p in ps)]
        return sum(p.severity == "error" for p in every)


def check_draft(
    folder: DraftFolder, environ: Mapping[str, str], plan: bool = False, seed: int = 0
) -> Verdict:
    _, where = folder.lines()
    programme, problems = check_programme(folder.draft, environ)
    verdict = Verdict(programme)
    if programme is not None and plan:  # what `rota check` and `rota plan` refuse too
        verdict.planned = True
        unmet = jury_problems(programme)
        problems = [*problems, *unmet]
        if not unmet:
            try:
                verdict.plan = plan_rotation(programme, seed=seed)
            except PlanningError as exc:
                problems = [*problems, *planning_problems(programme, exc)]
    draft = str(folder.draft)
    for problem in problems:
        if problem.file != draft:
            verdict.people.append(problem)
        elif problem.line in where:
            verdict.by_field.setdefault(where[problem.line], []).append(problem)
        else:
            verdict.general.append(problem)
    return verdict


def roster_preview(folder: DraftFolder) -> tuple[list[str], list[Problem]]:
    """`rota roster`'s lines for the uploaded list, and its problems (none read: empty)."""
    found = inspect_roster(folder.draft)
    if found.roster is None:
        return [], [p for p in found.others if p.file != str(folder.draft)]
    lines = preview(found.roster, found.keynotes, found.problems, len(found.others))
    return lines, list(found.problems)


def plan_grid(programme: Programme, plan: Plan) -> dict[str, Any]:
    """Rounds × rooms: each cell the team presenting there and who listens; and the figures."""
    tz = programme.event.tz
    rooms = [t.room for t in plan.teams]
    names = {r.id: r.name for r in programme.rooms}
    team_names = {t.id: t.name for t in programme.teams}
    people = programme.participant_by_id
    rows = []
    for rnd in plan.rounds:
        cells = {slot.room: slot for slot in rnd.rooms}
        rows.append(
            {
                "index": rnd.index,
                "time": f"{rnd.start.astimezone(tz):%H:%M}–{rnd.end.astimezone(tz):%H:%M}",
                "cells": [
                    {
                        "team": team_names.get(cells[r].team, cells[r].team),
                        "count": len(cells[r].audience),
                        "names": sorted(people[p].name for p in cells[r].audience),
                    }
                    if r in cells
                    else None
                    for r in rooms
                ],
            }
        )
    stats = plan.stats
    prefs, jury = stats["preferences"], stats["jury"]
    return {
        "rooms": [names.get(r, r) for r in rooms],
        "rows": rows,
        "spread": [(r["round"], r["min"], r["mean"], r["max"]) for r in stats["rounds"]],
        "wishes": (prefs["met"], prefs["upper_bound"], prefs["people"]),
        "optimality": optimality_summary(stats),
        "jury": (
            jury["per_team"],
            sorted((team_names.get(t, t), c) for t, c in jury["coverage"].items()),
            [team_names.get(t, t) for t in jury["teams_below"]],
        ),
        "mixing": stats["mixing"]["institution_share"],
        "unassigned": stats["unassigned"],
    }
