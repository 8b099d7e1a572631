"""`rota check`, `rota plan`, `rota agenda`, `rota example`: a programme on its own, no
service needed."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from orchestrator.cli.common import (
    PROGRAMME,
    base_url_or_exit,
    load_or_exit,
    main,
    on_stored_event,
    plan_or_exit,
    store_options,
)
from schedules.example import ExampleSpec, generate
from schedules.exports import agenda_ics, plan_csv, plan_json, plan_table
from schedules.planner import plan_rotation
from schedules.problems import PlanningError
from schedules.programme import check_programme, planning_problems
from schedules.schema import plural

if TYPE_CHECKING:
    from orchestrator.live import Live
    from orchestrator.storage.store import Store


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--seed", type=int, default=0, show_default=True, help="As for `rota plan`.")
def check(programme: Path, seed: int) -> None:
    """Validate PROGRAMME and its roster, with everything `rota serve` needs (the [jitsi] and
    [[notify]] secrets and Rota's own settings from the environment, a rotation that can be
    planned); print every problem as file:line: message. Exit 0 only when `rota serve` would
    accept it."""
    from orchestrator.errors import SetupError
    from orchestrator.settings import Settings

    result, problems = check_programme(programme, os.environ)
    if result is not None:
        try:
            plan_rotation(result, seed=seed)
        except PlanningError as exc:
            problems = [*problems, *planning_problems(result, exc)]
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(p.severity == "error" for p in problems)
    warnings = plural(len(problems) - errors, "warning")
    try:  # the environment `rota serve` reads besides the programme (token, proxies, …)
        Settings.build(programme, os.environ)
    except SetupError as exc:
        click.echo(f"environment: {exc}", err=True)
        errors += 1
    if errors:
        click.echo(f"{plural(errors, 'error')}, {warnings}", err=True)
        sys.exit(1)
    assert result is not None
    click.echo(
        f"{programme}: ok — {plural(len(result.teams), 'team')}, "
        f"{plural(result.rotation.rounds, 'round')}, {plural(len(result.keynotes), 'keynote')}, "
        f"{plural(len(result.participants), 'participant')}"
        + (f", {warnings}" if len(problems) else "")
    )
    if "privacy" not in result.sections:
        click.echo(
            "note: no [privacy] section: participant pages tell people to ask the organisers how "
            "their data is handled, and nothing is purged until you run `rota purge` "
            "(docs/privacy.md)",
            err=True,
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
    loaded, result = plan_or_exit(programme, seed)
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
@click.option(
    "--base-url",
    help="Read the served event's plan and this person's link from its store (--data-dir or "
    "--redis); every item then carries the personal link ($ROTA_BASE_URL).",
)
@store_options
def agenda(
    programme: Path,
    participant: str,
    seed: int,
    out: Path | None,
    base_url: str | None,
    redis_url: str | None,
    data_dir: Path,
) -> None:
    """A participant's personal agenda as iCalendar, in their own time zone."""
    chosen = base_url_or_exit(base_url or os.environ.get("ROTA_BASE_URL", ""))
    if chosen:
        from orchestrator.links_table import personal_urls

        loaded = load_or_exit(programme)
        if participant not in loaded.participant_by_id:
            click.echo(f"unknown participant {participant!r}", err=True)
            sys.exit(1)

        async def stored(live: Live, store: Store) -> bytes:
            link = personal_urls(chosen, live.token_of[participant])[0]
            return agenda_ics(live.programme, live.plan, participant, link)

        data = on_stored_event(loaded, redis_url, data_dir, stored)
    else:
        loaded, result = plan_or_exit(programme, seed)
        if participant not in loaded.participant_by_id:
            click.echo(f"unknown participant {participant!r}", err=True)
            sys.exit(1)
        data = agenda_ics(loaded, result, participant)
    if out:
        from orchestrator.private_files import write_private

        write_private(out, data)  # a personal link inside: 0600
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
