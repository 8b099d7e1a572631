"""`rota`: check, plan and export a programme; serve an event; run a rehearsal."""

from __future__ import annotations

import errno
import logging
import os
import secrets
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from schedules.example import ExampleSpec, generate
from schedules.exports import agenda_ics, plan_csv, plan_json, plan_table
from schedules.model import Programme
from schedules.plan import Plan
from schedules.planner import plan_rotation
from schedules.problems import PlanningError, ProgrammeError
from schedules.programme import check_programme, load_programme, planning_problems
from schedules.schema import plural

if TYPE_CHECKING:
    from orchestrator.live import Live
    from orchestrator.storage.store import Store

PROGRAMME = click.Path(path_type=Path, dir_okay=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rota")
def main() -> None:
    """Rota runs the live part of an event: teams present round after round in their own video
    rooms while the audience moves from room to room on schedule."""


def _load(path: Path, environ: Mapping[str, str] | None = None) -> Programme:
    """The programme, checked as `rota check` checks it (with the environment, so secrets the
    programme names are there), or every problem printed and exit 1."""
    try:
        programme = load_programme(path, os.environ if environ is None else environ)
    except ProgrammeError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None
    return programme


def _plan(path: Path, seed: int) -> tuple[Programme, Plan]:
    programme = _load(path)
    try:
        return programme, plan_rotation(programme, seed=seed)
    except PlanningError as exc:
        for problem in planning_problems(programme, exc):
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None


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
@click.option(
    "--base-url",
    help="Read the served event's plan and this person's link from its store (--data-dir or "
    "--redis); every item then carries the personal link ($ROTA_BASE_URL).",
)
@click.option("--redis", "redis_url", help="Redis URL (default: $REDIS_URL, else --data-dir).")
@click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), default="var", show_default=True
)
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
    chosen = _base_url(base_url or os.environ.get("ROTA_BASE_URL", ""))
    if chosen:
        from orchestrator.links_table import personal_urls

        loaded = _load(programme)
        if participant not in loaded.participant_by_id:
            click.echo(f"unknown participant {participant!r}", err=True)
            sys.exit(1)

        async def stored(live: Live, store: Store) -> bytes:
            link = personal_urls(chosen, live.token_of[participant])[0]
            return agenda_ics(live.programme, live.plan, participant, link)

        data = _stored_live(loaded, redis_url, data_dir, stored)
    else:
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


def _logging(event: str, verbose: bool) -> None:
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
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise


def _serve(
    programme_path: Path,
    *,
    announce: bool,
    verbose: bool,
    loop: str = "auto",
    **options: object,
) -> None:
    from aiohttp import web

    from orchestrator.app import create_app
    from orchestrator.appkeys import SERVICE, SETTINGS
    from orchestrator.errors import SetupError
    from orchestrator.event_loop import new_event_loop
    from orchestrator.settings import Settings
    from orchestrator.web.edge import runner_options

    try:
        settings = Settings.build(programme_path, **options)
    except SetupError as exc:  # a short organiser token, an unreadable trusted proxy
        click.echo(f"rota serve: {exc}", err=True)
        sys.exit(1)
    programme = _load(programme_path, settings.environ)
    try:
        event_loop, loop_name = new_event_loop(loop)
    except SetupError as exc:
        click.echo(f"rota serve: --loop {loop}: {exc}", err=True)
        sys.exit(1)
    # The port first: if another program holds it, nothing starts (no Redis, no run stored).
    # Under --workers every worker binds it with SO_REUSEPORT and the kernel spreads clients.
    sockets = _listen(settings.host, settings.port, reuse_port=bool(settings.worker))
    _logging(f"{programme.event.id} {settings.worker}".strip(), verbose)
    logging.getLogger("orchestrator.cli").info(
        "%s on %s:%s (pid %s, %s event loop)",
        f"worker {settings.worker}" if settings.worker else "serving",
        settings.host,
        settings.port,
        os.getpid(),
        loop_name,
    )
    app = create_app(settings, programme)

    async def tell(app: web.Application) -> None:
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
        if announce:
            click.echo("  participant pages (they follow the rotation by themselves):")
            for label, person in _sample_people(live):
                token = live.token_of[person.id]
                click.echo(f"    {label:<18} {person.name:<22} {chosen.base_url}/p/{token}")
            click.echo("  personal links (what people click; they redirect to the room):")
            for label, person in _sample_people(live):
                click.echo(f"    {label:<18} {person.name:<22} {live.link(person.id)}")
        if chosen.simulate_presence:
            click.echo("  simulated people join and leave the rooms (a rehearsal feature)")
        click.echo("")

    if not settings.worker or settings.worker.startswith("1/"):  # one banner per group
        app.on_startup.append(tell)

    # A deep listen backlog: at a boundary thousands of people click at once, each on a new
    # connection; aiohttp's default of 128 turns that into one-second SYN retries.
    try:
        web.run_app(
            app,
            sock=sockets,
            print=None,
            access_log=None,
            shutdown_timeout=5,
            backlog=4096,
            loop=event_loop,
            **runner_options(settings),
        )
    except SetupError as exc:  # another Rota on this data folder, another run stored, …
        click.echo(f"rota serve: {exc}", err=True)
        sys.exit(1)


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


