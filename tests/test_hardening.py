"""The review's low findings, one reason per test: a revoked or erased person's open page
stream is closed; `HEAD /go/{token}` answers without counting a click; names with control
or invisible characters are refused by `rota check`, cleaned from what is built from names,
and stop no invitation."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import stat
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from orchestrator.appkeys import CLICKS, SERVICE, STORE
from orchestrator.cli import main
from orchestrator.errors import SetupError
from orchestrator.mail.compose import compose, header_text
from orchestrator.mail.config import mail_config
from orchestrator.mail.records import MailRecords
from orchestrator.mail.sender import Job, MailSender
from orchestrator.storage.redis_server import EmbeddedRedis
from rooms.names import room_name
from schedules.programme import check_programme
from schedules.text import clean
from tests.support.app import AUTH, EXAMPLE, start_app
from tests.support.builders import BASE_CSV, BASE_TOML, line_of, write_event
from tests.support.clock import eventually
from tests.support.examples import example_with_mail
from tests.support.mailbox import FAST, mail_server
from tests.support.sse_kit import read_to_the_end

PERSON = "emma-schmidt"
BASE = "https://rota.example.org"


@pytest.mark.parametrize("how", ["revoke", "erase"])
async def test_the_open_stream_of_a_revoked_or_erased_person_is_closed(
    serve, http, redis_url, how: str
) -> None:
    running = await serve(redis_url=redis_url, start_at="now")
    token = running.app[SERVICE].require_live().token_of[PERSON]
    task, moved = read_to_the_end(http, f"{running.base_url}/p/{token}/events", "move")
    await asyncio.wait_for(moved.wait(), 10)
    done = await http.post(f"{running.base_url}/api/v1/participants/{PERSON}/{how}", headers=AUTH)
    assert done.status_code == 200, done.text
    await asyncio.wait_for(task, 10)  # the server ended the stream
    assert (await http.get(f"{running.base_url}/go/{token}")).status_code == 404


async def test_head_on_go_counts_no_click(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url)
    token = running.app[SERVICE].require_live().token_of[PERSON]
    head = await http.head(f"{running.base_url}/go/{token}")
    assert head.status_code == 302 and head.headers["Location"]
    assert (await http.get(f"{running.base_url}/go/{token}")).status_code == 302
    await running.app[CLICKS].flush()

    async def clicks() -> list[dict[str, object]]:
        return [c for c in await running.app[STORE].clicks() if c["participant"] == PERSON]

    assert len(await eventually(clicks)) == 1  # the GET's, and no other


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ('"Ana\nSilva"', "U+000A LINE FEED (a line break)"),  # quoted as a spreadsheet writes it
        ("Ana\u202eavliS", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Ana\u2066Silva", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ],
)
def test_rota_check_refuses_a_name_with_a_control_character(
    tmp_path: Path, name: str, what: str
) -> None:
    csv = BASE_CSV.replace("Ana Audience", name)
    _, problems = check_programme(write_event(tmp_path, csv=csv), {})
    found = [str(p) for p in problems if "control or invisible" in p.message]
    line = line_of(csv, "a1,")
    assert found == [
        f"{tmp_path / 'roster.csv'}:{line}: 'a1': the name holds a control or invisible "
        f"character ({what})"
    ]


def test_text_built_from_names_is_cleaned() -> None:
    assert clean("Ana\u202eavliS\nx") == "AnaavliS x"
    assert header_text("A\r\nBcc: everyone@example.org") == "A Bcc: everyone@example.org"


async def test_a_bad_name_stops_no_invitation(tmp_path: Path) -> None:
    """Names that once stopped `rota invite` (a line break) or failed to send (over 1,000
    characters) get their mail, and so does everybody after them."""
    with contextlib.contextmanager(mail_server)(tmp_path) as inbox:
        programme = example_with_mail(tmp_path / "event", inbox.section())
        running = await start_app(programme, data_dir=tmp_path / "var", **FAST)
        try:
            live = running.app[SERVICE].require_live()
            odd = {"ana-silva": "Ana\nSilva\u202e", "emma-schmidt": "E" * 2000}
            people = [p for p in live.programme.participants if p.email][:5]
            people = [replace(p, name=odd.get(p.id, p.name)) for p in people]
            now = datetime.now(UTC)
            config = mail_config(live.programme, {})
            assert config is not None
            sender = MailSender(config, MailRecords(running.app[STORE]), 0.01)
            jobs = [
                Job("invitation", p, partial(compose, "invitation", live, p, BASE, config, now))
                for p in people
            ]
            try:
                outcomes = await sender.deliver(jobs)
            finally:
                await sender.close()
        finally:
            await running.stop()
    assert [o.status for o in outcomes] == ["sent"] * len(people)
    headers = [m["To"] for m in inbox.messages()]
    assert all("\n" not in h and "\u202e" not in h for h in headers)


def test_each_room_name_has_its_own_random_part() -> None:
    """One room's name does not give away another's: no shared part but the event's id."""
    salt = "0123456789abcdef0123456789abcdef"
    first, second = room_name("bip", "r1", salt), room_name("bip", "r2", salt)
    assert first.startswith("rota-bip-r1-") and second.startswith("rota-bip-r2-")
    assert first.rsplit("-", 1)[1] != second.rsplit("-", 1)[1]
    assert salt not in first and salt[:10] not in first
    assert room_name("bip", "r1", salt) == first  # stable


