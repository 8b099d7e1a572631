"""The shipped reverse proxies in front of two `rota serve` processes on one Redis: nginx
(docker/nginx.conf) over HTTP, and Caddy (deploy/Caddyfile) over HTTPS with its own local CA
(`tls internal`) and a client that trusts only that CA. Through each: /go from both
processes, unbuffered server-sent events, the real client's address reaching the throttle;
through nginx, slow clients cut by the proxy; through Caddy, HSTS and the security headers
once each, no page naming an http:// address, and no personal token in its logs. Each config
is the shipped one with only its addresses (and, for Caddy, `tls internal`) replaced."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support.app import AUTH, ROOT, TOKEN, RotaProcess, free_port, launch_rota
from tests.support.clock import eventually
from tests.support.redis_kit import RedisServer
from tests.support.slow_clients import HEADERS_SLOWLY, SLOW, trickle

pytestmark = pytest.mark.slow
SHIPPED = ROOT / "docker" / "nginx.conf"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
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


def caddy_binary() -> str | None:
    return os.environ.get("ROTA_CADDY") or shutil.which("caddy")


def derived_caddyfile(shipped: str, https_port: int, folder: Path) -> str:
    """The shipped Caddyfile with Caddy's own local CA and loopback ports: global options
    added to its global block, `tls internal` in its site. ROTA_DOMAIN and ROTA_UPSTREAMS come
    from the environment, as in docker/compose.yaml."""
    options = (
        "{\n\tadmin off\n\tskip_install_trust\n\tauto_https disable_redirects\n"
        f"\thttps_port {https_port}\n\tstorage file_system {{\n\t\troot {folder / 'caddy'}\n\t}}\n"
    )
    derived, count = re.subn(r"^\{\n", options, shipped, count=1, flags=re.M)
    assert count == 1, "deploy/Caddyfile no longer opens with a global options block"
    derived, count = re.subn(
        r"^\{\$ROTA_DOMAIN\} \{\n", "{$ROTA_DOMAIN} {\n\ttls internal\n", derived, flags=re.M
    )
    assert count == 1, "deploy/Caddyfile no longer has a `{$ROTA_DOMAIN} {` site"
    return derived


def missing(name: str, script: str) -> None:
    message = f"{name} is missing: run scripts/{script} (make test does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Proxied:
    kind: str
    base_url: str
    processes: list[RotaProcess]
    redis: RedisServer
    verify: ssl.SSLContext | bool = True
    log: Path = field(default_factory=Path)  # the proxy's own output (its access log)


def wait_until_up(
    url: str, proxy: subprocess.Popen, log: Path, verify: ssl.SSLContext | bool
) -> None:
    deadline = time.monotonic() + 15
    while True:
        with contextlib.suppress(httpx.HTTPError, ssl.SSLError, OSError):
            if httpx.get(f"{url}/healthz", timeout=1, verify=verify).status_code == 200:
                return
        if proxy.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log.read_text() if log.exists() else "the proxy did not start")
        time.sleep(0.1)


def start_nginx(
    binary: str, folder: Path, port: int, upstreams: list[int]
) -> tuple[subprocess.Popen, Path]:
    config = folder / "nginx.conf"
    config.write_text(derived_config(SHIPPED.read_text(), port, upstreams, folder))
    log = folder / "error.log"
    command = [binary, "-e", str(log), "-p", str(folder), "-c", str(config)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT), log


def start_caddy(
    binary: str, folder: Path, port: int, upstreams: list[int]
) -> tuple[subprocess.Popen, Path]:
    config = folder / "Caddyfile"
    config.write_text(derived_caddyfile(CADDYFILE.read_text(), port, folder))
    log = folder / "caddy.log"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "XDG_DATA_HOME": str(folder),
        "XDG_CONFIG_HOME": str(folder),
        "ROTA_DOMAIN": f"127.0.0.1:{port}",
        "ROTA_UPSTREAMS": " ".join(f"127.0.0.1:{p}" for p in upstreams),
    }
    command = [binary, "run", "--adapter", "caddyfile", "--config", str(config)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    return process, log


def caddy_ca(folder: Path) -> ssl.SSLContext:
    """A client context that trusts only this Caddy's local CA (made when it starts)."""
    root = folder / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    deadline = time.monotonic() + 10
    while not root.exists():
        assert time.monotonic() < deadline, f"Caddy made no local CA in {root.parent}"
        time.sleep(0.05)
    return ssl.create_default_context(cafile=str(root))


