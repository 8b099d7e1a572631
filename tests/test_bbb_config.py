"""`[bbb]` as `rota check` reads it: one message per mistake, with its line; the shared
secret only from the environment and never in an error."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from orchestrator.cli import main
from rooms.bbb import BbbConfig, BbbConfigError
from schedules.programme import check_programme
from tests.support.builders import BASE_CSV, BASE_TOML, line_of, write_event
from tests.support.standin_bbb import SECRET, BbbStandIn

BBB_ENV = "ROTA_BBB_SECRET"
ENV = {BBB_ENV: SECRET}
BBB = '[bbb]\nurl = "https://bbb.example.org/bigbluebutton/"\n'


def _errors(folder: Path, toml: str, environ: dict[str, str]) -> list[str]:
    programme, problems = check_programme(write_event(folder, toml=toml, csv=BASE_CSV), environ)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert (programme is None) == bool(errors)
    return errors


def test_a_bbb_section_makes_every_room_a_bbb_meeting(tmp_path: Path) -> None:
    programme, problems = check_programme(write_event(tmp_path, BASE_TOML + BBB), ENV)
    assert programme is not None and problems == []
    assert {r.platform for r in programme.rooms} == {"bbb"}
    assert programme.platform_of("hall") == "bbb"  # a keynote room not in [[rooms]]
    config = BbbConfig.from_section(programme.sections["bbb"], ENV)
    assert config is not None
    assert (config.url, config.checksum, config.embed) == (
        "https://bbb.example.org/bigbluebutton/",
        "sha256",
        False,
    )
    assert SECRET not in repr(config)


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("https://bbb.example.org/bigbluebutton", "https://bbb.example.org/bigbluebutton/"),
        ("https://bbb.example.org/bigbluebutton/api/", "https://bbb.example.org/bigbluebutton/"),
        ("http://127.0.0.1:8090/bigbluebutton/", "http://127.0.0.1:8090/bigbluebutton/"),
    ],
)
def test_the_url_is_read_as_the_servers_base(given: str, base: str) -> None:
    config = BbbConfig.from_section({"url": given}, ENV)
    assert config is not None and config.url == base


BOTH = '[jitsi]\ndomain = "meet.example.org"\n'


@pytest.mark.parametrize(
    ("extra", "environ", "needle", "message"),
    [
        (
            BBB,
            {},
            "[bbb]",
            "[bbb] needs the server's shared secret in the environment as ROTA_BBB_SECRET "
            "(ask the BigBlueButton admin for the output of `bbb-conf --secret`)",
        ),
        (
            BBB + f'secret = "{SECRET}"\n',
            ENV,
            "secret =",
            "the shared secret never goes in the programme file: remove `secret` and set "
            "ROTA_BBB_SECRET in the environment (the server's `bbb-conf --secret`)",
        ),
        (
            '[bbb]\nurl = "http://bbb.example.org/bigbluebutton/"\n',
            ENV,
            "url =",
            "`url` must start with https:// (http only for a server on this machine): the "
            "shared secret signs every call, and people's browsers need https",
        ),
        (
            '[bbb]\nurl = "bbb.example.org"\n',
            ENV,
            "url =",
            "`url` must be like \"https://bbb.example.org/bigbluebutton/\", not 'bbb.example.org'",
        ),
        (
            BBB + 'checksum = "md5"\n',
            ENV,
            "checksum =",
            "`checksum` must be sha1, sha256, sha384 or sha512, not 'md5'",
        ),
        (
            BBB + BOTH,
            ENV,
            "[[rooms]]",
            'room \'r1\' needs `platform = "jitsi"` or `platform = "bbb"`: the programme '
            "configures both [jitsi] and [bbb]",
        ),
    ],
    ids=["no-secret", "secret-in-file", "http", "no-scheme", "md5", "both-no-platform"],
)
def test_check_refuses(
    tmp_path: Path, extra: str, environ: dict[str, str], needle: str, message: str
) -> None:
    toml = BASE_TOML + "\n" + extra
    errors = _errors(tmp_path, toml, environ)
    assert errors[0] == f"{tmp_path / 'programme.toml'}:{line_of(toml, needle)}: {message}"
    assert not any(SECRET in e for e in errors)


def test_with_both_each_room_says_its_platform(tmp_path: Path) -> None:
    toml = (
        BASE_TOML.replace('name = "Room 1"', 'name = "Room 1"\nplatform = "bbb"')
        .replace('name = "Room 2"', 'name = "Room 2"\nplatform = "jitsi"')
        .replace('name = "Room 3"', 'name = "Room 3"\nurl = "https://zoom.us/j/1"')
        + "\n"
        + BBB
        + BOTH
    )
    programme, problems = check_programme(write_event(tmp_path, toml), ENV)
    assert programme is not None, problems
    assert [programme.platform_of(r) for r in ("r1", "r2", "r3", "hall")] == [
        "bbb",
        "jitsi",
        "link",
        "jitsi",
    ]


def test_platform_bbb_needs_the_section(tmp_path: Path) -> None:
    toml = BASE_TOML.replace('name = "Room 1"', 'name = "Room 1"\nplatform = "bbb"')
    errors = _errors(tmp_path, toml, ENV)
    assert errors == [
        f"{tmp_path / 'programme.toml'}:{line_of(toml, 'platform')}: "
        'platform = "bbb" needs a [bbb] section with the server\'s `url`'
    ]


def test_the_config_error_never_shows_the_secret() -> None:
    with pytest.raises(BbbConfigError) as caught:
        BbbConfig.from_section({"url": "ftp://x", "secret": SECRET}, ENV)
    assert SECRET not in str(caught.value)


@pytest.fixture
def standin() -> Iterator[BbbStandIn]:
    """The stand-in on a loop of its own (the CLI runs its own asyncio.run)."""
    loop = asyncio.new_event_loop()
    server = BbbStandIn(SECRET)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(5)
    yield server
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


@pytest.mark.parametrize(("secret", "ok"), [(SECRET, True), ("a-wrong-secret-0123456789", False)])
def test_check_online_proves_the_url_and_secret(
    tmp_path: Path, standin: BbbStandIn, secret: str, ok: bool
) -> None:
    toml = BASE_TOML + f'\n[bbb]\nurl = "{standin.base_url}"\n'
    result = CliRunner().invoke(
        main, ["check", "--online", str(write_event(tmp_path, toml))], env={BBB_ENV: secret}
    )
    assert result.exit_code == (0 if ok else 1), result.output
    if ok:
        assert "a test meeting was created and ended (checksum sha256)" in result.output
        assert [c for c, _ in standin.calls] == ["create", "end"] and not standin.meetings
    else:
        assert "(checksumError). Check ROTA_BBB_SECRET" in result.output
    assert secret not in result.output