def long_data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / ("d" * 60) / ("e" * 60)
    assert len(str(folder / "redis.sock")) > 100  # too long for a socket: it goes elsewhere
    return folder


@pytest.mark.parametrize("mode", [0o755, 0o777])
async def test_a_foreseeable_socket_folder_open_to_others_is_refused(
    tmp_path: Path, mode: int
) -> None:
    embedded = EmbeddedRedis(long_data_dir(tmp_path))
    folder = embedded.socket.parent
    assert not folder.is_relative_to(tmp_path)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    folder.chmod(mode)  # made by someone else before Rota started
    try:
        with pytest.raises(SetupError, match=f"open to others \\(mode {mode:o}"):
            await embedded.start()
    finally:
        shutil.rmtree(folder)


async def test_a_foreseeable_socket_folder_is_made_fresh_and_private(tmp_path: Path) -> None:
    embedded = EmbeddedRedis(long_data_dir(tmp_path))
    folder = embedded.socket.parent
    shutil.rmtree(folder, ignore_errors=True)
    await embedded.start()
    try:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert folder.stat().st_uid == os.geteuid()
    finally:
        await embedded.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def test_rota_links_out_writes_a_file_only_its_owner_reads(
    serve, redis_url, tmp_path: Path
) -> None:
    await serve(redis_url=redis_url)
    out = tmp_path / "links.csv"
    out.write_text("an older export")
    out.chmod(0o644)
    args = ["links", str(EXAMPLE), "--base-url", BASE, "--out", str(out), "--redis", redis_url]
    done = await asyncio.to_thread(CliRunner().invoke, main, args)
    assert done.exit_code == 0, done.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "/go/" in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("entry", "warned"),
    [
        ('kind = "ntfy"', True),  # the default server is the public one
        ('kind = "ntfy"\nurl = "https://ntfy.sh"', True),
        ('kind = "ntfy"\nurl = "https://ntfy.uni-example.de"', False),
    ],
)
def test_rota_check_warns_of_ntfy_links_on_a_public_server(
    tmp_path: Path, entry: str, warned: bool
) -> None:
    toml = BASE_TOML + f'\n[[notify]]\nid = "phones"\n{entry}\n'
    programme, problems = check_programme(write_event(tmp_path, toml=toml), {})
    assert programme is not None  # a warning, not a refusal
    found = [p for p in problems if "public ntfy server" in p.message]
    assert [p.severity for p in found] == (["warning"] if warned else [])
    if warned:
        assert found[0].line >= line_of(toml, "[[notify]]")
