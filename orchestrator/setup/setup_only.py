"""`rota serve --data-dir DIR` on a folder with no programme yet: only the board's login and
the setup pages, on the same embedded Redis (sessions, failed-login counts) under DIR. Once
the day is published, the same command serves it (cli/serve.py picks DIR/programme.toml)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path

import click
from aiohttp import web

from orchestrator.app import STATIC, redis_for, templates
from orchestrator.appkeys import SETTINGS, STORE, TEMPLATES
from orchestrator.edge.guard import guard_routes, harden, runner_options
from orchestrator.errors import SetupError, StorageUnavailable
from orchestrator.settings import Settings
from orchestrator.setup import setup_pages, setup_routes
from orchestrator.web import board

SETUP_EVENT = "setup"  # the Redis namespace of the sessions made before there is an event


async def board_or_setup(request: web.Request) -> web.StreamResponse:
    """No event to show yet: a session goes to the setup, anyone else logs in."""
    if await board.session_of(request) is not None:
        raise web.HTTPSeeOther("/board/setup")
    return board.page_login(request)


async def healthz(request: web.Request) -> web.Response:
    """Healthy once Redis answers (a container waits for this, as for a served day)."""
    try:
        redis_ok = bool(await asyncio.wait_for(request.app[STORE].ping(), 1.0))
    except (StorageUnavailable, OSError, TimeoutError):
        redis_ok = False
    body = {"status": "ok" if redis_ok else "unhealthy", "role": "setup"}
    return web.json_response(body, status=200 if redis_ok else 503)


def create_setup_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=setup_pages.LIST_LIMIT + 64 * 1024)
    app[SETTINGS] = settings
    app[TEMPLATES] = templates()
    app.cleanup_ctx.append(redis_for(lambda _: SETUP_EVENT))
    harden(app)
    app.add_routes(
        guard_routes(
            [
                web.get("/", setup_pages.to_setup),
                web.get("/healthz", healthz),
                web.get("/board", board_or_setup),
                web.post("/board/login", board.login),
                *setup_routes.routes(),
                web.static("/static", STATIC),
            ]
        )
    )
    return app


def serve_setup(data_dir: Path, environ: Mapping[str, str], **options: object) -> None:
    """Serve the setup until stopped; the banner says where to go and how to log in.
    `environ`: the one `rota` read at start."""
    try:
        programme = data_dir / "programme.toml"
        settings = Settings.build(programme, environ, data_dir=data_dir, **options)
    except SetupError as exc:  # a short organiser token, a wrong base URL
        click.echo(f"rota serve: {exc}", err=True)
        sys.exit(1)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    app = create_setup_app(settings)

    def tell(_aiohttp_says: str) -> None:
        click.echo(f"\nRota has no programme in {data_dir} yet: set up the day in the browser")
        click.echo(f"  setup:  {settings.base_url}/setup  (log in with the organiser token)")
        if settings.token_generated:
            click.echo(
                "  organiser token (set ROTA_ORGANISER_TOKEN to choose one): "
                f"{settings.organiser_token.reveal()}"
            )
        else:
            click.echo("  organiser token: the one in ROTA_ORGANISER_TOKEN")
        click.echo(
            f"  once published, the same command serves the day ({data_dir}/programme.toml)\n"
        )

    try:
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            print=tell,
            shutdown_timeout=5,
            **runner_options(settings),
        )
    except SetupError as exc:  # another Rota on this data folder
        click.echo(f"rota serve: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # the port is taken
        click.echo(f"rota serve: port {settings.port} on {settings.host}: {exc.strerror}", err=True)
        sys.exit(1)
