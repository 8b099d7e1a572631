"""Programme files for the service tests, derived from the bundled example (examples/bip-2025)
or generated: another [jitsi], rooms on plain links or BigBlueButton, a [mail] section, a real
day that began two minutes ago."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestrator.appkeys import SERVICE
from schedules.example import ExampleSpec, generate
from tests.support.app import ROOT
from tests.support.clock import start_so_that_now_is
from tests.support.standin_bbb import SECRET


def example_with(folder: Path, jitsi: str, team_names: dict[str, str] | None = None) -> Path:
    """The bundled example event in `folder`, with another [jitsi] section and, optionally,
    other team names."""
    source = ROOT / "examples" / "bip-2025"
    toml = (source / "programme.toml").read_text(encoding="utf-8")
    toml = re.sub(r"\[jitsi\]\n(?:[^\[\n].*\n)*", f"[jitsi]\n{jitsi}\n\n", toml, count=1)
    for old, new in (team_names or {}).items():
        assert f'name = "{old}"' in toml
        toml = toml.replace(f'name = "{old}"', f"name = {toml_string(new)}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "programme.toml").write_text(toml, encoding="utf-8")
    shutil.copy(source / "roster.csv", folder / "roster.csv")
    return folder / "programme.toml"


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


LINKS = {"r7": "https://rooms.example.org/seven", "r8": "https://rooms.example.org/eight"}


def in_room(toml: str, room: str, line: str) -> str:
    """`line` added to the [[rooms]] table of `room`, after its capacity."""
    toml, found = re.subn(
        rf'(\[\[rooms\]\]\nid = "{room}"\n(?:.+\n)*?capacity = \d+\n)',
        lambda m: f"{m.group(1)}{line}\n",
        toml,
        count=1,
    )
    assert found == 1, room
    return toml


def mixed_example(folder: Path, links: dict[str, str] = LINKS, jitsi: str = "") -> Path:
    """The bundled example with some rooms on plain links (and another [jitsi], if given)."""
    path = example_with(folder, jitsi or 'domain = "meet.jit.si"')
    toml = path.read_text(encoding="utf-8")
    for room, url in links.items():
        toml = in_room(toml, room, f'url = "{url}"')
    path.write_text(toml, encoding="utf-8")
    return path


BBB_ROOMS = ("r1", "r2", "r3", "r4", "keynote")
JITSI_ROOMS = ("r5", "r6", "aula")


def bbb_example(folder: Path, url: str) -> Path:
    """The bundled example with rooms on BigBlueButton, on Jitsi and on plain links."""
    path = mixed_example(folder)
    toml = path.read_text(encoding="utf-8")
    for room in (*BBB_ROOMS, *JITSI_ROOMS):
        platform = "bbb" if room in BBB_ROOMS else "jitsi"
        toml = in_room(toml, room, f'platform = "{platform}"')
    path.write_text(f'{toml}\n[bbb]\nurl = "{url}"\n', encoding="utf-8")
    return path


async def serve_bbb(
    serve, redis_url, tmp_path, bbb, speed, minute, secret=SECRET, url="", extra=""
):
    """Served at `minute` past nine; `extra` goes at the end of [bbb]."""
    path = bbb_example(tmp_path, url or bbb.base_url)
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    running = await serve(
        path,
        redis_url=redis_url,
        env={"ROTA_BBB_SECRET": secret},
        speed=speed,
        start_at=start_so_that_now_is(minute, speed),
        bbb_poll_seconds=0.1,
    )
    return running, running.app[SERVICE].require_live()


def real_day(folder: Path, jitsi: str = 'domain = "meet.jit.si"') -> Path:
    """Three teams, two rounds; the first round and a keynote began two minutes ago (UTC)."""
    start = (datetime.now(UTC) - timedelta(minutes=2)).replace(second=0, microsecond=0)
    spec = ExampleSpec(
        date=start.date().isoformat(),
        start=f"{start:%H:%M}",
        timezone="UTC",
        teams=3,
        audience=12,
        jury=0,
        presenters_per_team=2,
        rounds=2,
        keynotes=(f"{start:%H:%M}",),
        keynote_minutes=30,
    )
    toml, roster = generate(spec)
    toml, count = re.subn(r'\[jitsi\]\ndomain = "meet.jit.si"\n', f"[jitsi]\n{jitsi}\n", toml)
    assert count == 1
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    path = folder / "programme.toml"
    path.write_text(toml, encoding="utf-8")
    return path


def example_with_mail(folder: Path, section: str, small: bool = False) -> Path:
    """The bundled example (or a small generated one) with a [mail] section."""
    folder.mkdir(parents=True, exist_ok=True)
    if small:
        spec = ExampleSpec("small", "A small day", teams=3, audience=9, jury=2, rounds=3, seed=1)
        toml, roster = generate(spec)
        (folder / "roster.csv").write_text(roster, encoding="utf-8")
    else:
        source = ROOT / "examples" / "bip-2025"
        toml = (source / "programme.toml").read_text(encoding="utf-8")
        # one person in Brussels writes French (the bundled roster has none)
        roster = (source / "roster.csv").read_text(encoding="utf-8")
        (folder / "roster.csv").write_text(roster.replace(",nl,", ",fr,", 1), encoding="utf-8")
    (folder / "programme.toml").write_text(toml + "\n" + section, encoding="utf-8")
    return folder / "programme.toml"
