"""Whether the jury the programme asks for can be had at all: `jury_per_team` distinct jury
members must see every team, and each can see one team per round they attend. The planner
does its best either way; `rota check`, `rota plan` and `rota serve` refuse a demand no plan
can meet, at the line of `jury_per_team`, with the numbers and the largest value that works."""

from __future__ import annotations

from schedules.context import Context, jury_possible
from schedules.model import Programme
from schedules.problems import Problem
from schedules.schema import plural
from schedules.tomlpos import key_lines, line_of


def _capacities(ctx: Context) -> list[int]:
    """Per jury member: how many teams they can see (one per round they attend)."""
    teams = len(ctx.team_ids)
    return [min(int(ctx.available[j].sum()), teams) for j in range(len(ctx.people)) if ctx.jury[j]]


def _feasible(capacities: list[int], teams: int, need: int) -> bool:
    """Gale–Ryser: every team gets `need` distinct jurors iff, for every k teams, the jurors
    can give them k × need visits, each juror at most one per team."""
    return all(sum(min(c, k) for c in capacities) >= k * need for k in range(1, teams + 1))


def largest_jury_per_team(ctx: Context) -> int:
    capacities, teams = _capacities(ctx), len(ctx.team_ids)
    need = ctx.programme.rotation.jury_per_team
    while need > 0 and not _feasible(capacities, teams, need):
        need -= 1
    return need


def jury_problems(programme: Programme) -> list[Problem]:
    need = programme.rotation.jury_per_team
    if need <= 0 or not programme.teams:
        return []
    ctx = Context.build(programme)
    if jury_possible(ctx):
        return []
    capacities = _capacities(ctx)
    teams = len(ctx.team_ids)
    best = min(largest_jury_per_team(ctx), need - 1)
    if len(capacities) < need:
        why = f"the roster has {plural(len(capacities), 'jury member')}"
    else:
        why = (
            f"{plural(len(capacities), 'jury member')} can see {plural(sum(capacities), 'team')} "
            "in all "
            f"(one per round each attends), and {teams} teams × {need} = {teams * need} "
            "visits are needed"
        )
    fix = f"lower it to {best}" if best else "set it to 0"
    message = (
        f"jury_per_team = {need} cannot be met: {why}; add jury members to the roster or {fix}"
    )
    return [Problem(str(programme.source or "programme"), _line(programme), message)]


def _line(programme: Programme) -> int:
    if programme.source is None:
        return 1
    try:
        text = programme.source.read_text(encoding="utf-8-sig")
    except OSError:
        return 1
    return line_of(key_lines(text), ("rotation", "jury_per_team"))
