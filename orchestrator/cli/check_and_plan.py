"""`rota check`, `rota plan`, `rota agenda`, `rota example`: a programme on its own, no
service needed."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from orchestrator.cli.common import (
    PROGRAMME,
    base_url_or_exit,
    load_or_exit,
    main,
    on_stored_event,
    pass_environment,
    plan_or_exit,
    store_options,
)
from schedules.agenda import Words
from schedules.coverage import jury_problems
from schedules.example import ExampleSpec, generate
from schedules.exports import agenda_ics, optimality_summary, plan_csv, plan_json, plan_table
from schedules.model import Programme
from schedules.planner import plan_rotation
from schedules.problems import PlanningError
from schedules.programme import check_programme, day_over, planning_problems
from schedules.schema import plural

if TYPE_CHECKING:
    from orchestrator.event.live import Live
    from orchestrator.settings import Environment
    from orchestrator.storage.store import Store
    from schedules.model import Programme
    from schedules.problems import Problem


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--seed", type=int, default=0, show_default=True, help="As for `rota plan`.")
@click.option(
    "--online",
    is_flag=True,
    help="Also call the video servers once: with [bbb], create and end a test meeting on "
    "the BigBlueButton server (proves the url and ROTA_BBB_SECRET before the day).",
)
@pass_environment
def check(env: Environment, programme: Path, seed: int, online: bool) -> None:
    """Validate PROGRAMME and its roster, with everything `rota serve` needs (the [jitsi],
    [bbb] and [[notify]] secrets and Rota's own settings from the environment, a rotation
    that can be planned); print every problem as file:line: message. Exit 0 only when `rota
    serve` would accept it."""
    from orchestrator.errors import SetupError
    from orchestrator.settings import Settings

    result, problems = check_programme(programme, env)
    planned = None
    if result is not None:  # what `rota plan` refuses too
        problems = [*problems, *jury_problems(result)]
        try:
            planned = plan_rotation(result, seed=seed)
        except PlanningError as exc:
            problems = [*problems, *planning_problems(result, exc)]
        problems = [*problems, *_platform_problems(result, env)]
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(p.severity == "error" for p in problems)
    warnings = plural(len(problems) - errors, "warning")
    try:  # the environment `rota serve` reads besides the programme (token, proxies, …)
        Settings.build(programme, env)
    except SetupError as exc:
        click.echo(f"environment: {exc}", err=True)
        errors += 1
    if online and not errors and result is not None and "bbb" in result.sections:
        import asyncio

        from orchestrator.cli.online_check import prove

        line, ok = asyncio.run(prove(result, env))
        click.echo(line, err=not ok)
        errors += not ok
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
    if planned is not None:  # what `rota plan` would give: how good, and how sure
        click.echo(f"plan: {optimality_summary(planned.stats)}")
    if over := day_over(result, datetime.now(UTC)):  # fine to rehearse, not to serve
        click.echo(
            f"note: {over}: `rota serve` refuses it as the real day (correct the dates for "
            f"that); a rehearsal runs any date: rota serve {programme} --start-at now",
            err=True,
        )
    if "privacy" not in result.sections:
        click.echo(
            "note: no [privacy] section: participant pages tell people to ask the organisers how "
            "their data is handled, and nothing is purged until you run `rota purge` "
            "(docs/privacy.md)",
            err=True,
        )


def _platform_problems(programme: Programme, env: Environment) -> list[Problem]:
    """What the video platforms will not do on the real day (rooms/platforms.py)."""
    from rooms.links import JitsiConfig, JitsiConfigError
    from rooms.platforms import platform_problems

    try:
        jitsi = JitsiConfig.from_section(
            programme.sections.get("jitsi"),
            env,
            programme.source and programme.source.parent,
        )
    except JitsiConfigError:
        return []  # already reported as an error of the [jitsi] section
    return platform_problems(programme, jitsi, env)


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option(
    "--write",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the roster as read, in Rota's strict CSV, to this file (a new one).",
)
@click.option("--force", is_flag=True, help="With --write: replace a file already there.")
def roster(programme: Path, out: Path | None, force: bool) -> None:
    """Show how PROGRAMME's roster was read: every column, every distinct value and what it
    became (guesses marked), and every problem of every row as file:sheet:row: message.
    Exit 1 when the roster has errors. What should be read otherwise goes in [roster]."""
    from schedules.programme import inspect_roster
    from schedules.roster_view import preview, strict_csv

    found = inspect_roster(programme)
    if found.roster is None:
        for problem in found.others:
            click.echo(str(problem), err=True)
        click.echo(
            "the roster was not read: "
            + ("fix the programme first" if found.others else "the programme names no `roster`"),
            err=True,
        )
        sys.exit(1)
    for line in preview(found.roster, found.keynotes, found.problems, len(found.others)):
        click.echo(line)
    errors = [p for p in found.problems if p.severity == "error"]
    if errors:
        sys.exit(1)
    if out is not None:
        itself = found.path is not None and out.resolve() == found.path.resolve()
        if itself or (out.exists() and not force):
            click.echo(
                f"{out} is the roster itself: give another file"
                if itself
                else f"{out} is already there: give another file, or add --force to replace it",
                err=True,
            )
            sys.exit(1)
        out.write_text(strict_csv(found.roster.participants), encoding="utf-8")
        click.echo(f"wrote {out}: {len(found.roster.participants)} people in Rota's own columns")


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
@pass_environment
def plan(env: Environment, programme: Path, fmt: str, seed: int) -> None:
    """Plan the rotation: who is in which room in every round."""
    loaded, result = plan_or_exit(programme, seed, env)
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
@pass_environment
def agenda(
    env: Environment,
    programme: Path,
    participant: str,
    seed: int,
    out: Path | None,
    base_url: str | None,
    redis_url: str | None,
    data_dir: Path,
) -> None:
    """A participant's personal agenda as iCalendar, in their own time zone."""
    chosen = base_url_or_exit(base_url, env)
    if chosen:
        from orchestrator.api.links_table import personal_urls

        loaded = load_or_exit(programme, env)
        if participant not in loaded.participant_by_id:
            click.echo(f"unknown participant {participant!r}", err=True)
            sys.exit(1)

        async def stored(live: Live, store: Store) -> bytes:
            link = personal_urls(chosen, live.token_of[participant])[0]
            return agenda_ics(
                live.programme, live.plan, participant, link, t=_words(live.programme, participant)
            )

        data = on_stored_event(loaded, redis_url, data_dir, env, stored)
    else:
        loaded, result = plan_or_exit(programme, seed, env)
        if participant not in loaded.participant_by_id:
            click.echo(f"unknown participant {participant!r}", err=True)
            sys.exit(1)
        data = agenda_ics(loaded, result, participant, t=_words(loaded, participant))
    if out:
        from orchestrator.privacy.private_files import write_private

        write_private(out, data)  # a personal link inside: 0600
    else:
        click.echo(data.decode(), nl=False)


def _words(programme: Programme, participant: str) -> Words:
    """The participant's translator: their agenda in their language."""
    from orchestrator.language.i18n import translator

    return translator(programme.language_of(programme.participant_by_id[participant]))


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
