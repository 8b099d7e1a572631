"""The HTTP edge below the handlers: slow clients are cut, errors become JSON answers, every
answer carries the same security headers and names no versions, and malformed requests are
logged as one line.

Slow clients: aiohttp has no header-read timeout of its own, but it arms its keep-alive timer
when a connection opens and closes the connection when the timer fires while no complete
request has arrived; so `keepalive_timeout` bounds the time to send a request's headers (and
an idle keep-alive). A running handler is never cut by it, so server-sent events live on.
The body has its own deadline (in `guard`): a request whose body has not fully arrived in
time is answered 408 and its connection closed.

Every route's handler is wrapped by `guard` when the routes are added (`guard_routes`), not by
app middlewares: once an app has any middleware, aiohttp runs its middleware machinery (a
cached chain, an extra coroutine that sets `current_app`) for every request, which cost `/go`
a tenth of its throughput (docs/benchmarks.md). `/go` is left `unguarded`: it reads no body
and answers its own errors."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterable
from typing import Any

from aiohttp import web, web_response
from aiohttp.http_exceptions import HttpProcessingError

from orchestrator.appkeys import SETTINGS
from orchestrator.edge.headers import CSP, DEFAULT_SECURITY
from orchestrator.errors import MAPPED, Handler, TooSlow, answer, response
from orchestrator.settings import Settings

SERVER = "Rota"
# aiohttp fills in "Python/3.x aiohttp/3.x" where a response has no Server header, including
# the 400s it writes itself for requests it cannot parse (no hook of ours runs for those).
web_response.SERVER_SOFTWARE = SERVER  # type: ignore[attr-defined]  # no setting exists


def runner_options(settings: Settings) -> dict[str, Any]:
    """Options for `web.run_app` / `web.AppRunner`, shared by `rota serve` and the tests."""
    # lingering_time: how long the unread rest of a body is drained after an early answer
    # no access log: its lines would carry personal tokens (/go/{token}, /p/{token})
    return {
        "keepalive_timeout": settings.client_timeout,
        "lingering_time": settings.client_timeout,
        "access_log": None,
    }


UNGUARDED: set[Handler] = set()


def unguarded(handler: Handler) -> Handler:
    """For a GET handler that reads no body, answers its own errors (with `errors.answer`) and
    gets its security headers from the edge's signal: `guard_routes` leaves it bare."""
    UNGUARDED.add(handler)
    return handler


def guard(handler: Handler) -> Handler:
    """The body must arrive within the client timeout (the handler may read it later), and
    the errors of `errors.MAPPED` become JSON answers."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            if not request.body_exists or request.content.is_eof():
                return await handler(request)
            return await _within_deadline(request, handler)
        except MAPPED as exc:
            return answer(request, exc)

    return guarded


def guard_routes(routes: Iterable[web.AbstractRouteDef]) -> list[web.AbstractRouteDef]:
    """Every route's handler `guard`ed, except the `unguarded` ones (static files: aiohttp's)."""
    return [
        web.RouteDef(r.method, r.path, guard(r.handler), r.kwargs)
        if isinstance(r, web.RouteDef) and r.handler not in UNGUARDED
        else r
        for r in routes
    ]


async def _within_deadline(request: web.Request, handler: Handler) -> web.StreamResponse:
    seconds = request.app[SETTINGS].client_timeout
    async with asyncio.timeout(seconds) as deadline:

        def arrived() -> None:
            # a handler that answered before the body ended (a 401, say) has left this block
            # when aiohttp drains the rest: the deadline is over then
            if not done and not deadline.expired():
                deadline.reschedule(None)

        done = False
        request.content.on_eof(arrived)
        try:
            return await handler(request)
        except TimeoutError:
            if not deadline.expired():
                raise
        finally:
            done = True
    late = response(TooSlow(f"the request body did not arrive within {seconds:g} s"))
    late.force_close()
    return late


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every answer: pages, JSON, .ics, static files, 404s, streams, redirects. An answer
    that sets its own Content-Security-Policy sets the whole set (pages.SECURITY_HEADERS with
    it), so for those one look is enough."""
    headers = response.headers
    if CSP not in headers:
        for name, value in DEFAULT_SECURITY.items():
            headers.setdefault(name, value)


class OneLineForMalformedRequests(logging.Filter):
    """aiohttp logs a traceback at ERROR for every request it cannot parse (anyone on the
    internet can send those). Keep one line, without the request's bytes (a personal link
    could be in them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            record.msg = "refused a malformed HTTP request (%s, %s)"
            record.args = (type(exc).__name__, exc.code)
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def quiet_malformed_requests() -> None:
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, OneLineForMalformedRequests) for f in server_log.filters):
        server_log.addFilter(OneLineForMalformedRequests())


def harden(app: web.Application) -> None:
    """The edge's parts that are not per route (those are `guard_routes`)."""
    app.on_response_prepare.append(security_headers)
    quiet_malformed_requests()
