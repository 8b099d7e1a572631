"""The fixtures over tests/support/: a redis-server on loopback, apps on ephemeral ports,
`rota serve` processes; the layer markers and the xdist groups. Nothing of Rota's own is
mocked."""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.app import (
    EXAMPLE,
    STUCK,
    RotaProcess,
    Running,
    free_port,
    launch_rota,
    start_app,
    wait_healthy,
)
from tests.support.redis_kit import RedisServer
from tests.support.standin_bbb import SECRET as BBB_SECRET
from tests.support.standin_bbb import BbbStandIn


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


@pytest.fixture
async def serve() -> AsyncIterator:
    """Start in-process Rota services; each is stopped at the end of the test."""
    started: list[Running] = []

    async def _start(programme: Path = EXAMPLE, **options: Any) -> Running:
        running = await start_app(programme, **options)
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


@pytest.fixture
def rota_process(tmp_path: Path) -> Iterator:
    """Start `rota serve` as a separate process, as operators run it."""
    started: list[RotaProcess] = []

    def _start(*args: str, ready: bool = True, **options: Any) -> RotaProcess:
        handle = launch_rota(*args, folder=tmp_path, ready=False, **options)
        started.append(handle)  # stopped at the end even when it never became healthy
        if ready:
            wait_healthy(handle)
        return handle

    yield _start
    for handle in started:
        handle.kill()
        assert STUCK not in handle.log.read_text(errors="replace"), handle.log


LAYERS = ("unit", "service", "browser")
# fixtures that start a real part (Redis, Rota, an SMTP server, a stand-in, a client for them)
SERVICE_FIXTURES = {"redis_server", "redis_url", "serve", "http", "bbb", "rota_process"}
# calls in a test or its fixtures that start one without those fixtures
REAL_PARTS = (
    "start_app(",
    "launch_rota(",
    "RedisServer(",
    "EmbeddedRedis(",
    "mail_server(",
    "receivers(",
    "BbbStandIn(",
    "jitsi_standin(",
    "TCPSite(",
    "subprocess",
    "serve_bbb(",
    "invite(",
    "rota(",
)


def _sources(item: pytest.Item) -> str:
    """The test's own source and that of every fixture it uses (ours, not pytest's)."""
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for definitions in getattr(info, "name2fixturedefs", {}).values():
        functions += [d.func for d in definitions]
    return "\n".join(_source(f) for f in functions if f is not None)


@functools.cache
def _source(function: Callable[..., object]) -> str:
    if not (getattr(function, "__module__", "") or "").startswith("tests"):
        return ""
    with contextlib.suppress(OSError, TypeError):
        return inspect.getsource(function)
    return ""


def layer_of(item: pytest.Item) -> str:
    """`browser` if the test drives Chromium, `service` if it starts a real part (Redis, Rota,
    a server, a process), else `unit`: pure code, run with `pytest -m unit`. A mark written
    on the test or its module wins."""
    for layer in LAYERS:
        if item.get_closest_marker(layer):
            return layer
    source = _sources(item)
    if "chromium(" in source:
        return "browser"
    names = set(getattr(item, "fixturenames", ()))
    if names & SERVICE_FIXTURES or any(call in source for call in REAL_PARTS):
        return "service"
    return "unit"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test gets its layer's mark (`layer_of`). `make test` runs two pytest-xdist workers
    (`--dist loadgroup`): each test file stays on one worker (its module-scoped fixtures are
    set up once), and the Chromium tests, whose countdowns are timed, all run on the same
    worker, one browser at a time. Before xdist's own hook, which reads these marks (none
    without xdist, as with `-p no:xdist`)."""
    for item in items:
        layer = layer_of(item)
        if not item.get_closest_marker(layer):
            item.add_marker(getattr(pytest.mark, layer))
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        module = getattr(item, "module", None)
        group = "browser" if hasattr(module, "chromium") else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))
