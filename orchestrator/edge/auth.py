"""Organiser endpoints need the organiser token, compared in constant time. Failed attempts
are counted per client (storage/auth_failures.py); a client that has failed too often gets
429 with Retry-After before its token is even looked at."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web

from orchestrator.appkeys import SETTINGS, STORE
from orchestrator.edge.clients import client_address
from orchestrator.errors import TooMany, Unauthorised
from orchestrator.storage.auth_failures import AuthFailures

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def token_ok(request: web.Request, given: str) -> bool:
    expected = request.app[SETTINGS].organiser_token.reveal().encode()
    return bool(given) and hmac.compare_digest(given.strip().encode(), expected)


def _bearer(request: web.Request) -> str:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" else ""


def _failures(request: web.Request) -> AuthFailures:
    settings = request.app[SETTINGS]
    return AuthFailures(
        request.app[STORE], settings.auth_failures_allowed, settings.auth_window_seconds
    )


async def verdict(request: web.Request, given: str) -> tuple[bool, int]:
    """(the token is right, seconds this client must wait first). A wrong token counts; no
    token at all is not a guess. One atomic Redis step, the same for a right and a wrong one."""
    right = token_ok(request, given)
    wrong = not right and bool(given.strip())
    seconds = await _failures(request).attempt(client_address(request), wrong)
    return right, seconds


def too_many(seconds: int) -> TooMany:
    return TooMany(f"too many failed attempts; try again in {seconds} s", retry_after=seconds)


def organiser(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        right, seconds = await verdict(request, _bearer(request))
        if seconds:
            raise too_many(seconds)
        if not right:
            raise Unauthorised(
                "organiser token required (Authorization: Bearer …)",
                challenge='Bearer realm="rota"',
            )
        return await handler(request)

    guarded.__name__ = handler.__name__
    guarded.__doc__ = handler.__doc__
    return guarded
