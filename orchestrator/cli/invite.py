"""`rota invite`: every person's personal link by e-mail ([mail] in the programme)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from orchestrator.cli.common import (
    PROGRAMME,
    load_or_exit,
    main,
    on_stored_event,
    pass_environment,
    required_base_url,
    store_options,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from email.message import EmailMessage

    from orchestrator.event.live import Live
    from orchestrator.settings import Environment
    from orchestrator.storage.store import Store
    from schedules.model import Participant


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--base-url", help="The public address people's links use ($ROTA_BASE_URL).")
@click.option("--only", multiple=True, help="Only this participant id (repeat for several).")
@click.option("--resend", is_flag=True, help="Send again to people already invited.")
@click.option(
    "--resend-outdated",
    is_flag=True,
    help="Send again to people whose invitation carried another public address than this "
    "--base-url (those sent during a rehearsal or with a loopback address go again by "
    "themselves).",
)
@click.option("--dry-run", is_flag=True, help="Say who would get what; send nothing.")
@store_options
@pass_environment
def invite(
    env: Environment,
    programme: Path,
    base_url: str | None,
    only: tuple[str, ...],
    resend: bool,
    resend_outdated: bool,
    dry_run: bool,
    redis_url: str | None,
    data_dir: Path,
) -> None:
    """E-mail every person their personal link, in their language, with their first place
    and time in their own zone and their agenda attached ([mail] in the programme). Nobody
    is mailed twice unless --resend, but an invitation that went out during a rehearsal or
    with a loopback address is sent again once --base-url is a public one (said first);
    failures are listed, and the exit code is 1."""
    from datetime import UTC, datetime

    from orchestrator.errors import SetupError
    from orchestrator.mail.addresses import outdated
    from orchestrator.mail.compose import compose
    from orchestrator.mail.config import mail_config
    from orchestrator.mail.records import MailRecords
    from orchestrator.mail.sender import Job, MailSender

    chosen = required_base_url(base_url, env)
    loaded = load_or_exit(programme, env)
    try:
        config = mail_config(loaded, env)
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
        records = MailRecords(store)
        stored = await records.all()
        found = outdated(stored, chosen)
        for line in found.lines(resend_outdated):
            click.echo(line, err=True)
        again = found.resend(resend_outdated)
        sent = {r.participant for r in stored if r.kind == "invitation" and r.status == "sent"}
        if dry_run:
            lines = []
            for person in people:
                if not person.email:
                    lines.append((person.id, "no-address", "no e-mail address in the roster"))
                    continue
                if person.id in sent and not (resend or person.id in again):
                    lines.append((person.id, "already invited", ""))
                    continue
                message = compose("invitation", live, person, chosen, config, now)
                lang = live.programme.language_of(person)
                lines.append((person.id, "would send", f"[{lang}] {message['Subject']}"))
            return lines
        # ROTA_MAIL_BACKOFF_SCALE shortens the retries' waits (1 s, 5 s, 30 s) in tests
        sender = MailSender(config, records, env.mail_backoff_scale)
        rehearsal = not live.clock.is_real

        def build(person: Participant) -> Callable[[], EmailMessage]:
            return lambda: compose("invitation", live, person, chosen, config, now)

        jobs = [
            Job("invitation", p, build(p), chosen, rehearsal, resend=p.id in again) for p in people
        ]
        try:
            outcomes = await sender.deliver(jobs, resend=resend)
        finally:
            await sender.close()
        return [(o.participant, o.status, o.error) for o in outcomes]

    results = on_stored_event(loaded, redis_url, data_dir, env, send)
    counts: dict[str, int] = {}
    for pid, status, detail in results:
        counts[status] = counts.get(status, 0) + 1
        if status in ("failed", "no-address") or (dry_run and status == "would send"):
            click.echo(f"{status}: {pid}: {detail}", err=status != "would send")
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    click.echo(f"invitations: {summary or 'nobody to invite'}")
    if counts.get("failed"):
        sys.exit(1)
