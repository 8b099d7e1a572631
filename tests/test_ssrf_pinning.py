"""The SSRF guard holds against DNS rebinding: a subscriber's host is resolved once, every
address it answers is checked, and the request goes to the checked address (pinned in the
transport, Host header kept); IPv6 forms that embed a private or loopback IPv4 are refused.
The rebinding resolver is a stand-in for a hostile DNS server: it answers a public address
first and 127.0.0.1 after, as the one in the security review did."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from orchestrator.notify.ssrf import PinnedTransport, UnsafeURL, special
from tests.support.app import free_port

PUBLIC = "1.1.1.1"  # any public address: the check lets it through


class Rebinding:
    """Answers each lookup with the next of its answers (the last one repeats)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
async def channel_sync() -> AsyncIterator[tuple[int, list[web.Request], list[web.Request]]]:
    """Two internal services on one port: 127.0.0.1 and 127.0.0.2."""
    port = free_port()
    seen: dict[str, list[web.Request]] = {"127.0.0.1": [], "127.0.0.2": []}
    runners = []
    for address, requests in seen.items():

        async def hook(
            request: web.Request, requests: list[web.Request] = requests
        ) -> web.Response:
            requests.append(request)
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post("/hook", hook)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, address, port).start()
        runners.append(runner)
    yield port, seen["127.0.0.1"], seen["127.0.0.2"]
    for runner in runners:
        await runner.cleanup()


@pytest.mark.parametrize(
    "address",
    [
        "::7f00:1",  # IPv4-compatible 127.0.0.1
        "::a00:1",  # IPv4-compatible 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 (RFC 6052)
        "64:ff9b:1::a9fe:a9fe",  # local-use NAT64 (RFC 8215), 169.254.169.254
        "2002:7f00:1::1",  # 6to4
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "::ffff:0:7f00:1",  # SIIT, IPv4-translated
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    ],
)
def test_ipv6_forms_embedding_a_private_ipv4_are_special(address: str) -> None:
    assert special(address)


@pytest.mark.parametrize("address", ["64:ff9b::5db8:d822", "2002:5db8:d822::1"])
def test_ipv6_forms_embedding_a_public_ipv4_are_not(address: str) -> None:
    assert not special(address)  # 93.184.216.34 inside


async def test_a_rebinding_name_never_reaches_loopback(channel_sync) -> None:
    port, internal, _ = channel_sync
    resolver = Rebinding([PUBLIC], ["127.0.0.1"])
    transport = PinnedTransport(allow_private=False, resolve=resolver)
    async with httpx.AsyncClient(transport=transport, timeout=0.5) as client:
        for _ in range(3):  # the first answer is checked and used; later ones say loopback
            with pytest.raises((httpx.HTTPError, UnsafeURL)):
                await client.post(f"http://rebind.example:{port}/hook", content=b"{}")
    assert internal == []
    assert resolver.asked == ["rebind.example"] * 3  # once per request, never twice


async def test_every_address_of_a_name_is_checked(channel_sync) -> None:
    port, internal, _ = channel_sync
    transport = PinnedTransport(allow_private=False, resolve=Rebinding([PUBLIC, "127.0.0.1"]))
    async with httpx.AsyncClient(transport=transport, timeout=0.5) as client:
        with pytest.raises(UnsafeURL, match=r"127\.0\.0\.1"):
            await client.post(f"http://mixed.example:{port}/hook", content=b"{}")
    assert internal == []


async def test_the_request_goes_to_the_checked_address_with_its_host(channel_sync) -> None:
    """Allowed private receivers (ROTA_NOTIFY_ALLOW_PRIVATE=1) are pinned the same way: the
    second answer (127.0.0.2) is never used for a request whose lookup said 127.0.0.1."""
    port, first, second = channel_sync
    transport = PinnedTransport(allow_private=True, resolve=Rebinding(["127.0.0.1"], ["127.0.0.2"]))
    async with httpx.AsyncClient(transport=transport, timeout=2) as client:
        response = await client.post(f"http://hook.example:{port}/hook", content=b"{}")
    assert response.status_code == 200 and response.text == "ok"
    assert [r.host for r in first] == [f"hook.example:{port}"] and second == []
    assert str(response.request.url) == f"http://hook.example:{port}/hook"


async def test_a_literal_address_is_not_looked_up(channel_sync) -> None:
    port, first, _ = channel_sync
    resolver = Rebinding(["127.0.0.2"])
    transport = PinnedTransport(allow_private=True, resolve=resolver)
    async with httpx.AsyncClient(transport=transport, timeout=2) as client:
        await client.post(f"http://127.0.0.1:{port}/hook", content=b"{}")
    assert len(first) == 1 and resolver.asked == []