@pytest.fixture(scope="module", params=["nginx", "caddy"])
def proxied(
    request: pytest.FixtureRequest,
    redis_server: RedisServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Proxied]:
    kind = str(request.param)
    binary = nginx_binary() if kind == "nginx" else caddy_binary()
    if binary is None:
        missing(kind, f"ensure-{kind}")
    assert binary is not None
    folder = tmp_path_factory.mktemp(kind)
    redis_server.flush()
    port = free_port()
    scheme = "https" if kind == "caddy" else "http"
    base_url = f"{scheme}://127.0.0.1:{port}"
    common: tuple[str, ...] = ("--redis", redis_server.url, "--trusted-proxy", "127.0.0.1")
    if kind == "caddy":  # every link and page address built from the https address
        common = (*common, "--base-url", base_url)
    processes = [launch_rota(*common, "--start-at", "now", folder=folder)]
    processes.append(launch_rota(*common, "--resume", folder=folder))
    upstreams = [int(p.base_url.rsplit(":", 1)[1]) for p in processes]
    start = start_caddy if kind == "caddy" else start_nginx
    proxy, log = start(binary, folder, port, upstreams)
    try:
        verify: ssl.SSLContext | bool = caddy_ca(folder) if kind == "caddy" else True
        wait_until_up(base_url, proxy, log, verify)
        yield Proxied(kind, base_url, processes, redis_server, verify, log)
    finally:
        if kind == "caddy":  # it would give open connections its grace_period (10 s)
            proxy.kill()
        else:
            proxy.terminate()
        proxy.wait(10)
        for process in processes:
            process.kill()


only_caddy = pytest.mark.parametrize("proxied", ["caddy"], indirect=True)
only_nginx = pytest.mark.parametrize("proxied", ["nginx"], indirect=True)


def client(proxied: Proxied, source: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=source, verify=proxied.verify)
    return httpx.AsyncClient(transport=transport, timeout=10)


async def a_token(proxied: Proxied) -> str:
    async with client(proxied) as http:
        found = await http.get(f"{proxied.base_url}/api/v1/participants/emma-schmidt", headers=AUTH)
        assert found.status_code == 200, found.text
        link = str(found.json()["link"])
        if proxied.kind == "caddy":  # built from the https address people use
            assert link.startswith(f"{proxied.base_url}/go/")
        return link.rsplit("/go/", 1)[1]


async def test_go_answers_through_the_proxy_from_both_processes(proxied: Proxied) -> None:
    token = await a_token(proxied)
    async with client(proxied) as http:
        direct = {
            (await http.get(f"{p.base_url}/go/{token}")).headers["Location"]
            for p in proxied.processes
        }
        answers = [await http.get(f"{proxied.base_url}/go/{token}") for _ in range(6)]
    assert {a.status_code for a in answers} == {302}
    assert {a.headers["Location"] for a in answers} == direct and len(direct) == 1
    if proxied.kind == "nginx":
        assert answers[0].headers["Server"] == "nginx"  # server_tokens off: no version
    else:
        assert "Server" not in answers[0].headers  # not Caddy's and Rota's both


async def test_participant_events_pass_unbuffered(proxied: Proxied) -> None:
    """The first few bytes arrive at once, and a broadcast within a second or two."""
    token = await a_token(proxied)
    async with (
        client(proxied) as http,
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


async def board_login(http: httpx.AsyncClient, proxied: Proxied) -> None:
    login = await http.post(
        f"{proxied.base_url}/board/login",
        data={"token": TOKEN},
        headers={"Origin": proxied.base_url},
    )
    assert login.status_code == 303, login.text


async def test_board_events_pass_unbuffered(proxied: Proxied) -> None:
    async with client(proxied) as http:
        await board_login(http, proxied)
        async with http.stream("GET", f"{proxied.base_url}/board/events") as stream:
            lines = stream.aiter_lines()
            assert await asyncio.wait_for(anext(lines), 3) == "retry: 1000"


async def test_the_real_client_address_reaches_the_throttle(proxied: Proxied) -> None:
    """Failures from one client, spread over both processes, refuse that client only; a
    forged X-Forwarded-For from it changes nothing."""
    wrong = {"Authorization": "Bearer not-the-token-not-the-token"}
    async with client(proxied, GUESSER) as guesser, client(proxied, SOMEONE_ELSE) as other:
        for i in range(5):
            forged = {**wrong, "X-Forwarded-For": f"198.51.100.{i}"}
            answer = await guesser.get(f"{proxied.base_url}/api/v1/state", headers=forged)
            assert answer.status_code == 401
        refused = await guesser.get(f"{proxied.base_url}/api/v1/state", headers=AUTH)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        allowed = await other.get(f"{proxied.base_url}/api/v1/state", headers=AUTH)
        assert allowed.status_code == 200


ONCE = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
)


