"""The embedded redis-server lives exactly as long as the Rota that started it: it dies with a
SIGKILLed `rota serve`, an orphan left in the data folder is stopped and replaced, a second
Rota on the same folder is refused in one line, and a redis-server that dies under a running
Rota is started again from its append-only file."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from orchestrator.appkeys import SERVICE
from orchestrator.storage.redis_server import redis_binary
from tests.support.app import AUTH, EXAMPLE, start_app
from tests.support.builders import upcoming_copy
from tests.support.clock import eventually

pytestmark = pytest.mark.slow


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _tokens(base_url: str) -> dict[str, str]:
    listing = httpx.get(f"{base_url}/api/v1/participants", headers=AUTH, timeout=10).json()
    return {p["id"]: p["token"] for p in listing}


def test_a_killed_rota_takes_its_redis_along_and_starts_again_on_the_same_folder(
    rota_process, tmp_path: Path
) -> None:
    data = tmp_path / "var"
    first = rota_process("--data-dir", str(data), "--speed", "60", "--start-at", "now")
    tokens = _tokens(first.base_url)
    delayed = httpx.post(
        f"{first.base_url}/api/v1/clock/delay", headers=AUTH, json={"minutes": 7}, timeout=10
    )
    assert delayed.status_code == 200  # acknowledged: it must survive
    redis_pid = int((data / "redis.pid").read_text())
    assert _alive(redis_pid)
    first.kill()  # SIGKILL: Rota has no chance to stop its Redis
    killed = time.monotonic()
    while _alive(redis_pid) and time.monotonic() - killed < 5:
        time.sleep(0.01)
    assert not _alive(redis_pid)
    print(f"\nredis-server gone {time.monotonic() - killed:.2f} s after SIGKILL of rota serve")

    second = rota_process("--data-dir", str(data), "--resume")
    assert _tokens(second.base_url) == tokens
    state = httpx.get(f"{second.base_url}/api/v1/state", headers=AUTH, timeout=10).json()
    assert state["delay_minutes"] == 7
    log = second.log.read_text()
    assert "Traceback" not in log and "another Rota" not in log


async def test_an_orphan_redis_server_in_the_folder_is_stopped_and_replaced(
    tmp_path: Path,
) -> None:
    """What an older Rota (or one on a system without a parent-death signal) leaves behind:
    a redis-server still running on the folder's configuration."""
    data = tmp_path / "var"
    first = await start_app(data_dir=data, speed=60.0, start_at="now")
    tokens = dict(first.app[SERVICE].require_live().token_of)
    await first.stop()
    orphan = await asyncio.create_subprocess_exec(
        redis_binary(),
        str(data / "redis.conf"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        await eventually(lambda: (data / "redis.sock").exists(), seconds=10)
        second = await start_app(data_dir=data, resume=True)
        try:
            assert second.app[SERVICE].require_live().token_of == tokens
            assert await asyncio.wait_for(orphan.wait(), 5) == 0  # asked to shut down: it did
            assert int((data / "redis.pid").read_text()) != orphan.pid
        finally:
            await second.stop()
    finally:
        if orphan.returncode is None:
            orphan.kill()
            await orphan.wait()


def test_a_second_rota_on_the_same_folder_is_refused_in_one_line(
    rota_process, tmp_path: Path
) -> None:
    data = tmp_path / "var"
    ahead = upcoming_copy(EXAMPLE, tmp_path / "event")  # a real day ahead
    first = rota_process("--data-dir", str(data), programme=ahead)
    second = rota_process("--data-dir", str(data), programme=ahead, ready=False)
    assert second.process.wait(30) == 1
    log = second.log.read_text()
    assert f"another Rota (pid {first.process.pid}) already runs its Redis in" in log
    assert "Traceback" not in log
    assert httpx.get(f"{first.base_url}/healthz", timeout=5).status_code == 200


def test_serving_on_is_said_once_the_port_takes_connections(rota_process, tmp_path: Path) -> None:
    """An operator curls as soon as the log says so: it must not be refused."""
    started = rota_process("--data-dir", str(tmp_path / "var"), "--start-at", "now", ready=False)
    deadline = time.monotonic() + 60
    while "serving on" not in started.log.read_text() and time.monotonic() < deadline:
        assert started.process.poll() is None, started.log.read_text()
        time.sleep(0.005)
    answer = httpx.get(f"{started.base_url}/healthz", timeout=10)  # not "connection refused"
    assert answer.status_code == 200
    assert started.log.read_text().count("serving on") == 1
