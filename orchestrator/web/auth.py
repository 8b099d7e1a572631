"""Organiser endpoints need the organiser token, compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web

from orchestrator.appkeys import SETTINGS
from orchestrator.errors import Unauthorised

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def organiser_ok(request: web.Request) -> bool:
    expected = request.app[SETTINGS].organiser_token.reveal().encode()
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected)


def organiser(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not organiser_ok(request):
            raise Unauthorised(
                "organiser token required (Authorization: Bearer …)",
                challenge='Bearer realm="rota"',
            )
        return await handler(request)

    guarded.__name__ = handler.__name__
    guarded.__doc__ = handler.__doc__
    return guarded