def _base_url(value: str) -> str:
    """The public address without a trailing slash; it must be an http(s) URL."""
    value = value.strip().rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        click.echo(f"the base URL must start with https:// or http://, not {value!r}", err=True)
        sys.exit(2)
    return value


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _sample_people(live):  # type: ignore[no-untyped-def]
    people = live.programme.participants
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


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8080, show_default=True)
@click.option(
    "--redis",
    "redis_url",
    help="Redis URL (default: $REDIS_URL, else an embedded redis-server under --data-dir).",
)
@click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), default="var", show_default=True
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0.01, max=100_000),
    default=None,
    help="Rehearse: run the event clock this many times faster (default: 1, the real day).",
)
@click.option(
    "--start-at",
    help='Map the day\'s first item (a round or an earlier keynote) to this time ("now", or ISO '
    "local time); starts a new rehearsal run.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Carry on with the run stored in the data folder, whatever its speed and start.",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Archive the stored run (nothing is deleted; links stay) and start the one asked for.",
)
@click.option(
    "--base-url",
    help="The address people's links use, e.g. https://rota.example.org "
    "(default: $ROTA_BASE_URL, else http://HOST:PORT).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--lease-seconds",
    type=click.FloatRange(min=0.5, max=60),
    default=6.0,
    show_default=True,
    help="Leader lease; a standby takes over within this.",
)
@click.option(
    "--lead-minutes",
    type=click.FloatRange(min=0, max=30),
    default=2.0,
    show_default=True,
    help="/go sends people to their next place this early.",
)
@click.option(
    "--simulate-presence",
    is_flag=True,
    help="Rehearsal: simulated people join and leave the rooms (signed webhooks to ourselves; "
    "needs ROTA_JAAS_WEBHOOK_SECRET).",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    help="A reverse proxy's address or network (repeatable; default $ROTA_TRUSTED_PROXIES): "
    "only its X-Forwarded-For names the client.",
)
@click.option(
    "--client-timeout",
    type=click.FloatRange(min=1, max=300),
    default=10.0,
    show_default=True,
    help="Seconds a client may take to send a request's headers or its body.",
)
@click.option(
    "--loop",
    type=click.Choice(["auto", "uvloop", "asyncio"]),
    default="auto",
    show_default=True,
    help="Event loop: auto = uvloop on Linux when installed, else asyncio's own.",
)
@click.option(
    "--workers",
    default="1",
    show_default=True,
    help="Processes answering on the port (SO_REUSEPORT), sharing one Redis; auto = cores.",
)
@click.option("--worker", hidden=True)  # set by --workers for each process it starts
@click.option(
    "--mail-in-rehearsal",
    is_flag=True,
    help="A rehearsal sends e-mail reminders and change notes too (to try [mail] out).",
)
@click.option("-v", "--verbose", is_flag=True)
@click.pass_context
def serve(
    ctx: click.Context,
    programme: Path,
    host: str,
    port: int,
    redis_url: str | None,
    data_dir: Path,
    speed: float | None,
    start_at: str | None,
    resume: bool,
    fresh: bool,
    base_url: str | None,
    seed: int,
    lease_seconds: float,
    lead_minutes: float,
    simulate_presence: bool,
    trusted_proxies: tuple[str, ...],
    client_timeout: float,
    loop: str,
    workers: str,
    worker: str | None,
    mail_in_rehearsal: bool,
    verbose: bool,
) -> None:
    """Serve the event in PROGRAMME: personal links, timed transitions, the organiser API.

    Without --speed and --start-at this is the real day, at the programme's own times."""
    from orchestrator.errors import SetupError
    from orchestrator.workers import worker_count

    try:
        count = worker_count(workers)
    except SetupError as exc:
        click.echo(f"rota serve: {exc}", err=True)
        sys.exit(2)
    if simulate_presence and not os.environ.get("ROTA_JAAS_WEBHOOK_SECRET"):
        click.echo("--simulate-presence needs ROTA_JAAS_WEBHOOK_SECRET", err=True)
        sys.exit(2)
    if resume and fresh:
        click.echo("choose one of --resume and --fresh", err=True)
        sys.exit(2)
    real_day = (speed is None or speed == 1) and start_at is None
    chosen_base = _base_url(base_url or os.environ.get("ROTA_BASE_URL", ""))
    if real_day and not chosen_base and not _loopback(host):
        click.echo(
            f"rota serve: people's links need the public address of this service; set "
            f"--base-url (or ROTA_BASE_URL), e.g. --base-url https://rota.example.org, "
            f"when serving the real day on {host}",
            err=True,
        )
        sys.exit(1)
    if count > 1 and worker is None:
        _supervise(ctx, programme, count, host, port, redis_url, data_dir, verbose)
        return
    _serve(
        programme,
        announce=False,
        verbose=verbose,
        loop=loop,
        worker=worker,
        host=host,
        port=port,
        redis_url=redis_url,
        data_dir=data_dir,
        speed=speed if speed is not None else 1.0,
        start_at=start_at,
        resume=resume,
        fresh=fresh,
        base_url=chosen_base or None,
        seed=seed,
        lease_seconds=lease_seconds,
        lead_minutes=lead_minutes,
        simulate_presence=simulate_presence,
        trusted_proxies=trusted_proxies,
        client_timeout=client_timeout,
        mail_in_rehearsal=mail_in_rehearsal,
    )


