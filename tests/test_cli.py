"""The `rota` command as a new user runs it: exit codes and what it prints."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from orchestrator.cli import main
from tests.support.builders import BASE_TOML, write_event

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "bip-2025" / "programme.toml"


def test_check_the_example_exits_zero() -> None:
    result = CliRunner().invoke(main, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "ok — 8 teams, 6 rounds, 4 keynotes" in result.output


def test_check_a_broken_programme_lists_problems_and_exits_one(tmp_path: Path) -> None:
    path = write_event(tmp_path, toml=BASE_TOML.replace('room = "r2"', 'room = "r9"'))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:" in result.output
    assert "unknown room 'r9'" in result.output
    assert "Traceback" not in result.output


def test_plan_json_is_the_contract() -> None:
    result = CliRunner().invoke(main, ["plan", str(EXAMPLE), "--format", "json", "--seed", "4"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) >= {
        "event",
        "teams",
        "participants",
        "rounds",
        "keynotes",
        "unassigned",
        "stats",
    }
    assert data["event"] == {
        "id": "bip-2025",
        "title": "Digitalisation in Social Work: students' day",
        "timezone": "Europe/Berlin",
    }
    assert data["rounds"][0]["start"] == "2025-03-27T08:00:00Z"
    assert {r["room"] for r in data["rounds"][0]["rooms"]} == {f"r{i}" for i in range(1, 9)}
    assert data["unassigned"][0]["reason"] in {"keynote k1", "keynote k2", "unavailable"}


def test_plan_table_and_csv() -> None:
    table = CliRunner().invoke(main, ["plan", str(EXAMPLE)])
    assert table.exit_code == 0 and "preferences" in table.output
    csv = CliRunner().invoke(main, ["plan", str(EXAMPLE), "--format", "csv"])
    assert csv.output.startswith("round,start,end,room,team,participant\n")


def test_impossible_plan_is_explained(tmp_path: Path) -> None:
    path = write_event(
        tmp_path,
        toml=BASE_TOML.replace("rounds = 3", "rounds = 4").replace(
            'start = "2025-03-27T09:30"', 'start = "2025-03-27T10:30"'
        ),
    )
    result = CliRunner().invoke(main, ["plan", str(path)])
    assert result.exit_code == 1
    assert "the rotation cannot be planned" in result.output
    assert "only 3 teams present" in result.output


def test_agenda_and_example_commands(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["agenda", str(EXAMPLE), "--participant", "milan-dubois"])
    assert result.exit_code == 0 and result.output.startswith("BEGIN:VCALENDAR")
    unknown = CliRunner().invoke(main, ["agenda", str(EXAMPLE), "--participant", "nobody"])
    assert unknown.exit_code == 1 and "unknown participant" in unknown.output
    made = CliRunner().invoke(
        main, ["example", "--teams", "12", "--audience", "300", "--out", str(tmp_path / "big")]
    )
    assert made.exit_code == 0
    checked = CliRunner().invoke(main, ["check", str(tmp_path / "big" / "programme.toml")])
    assert checked.exit_code == 0, checked.output


def test_the_installed_command_runs() -> None:
    """The console script, as a user types it."""
    rota = Path(sys.executable).parent / "rota"
    done = subprocess.run(
        [str(rota), "check", str(EXAMPLE)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_port_in_use_is_one_sentence_and_nothing_starts(tmp_path: Path) -> None:
    """Another program on the port: exit 1, one line, no traceback, no Redis or run started."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        data = tmp_path / "var"
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "rota"),
                "serve",
                str(EXAMPLE),
                "--port",
                str(port),
                "--data-dir",
                str(data),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr == (
        f"rota serve: port {port} on 127.0.0.1 is in use by another program; "
        "stop it or choose another --port\n"
    )
    assert done.stdout == "" and not data.exists()


def test_a_rehearsal_prints_pages_to_open_and_the_links_command(rota_process, tmp_path) -> None:
    """docs/operations.md step 4 says to open the pages "from the links it prints": a
    rehearsal prints a few participants' pages and links, and the `rota links` command for
    everyone's, which works as printed."""
    import shlex

    import httpx
    import openpyxl

    handle = rota_process(
        "--data-dir", str(tmp_path / "var"), "--speed", "600", "--start-at", "now"
    )
    banner = handle.log.read_text()
    pages = [w for w in banner.split() if w.startswith(f"{handle.base_url}/p/")]
    links = [w for w in banner.split() if w.startswith(f"{handle.base_url}/go/")]
    assert len(pages) >= 3 and len(links) == len(pages), banner
    assert httpx.get(pages[0], timeout=10).status_code == 200
    [command] = [
        line.split("everyone's links: ", 1)[1]
        for line in banner.splitlines()
        if "everyone's links: " in line
    ]
    words = shlex.split(command)
    assert words[:2] == ["rota", "links"]
    out = tmp_path / "links.xlsx"  # (as printed, from the folder it is typed in)
    done = CliRunner().invoke(main, [*words[1:-1], str(out)])
    assert done.exit_code == 0, done.output
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    tokens = {str(r[8]).split("/p/")[1] for r in rows[1:]}
    assert len(rows) == 1 + 100 and pages[0].split("/p/")[1] in tokens


def test_the_demo_makes_up_its_webhook_secret_and_passes_it_down(tmp_path: Path) -> None:
    """`rota demo` with no ROTA_JAAS_WEBHOOK_SECRET set signs its simulated people's webhooks
    with one it makes up, handed down to the service (the environment is never written):
    the webhooks are accepted, so the rooms count people."""
    import os
    import secrets
    import time

    import httpx

    token = secrets.token_urlsafe(24)
    env = {k: v for k, v in os.environ.items() if k != "ROTA_JAAS_WEBHOOK_SECRET"}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(Path(sys.executable).parent / "rota"), "demo", "--port", str(port)]
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen(
            [*command, "--speed", "600", "--data-dir", str(tmp_path / "var")],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**env, "ROTA_ORGANISER_TOKEN": token},
        )
    try:
        counted, deadline = 0, time.monotonic() + 90  # start-up alone is slow on a busy machine
        while not counted and time.monotonic() < deadline and demo.poll() is None:
            try:
                state = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/state",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=2,
                )
            except httpx.HTTPError:
                state = None  # not listening yet
            if state is not None and state.status_code == 200:
                counted = sum(room["live_count"] or 0 for room in state.json()["rooms"])
            time.sleep(0.2)
        assert counted > 0, log.read_text()
    finally:
        demo.terminate()
        demo.wait(15)


def test_a_report_with_redis_away_is_one_sentence_not_a_traceback(tmp_path: Path) -> None:
    """`rota attendance --redis` at a port nobody listens on (StorageUnavailable at the CLI)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing answers there
    path = write_event(tmp_path, BASE_TOML)
    result = CliRunner().invoke(
        main, ["attendance", str(path), "--keynote", "k1", "--redis", f"redis://127.0.0.1:{port}"]
    )
    assert result.exit_code == 1, result.output
    assert "cannot read the stored event: the Redis given" in result.output
    assert "Traceback" not in result.output
