"""`rota`: check, plan and export a programme; serve an event; run a rehearsal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from schedules.example import ExampleSpec, generate
from schedules.exports import agenda_ics, plan_csv, plan_json, plan_table
from schedules.planner import plan_rotation
from schedules.problems import PlanningError, ProgrammeError
from schedules.programme import check_programme, load_programme

PROGRAMME = click.Path(path_type=Path, dir_okay=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rota")
def main() -> None:
    """Rota runs the live part of an event: teams present round after round in their own video
    rooms while the audience moves from room to room on schedule."""


def _load(path: Path):  # type: ignore[no-untyped-def]
    try:
        programme = load_programme(path)
    except ProgrammeError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None
    return programme


def _plan(path: Path, seed: int):  # type: ignore[no-untyped-def]
    programme = _load(path)
    try:
        return programme, plan_rotation(programme, seed=seed)
    except PlanningError as exc:
        click.echo(f"{path}: cannot plan this rotation:", err=True)
        for reason in exc.reasons:
            click.echo(f"  {reason}", err=True)
        raise SystemExit(1) from None


@main.command()
@click.argument("programme", type=PROGRAMME)
def check(programme: Path) -> None:
    """Validate PROGRAMME and its roster; print every problem as file:line: message."""
    result, problems = check_programme(programme)
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
        sys.exit(1)
    assert result is not None
    click.echo(
        f"{programme}: ok — {len(result.teams)} teams, {result.rotation.rounds} rounds, "
        f"{len(result.keynotes)} keynotes, {len(result.participants)} participants"
        + (f", {warnings} warning(s)" if warnings else "")
    )


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="The same programme and seed give the same plan.",
)
def plan(programme: Path, fmt: str, seed: int) -> None:
    """Plan the rotation: who is in which room in every round."""
    loaded, result = _plan(programme, seed)
    if fmt == "json":
        click.echo(plan_json(result))
    elif fmt == "csv":
        click.echo(plan_csv(result), nl=False)
    else:
        click.echo(plan_table(loaded, result), nl=False)


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--participant", required=True, help="The participant's id from the roster.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the .ics here instead of standard output.",
)
def agenda(programme: Path, participant: str, seed: int, out: Path | None) -> None:
    """A participant's personal agenda as iCalendar, in their own time zone."""
    loaded, result = _plan(programme, seed)
    if participant not in loaded.participant_by_id:
        click.echo(f"unknown participant {participant!r}", err=True)
        sys.exit(1)
    data = agenda_ics(loaded, result, participant)
    if out:
        out.write_bytes(data)
    else:
        click.echo(data.decode(), nl=False)


@main.command()
@click.option("--teams", type=click.IntRange(1, 5000), default=8, show_default=True)
@click.option("--audience", type=click.IntRange(0, 1_000_000), default=60, show_default=True)
@click.option(
    "--jury",
    type=click.IntRange(0),
    default=None,
    help="Jury members (default: enough for two per team).",
)
@click.option("--rounds", type=click.IntRange(1, 100), default=6, show_default=True)
@click.option("--seed", type=int, default=2025, show_default=True)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
def example(teams: int, audience: int, jury: int | None, rounds: int, seed: int, out: Path) -> None:
    """Write an example programme and roster of any size into OUT."""
    if jury is None:
        jury = max(6, -(-2 * teams // rounds))
    spec = ExampleSpec(
        event_id=f"example-{teams}x{audience}",
        title=f"Example event: {teams} teams, {audience} audience",
        teams=teams,
        audience=audience,
        jury=jury,
        rounds=rounds,
        seed=seed,
        keynotes=("10:00", "11:00") if rounds >= 6 else (),
    )
    programme_text, roster_text = generate(spec)
    out.mkdir(parents=True, exist_ok=True)
    (out / "programme.toml").write_text(programme_text, encoding="utf-8")
    (out / "roster.csv").write_text(roster_text, encoding="utf-8")
    click.echo(f"wrote {out / 'programme.toml'} and {out / 'roster.csv'}")
