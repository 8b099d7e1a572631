"""`rota serve --workers 2`: two processes answer on one port, one of them leads, and SIGTERM
to the command stops both workers and the embedded Redis, leaving no process behind."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.support.app import EXAMPLE, RotaProcess, wait_healthy
from tests.support.builders import upcoming_copy


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def answers_from_both(handle: RotaProcess, seconds: float = 30) -> dict[str, str]:
    """worker -> role, from /healthz on fresh connections (the kernel spreads them)."""
    seen: dict[str, str] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(seen) < 2:
        try:
            body = httpx.get(f"{handle.base_url}/healthz", timeout=2).json()
        except httpx.HTTPError:
            continue
        seen[body["worker"]] = body["role"]
        time.sleep(0.02)
    return seen


@pytest.mark.slow
def test_two_workers_answer_one_leads_and_sigterm_stops_everything(
    rota_process, tmp_path: Path
) -> None:
    data = tmp_path / "var"
    ahead = upcoming_copy(EXAMPLE, tmp_path / "event")  # a real day ahead
    handle = rota_process("--workers", "2", "--data-dir", str(data), programme=ahead, ready=False)
    wait_healthy(handle, seconds=60)  # three processes start, the workers one after the other
    seen = answers_from_both(handle)
    assert sorted(seen) == ["1/2", "2/2"]
    deadline = time.monotonic() + 20  # the lease settles on one of them
    while sorted(answers_from_both(handle).values()) != ["leader", "standby"]:
        assert time.monotonic() < deadline, "no single leader"
    log = handle.log.read_text()
    workers = [int(pid) for pid in re.findall(r"worker \d/2 on \S+ \(pid (\d+)", log)]
    assert len(workers) == 2, log
    redis = int((data / "redis.pid").read_text())
    assert all(alive(pid) for pid in [*workers, redis])

    handle.process.send_signal(signal.SIGTERM)
    assert handle.process.wait(30) == 0
    gone = time.monotonic() + 5
    while any(alive(pid) for pid in [*workers, redis]) and time.monotonic() < gone:
        time.sleep(0.1)
    assert [pid for pid in [*workers, redis] if alive(pid)] == []
    assert "killing it" not in handle.log.read_text()  # each stopped on its SIGTERM
    assert os.path.exists(data / "appendonlydir") or os.path.exists(data / "appendonly.aof")
