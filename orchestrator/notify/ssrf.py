"""Subscriber URLs must not reach into our own network (server-side request forgery):
loopback, private, link-local and other special addresses are refused unless the operator
allows them (ROTA_NOTIFY_ALLOW_PRIVATE=1, e.g. for a receiver on the same host). IPv6 forms
that carry an IPv4 address inside are judged by that address. Against DNS rebinding, every
request goes through `PinnedTransport`: the host is resolved once, every answer checked,
and the connection made to the checked address (Host header and TLS name kept)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from orchestrator.errors import Refused
from schedules.message_sections import url_problem


class UnsafeURL(Refused):
    """A subscriber URL Rota will not call (400 when it comes from the API)."""


def check_shape(url: str) -> str:
    """The URL's host, if the URL is acceptable in form (before any lookup)."""
    problem = url_problem(url)
    if problem:
        raise UnsafeURL(problem)
    return urlsplit(url).hostname or ""


_COMPATIBLE = ipaddress.ip_network("::/96")  # IPv4-compatible (deprecated), ::a.b.c.d
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT, IPv4-translated (RFC 2765)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: mapped, compatible, translated (SIIT),
    NAT64 (RFC 6052, RFC 8215), 6to4 and Teredo (server and client)."""
    low = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if (ip in _COMPATIBLE and int(ip) > 1) or ip in _TRANSLATED or any(ip in n for n in _NAT64):
        found.append(low)
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    return found


def special(address: str) -> bool:
    """Loopback, private, link-local, shared, reserved or multicast, or an IPv6 address
    carrying such an IPv4 address: anything but a public unicast address."""
    ip = ipaddress.ip_address(address.split("%")[0])
    inner: list[ipaddress.IPv4Address] = []
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
    if any(not v4.is_global or v4.is_multicast for v4 in inner):
        return True
    return not ip.is_global or ip.is_multicast


Resolve = Callable[[str, int], Awaitable[list[str]]]


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system's resolver answers for the host."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeURL(f"cannot resolve {host}: {exc.strerror}") from None
    return [str(info[4][0]) for info in infos]


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


async def checked_address(
    host: str, port: int, allow_private: bool, resolve: Resolve = system_resolve
) -> str:
    """The one address to connect to: the host's first, after every answer was checked."""
    addresses = [host] if _literal(host) else await resolve(host, port)
    if not addresses:
        raise UnsafeURL(f"cannot resolve {host}")
    if not allow_private:
        for address in addresses:
            if special(address):
                raise UnsafeURL(f"{host} is a private or special address ({address})")
    return addresses[0]


class PinnedTransport(httpx.AsyncBaseTransport):
    """httpx's own transport, connecting to the address that was checked, not to whatever
    a second lookup answers: the URL's host is swapped for that address, the Host header
    stays the name, and TLS is asked for (SNI) and verified against the name."""

    def __init__(
        self, allow_private: bool, resolve: Resolve = system_resolve, **options: Any
    ) -> None:
        self.allow_private = allow_private
        self.resolve = resolve
        self._inner = httpx.AsyncHTTPTransport(**options)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.raw_host.decode("ascii")
        port = url.port or (443 if url.scheme == "https" else 80)
        address = await checked_address(host, port, self.allow_private, self.resolve)
        if address == host:
            return await self._inner.handle_async_request(request)
        pinned = httpx.Request(
            request.method,
            url.copy_with(host=address.split("%")[0]),
            headers=request.headers,  # Host: the name, set when the request was built
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": host},
        )
        return await self._inner.handle_async_request(pinned)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def check(url: str, allow_private: bool) -> None:
    """Refuse the URL if its host is, or resolves to, a non-public address. Called when a
    subscriber is added and again before each delivery (the name may change its answer)."""
    host = check_shape(url)
    if not allow_private:
        await checked_address(host, 0, allow_private)
