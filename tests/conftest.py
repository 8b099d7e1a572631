"""Real parts for the service tests: a redis-server on loopback, apps on ephemeral ports, and
`rota serve` processes. Nothing of Rota's own is mocked."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from aiohttp import web

from orchestrator.app import create_app
from orchestrator.settings import Settings
from orchestrator.storage.redis_server import redis_binary
from orchestrator.web.edge import runner_options
from tests.support.standin_bbb import SECRET as BBB_SECRET
from tests.support.standin_bbb import BbbStandIn

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "bip-2025" / "programme.toml"
TOKEN = "test-9fK2mQx7Lp4Wz8Rt-organiser"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


STUCK = "did not stop within"


@pytest.fixture(autouse=True)
def no_stuck_background_task(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test fails if a background task outlived its cancellation (tasks.cancel_all
    logs it); set up first, so it checks after every other fixture has cleaned up."""
    yield
    stuck = [
        r.getMessage()
        for when in ("setup", "call", "teardown")
        for r in caplog.get_records(when)
        if STUCK in r.getMessage()
    ]
    assert not stuck, stuck


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RedisServer:
    """A redis-server we own, so tests can stop and restart it."""

    folder: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                redis_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if client.ping():
                    client.close()
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(10)

    def flush(self) -> None:
        client = redis.Redis.from_url(self.url)
        client.flushall()
        client.close()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.flush()
    return redis_server.url


@dataclass
class Running:
    app: web.Application
    runner: web.AppRunner
    base_url: str

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_app(
    programme: Path = EXAMPLE, env: dict[str, str] | None = None, **options: object
) -> Running:
    port = int(options.pop("port", 0) or free_port())  # type: ignore[call-overload]
    options.setdefault("lease_seconds", 1.0)
    environ = {"ROTA_ORGANISER_TOKEN": TOKEN, **(env or {})}
    settings = Settings.build(programme, environ, port=port, **options)
    app = create_app(settings)
    runner = web.AppRunner(
        app, handle_signals=False, shutdown_timeout=2, **runner_options(settings)
    )
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return Running(app, runner, f"http://127.0.0.1:{port}")


@pytest.fixture
async def serve() -> AsyncIterator:
    """Start in-process Rota services; each is stopped at the end of the test."""
    started: list[Running] = []

    async def _start(programme: Path = EXAMPLE, **options: object) -> Running:
        running = await start_app(programme, **options)  # type: ignore[arg-type]
        started.append(running)
        return running

    yield _start
    for running in reversed(started):
        with contextlib.suppress(Exception):
            await running.stop()


@pytest.fixture
async def bbb() -> AsyncIterator[BbbStandIn]:
    """A BigBlueButton stand-in on loopback (tests/support/standin_bbb.py), stopped after it."""
    standin = BbbStandIn(BBB_SECRET)
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
        yield client


@dataclass(eq=False)
class RotaProcess:
    process: subprocess.Popen
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


@pytest.fixture
def rota_process(tmp_path: Path) -> Iterator:
    """Start `rota serve` as a separate process, as operators run it."""
    started: list[RotaProcess] = []

    def _start(*args: str, ready: bool = True, **options: object) -> RotaProcess:
        handle = launch_rota(*args, folder=tmp_path, ready=False, **options)  # type: ignore[arg-type]
        started.append(handle)  # stopped at the end even when it never became healthy
        if ready:
            wait_healthy(handle)
        return handle

    yield _start
    for handle in started:
        handle.kill()
        assert STUCK not in handle.log.read_text(errors="replace"), handle.log


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


async def eventually(check, seconds: float = 10, interval: float = 0.05):  # type: ignore[no-untyped-def]
    """Poll an async or plain predicate until it returns something truthy."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {seconds} s (last: {last!r})")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`make test` runs two pytest-xdist workers (`--dist loadgroup`): each test file stays on
    one worker (its module-scoped fixtures are set up once), and the Chromium tests, whose
    countdowns are timed, all run on the same worker, one browser at a time. Before xdist's
    own hook, which reads these marks (none without xdist, as with `-p no:xdist`)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        module = getattr(item, "module", None)
        group = "browser" if hasattr(module, "chromium") else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))
