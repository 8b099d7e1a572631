"""Serving an event from the command line (`rota serve`, `rota demo`, each worker of a
group): the port bound first, logging with the event's id on every line, the start-up banner,
and aiohttp's runner on the chosen event loop."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import socket
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import click
from aiohttp import web

from orchestrator.app import create_app
from orchestrator.appkeys import SERVICE, SETTINGS
from orchestrator.errors import SetupError
from orchestrator.event.live import Live
from orchestrator.runtime.event_loop import new_event_loop
from orchestrator.settings import Settings
from orchestrator.web.edge import runner_options
from schedules.model import Participant, Programme


def log_with_event(event: str, verbose: bool) -> None:
    class EventFilter(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            record.event = event
            return True

    handler = logging.StreamHandler()
    handler.addFilter(EventFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s [%(event)s] %(name)s: %(message)s")
    )
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True
    )
    quiet_libraries()


# Libraries that log a line per request: noise, and their URLs and headers carry personal
# tokens (/go/{token}, /p/{token}; the rehearsal's simulated jury posts to its pages), also
# at --verbose. Rota's own loggers name participants by id only (docs/privacy.md).
QUIET_LOGGERS = ("apscheduler", "aiohttp.access", "httpx", "httpcore", "hpack")


def quiet_libraries() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def serve_event(
    load: Callable[[Path, Mapping[str, str]], Programme],
    programme_path: Path,
    environ: Mapping[str, str],
    *,
    announce: bool,
    verbose: bool,
    loop: str = "auto",
    **options: object,
) -> None:
    """Check the configuration, bind the port, set up logging and serve until stopped (`rota
    serve`, `rota demo`, each worker); `load` reads the programme or exits with its problems.
    `environ`: the one `rota` read at start (with `rota demo`'s made-up webhook secret)."""
    try:
        settings = Settings.build(programme_path, environ, **options)
    except SetupError as exc:  # a short organiser token, an unreadable trusted proxy
        click.echo(f"rota serve: {exc}", err=True)
        sys.exit(1)
    programme = load(programme_path, settings.environ)
    try:
        event_loop, loop_name = new_event_loop(loop)
    except SetupError as exc:
        click.echo(f"rota serve: --loop {loop}: {exc}", err=True)
        sys.exit(1)
    # The port first: if another program holds it, nothing starts (no Redis, no run stored).
    # Under --workers every worker binds it with SO_REUSEPORT and the kernel spreads clients.
    sockets = _listen(settings.host, settings.port, reuse_port=bool(settings.worker))
    if settings.speed == 1 and settings.start_at is None and not settings.worker:
        refused = ended_day_refusal(
            programme,
            programme_path,
            settings.redis_url,
            settings.data_dir,
            settings.resume,
            event_loop,
        )
        if refused:
            for sock in sockets:
                sock.close()
            click.echo(refused, err=True)
            sys.exit(1)
    log_with_event(f"{programme.event.id} {settings.worker}".strip(), verbose)
    app = create_app(settings, programme)

    def tell() -> None:
        live = app[SERVICE].require_live()
        chosen = app[SETTINGS]
        click.echo(f"\nRota is serving {programme.event.title!r} at {chosen.base_url}")
        if chosen.token_generated:
            click.echo(
                f"  organiser token (set ROTA_ORGANISER_TOKEN to choose one): "
                f"{chosen.organiser_token.reveal()}"
            )
        click.echo(
            f"  live state:  curl -H 'Authorization: Bearer <token>' {chosen.base_url}/api/v1/state"
        )
        first_round = live.timeline.rounds[0].start  # an earlier keynote may open the day
        if live.clock.is_real:
            click.echo(
                f"  the real day: round 1 at "
                f"{first_round.astimezone(live.programme.event.tz):%Y-%m-%d %H:%M} "
                f"({live.programme.event.timezone})"
            )
            if live.jitsi_in_tab:
                click.echo(
                    "  rooms on public meet.jit.si open in a tab of their own, start once "
                    "someone signs in there, and report nobody (rota check says more)"
                )
        else:
            click.echo(
                f"  rehearsal at {live.clock.speed:g}×: round 1 starts at "
                f"{live.clock.wall_time(first_round):%H:%M:%S} UTC"
            )
        click.echo(f"  board:       {chosen.base_url}/board  (log in with the organiser token)")
        if live.programme.scoring is not None:
            click.echo(
                f"  results:     {chosen.base_url}/board/results  (scores, awards, certificates)"
            )
        if announce or not live.clock.is_real:  # a rehearsal: a few pages to open
            click.echo("  participant pages (they follow the rotation by themselves):")
            for label, person in _sample_people(live):
                token = live.token_of[person.id]
                click.echo(f"    {label:<18} {person.name:<22} {chosen.base_url}/p/{token}")
            click.echo("  personal links (what people click; they redirect to the room):")
            for label, person in _sample_people(live):
                click.echo(f"    {label:<18} {person.name:<22} {live.link(person.id)}")
            click.echo(f"  everyone's links: {links_command(chosen)}")
        if chosen.simulate_presence:
            click.echo("  simulated people join and leave the rooms (a rehearsal feature)")
        click.echo("")

    def listening(_aiohttp_says: str) -> None:
        """aiohttp's `print`, called once every site listens: only then do we say so (said
        at startup, a first curl was refused for the seconds Redis and the plan took)."""
        logging.getLogger("orchestrator.cli").info(
            "%s on %s:%s (pid %s, %s event loop)",
            f"worker {settings.worker}" if settings.worker else "serving",
            settings.host,
            settings.port,
            os.getpid(),
            loop_name,
        )
        if not settings.worker or settings.worker.startswith("1/"):  # one banner per group
            tell()

    # A deep listen backlog: at a boundary thousands of people click at once, each on a new
    # connection; aiohttp's default of 128 turns that into one-second SYN retries.
    try:
        web.run_app(
            app,
            sock=sockets,
            print=listening,
            shutdown_timeout=5,
            backlog=4096,
            loop=event_loop,
            **runner_options(settings),
        )
    except SetupError as exc:  # another Rota on this data folder, another run stored, …
        click.echo(f"rota serve: {exc}", err=True)
        sys.exit(1)


def ended_day_refusal(
    programme: Programme,
    path: Path,
    redis_url: str | None,
    data_dir: Path,
    resume: bool,
    loop: asyncio.AbstractEventLoop | None = None,
) -> str:
    """The real day of a programme whose day is over would only skip every item: refused
    before Redis starts or anything is stored. A stored real day of these very times goes on
    (its board, results and retention purge after the day), and `--resume` carries on any
    stored run. The refusal in one line, or "" to go on."""
    from datetime import UTC, datetime

    from orchestrator.storage.stored_event import stored_run
    from schedules.programme import day_over
    from schedules.retimed import retimed

    over = day_over(programme, datetime.now(UTC))
    if over is None:
        return ""
    peek = stored_run(programme, redis_url, data_dir)
    stored = loop.run_until_complete(peek) if loop else asyncio.run(peek)
    if stored is not None:  # (also with --fresh, which carries on such a stored real day)
        clock, plan = stored
        if resume or (clock.is_real and not retimed(plan, programme)):
            return ""
    as_is = "; or add --resume to carry on with the run stored as it is" if stored else ""
    return (
        f"rota serve: {path}: {over}, so the real day would only skip every item; nothing "
        f"was started or stored. For the real day, correct the dates in {path}; to rehearse "
        f"it, give a start: rota serve {path} --start-at now (--speed 60 runs it 60× faster)"
        + as_is
    )


def links_command(settings: Settings) -> str:
    """The `rota links` command for this event's store, as the operator would type it (a Redis
    URL is named by its variable: it may hold a password)."""
    store = (
        '--redis "$REDIS_URL"' if settings.redis_url else f"--data-dir {_quoted(settings.data_dir)}"
    )
    return (
        f"rota links {_quoted(settings.programme)} --base-url {settings.base_url} {store} "
        "--format xlsx --out links.xlsx"
    )


def _quoted(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


def _listen(host: str, port: int, reuse_port: bool = False) -> list[socket.socket]:
    """Bound sockets for every address of `host`, or one sentence and exit 1 (a port in use
    is an operator's mistake, not a traceback). aiohttp listens on them with our backlog."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        click.echo(f"rota serve: cannot listen on {host!r}: {exc.strerror}", err=True)
        sys.exit(1)
    bound: list[socket.socket] = []
    for family, kind, proto, _, address in dict.fromkeys(
        (i[0], i[1], i[2], i[3], i[4]) for i in infos
    ):
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            sock.close()
            for other in bound:
                other.close()
            reason = (
                "is in use by another program; stop it or choose another --port"
                if exc.errno == errno.EADDRINUSE
                else f"cannot be used: {exc.strerror}"
            )
            click.echo(f"rota serve: port {port} on {host} {reason}", err=True)
            sys.exit(1)
        sock.set_inheritable(False)
        bound.append(sock)
    return bound


def _sample_people(live: Live) -> list[tuple[str, Participant]]:
    people = [p for p in live.programme.participants if p.id in live.token_of]  # no seats
    audience = next((p for p in people if p.role == "audience" and not p.keynotes), None)
    presenter = next((p for p in people if p.role == "presenter"), None)
    keynote = next((p for p in people if p.role == "audience" and p.keynotes), None)
    juror = next((p for p in people if p.role == "jury"), None) if live.programme.scoring else None
    return [
        (label, p)
        for label, p in (
            ("audience:", audience),
            ("presenter:", presenter),
            ("keynote attendee:", keynote),
            ("jury member:", juror),
        )
        if p is not None
    ]