# Options that start or change the run: only the first worker gets them; the others carry on
# with the run it stored (--resume). --simulate-presence: one simulator for the group.
FIRST_WORKER_ONLY = {"start_at", "fresh", "resume", "simulate_presence"}
SUPERVISOR_ONLY = {"workers", "worker", "redis_url"}


def _worker_arguments(ctx: click.Context, names: set[str]) -> list[str]:
    """The command line of `rota serve` for options in `names`, as it was given."""
    arguments: list[str] = []
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name not in names:
            continue
        value = ctx.params.get(param.name or "")
        flag = param.opts[-1] if param.opts[-1].startswith("--") else param.opts[0]
        if param.is_flag:
            arguments += [flag] if value else []
        elif param.multiple:
            for item in value or ():
                arguments += [flag, str(item)]
        elif value is not None:
            arguments += [flag, str(value)]
    return arguments


def _supervise(
    ctx: click.Context,
    programme_path: Path,
    count: int,
    host: str,
    port: int,
    redis_url: str | None,
    data_dir: Path,
    verbose: bool,
) -> None:
    """`rota serve --workers N`: see orchestrator/workers.py."""
    from orchestrator.errors import SetupError
    from orchestrator.event_loop import new_event_loop
    from orchestrator.workers import Workers

    programme = _load(programme_path, dict(os.environ))  # refuse a bad programme once
    _logging(programme.event.id, verbose)
    options = {p.name for p in ctx.command.params if isinstance(p, click.Option) and p.name}
    shared = options - FIRST_WORKER_ONLY - SUPERVISOR_ONLY
    every = [str(programme_path), *_worker_arguments(ctx, shared)]
    first = _worker_arguments(ctx, FIRST_WORKER_ONLY)
    env = dict(os.environ)
    if not env.get("ROTA_ORGANISER_TOKEN"):  # one token for all workers
        token = env["ROTA_ORGANISER_TOKEN"] = secrets.token_urlsafe(24)
        click.echo(f"organiser token (set ROTA_ORGANISER_TOKEN to choose one): {token}")
    url = redis_url or env.get("REDIS_URL") or None
    workers = Workers(count, every, first, host, port, url, data_dir, env)
    loop, _ = new_event_loop("asyncio")
    try:
        code = loop.run_until_complete(workers.run())
    except SetupError as exc:
        click.echo(f"rota serve: {exc}", err=True)
        code = 1
    finally:
        loop.close()
    sys.exit(code)


