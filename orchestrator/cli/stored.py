"""`rota attendance`, `rota results`, `rota certificates`, `rota links`: reports from an
event's stored state, served or not."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    from orchestrator.event.live import Live
    from orchestrator.settings import Environment
    from orchestrator.storage.store import Store
    from rooms.presence import AttendanceRow
    from schedules.results import Results


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--keynote", required=True, help="The keynote's id.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@store_options
@pass_environment
def attendance(
    env: Environment, programme: Path, keynote: str, fmt: str, redis_url: str | None, data_dir: Path
) -> None:
    """Keynote attendance rebuilt from the stored room events (the same as the API's)."""
    import json

    from orchestrator.presence.attendance import (
        in_event_time,
        keynote_presence,
        keynote_report,
        rows_csv,
        rows_json,
    )

    loaded = load_or_exit(programme, env)
    if keynote not in loaded.keynote_by_id:
        click.echo(
            f"unknown keynote {keynote!r} (known: {', '.join(loaded.keynote_by_id)})", err=True
        )
        sys.exit(1)

    async def report(live: Live, store: Store) -> tuple[list[AttendanceRow], dict[str, object]]:
        events = in_event_time(live, await store.room_events()).events
        clicks, marks = await store.clicks(), await store.marks()
        return (
            keynote_report(live, events, keynote, clicks, marks),
            keynote_presence(live, events, keynote, clicks, marks),
        )

    rows, presence = on_stored_event(loaded, redis_url, data_dir, env, report)
    tz = loaded.event.tz
    if fmt == "csv":
        click.echo(rows_csv(rows, tz), nl=False)
        click.echo(f"presence: {presence['text'] or 'nobody seen'}", err=True)
        counted = presence["attended_by"]
        assert isinstance(counted, list)
        click.echo(f"attended: counted from {', '.join(counted)}", err=True)
    else:
        click.echo(
            json.dumps(
                {"keynote": keynote, "rows": rows_json(rows, tz), "presence": presence}, indent=2
            ),
            nl=False,
        )


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
@store_options
@pass_environment
def person(
    env: Environment,
    programme: Path,
    participant: str,
    do_export: bool,
    do_erase: bool,
    redis_url: str | None,
    data_dir: Path,
) -> None:
    """One person's own data, from a running or stopped event (docs/privacy.md)."""
    import json

    from orchestrator.privacy.own_data import erase_person, export_person

    if do_export == do_erase:
        click.echo("say what to do: --export or --erase", err=True)
        sys.exit(2)
    loaded = load_or_exit(programme, env)
    if participant not in loaded.participant_by_id:
        click.echo(f"unknown participant {participant!r}", err=True)
        sys.exit(1)

    async def work(live: Live, store: Store) -> dict[str, Any] | str:
        if do_erase:
            return await erase_person(live, store, participant, by="rota person")
        return await export_person(live, store, participant)

    found = on_stored_event(loaded, redis_url, data_dir, env, work)
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
@store_options
@pass_environment
def results(
    env: Environment, programme: Path, fmt: str, redis_url: str | None, data_dir: Path
) -> None:
    """The jury's results: raw and severity-corrected totals, ranks (docs/scoring.md)."""
    import json

    from orchestrator.scoring.jury import Jury
    from orchestrator.storage.score_store import ScoreStore
    from schedules.results import results_csv, results_table

    loaded = load_or_exit(programme, env)
    if loaded.scoring is None:
        click.echo(f"{programme}: the programme has no [scoring] section", err=True)
        sys.exit(1)

    async def work(live: Live, store: Store) -> Results:
        return await Jury(ScoreStore(store)).results(live)

    found = on_stored_event(loaded, redis_url, data_dir, env, work)
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
@store_options
@pass_environment
def report(
    env: Environment, programme: Path, out: Path, redis_url: str | None, data_dir: Path
) -> None:
    """The day in pictures: OUT/index.html with its charts (SVG), each chart's numbers as a
    table and a CSV, and index.pdf when Chromium is installed (docs/operations.md)."""
    import shutil
    import subprocess

    from orchestrator.views import day_report, report_page

    loaded = load_or_exit(programme, env)

    async def work(live: Live, store: Store) -> tuple[list[report_page.Chart], str]:
        return await day_report.gather(live, store), day_report.so_far(live)

    charts, note = on_stored_event(loaded, redis_url, data_dir, env, work)
    index = report_page.write(loaded.event.title, charts, out, note)
    if note:
        click.echo(note, err=True)
    made = [index.name, *(f"{c.id}.csv" for c in charts)]
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:  # the same page as a PDF, to attach to a report
        pdf = out / "index.pdf"
        subprocess.run(
            [
                browser,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                index.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
        if pdf.exists():
            made.append(pdf.name)
    click.echo(f"wrote {', '.join(made)} to {out}")


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
@store_options
@pass_environment
def certificates(
    env: Environment, programme: Path, out: Path, redis_url: str | None, data_dir: Path
) -> None:
    """Award and attendance certificates and the teams' feedback sheets, as PDFs in OUT."""
    from orchestrator.presence.attendance import in_event_time, keynote_evidence
    from orchestrator.privacy.private_files import private_folder, write_private
    from orchestrator.privacy.purge import record_export
    from orchestrator.scoring.certificates import gather

    loaded = load_or_exit(programme, env)
    target = str(out.resolve())

    async def write(live: Live, store: Store) -> tuple[list[Any], dict[str, list[str]]]:
        await record_export(store, target, "certificates")  # the purge lists it
        events = in_event_time(live, await store.room_events()).events
        planned = {k.id for k in live.plan.keynotes}
        sources = {
            k.id: [str(s) for s in keynote_evidence(live, k.id, events)]
            for k in live.programme.keynotes
            if k.id in planned
        }
        return await gather(live, store), sources

    made, sources = on_stored_event(loaded, redis_url, data_dir, env, write)
    private_folder(out)
    for item in made:
        write_private(out / item.filename, item.pdf)
    kinds = {k: sum(c.filename.startswith(k) for c in made) for k in ("award", "attendance")}
    click.echo(
        f"wrote {len(made)} PDFs to {out}: {kinds['award']} award, {kinds['attendance']} "
        f"attendance, {len(made) - sum(kinds.values())} feedback"
    )
    for keynote, counted in sources.items():  # what each attendance certificate rests on
        click.echo(f"attendance at {keynote}: counted from {', '.join(counted)}")


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
@store_options
@pass_environment
def links(
    env: Environment,
    programme: Path,
    base_url: str | None,
    fmt: str,
    out: Path | None,
    redis_url: str | None,
    data_dir: Path,
) -> None:
    """Every person's personal link, page and agenda, with their first place and time: one
    row each (CSV opens in a spreadsheet; UTF-8 with a byte-order mark)."""
    from orchestrator.api.links_table import FORMATS, link_rows
    from orchestrator.privacy.private_files import write_private
    from orchestrator.privacy.purge import record_export

    chosen = required_base_url(base_url, env)
    if fmt == "xlsx" and out is None:
        click.echo("xlsx is a binary file: give --out FILE.xlsx", err=True)
        sys.exit(2)
    loaded = load_or_exit(programme, env)

    target = str(out.resolve()) if out is not None else ""

    async def table(live: Live, store: Store) -> bytes:
        if target:
            await record_export(store, target, "links")  # the purge lists it
        return FORMATS[fmt][0](link_rows(live, chosen))

    data = on_stored_event(loaded, redis_url, data_dir, env, table)
    if out is not None:
        write_private(out, data)  # everyone's personal link: 0600
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(data.decode("utf-8-sig") if fmt == "csv" else data.decode(), nl=False)


@main.command()
@click.argument("programme", type=PROGRAMME)
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
@click.option(
    "--margin-minutes",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Refuse until this long after the event's last item has ended.",
)
@click.option("--force", is_flag=True, help="Purge before the event's end (and margin) too.")
@click.option(
    "--yes", is_flag=True, help="Do not ask for the event id (needed without a terminal)."
)
@store_options
@pass_environment
def purge(
    env: Environment,
    programme: Path,
    dry_run: bool,
    margin_minutes: float,
    force: bool,
    yes: bool,
    redis_url: str | None,
    data_dir: Path,
) -> None:
    """Remove every person's data from a stopped event for good: names, e-mail addresses,
    tokens, clicks, mail records, comments; counts and scores stay, pseudonymous
    (docs/privacy.md). Refused while a service serves the event or before its end (unless
    --force); asks for the event id to be typed (--yes without a terminal). The leader does
    it by itself once [privacy] retention_days are over."""
    from datetime import UTC, datetime, timedelta

    from orchestrator.privacy.purge import purge as run_purge
    from orchestrator.privacy.purge import refusal

    ask = not (dry_run or yes)
    if ask and not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(
            "rota purge removes everyone's personal data for good and asks for the event id "
            "to be typed; without a terminal give --yes (see first what goes: --dry-run)",
            err=True,
        )
        sys.exit(2)
    loaded = load_or_exit(programme, env)
    own = not (redis_url or env.redis_url)
    margin = timedelta(minutes=margin_minutes)

    async def work(live: Live, store: Store) -> tuple[str, list[str]]:
        if not dry_run:
            why = await refusal(live, store, datetime.now(UTC), margin, force)
            if why:
                return f"{why}. Nothing was removed", []
        if ask:
            counted = await run_purge(live, store, own, dry_run=True, by="rota purge")
            for line in counted.lines()[1:]:
                click.echo(line)
            event = live.programme.event.id
            typed = click.prompt(
                f"This removes the above for good and voids every personal link. Type the "
                f"event id ({event}) to go on",
                default="",
                show_default=False,
            )
            if typed.strip() != event:
                return f"you typed {typed.strip()!r}, not {event!r}: nothing was removed", []
        report = await run_purge(live, store, own, dry_run=dry_run, by="rota purge")
        return "", report.lines()

    why, lines = on_stored_event(loaded, redis_url, data_dir, env, work)
    if why:
        click.echo(f"rota purge: {why}", err=True)
        sys.exit(1)
    for line in lines:
        click.echo(line)