@only_caddy
@pytest.mark.parametrize("page", ["participant", "board", "login", "privacy", "not-found"])
async def test_security_headers_come_once_over_https(proxied: Proxied, page: str) -> None:
    token = await a_token(proxied)
    path = {
        "participant": f"/p/{token}",
        "board": "/board",
        "login": "/board",
        "privacy": f"/p/{token}/privacy",
        "not-found": "/p/no-such-token",
    }[page]
    async with client(proxied) as http:
        if page == "board":
            await board_login(http, proxied)
        answer = await http.get(f"{proxied.base_url}{path}")
    assert answer.status_code in (200, 404), answer.text
    for name in ONCE:
        assert len(answer.headers.get_list(name)) == 1, (name, answer.headers.get_list(name))
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


# an address a page makes the browser load or open: src, href, action, and the
# participant script's data-api (the Jitsi IFrame API it loads)
ADDRESS = re.compile(r"""(?:src|href|action|data-api|data-domain)\s*=\s*["']([^"']*)["']""")


@only_caddy
async def test_no_page_names_an_http_address(proxied: Proxied) -> None:
    """Every page served over HTTPS names only https:// or relative addresses (a browser
    would block or warn about anything else as mixed content)."""
    token = await a_token(proxied)
    pages = [f"/p/{token}", f"/p/{token}/privacy", "/board", "/board/results", "/p/x"]
    seen: dict[str, list[str]] = {}
    async with client(proxied) as http:
        logged_out = await http.get(f"{proxied.base_url}/board")
        seen["/board (login)"] = ADDRESS.findall(logged_out.text)
        await board_login(http, proxied)
        for path in pages:
            answer = await http.get(f"{proxied.base_url}{path}")
            assert answer.status_code in (200, 404), (path, answer.status_code)
            seen[path] = ADDRESS.findall(answer.text)
        people = await http.get(f"{proxied.base_url}/api/v1/participants", headers=AUTH)
    plain = {path: [a for a in found if a.startswith("http:")] for path, found in seen.items()}
    assert not any(plain.values()), plain
    assert sum(len(found) for found in seen.values()) > 10  # the pattern does find addresses
    assert all(str(row["link"]).startswith("https://") for row in people.json())


@only_caddy
async def test_no_personal_token_reaches_the_proxy_log(proxied: Proxied) -> None:
    token = await a_token(proxied)
    async with client(proxied) as http:
        assert (await http.get(f"{proxied.base_url}/go/{token}")).status_code == 302
        assert (await http.get(f"{proxied.base_url}/p/{token}")).status_code == 200
        assert (await http.get(f"{proxied.base_url}/p/{token}/agenda.ics")).status_code == 200
        marker = f"/healthz?marker={time.time_ns()}"
        await http.get(f"{proxied.base_url}{marker}")
    deadline = time.monotonic() + 5
    while marker not in proxied.log.read_text(errors="replace"):  # the log has caught up
        assert time.monotonic() < deadline, "Caddy wrote no access log line"
        await asyncio.sleep(0.05)
    logged = proxied.log.read_text(errors="replace")
    assert "/go/…" in logged and "/p/…" in logged  # the requests are logged, their paths cut
    assert token not in logged


@only_nginx
async def test_nginx_logs_no_token(proxied: Proxied) -> None:
    """Inside Debian's default nginx.conf, its access log on: the shipped format cuts tokens."""
    token = await a_token(proxied)
    log = proxied.log.parent / "access.log"
    async with client(proxied) as http:
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


@only_nginx
def test_slow_clients_are_cut_by_the_proxy(proxied: Proxied) -> None:
    host, port = proxied.base_url.removeprefix("http://").split(":")

    async def all_of_them() -> list[float]:
        return await asyncio.wait_for(
            asyncio.gather(*(trickle(host, int(port), *HEADERS_SLOWLY, 0.5) for _ in range(SLOW))),
            HEADER_TIMEOUT + 15,
        )

    closed_after = asyncio.run(all_of_them())
    print(
        f"{SLOW} slow clients via nginx: closed after "
        f"{min(closed_after):.2f}–{max(closed_after):.2f} s"
    )
    assert max(closed_after) < HEADER_TIMEOUT + 3