EXAMPLE_DIR = Path(__file__).resolve().parents[1] / "examples" / "bip-2025"


@main.command()
@click.option("--port", type=int, default=8080, show_default=True)
@click.option(
    "--speed", type=click.FloatRange(min=0.01, max=100_000), default=60.0, show_default=True
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="var/demo",
    show_default=True,
)
@click.option(
    "--no-simulation", is_flag=True, help="No simulated people in the rooms (counts stay empty)."
)
def demo(port: int, speed: float, data_dir: Path, no_simulation: bool) -> None:
    """Rehearse the bundled example day (8 teams, 6 rounds, 2 keynotes, then a closing lecture and
    the award ceremony for everyone) from now, 60× fast,
    with simulated people joining and leaving the rooms so the board has something to show."""
    programme = EXAMPLE_DIR / "programme.toml"
    if not programme.exists():
        click.echo(f"the bundled example is missing ({programme}); run from a clone", err=True)
        sys.exit(1)
    if not no_simulation:  # the simulated webhooks are signed with a secret made up here
        os.environ.setdefault("ROTA_JAAS_WEBHOOK_SECRET", "whsec_" + secrets.token_urlsafe(24))
    _serve(
        programme,
        announce=True,
        verbose=False,
        port=port,
        speed=speed,
        start_at="now",
        data_dir=data_dir,
        simulate_presence=not no_simulation,
    )


@main.command()
@click.option("--url", default="http://127.0.0.1:8080", show_default=True)
@click.option("--timeout", type=float, default=3.0, show_default=True)
def health(url: str, timeout: float) -> None:
    """Exit 0 when the service at URL is healthy, 1 otherwise (a container health check)."""
    import httpx

    try:
        response = httpx.get(f"{url.rstrip('/')}/healthz", timeout=timeout)
    except httpx.HTTPError as exc:
        click.echo(f"unreachable: {exc}", err=True)
        sys.exit(1)
    click.echo(response.text)
    sys.exit(0 if response.status_code == 200 else 1)


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--keynote", required=True, help="The keynote's id.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option("--redis", "redis_url", help="Redis URL (default: $REDIS_URL, else --data-dir).")
@click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), default="var", show_default=True
)
def attendance(
    programme: Path, keynote: str, fmt: str, redis_url: str | None, data_dir: Path
) -> None:
    """Keynote attendance rebuilt from the stored room events (the same as the API's)."""
    import json

    from orchestrator.presence.attendance import in_event_time, keynote_report, rows_csv, rows_json

    loaded = _load(programme)
    if keynote not in loaded.keynote_by_id:
        click.echo(
            f"unknown keynote {keynote!r} (known: {', '.join(loaded.keynote_by_id)})", err=True
        )
        sys.exit(1)

    async def report(live, store):  # type: ignore[no-untyped-def]
        return keynote_report(
            live,
            in_event_time(live, await store.room_events()).events,
            keynote,
            await store.clicks(),
        )

    rows = _stored_live(loaded, redis_url, data_dir, report)
    tz = loaded.event.tz
    if fmt == "csv":
        click.echo(rows_csv(rows, tz), nl=False)
    else:
        click.echo(
            json.dumps({"keynote": keynote, "rows": rows_json(rows, tz)}, indent=2), nl=False
        )


def _stored_live(loaded, redis_url: str | None, data_dir: Path, work):  # type: ignore[no-untyped-def]
    """Run `work(live, store)` against the event's stored state (like `rota attendance`)."""
    import asyncio

    from orchestrator.errors import NotFound, SetupError
    from orchestrator.storage.stored_event import live_from_store, stored_event
    from rooms.links import JitsiConfig

    async def run():  # type: ignore[no-untyped-def]
        async with stored_event(
            loaded, redis_url or os.environ.get("REDIS_URL"), data_dir
        ) as store:
            live = await live_from_store(
                loaded,
                store,
                JitsiConfig.from_section(
                    loaded.sections.get("jitsi"),
                    dict(os.environ),
                    base=loaded.source.parent if loaded.source else None,
                ),
            )
            return await work(live, store)

    try:
        return asyncio.run(run())
    except (SetupError, NotFound) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--participant", required=True, help="The participant's id from the roster.")
