"""Who is asking: the peer's address, or, when the peer is a trusted reverse proxy, the
address it reports in X-Forwarded-For. Anyone can write that header, so it is believed only
from proxies named in the settings, read from the right (the proxy appends the address it
saw): the first address that is not a trusted proxy is the client."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

from orchestrator.appkeys import SETTINGS
from orchestrator.settings import Network

IPV6_PREFIX = 64  # one household or phone gets a whole /64: count it as one client


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_of(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client address as a counting key (IPv6 reduced to its /64)."""
    address = _address(peer or "")
    if address is None:
        return peer or "unknown"
    if any(address in net for net in trusted):
        hops = [hop for header in forwarded_for for hop in header.split(",")]
        for hop in reversed(hops):
            forwarded = _address(hop)
            if forwarded is None:
                break  # garbage from the client's side of the chain: stop at the last good hop
            address = forwarded
            if not any(address in net for net in trusted):
                break
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def client_address(request: web.Request) -> str:
    return client_of(
        request.remote,
        request.headers.getall("X-Forwarded-For", []),
        request.app[SETTINGS].trusted_proxies,
    )
