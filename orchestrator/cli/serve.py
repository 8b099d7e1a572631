"""`rota serve` (one process or a group of workers), `rota demo`, `rota health`: running an
event, and asking a running one."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from orchestrator.cli.common import (
    PROGRAMME,
    base_url_or_exit,
    load_or_exit,
    load_to_serve,
    main,
    pass_environment,
)
from orchestrator.mail.addresses import is_loopback
from orchestrator.runtime.serving import ended_day_refusal, log_with_event, serve_event
from orchestrator.settings import Environment


@main.command()
@click.argument("programme", type=PROGRAMME, required=False)
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
@click.option(
    "--purge-in-rehearsal",
    is_flag=True,
    help="A rehearsal purges everyone's personal data too once [privacy] retention_days after "
    "its end are over, at its speed (to try it out: it deletes the real day's links too).",
)
@click.option("-v", "--verbose", is_flag=True)
@click.pass_context
def serve(
    ctx: click.Context,
    programme: Path | None,
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
    purge_in_rehearsal: bool,
    verbose: bool,
) -> None:
    """Serve the event in PROGRAMME: personal links, timed transitions, the organiser API.

    Without --speed and --start-at this is the real day, at the programme's own times.
    Without PROGRAMME: the one published in --data-dir, else the setup pages (/setup)."""
    from orchestrator.errors import SetupError
    from orchestrator.runtime.workers import worker_count

    env = ctx.find_object(Environment)
    assert env is not None  # read by the command group (cli/common.py)
    if programme is None:  # set up in the browser (orchestrator/setup/)
        programme = data_dir / "programme.toml"
        if not programme.exists():
            from orchestrator.setup.setup_only import serve_setup

            host_url = base_url_or_exit(base_url, env)
            serve_setup(data_dir, env, host=host, port=port, redis_url=redis_url, base_url=host_url)
            return

    try:
        count = worker_count(workers)
    except SetupError as exc:
        click.echo(f"rota serve: {exc}", err=True)
        sys.exit(2)
    if simulate_presence and not env.jaas_webhook_secret:
        click.echo("--simulate-presence needs ROTA_JAAS_WEBHOOK_SECRET", err=True)
        sys.exit(2)
    if resume and fresh:
        click.echo("choose one of --resume and --fresh", err=True)
        sys.exit(2)
    real_day = (speed is None or speed == 1) and start_at is None
    chosen_base = base_url_or_exit(base_url, env)
    if real_day and not chosen_base and not is_loopback(host):
        click.echo(
            f"rota serve: people's links need the public address of this service; set "
            f"--base-url (or ROTA_BASE_URL), e.g. --base-url https://rota.example.org, "
            f"when serving the real day on {host}",
            err=True,
        )
        sys.exit(1)
    proxied = trusted_proxies or env.trusted_proxies
    public_host = urlsplit(chosen_base).hostname or ""
    if real_day and proxied and chosen_base.startswith("http://") and not is_loopback(public_host):
        click.echo(
            f"rota serve: the base URL is {chosen_base}, but behind the proxy on the real day "
            "people's links must be https:// (set ROTA_BASE_URL=https://"
            f"{chosen_base.removeprefix('http://')})",
            err=True,
        )
        sys.exit(1)
    if count > 1 and worker is None:
        if real_day:  # a single process checks it in serve_event, once its port is bound
            url = redis_url or env.redis_url
            loaded = load_or_exit(programme, env)
            if refused := ended_day_refusal(loaded, programme, url, data_dir, resume):
                click.echo(refused, err=True)
                sys.exit(1)
        _supervise(ctx, env, programme, count, host, port, redis_url, data_dir, verbose)
        return
    serve_event(
        load_to_serve,
        programme,
        env,
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
        purge_in_rehearsal=purge_in_rehearsal,
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
    environ: Environment,
    programme_path: Path,
    count: int,
    host: str,
    port: int,
    redis_url: str | None,
    data_dir: Path,
    verbose: bool,
) -> None:
    """`rota serve --workers N`: see orchestrator/runtime/workers.py."""
    from orchestrator.errors import SetupError
    from orchestrator.runtime.event_loop import new_event_loop
    from orchestrator.runtime.workers import Workers

    programme = load_to_serve(programme_path, environ)  # refuse a bad programme once
    log_with_event(programme.event.id, verbose)
    options = {p.name for p in ctx.command.params if isinstance(p, click.Option) and p.name}
    shared = options - FIRST_WORKER_ONLY - SUPERVISOR_ONLY
    every = [str(programme_path), *_worker_arguments(ctx, shared)]
    first = _worker_arguments(ctx, FIRST_WORKER_ONLY)
    env = dict(environ)  # each worker's own environment, given to its process
    if not environ.organiser_token:  # one token for all workers
        token = env["ROTA_ORGANISER_TOKEN"] = secrets.token_urlsafe(24)
        click.echo(f"organiser token (set ROTA_ORGANISER_TOKEN to choose one): {token}")
    url = redis_url or environ.redis_url
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


EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "bip-2025"


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
@pass_environment
def demo(env: Environment, port: int, speed: float, data_dir: Path, no_simulation: bool) -> None:
    """Rehearse the bundled example day (8 teams, 6 rounds, 2 keynotes, then a closing lecture and
    the award ceremony for everyone) from now, 60× fast,
    with simulated people joining and leaving the rooms so the board has something to show."""
    programme = EXAMPLE_DIR / "programme.toml"
    if not programme.exists():
        click.echo(f"the bundled example is missing ({programme}); run from a clone", err=True)
        sys.exit(1)
    if not no_simulation and not env.jaas_webhook_secret:
        # the simulated webhooks are signed with a secret made up here
        env = env.with_values(ROTA_JAAS_WEBHOOK_SECRET="whsec_" + secrets.token_urlsafe(24))
    serve_event(
        load_or_exit,
        programme,
        env,
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