@click.option("--export", "do_export", is_flag=True, help="Everything stored about them, as JSON.")
@click.option(
    "--erase",
    "do_erase",
    is_flag=True,
    help="Erase them for good: link, name, e-mail, records; an anonymous seat keeps the place.",
)
@click.option("--redis", "redis_url", help="Redis URL (default: $REDIS_URL, else --data-dir).")
@click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), default="var", show_default=True
)
def person(
    programme: Path,
    participant: str,
    do_export: bool,
    do_erase: bool,
    redis_url: str | None,
    data_dir: Path,
) -> None:
    """One person's own data, from a running or stopped event (docs/privacy.md)."""
    import json

    from orchestrator.privacy import erase_person, export_person

    if do_export == do_erase:
        click.echo("say what to do: --export or --erase", err=True)
        sys.exit(2)
    loaded = _load(programme)
    if participant not in loaded.participant_by_id:
        click.echo(f"unknown participant {participant!r}", err=True)
        sys.exit(1)

    async def work(live, store):  # type: ignore[no-untyped-def]
        if do_erase:
            return await erase_person(live, store, participant, by="rota person")
        return await export_person(live, store, participant)

    found = _stored_live(loaded, redis_url, data_dir, work)
    if do_erase:
        click.echo(f"{participant} erased; their place is kept by the anonymous seat {found}")
    else:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--redis", "redis_url", help="Redis URL (default: $REDIS_URL, else --data-dir).")
@click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), default="var", show_default=True
)
def results(programme: Path, fmt: str, redis_url: str | None, data_dir: Path) -> None:
    """The jury's results: raw and severity-corrected totals, ranks (docs/scoring.md)."""
    import json

    from orchestrator.jury import Jury
    from orchestrator.storage.scores import ScoreStore
    from schedules.results import results_csv, results_table

    loaded = _load(programme)
    if loaded.scoring is None:
        click.echo(f"{programme}: the programme has no [scoring] section", err=True)
        sys.exit(1)

    async def work(live, store):  # type: ignore[no-untyped-def]
        return await Jury(ScoreStore(store)).results(live)

    found = _stored_live(loaded, redis_url, data_dir, work)
    names = {t.id: t.name for t in loaded.teams}
    if fmt == "json":
        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(results_csv(found, loaded.scoring, names), nl=False)
    else:
        click.echo(results_table(found, loaded.scoring, names), nl=False)


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
@click.option("--redis", "redis_url", help="Redis URL (default: $REDIS_URL, else --data-dir).")
@click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), default="var", show_default=True
)
def certificates(programme: Path, out: Path, redis_url: str | None, data_dir: Path) -> None:
    """Award and attendance certificates and the teams' feedback sheets, as PDFs in OUT."""
    from orchestrator.certificates import gather

    loaded = _load(programme)
    made = _stored_live(loaded, redis_url, data_dir, gather)
    out.mkdir(parents=True, exist_ok=True)
    for item in made:
        (out / item.filename).write_bytes(item.pdf)
    kinds = {k: sum(c.filename.startswith(k) for c in made) for k in ("award", "attendance")}
    click.echo(
        f"wrote {len(made)} PDFs to {out}: {kinds['award']} award, {kinds['attendance']} "
        f"attendance, {len(made) - sum(kinds.values())} feedback"
    )


def _required_base_url(base_url: str | None) -> str:
    chosen = _base_url(base_url or os.environ.get("ROTA_BASE_URL", ""))
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


