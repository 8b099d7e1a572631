"""Rota started as the tests need it: in process on an ephemeral port (`start_app`, what the
`serve` fixture calls), or as `rota serve` in a process of its own, as operators run it; the
organiser's token, and a board client logged in with it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from orchestrator.app import create_app
from orchestrator.settings import Settings
from orchestrator.web.edge import runner_options

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "bip-2025" / "programme.toml"
TOKEN = "test-9fK2mQx7Lp4Wz8Rt-organiser"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STUCK = "did not stop within"  # what tasks.cancel_all logs about a task that outlived it
# in "armed N transitions at M instants", logged (INFO) once the leader armed the day's timed
# jobs (orchestrator/boundaries/transitions.py): e-mail reminders and the retention timer too
ARMED = " transitions at "


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Running:
    app: web.Application
    runner: web.AppRunner
    base_url: str

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_app(programme: Path = EXAMPLE, **options: Any) -> Running:
    """Rota on a free port of loopback; `env` (a dict) is its environment beside the
    organiser's token, the other options are Settings.build's."""
    env: dict[str, str] = options.pop("env", None) or {}
    port: int = options.pop("port", 0) or free_port()
    options.setdefault("lease_seconds", 1.0)
    environ = {"ROTA_ORGANISER_TOKEN": TOKEN, **env}
    settings = Settings.build(programme, environ, port=port, **options)
    app = create_app(settings)
    runner = web.AppRunner(
        app, handle_signals=False, shutdown_timeout=2, **runner_options(settings)
    )
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return Running(app, runner, f"http://127.0.0.1:{port}")


@contextlib.asynccontextmanager
async def board_client(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client logged in to the board with the organiser's token."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await client.post(
            "/board/login", data={"token": TOKEN}, headers={"Origin": base_url}
        )
        assert response.status_code == 303 and response.headers["Location"] == "/board"
        yield client


@dataclass(eq=False)
class RotaProcess:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def terminate(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(15)
        return self.process.returncode


def launch_rota(
    *args: str,
    folder: Path,
    programme: Path = EXAMPLE,
    env: dict[str, str] | None = None,
    ready: bool = True,
) -> RotaProcess:
    """`rota serve PROGRAMME --port <free> ARGS`, its output in FOLDER/rota-<port>.log."""
    port = free_port()
    log = folder / f"rota-{port}.log"
    command = [
        str(Path(sys.executable).parent / "rota"),
        "serve",
        str(programme),
        "--port",
        str(port),
        *args,
    ]
    environment = {**os.environ, "ROTA_ORGANISER_TOKEN": TOKEN, **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=environment)
    handle = RotaProcess(process, f"http://127.0.0.1:{port}", log)
    if ready:
        try:
            wait_healthy(handle)
        except BaseException:
            handle.kill()
            raise
    return handle


def wait_healthy(handle: RotaProcess, seconds: float = 60) -> None:
    """Under a loaded machine importing everything alone can take 20 s."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if handle.process.poll() is not None:
            raise RuntimeError(f"rota exited: {handle.log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{handle.base_url}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"rota did not become healthy: {handle.log.read_text()}")
