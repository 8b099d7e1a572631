"""The shipped reverse proxy (docker/nginx.conf) with Debian's nginx in front of two
`rota serve` processes on one Redis: /go, unbuffered server-sent events, slow clients cut by
the proxy, the real client's address reaching the throttle, and no token in the access log.
The config is the shipped one with only its addresses replaced by loopback ports, inside
Debian's default nginx.conf with its logging as it is."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import (
    AUTH,
    ROOT,
    TOKEN,
    RedisServer,
    RotaProcess,
    eventually,
    free_port,
    launch_rota,
)
from tests.test_edge import HEADERS_SLOWLY, SLOW, _trickle

pytestmark = pytest.mark.slow
SHIPPED = ROOT / "docker" / "nginx.conf"
DEBIAN = ROOT / "tests" / "fixtures" / "nginx-debian.conf"  # nginx-common 1.22's nginx.conf
HEADER_TIMEOUT = 10  # client_header_timeout in the shipped config
GUESSER, SOMEONE_ELSE = "127.0.0.2", "127.0.0.3"  # clients from their own loopback addresses


def nginx_binary() -> str | None:
    return (
        os.environ.get("ROTA_NGINX")
        or shutil.which("nginx")
        or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    )


def derived_config(shipped: str, listen: int, upstreams: list[int], folder: Path) -> str:
    """The shipped file on loopback ports (its addresses the only change), included where
    Debian's default nginx.conf includes conf.d, that file's logging kept as it is: only its
    paths move into the test's folder, and its own default site is left out."""
    server, count = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", shipped)
    assert count == 1, "docker/nginx.conf no longer has `listen 80;`"
    for name, port in zip(("rota-a", "rota-b"), upstreams, strict=True):
        server, count = re.subn(rf"server {name}:8080", f"server 127.0.0.1:{port}", server)
        assert count == 1, f"docker/nginx.conf no longer has `server {name}:8080`"
    server = server.replace("/var/log/nginx/", f"{folder}/")
    main = DEBIAN.read_text().replace("/var/log/nginx/", f"{folder}/")
    temp = "".join(
        f"\t{kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    swaps = {
        "user www-data;": "user root;" if os.geteuid() == 0 else "",  # to reach the folders
        "pid /run/nginx.pid;": f"pid {folder / 'nginx.pid'};\ndaemon off;",
        "\tinclude /etc/nginx/conf.d/*.conf;": temp + server,
        "\tinclude /etc/nginx/sites-enabled/*;": "",
    }
    for old, new in swaps.items():
        assert old in main, f"tests/fixtures/nginx-debian.conf no longer has {old!r}"
        main = main.replace(old, new)
    return main


@dataclass
class Proxied:
    base_url: str
    processes: list[RotaProcess]
    redis: RedisServer
    access_log: str