def _store_options(command):  # type: ignore[no-untyped-def]
    for option in reversed(STORE_OPTIONS):
        command = option(command)
    return command


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--base-url", help="The public address people's links use ($ROTA_BASE_URL).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv", show_default=True
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here instead of standard output (needed for xlsx).",
)
@_store_options
def links(
    programme: Path,
    base_url: str | None,
    fmt: str,
    out: Path | None,
    redis_url: str | None,
    data_dir: Path,
) -> None:
    """Every person's personal link, page and agenda, with their first place and time: one
    row each (CSV opens in a spreadsheet; UTF-8 with a byte-order mark)."""
    from orchestrator.links_table import FORMATS, link_rows

    chosen = _required_base_url(base_url)
    if fmt == "xlsx" and out is None:
        click.echo("xlsx is a binary file: give --out FILE.xlsx", err=True)
        sys.exit(2)
    loaded = _load(programme)

    async def table(live: Live, store: Store) -> bytes:
        return FORMATS[fmt][0](link_rows(live, chosen))

    data = _stored_live(loaded, redis_url, data_dir, table)
    if out is not None:
        out.write_bytes(data)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(data.decode("utf-8-sig") if fmt == "csv" else data.decode(), nl=False)


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--base-url", help="The public address people's links use ($ROTA_BASE_URL).")
@click.option("--only", multiple=True, help="Only this participant id (repeat for several).")
@click.option("--resend", is_flag=True, help="Send again to people already invited.")
@click.option("--dry-run", is_flag=True, help="Say who would get what; send nothing.")
@_store_options
def invite(
    programme: Path,
    base_url: str | None,
    only: tuple[str, ...],
    resend: bool,
    dry_run: bool,
    redis_url: str | None,
    data_dir: Path,
) -> None:
    """E-mail every person their personal link, in their language, with their first place
    and time in their own zone and their agenda attached ([mail] in the programme). Nobody
    is mailed twice unless --resend; failures are listed, and the exit code is 1."""
    from datetime import UTC, datetime

    from orchestrator.errors import SetupError
    from orchestrator.mail.compose import compose
    from orchestrator.mail.config import mail_config
    from orchestrator.mail.postman import Job, Postman
    from orchestrator.mail.records import MailRecords

    chosen = _required_base_url(base_url)
    loaded = _load(programme)
    try:
        config = mail_config(loaded, os.environ)
    except SetupError as exc:
        click.echo(f"{programme}: {exc}", err=True)
        sys.exit(1)
    if config is None:
        click.echo(
            f"{programme}: add a [mail] section to send e-mail (docs/operations.md)", err=True
        )
        sys.exit(1)
    unknown = [i for i in only if i not in loaded.participant_by_id]
    if unknown:
        click.echo(f"unknown participant(s): {', '.join(unknown)}", err=True)
        sys.exit(2)

    async def send(live: Live, store: Store) -> list[tuple[str, str, str]]:
        people = [p for p in live.programme.participants if not only or p.id in only]
        now = datetime.now(UTC)
        if dry_run:
            lines = []
            for person in people:
                if not person.email:
                    lines.append((person.id, "no-address", "no e-mail address in the roster"))
                    continue
                message = compose("invitation", live, person, chosen, config, now)
                lang = live.programme.language_of(person)
                lines.append((person.id, "would send", f"[{lang}] {message['Subject']}"))
            return lines
        # ROTA_MAIL_BACKOFF_SCALE shortens the retries' waits (1 s, 5 s, 30 s) in tests
        scale = float(os.environ.get("ROTA_MAIL_BACKOFF_SCALE", "1") or 1)
        postman = Postman(config, MailRecords(store), scale)
        jobs = [
            Job(
                "invitation",
                person,
                lambda person=person: compose("invitation", live, person, chosen, config, now),
            )
            for person in people
        ]
        try:
            outcomes = await postman.deliver(jobs, resend=resend)
        finally:
            await postman.close()
        return [(o.participant, o.status, o.error) for o in outcomes]

    results = _stored_live(loaded, redis_url, data_dir, send)
    counts: dict[str, int] = {}
    for pid, status, detail in results:
        counts[status] = counts.get(status, 0) + 1
        if status in ("failed", "no-address") or dry_run:
            click.echo(f"{status}: {pid}: {detail}", err=status != "would send")
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    click.echo(f"invitations: {summary or 'nobody to invite'}")
    if counts.get("failed"):
        sys.exit(1)


if __name__ == "__main__":  # `python -m orchestrator.cli`, as `rota serve --workers` starts them
    main()
