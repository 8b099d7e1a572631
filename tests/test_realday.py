"""From rehearsal to the real day: a stored run is carried on only when it is the one asked
for; otherwise `rota serve` stops and names the two ways on (`--resume`, `--fresh`)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from orchestrator.cli import main
from tests.support.app import AUTH, EXAMPLE, start_app
from tests.support.builders import BASE_TOML, upcoming_copy, write_event


def _state(base_url: str) -> dict:
    return httpx.get(f"{base_url}/api/v1/state", headers=AUTH, timeout=5).json()


def _tokens(base_url: str) -> dict[str, str]:
    listing = httpx.get(f"{base_url}/api/v1/participants", headers=AUTH, timeout=5).json()
    return {p["id"]: p["token"] for p in listing}


def _rehearse(rota_process, data: Path, programme: Path = EXAMPLE) -> dict[str, str]:
    rehearsal = rota_process(
        "--data-dir", str(data), "--speed", "600", "--start-at", "now", programme=programme
    )
    assert _state(rehearsal.base_url)["speed"] == 600
    tokens = _tokens(rehearsal.base_url)
    assert rehearsal.terminate() == 0
    return tokens


@pytest.mark.slow
def test_a_plain_serve_after_a_rehearsal_is_refused_with_both_ways_on(
    rota_process, tmp_path: Path
) -> None:
    data = tmp_path / "var"
    ahead = upcoming_copy(EXAMPLE, tmp_path / "event")  # a real day ahead
    _rehearse(rota_process, data, ahead)
    plain = rota_process("--data-dir", str(data), programme=ahead, ready=False)
    assert plain.process.wait(30) == 1
    output = plain.log.read_text()
    assert "holds a rehearsal at 600×" in output
    assert "--resume" in output and "--fresh" in output
    assert "Traceback" not in output


@pytest.mark.slow
def test_fresh_starts_the_real_day_at_the_programmes_times_with_the_same_tokens(
    rota_process, tmp_path: Path
) -> None:
    data = tmp_path / "var"
    ahead = upcoming_copy(EXAMPLE, tmp_path / "event")  # a real day ahead
    tokens = _rehearse(rota_process, data, ahead)
    real = rota_process("--data-dir", str(data), "--fresh", programme=ahead)
    state = _state(real.base_url)
    assert state["speed"] == 1
    now = datetime.fromisoformat(state["now"])
    event_now = datetime.fromisoformat(state["event_time"])
    assert abs((event_now - now).total_seconds()) < 5  # event time is wall time
    assert _tokens(real.base_url) == tokens  # links already sent stay valid
    assert "rehearsal at" not in real.log.read_text()
    assert real.terminate() == 0
    again = rota_process("--data-dir", str(data), programme=ahead)  # the real day is stored
    assert _state(again.base_url)["speed"] == 1


@pytest.mark.slow
def test_resume_carries_on_with_the_stored_rehearsal(rota_process, tmp_path: Path) -> None:
    data = tmp_path / "var"
    _rehearse(rota_process, data)
    resumed = rota_process("--data-dir", str(data), "--resume")
    state = _state(resumed.base_url)
    assert state["speed"] == 600
    # the rehearsal's clock: the programme's day (in 2025), not today's wall time
    assert datetime.fromisoformat(state["event_time"]).date().isoformat() == "2025-03-27"
    assert "rehearsal at 600×" in resumed.log.read_text()


def test_the_real_day_on_a_public_host_needs_a_base_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["serve", str(EXAMPLE), "--host", "0.0.0.0", "--data-dir", str(tmp_path)],
        env={"ROTA_BASE_URL": ""},
    )
    assert result.exit_code == 1
    assert "set --base-url (or ROTA_BASE_URL)" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_plain_serve_of_a_day_that_is_over_after_a_rehearsal_says_how_to_rehearse(
    rota_process, tmp_path: Path
) -> None:
    data = tmp_path / "var"
    _rehearse(rota_process, data)
    plain = rota_process("--data-dir", str(data), ready=False)
    assert plain.process.wait(90) == 1
    output = plain.log.read_text()
    assert "the day of this programme is over: it was 2025-03-27" in output
    assert "--start-at now" in output and "Traceback" not in output


@pytest.mark.slow
def test_the_stored_real_day_goes_on_after_its_end(rota_process, tmp_path: Path) -> None:
    """Restarted after the day (its board, results and retention purge), it is not refused:
    the store holds the real day of these very times."""
    data = tmp_path / "var"
    path = write_event(tmp_path / "event", BASE_TOML)

    async def real_day_served_once() -> None:
        running = await start_app(path, data_dir=data)
        await running.stop()

    asyncio.run(real_day_served_once())
    again = rota_process("--data-dir", str(data), programme=path)
    assert _state(again.base_url)["speed"] == 1
    assert "carrying on with the stored run (the real day" in again.log.read_text()