@pytest.fixture(scope="module")
def proxied(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    binary = nginx_binary()
    if binary is None:
        message = "nginx is missing: run scripts/ensure-nginx (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("proxy")
    redis_server.flush()
    common = ("--redis", redis_server.url, "--trusted-proxy", "127.0.0.1")
    processes = [launch_rota(*common, "--start-at", "now", folder=folder)]
    processes.append(launch_rota(*common, "--resume", folder=folder))
    port = free_port()
    config = folder / "nginx.conf"
    upstreams = [int(p.base_url.rsplit(":", 1)[1]) for p in processes]
    config.write_text(derived_config(SHIPPED.read_text(), port, upstreams, folder))
    nginx = subprocess.Popen(
        [binary, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            if nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "error.log").read_text())
            time.sleep(0.1)
        yield Proxied(
            f"http://127.0.0.1:{port}", processes, redis_server, str(folder / "access.log")
        )
    finally:
        nginx.terminate()
        nginx.wait(10)
        for process in processes:
            process.kill()


def client(source: str = "127.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=source), timeout=10)


async def a_token(base_url: str) -> str:
    async with client() as http:
        found = await http.get(f"{base_url}/api/v1/participants/emma-schmidt", headers=AUTH)
        assert found.status_code == 200, found.text
        return str(found.json()["link"]).rsplit("/go/", 1)[1]


async def test_go_answers_through_the_proxy_from_both_processes(proxied) -> None:
    token = await a_token(proxied.base_url)
    async with client() as http:
        direct = {
            (await http.get(f"{p.base_url}/go/{token}")).headers["Location"]
            for p in proxied.processes
        }
        answers = [await http.get(f"{proxied.base_url}/go/{token}") for _ in range(6)]
    assert {a.status_code for a in answers} == {302}
    assert {a.headers["Location"] for a in answers} == direct and len(direct) == 1
    assert answers[0].headers["Server"] == "nginx"  # server_tokens off: no version


async def test_participant_events_pass_unbuffered(proxied) -> None:
    """The first few bytes arrive at once, and a broadcast within a second or two."""
    token = await a_token(proxied.base_url)
    async with (
        client() as http,
        http.stream("GET", f"{proxied.base_url}/p/{token}/events") as stream,
    ):
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        assert await asyncio.wait_for(anext(lines), 3) == "retry: 1000"
        sent = await http.post(
            f"{proxied.base_url}/api/v1/broadcast", headers=AUTH, json={"message": "tea"}
        )
        assert sent.status_code == 201, sent.text

        async def broadcast_line() -> str:
            async for line in lines:
                if "tea" in line:
                    return line
            return ""

        assert "tea" in await asyncio.wait_for(broadcast_line(), 3)


async def test_board_events_pass_unbuffered(proxied) -> None:
    async with client() as http:
        login = await http.post(
            f"{proxied.base_url}/board/login",
            data={"token": TOKEN},
            headers={"Origin": proxied.base_url},
        )
        assert login.status_code == 303, login.text
        async with http.stream("GET", f"{proxied.base_url}/board/events") as stream:
            lines = stream.aiter_lines()
            assert await asyncio.wait_for(anext(lines), 3) == "retry: 1000"


async def test_the_real_client_address_reaches_the_throttle(proxied) -> None:
    """Failures from one client, spread over both processes, refuse that client only; a
    forged X-Forwarded-For from it changes nothing."""
    wrong = {"Authorization": "Bearer not-the-token-not-the-token"}
    async with client(GUESSER) as guesser, client(SOMEONE_ELSE) as other:
        for i in range(5):
            forged = {**wrong, "X-Forwarded-For": f"198.51.100.{i}"}
            answer = await guesser.get(f"{proxied.base_url}/api/v1/state", headers=forged)
            assert answer.status_code == 401
        refused = await guesser.get(f"{proxied.base_url}/api/v1/state", headers=AUTH)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        allowed = await other.get(f"{proxied.base_url}/api/v1/state", headers=AUTH)
        assert allowed.status_code == 200


def test_slow_clients_are_cut_by_the_proxy(proxied) -> None:
    host, port = proxied.base_url.removeprefix("http://").split(":")

    async def all_of_them() -> list[float]:
        return await asyncio.wait_for(
            asyncio.gather(*(_trickle(host, int(port), *HEADERS_SLOWLY, 0.5) for _ in range(SLOW))),
            HEADER_TIMEOUT + 15,
        )

    closed_after = asyncio.run(all_of_them())
    print(
        f"{SLOW} slow clients via nginx: closed after "
        f"{min(closed_after):.2f}–{max(closed_after):.2f} s"
    )
    assert max(closed_after) < HEADER_TIMEOUT + 3


async def test_the_access_log_holds_no_token(proxied) -> None:
    token = await a_token(proxied.base_url)
    log = Path(proxied.access_log)
    async with client() as http:
        for path in (f"/go/{token}", f"/p/{token}", f"/p/{token}/agenda.ics", f"/go/{token}?x=1"):
            await http.get(f"{proxied.base_url}{path}")
        marker = f"/marker-{time.monotonic_ns()}"  # the last request: its line comes last
        await http.get(f"{proxied.base_url}{marker}?after=1")

    def logged() -> str:
        text = log.read_text()
        return text if marker in text else ""

    text = await eventually(logged, 5)
    assert token not in text
    assert f'"GET {marker}" 404' in text  # logging is on, paths and all, no query strings
    assert '"GET /go/-"' in text and '"GET /p/-/agenda.ics"' in text
