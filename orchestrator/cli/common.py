"""What every `rota` command shares: the command group, reading the programme (every problem
printed, exit 1), the public address, and running work against a stored event."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from schedules.coverage import jury_problems
from schedules.model import Programme
from schedules.plan import Plan
from schedules.planner import plan_rotation
from schedules.problems import PlanningError, ProgrammeError
from schedules.programme import load_programme, planning_problems

if TYPE_CHECKING:
    from orchestrator.event.live import Live
    from orchestrator.storage.store import Store

C = TypeVar("C", bound=Callable[..., Any])
PROGRAMME = click.Path(path_type=Path, dir_okay=False)
Work = Callable[["Live", "Store"], Awaitable[Any]]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rota")
def main() -> None:
    """Rota runs the live part of an event: teams present round after round in their own video
    rooms while the audience moves from room to room on schedule."""


def load_or_exit(path: Path, environ: Mapping[str, str] | None = None) -> Programme:
    """The programme, checked as `rota check` checks it (with the environment, so secrets the
    programme names are there), or every problem printed and exit 1."""
    try:
        programme = load_programme(path, os.environ if environ is None else environ)
    except ProgrammeError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None
    return programme


def plan_or_exit(path: Path, seed: int) -> tuple[Programme, Plan]:
    """The programme and its plan, or every reason it cannot be planned as asked (the same
    refusals as `rota check`) and exit 1."""
    programme = load_or_exit(path)
    unmet = jury_problems(programme)
    for problem in unmet:
        click.echo(str(problem), err=True)
    if unmet:
        raise SystemExit(1)
    try:
        return programme, plan_rotation(programme, seed=seed)
    except PlanningError as exc:
        for problem in planning_problems(programme, exc):
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None


def load_to_serve(path: Path, environ: Mapping[str, str] | None = None) -> Programme:
    """As `load_or_exit`; a jury demand no plan can meet is said at start (`rota check` and
    `rota plan` refuse it), but a day already under way is never stopped for it."""
    programme = load_or_exit(path, environ)
    for problem in jury_problems(programme):
        click.echo(f"rota serve: warning: {problem}", err=True)
    return programme


def base_url_or_exit(value: str) -> str:
    """The public address without a trailing slash; it must be an http(s) URL."""
    from orchestrator.settings import base_url_problem

    value = value.strip().rstrip("/")
    problem = base_url_problem(value)
    if problem:
        given = " (ROTA_DOMAIN in docker/.env)" if os.environ.get("ROTA_DOMAIN") else ""
        click.echo(f"{problem}{given}", err=True)
        sys.exit(2)
    return value


def on_stored_event(loaded: Programme, redis_url: str | None, data_dir: Path, work: Work) -> Any:
    """Run `work(live, store)` against the event's stored state (like `rota attendance`)."""
    import asyncio

    from orchestrator.errors import NotFound, SetupError
    from orchestrator.event.stored_live import with_stored_event

    try:
        return asyncio.run(
            with_stored_event(loaded, redis_url or os.environ.get("REDIS_URL"), data_dir, work)
        )
    except (SetupError, NotFound) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


def required_base_url(base_url: str | None) -> str:
    chosen = base_url_or_exit(base_url or os.environ.get("ROTA_BASE_URL", ""))
    if not chosen:
        click.echo(
            "give --base-url (or set ROTA_BASE_URL): the public address people's links use, "
            "e.g. https://rota.example.org",
            err=True,
        )
        sys.exit(2)
    return chosen


STORE_OPTIONS = [
    click.option("--redis", "redis_url", help="Redis URL (default: $REDIS_URL, else --data-dir)."),
    click.option(
        "--data-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default="var",
        show_default=True,
    ),
]


def store_options(command: C) -> C:
    """`--redis` and `--data-dir`, for commands that read a stored event."""
    for option in reversed(STORE_OPTIONS):
        command = option(command)
    return command
