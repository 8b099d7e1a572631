"""`rota sessions`: the organisers' board sessions of an event, and ending them all."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from orchestrator.cli.common import PROGRAMME, load_or_exit, main, pass_environment, store_options
from orchestrator.settings import Environment


def _sessions(n: int) -> str:
    return f"{n} board session{'' if n == 1 else 's'}"


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option(
    "--revoke-all",
    is_flag=True,
    help="End every board session now (open boards too): everyone logs in again.",
)
@store_options
@pass_environment
def sessions(
    env: Environment, programme: Path, revoke_all: bool, redis_url: str | None, data_dir: Path
) -> None:
    """How many organisers' board sessions are open; with --revoke-all, end them all (after
    the organiser token may have leaked: change ROTA_ORGANISER_TOKEN too, see SECURITY.md)."""
    import asyncio

    from orchestrator.errors import SetupError
    from orchestrator.storage import sessions as stored
    from orchestrator.storage.stored_event import stored_event

    loaded = load_or_exit(programme, env)

    async def work() -> str:  # the store alone: no plan needed, so it answers at once
        url = redis_url or env.redis_url
        async with stored_event(loaded, url, data_dir) as store:
            if revoke_all:
                ended = await stored.end_all(store)
                return f"ended {_sessions(ended)}; log in again with the organiser token"
            return f"{_sessions(await stored.count(store))} open"

    try:
        click.echo(asyncio.run(work()))
    except SetupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
