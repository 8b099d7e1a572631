"""The purge: after a whole rehearsal of the bundled example (signed webhooks from simulated
presence, the simulated jury's scores and comments, everyone's /go click, invitations through
a real SMTP server, a links file written by `rota links`), `rota purge` on the stopped
event's folder leaves no roster name, e-mail address, id or token in any file under it (the
append-only file included), attendance figures are the same, and the old links answer 404.
A dry run changes nothing. The leader's retention timer purges by itself at rehearsal speed."""

from __future__ import annotations

import asyncio
import logging
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from click.testing import CliRunner

from orchestrator.appkeys import BOUNDARIES, SERVICE, STORE
from orchestrator.cli import main
from orchestrator.event.stored_live import with_stored_event
from orchestrator.privacy.purge import NOTHING_LEFT
from orchestrator.storage.score_store import ScoreStore
from schedules.programme import load_programme
from schedules.scoring import Score
from tests.support.app import ARMED, AUTH, start_app
from tests.support.builders import BASE_TOML, upcoming, write_event
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.examples import example_with_mail
from tests.support.mailbox import Inbox, invite, mail_server
from tests.support.standin_jitsi import JAAS_SECRET

ROTA = str(Path(sys.executable).parent / "rota")
SPEED = 900.0
ENV = {"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET}
PURGE_JOB = "privacy.purge"  # the retention timer's job (orchestrator/privacy/purge.py)


PERSONAL = ("participant", "name", "email", "institution", "country")


@dataclass
class Rehearsed:
    programme: Path
    data: Path
    secrets: list[str]  # every roster id, name, e-mail address and personal token
    tokens: list[str]
    figures: dict[str, list[tuple[Any, ...]]]  # attendance rows without whose they are
    links_file: Path


def aggregate(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Attendance rows as figures: every value but who the person is, sorted."""
    return sorted(
        tuple(sorted((k, str(v)) for k, v in row.items() if k not in PERSONAL)) for row in rows
    )


async def attendance(base_url: str, live: Any) -> dict[str, list[tuple[Any, ...]]]:
    figures = {}
    async with httpx.AsyncClient(timeout=30) as http:
        for r in live.timeline.rounds:
            got = await http.get(f"{base_url}/api/v1/rounds/{r.index}/attendance", headers=AUTH)
            figures[f"round {r.index}"] = aggregate(got.json()["rows"])
        for k in live.timeline.keynotes:
            got = await http.get(f"{base_url}/api/v1/keynotes/{k.id}/attendance", headers=AUTH)
            figures[f"keynote {k.id}"] = aggregate(got.json()["rows"])
    return figures


async def figures_of_stopped(programme: Path, data: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The attendance figures of a stopped event, served again (once every webhook is in)."""
    running = await start_app(programme, data_dir=data, env=ENV, resume=True)
    try:
        return await attendance(running.base_url, running.app[SERVICE].require_live())
    finally:
        await running.stop()


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inbox]:
    yield from mail_server(tmp_path_factory.mktemp("smtp"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rehearsed(smtp: Inbox, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator:
    """The whole example day rehearsed at 900x into a data folder, then stopped."""
    folder = tmp_path_factory.mktemp("rehearsal")
    programme = example_with_mail(folder / "event", smtp.section())
    data = folder / "var"
    running = await start_app(
        programme,
        data_dir=data,
        env=ENV,
        simulate_presence=True,
        speed=SPEED,
        start_at=start_so_that_now_is(-1, speed=SPEED),
    )
    live = running.app[SERVICE].require_live()
    code, _, err = await invite(programme, running.base_url, data)
    assert code == 0, err
    links_file = folder / "links.csv"
    command = [ROTA, "links", str(programme), "--base-url", running.base_url]
    done = await asyncio.to_thread(
        subprocess.run,
        [*command, "--data-dir", str(data), "--out", str(links_file)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    async with httpx.AsyncClient(timeout=30) as http:
        for token in live.token_of.values():
            assert (await http.get(f"{running.base_url}/go/{token}")).status_code in (200, 302)
    store = running.app[STORE]

    async def ended() -> bool:
        return bool(await store.redis.hexists(store.keys.fired, "event.ended"))

    await eventually(ended, seconds=180, interval=0.5)
    jurors = [p for p in live.programme.participants if p.role == "jury"][:2]
    for juror, other in zip(jurors, reversed(jurors), strict=True):  # besides the simulated
        comment = f"{juror.name} liked it; ask {other.email}"  # jury's (fewer under load)
        await ScoreStore(store).save_score(Score(juror.id, "t1", {"impact": 3}, comment))
    assert smtp.count() >= len(live.programme.participants) - 5, "invitations went out"
    people = live.programme.participants
    secrets = [v for p in people for v in (p.id, p.name, p.email) if v]
    tokens = list(live.token_of.values())
    await running.stop()
    figures = await figures_of_stopped(programme, data)
    yield Rehearsed(programme, data, secrets + tokens, tokens, figures, links_file)


def copy_of(rehearsed: Rehearsed, tmp_path: Path) -> Path:
    data = tmp_path / "var"
    shutil.copytree(rehearsed.data, data, ignore=shutil.ignore_patterns("*.sock"))
    return data


def rota_purge(programme: Path, data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`rota purge` without a terminal: confirmed with --yes (the rehearsal's day is over)."""
    return subprocess.run(
        [ROTA, "purge", str(programme), "--data-dir", str(data), "--yes", *extra],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def found_on_disk(data: Path, values: list[str]) -> set[tuple[str, str]]:
    """(file, value) for every value found in the bytes of any file under the folder."""
    found = set()
    for path in data.rglob("*"):
        if path.is_file() and not path.is_socket():
            raw = path.read_bytes()
            found |= {(path.name, v) for v in values if v.encode() in raw}
    return found


def appended_commands(before: bytes, after: bytes) -> list[bytes]:
    """The names of the commands the append-only file gained (it may only have grown)."""
    assert after.startswith(before)
    tail, names = after[len(before) :].split(b"\r\n"), []
    for i, line in enumerate(tail):
        if line.startswith(b"*"):
            names.append(tail[i + 2].upper())
    return names


@pytest.mark.asyncio(loop_scope="module")
async def test_a_dry_run_counts_and_changes_nothing(rehearsed: Rehearsed, tmp_path: Path) -> None:
    data = copy_of(rehearsed, tmp_path)
    before = (data / "appendonly.aof").read_bytes()
    done = await asyncio.to_thread(rota_purge, rehearsed.programme, data, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "would remove (dry run: nothing changed):" in done.stdout
    assert "room events naming a person" in done.stdout and "comments" in done.stdout
    after = (data / "appendonly.aof").read_bytes()
    assert set(appended_commands(before, after)) <= {b"SELECT", b"DEL"}  # keys that expired


@pytest.mark.asyncio(loop_scope="module")
async def test_after_the_purge_no_file_holds_a_name_address_id_or_token(
    rehearsed: Rehearsed, tmp_path: Path
) -> None:
    data = copy_of(rehearsed, tmp_path)
    assert found_on_disk(data, rehearsed.secrets)  # the rehearsal wrote them all down
    done = await asyncio.to_thread(rota_purge, rehearsed.programme, data)
    assert done.returncode == 0, done.stderr
    assert "disk: the append-only file was rewritten" in done.stdout
    assert sorted(found_on_disk(data, rehearsed.secrets)) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_the_purge_lists_the_files_rota_wrote(rehearsed: Rehearsed, tmp_path: Path) -> None:
    data = copy_of(rehearsed, tmp_path)
    done = await asyncio.to_thread(rota_purge, rehearsed.programme, data, "--dry-run")
    assert f"  {rehearsed.links_file.resolve()}  (links, " in done.stdout


@pytest.mark.asyncio(loop_scope="module")
async def test_a_purged_event_has_nothing_left_to_purge(
    rehearsed: Rehearsed, tmp_path: Path
) -> None:
    """The anonymous seats' ids (`erased-…`) name nobody: a second look finds nothing."""
    data = copy_of(rehearsed, tmp_path)
    assert (await asyncio.to_thread(rota_purge, rehearsed.programme, data)).returncode == 0
    again = await asyncio.to_thread(rota_purge, rehearsed.programme, data, "--dry-run")
    assert again.returncode == 0, again.stderr
    listed = again.stdout.split("files Rota wrote")[0].strip().splitlines()[1:]
    assert [line.strip() for line in listed] == [NOTHING_LEFT]


@pytest.mark.asyncio(loop_scope="module")
async def test_after_the_purge_no_file_holds_an_institution(
    rehearsed: Rehearsed, tmp_path: Path
) -> None:
    data = copy_of(rehearsed, tmp_path)
    people = load_programme(rehearsed.programme).participants
    own_words = rehearsed.programme.read_text()  # e.g. the controller, a university too
    institutions = sorted({p.institution for p in people if p.institution})
    institutions = [i for i in institutions if i not in own_words]
    assert found_on_disk(data, institutions)  # the plan's records held them
    assert (await asyncio.to_thread(rota_purge, rehearsed.programme, data)).returncode == 0
    assert sorted(found_on_disk(data, institutions)) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_after_the_purge_no_seat_gets_a_token_or_a_link(
    rehearsed: Rehearsed, tmp_path: Path
) -> None:
    data = copy_of(rehearsed, tmp_path)
    assert (await asyncio.to_thread(rota_purge, rehearsed.programme, data)).returncode == 0
    running = await start_app(rehearsed.programme, data_dir=data, env=ENV, resume=True)
    try:
        assert await running.app[STORE].tokens() == {}
        async with httpx.AsyncClient(timeout=30) as http:
            listed = await http.get(f"{running.base_url}/api/v1/participants", headers=AUTH)
        assert listed.json() == []
    finally:
        await running.stop()


@pytest.mark.asyncio(loop_scope="module")
async def test_after_the_purge_the_attendance_figures_are_the_same(
    rehearsed: Rehearsed, tmp_path: Path
) -> None:
    data = copy_of(rehearsed, tmp_path)
    done = await asyncio.to_thread(rota_purge, rehearsed.programme, data)
    assert done.returncode == 0, done.stderr
    assert await figures_of_stopped(rehearsed.programme, data) == rehearsed.figures


@pytest.mark.asyncio(loop_scope="module")
async def test_after_the_purge_old_links_answer_404_and_the_board_works(
    rehearsed: Rehearsed, tmp_path: Path
) -> None:
    data = copy_of(rehearsed, tmp_path)
    done = await asyncio.to_thread(rota_purge, rehearsed.programme, data)
    assert done.returncode == 0, done.stderr
    running = await start_app(rehearsed.programme, data_dir=data, env=ENV, resume=True)
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            for token in rehearsed.tokens[:10]:
                assert (await http.get(f"{running.base_url}/go/{token}")).status_code == 404
            assert (await http.get(f"{running.base_url}/api/v1/state", headers=AUTH)).is_success
        shown = {p.name for p in running.app[SERVICE].require_live().programme.participants}
        assert not shown & set(rehearsed.secrets)
    finally:
        await running.stop()


RETENTION = """
[privacy]
controller = "Uni A"
contact = "privacy@example.org"
retention_days = 1
"""
FAST = 2400.0  # a day in 36 s


async def test_the_retention_timer_purges_at_rehearsal_speed(serve, tmp_path: Path) -> None:
    """The small day ends at 10:30; a day later, 120 event minutes (3 s) from now: purged."""
    programme = write_event(tmp_path, BASE_TOML + RETENTION)
    now = 90 + 24 * 60 - 120  # minutes after nine
    running = await serve(
        programme,
        data_dir=tmp_path / "var",
        speed=FAST,
        start_at=start_so_that_now_is(now, speed=FAST),
        purge_in_rehearsal=True,
    )
    store = running.app[STORE]
    live = running.app[SERVICE].require_live()
    token = live.token_of["a1"]
    assert not await store.redis.exists(store.keys.purged)

    async def purged() -> bool:
        return bool(await store.redis.exists(store.keys.purged))

    await eventually(purged, seconds=30, interval=0.2)
    assert (
        await store.redis.hlen(store.keys.tokens) == 0
        or token not in (await store.tokens()).values()
    )
    async with httpx.AsyncClient() as http:

        async def gone() -> bool:  # once the leader has reloaded what it purged
            return (await http.get(f"{running.base_url}/go/{token}")).status_code == 404

        await eventually(gone, seconds=10)
    journal = [f for _, f in await store.audit_after("0-0", 10_000) if f.get("kind") == "purge"]
    assert journal == [{"kind": "purge", "by": "retention", "people": "8"}]


async def test_a_rehearsal_purges_only_when_asked(
    serve, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Its tokens are the real day's too: past the retention time, nothing is purged."""
    caplog.set_level(logging.INFO, logger="orchestrator.boundaries.transitions")
    programme = write_event(tmp_path, BASE_TOML + RETENTION)
    now = 90 + 24 * 60 - 120  # minutes after nine: the purge is due in 3 s (120 event minutes)
    running = await serve(
        programme,
        data_dir=tmp_path / "var",
        speed=FAST,
        start_at=start_so_that_now_is(now, speed=FAST),
    )
    store = running.app[STORE]
    live = running.app[SERVICE].require_live()
    due = live.timeline.ends + timedelta(days=1)

    def past_due() -> bool:
        return live.event_now() > due + timedelta(minutes=30)

    # the leader armed the day's timed jobs (the retention timer is one): none purges
    await eventually(lambda: ARMED in caplog.text)
    assert running.app[BOUNDARIES].scheduler.get_job(PURGE_JOB) is None
    await eventually(past_due)
    assert not await store.redis.exists(store.keys.purged)
    assert await store.redis.hlen(store.keys.tokens) == 8


async def test_an_old_programme_served_anew_is_not_purged_by_itself(
    serve, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Its day (2025) and retention were over before this run began: only a warning."""
    programme = write_event(tmp_path, BASE_TOML + RETENTION)
    running = await serve(programme, data_dir=tmp_path / "var")
    store = running.app[STORE]

    # the retention timer said it arms nothing, in place of arming a purge due at once
    await eventually(lambda: "nothing is purged by itself; run `rota purge`" in caplog.text)
    assert running.app[BOUNDARIES].scheduler.get_job(PURGE_JOB) is None
    assert not await store.redis.exists(store.keys.purged)


async def test_with_an_external_redis_the_operator_is_told_about_its_persistence(
    serve, redis_url: str, tmp_path: Path
) -> None:
    programme = write_event(tmp_path, BASE_TOML + RETENTION)
    running = await serve(programme, redis_url=redis_url, speed=60.0, start_at="now")
    await running.stop()
    done = await asyncio.to_thread(
        subprocess.run,
        [ROTA, "purge", str(programme), "--redis", redis_url, "--yes"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "disk: the append-only file was rewritten" in done.stdout  # the test Redis has one
    assert "note: this Redis is not Rota's own" in done.stdout


# -- purge is safe: not before the end, not under a running service, only when confirmed --


@pytest.fixture
async def day_ahead(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A real day ahead, served once (its personal links made) and stopped."""
    programme = write_event(tmp_path / "event", upcoming(BASE_TOML))
    running = await start_app(programme, data_dir=tmp_path / "var")
    tokens = await running.app[STORE].tokens()
    await running.stop()
    return programme, tmp_path / "var", tokens


async def stored_tokens(programme: Path, data: Path) -> dict[str, str]:
    async def read(live: Any, store: Any) -> dict[str, str]:
        return dict(await store.tokens())

    return await with_stored_event(load_programme(programme), None, data, read)


async def test_before_its_end_the_purge_is_refused(day_ahead: tuple[Path, Path, Any]) -> None:
    programme, data, tokens = day_ahead
    done = await asyncio.to_thread(rota_purge, programme, data)
    assert done.returncode == 1
    assert done.stderr.startswith("rota purge: the event is not over: its last item ends ")
    assert "Add --force to purge anyway. Nothing was removed" in done.stderr
    assert await stored_tokens(programme, data) == tokens


async def test_with_force_and_yes_the_purge_goes_ahead_before_the_end(
    day_ahead: tuple[Path, Path, Any],
) -> None:
    programme, data, _ = day_ahead
    done = await asyncio.to_thread(rota_purge, programme, data, "--force")
    assert done.returncode == 0, done.stderr
    assert "personal tokens" in done.stdout
    assert await stored_tokens(programme, data) == {}


async def test_while_a_service_serves_the_event_the_purge_is_refused(
    serve, redis_url: str, tmp_path: Path
) -> None:
    programme = write_event(tmp_path, upcoming(BASE_TOML))
    running = await serve(programme, redis_url=redis_url, fresh=True)
    store = running.app[STORE]
    tokens = await store.tokens()
    await eventually(lambda: store.serving())  # the leader's lease or a heartbeat is there
    done = await asyncio.to_thread(
        subprocess.run,
        [ROTA, "purge", str(programme), "--redis", redis_url, "--yes", "--force"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("rota purge: a Rota service is serving this event now (")
    assert await store.tokens() == tokens
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"{running.base_url}/go/{tokens['a1']}")).status_code != 404


def test_without_a_terminal_the_purge_needs_yes(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["purge", str(write_event(tmp_path)), "--data-dir", "x"])
    assert result.exit_code == 2
    assert "without a terminal give --yes" in result.output


def on_a_terminal(command: list[str], answer: str) -> tuple[int, str]:
    """Run `command` with a pseudo-terminal as its stdin and stdout; type `answer` once it
    asks for the event id."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen, typed = b"", False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the other side closed: the command is done
                break
            if not chunk:
                break
            seen += chunk
        if not typed and b"to go on:" in seen:
            os.write(leader, answer.encode() + b"\n")
            typed = True
        if process.poll() is not None and not ready:
            break
    os.close(leader)
    return process.wait(30), seen.decode(errors="replace")


@pytest.mark.parametrize(
    ("typed", "purged"), [("demo", True), ("dem", False)], ids=["the id", "another word"]
)
async def test_on_a_terminal_the_counts_are_shown_and_the_event_id_must_be_typed(
    day_ahead: tuple[Path, Path, Any], typed: str, purged: bool
) -> None:
    programme, data, tokens = day_ahead
    command = [ROTA, "purge", str(programme), "--data-dir", str(data), "--force"]
    code, output = await asyncio.to_thread(on_a_terminal, command, typed)
    assert "      8  personal tokens (current and replaced)" in output
    assert "Type the event id (demo) to go on:" in output
    assert code == (0 if purged else 1), output
    assert ("removed:" in output) == purged
    assert await stored_tokens(programme, data) == ({} if purged else tokens)
