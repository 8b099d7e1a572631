"""Subscriber URLs must not reach into our own network (server-side request forgery):
loopback, private, link-local and other special addresses are refused unless the operator
allows them (ROTA_NOTIFY_ALLOW_PRIVATE=1, e.g. for a receiver on the same host)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from orchestrator.errors import Refused
from schedules.sections import url_problem


class UnsafeURL(Refused):
    """A subscriber URL Rota will not call (400 when it comes from the API)."""


def check_shape(url: str) -> str:
    """The URL's host, if the URL is acceptable in form (before any lookup)."""
    problem = url_problem(url)
    if problem:
        raise UnsafeURL(problem)
    return urlsplit(url).hostname or ""


def special(address: str) -> bool:
    """Loopback, private, link-local, shared, reserved or multicast (IPv4 mapped into IPv6
    included): anything but a public unicast address."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


async def check(url: str, allow_private: bool) -> None:
    """Refuse the URL if its host is, or resolves to, a non-public address. Called when a
    subscriber is added and again before each delivery (the name may change its answer)."""
    host = check_shape(url)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeURL(f"cannot resolve {host}: {exc.strerror}") from None
    for info in infos:
        if special(str(info[4][0])):
            raise UnsafeURL(f"{host} is a private or special address ({info[4][0]})")
