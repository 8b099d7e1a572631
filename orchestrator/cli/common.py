"""What every `rota` command shares: the command group (which reads the environment once and
hands it to each command), reading the programme (every problem printed, exit 1), the public
address, and running work against a stored event."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from orchestrator.settings import Environment
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
# A command's `env: Environment` argument: the environment the group read (`main`).
pass_environment = click.make_pass_decorator(Environment)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rota")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Rota runs the live part of an event: teams present round after round in their own video
    rooms while the audience moves from room to room on schedule."""
    ctx.obj = Environment.read()


def load_or_exit(path: Path, environ: Mapping[str, str]) -> Programme:
    """The programme, checked as `rota check` checks it (with the environment, so secrets the
    programme names are there), or every problem printed and exit 1."""
    try:
        programme = load_programme(path, environ)
    except ProgrammeError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None
    return programme


def plan_or_exit(path: Path, seed: int, env: Environment) -> tuple[Programme, Plan]:
    """The programme and its plan, or every reason it cannot be planned as asked (the same
    refusals as `rota check`) and exit 1."""
    programme = load_or_exit(path, env)
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


def load_to_serve(path: Path, environ: Mapping[str, str]) -> Programme:
    """As `load_or_exit`; a jury demand no plan can meet is said at start (`rota check` and
    `rota plan` refuse it), but a day already under way is never stopped for it."""
    programme = load_or_exit(path, environ)
    for problem in jury_problems(programme):
        click.echo(f"rota serve: warning: {problem}", err=True)
    return programme


def base_url_or_exit(given_url: str | None, env: Environment) -> str:
    """The public address (`--base-url`, else ROTA_BASE_URL; "" when neither) without a
    trailing slash; it must be an http(s) URL."""
    from orchestrator.settings import base_url_problem

    value = (given_url or env.base_url).strip().rstrip("/")
    problem = base_url_problem(value)
    if problem:
        given = " (ROTA_DOMAIN in docker/.env)" if env.domain_given else ""
        click.echo(f"{problem}{given}", err=True)
        sys.exit(2)
    return value


def on_stored_event(
    loaded: Programme, redis_url: str | None, data_dir: Path, env: Environment, work: Work
) -> Any:
    """Run `work(live, store)` against the event's stored state (like `rota attendance`);
    `--redis`, else REDIS_URL, else the embedded Redis under `data_dir`."""
    import asyncio

    from orchestrator.errors import NotFound, SetupError, StorageUnavailable
    from orchestrator.event.stored_live import with_stored_event

    url = redis_url or env.redis_url
    try:
        return asyncio.run(with_stored_event(loaded, url, data_dir, work, env))
    except (SetupError, NotFound) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except StorageUnavailable as exc:  # a sentence, not a traceback
        where = "the Redis given (--redis or REDIS_URL)" if url else "the event's own Redis"
        click.echo(f"cannot read the stored event: {where} did not answer ({exc})", err=True)
        sys.exit(1)


def required_base_url(base_url: str | None, env: Environment) -> str:
    chosen = base_url_or_exit(base_url, env)
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
