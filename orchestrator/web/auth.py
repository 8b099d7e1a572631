"""Organiser endpoints need the organiser token, compared in constant time. Failed attempts
are counted per client (storage/auth_failures.py); a client that has failed too often gets
429 with Retry-After before its token is even looked at."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from orchestrator.appkeys import SETTINGS, STORE
from orchestrator.errors import TooMany, Unauthorised
from orchestrator.storage.auth_failures import AuthFailures
from orchestrator.web.clients import client_address

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def token_ok(request: web.Request, given: str) -> bool:
    expected = request.app[SETTINGS].organiser_token.reveal().encode()
    return bool(given) and hmac.compare_digest(given.strip().encode(), expected)


def _bearer(request: web.Request) -> str:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" else ""


def organiser_ok(request: web.Request) -> bool:
    return token_ok(request, _bearer(request))


def _failures(request: web.Request) -> AuthFailures:
    settings = request.app[SETTINGS]
    return AuthFailures(
        request.app[STORE], settings.auth_failures_allowed, settings.auth_window_seconds
    )


async def wait_seconds(request: web.Request) -> int:
    """How long this client must wait before trying the organiser token again (0: go on)."""
    return await _failures(request).retry_after(client_address(request))


async def count_failure(request: web.Request, given: str) -> None:
    """A wrong token counts; no token at all is not a guess."""
    if not given.strip():
        return
    client = client_address(request)
    failures = await _failures(request).failed(client)
    if failures == request.app[SETTINGS].auth_failures_allowed:
        log.warning("a client failed the organiser token %d times: refused for a while", failures)


def too_many(seconds: int) -> TooMany:
    return TooMany(f"too many failed attempts; try again in {seconds} s", retry_after=seconds)


def organiser(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        seconds = await wait_seconds(request)
        if seconds:
            raise too_many(seconds)
        if not organiser_ok(request):
            await count_failure(request, _bearer(request))
            raise Unauthorised(
                "organiser token required (Authorization: Bearer …)",
                challenge='Bearer realm="rota"',
            )
        return await handler(request)

    guarded.__name__ = handler.__name__
    guarded.__doc__ = handler.__doc__
    return guarded
