"""Inbound Jitsi webhooks: checked, deduplicated and stored in Redis before the 2xx.

JaaS: `X-Jaas-Signature` on the raw body (constant time, 5-minute window), deduplicated on
`idempotencyKey`. Prosody event_sync: a static bearer token (constant time), deduplicated on a
synthetic key. Both: every time in the payload must lie near the event or near the moment of
receipt (webhooks/window.py), else 400 with the reason. Secrets are never logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from multidict import CIMultiDict

from orchestrator.appkeys import INTAKE, METRICS, SERVICE, SETTINGS
from orchestrator.edge.body import decode, decode_as, read_bytes
from orchestrator.edge.headers import DEFAULT_SECURITY
from orchestrator.errors import NotFound, Refused, RotaError, Unauthorised, from_domain
from orchestrator.event.meetings import hook_url
from orchestrator.webhooks.window import time_window
from rooms.bbb_hooks import parse_callback, verify_callback
from rooms.events import RoomEvent, UnusableEvent, check_times
from rooms.webhooks import (
    JAAS_BODY,
    MalformedWebhook,
    WebhookRejected,
    bearer_ok,
    parse_event_sync,
    parse_jaas,
    verify_jaas,
)

log = logging.getLogger(__name__)
STORED = b'{"status":"stored"}'
DUPLICATE = b'{"status":"duplicate"}'
# aiohttp copies these into each answer; the security headers are in (the edge's signal only looks)
JSON_HEADERS: CIMultiDict[str] = CIMultiDict(
    {"Content-Type": "application/json", **DEFAULT_SECURITY}
)
Handler = Callable[[web.Request], Awaitable[web.Response]]


def _check_times(request: web.Request, events: list[RoomEvent], received: float) -> None:
    window = time_window(request.app[SERVICE].require_live(), received)
    for event in events:
        try:
            check_times(event, window)
        except UnusableEvent as exc:
            raise Refused(str(exc)) from None


def counted(source: str) -> Callable[[Handler], Handler]:
    """Refusals are counted and logged (without the body) before the edge's guard
    (edge/guard.py) answers them."""

    def wrap(handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.Response:
            try:
                return await handler(request)
            except (RotaError, MalformedWebhook, WebhookRejected) as exc:
                error = from_domain(exc)
                assert error is not None
                request.app[METRICS].webhooks.labels(source=source, outcome=str(error.status)).inc()
                log.info("%s webhook refused (%s): %s", source, error.status, error.reason)
                raise error from None

        guarded.__name__ = handler.__name__
        return guarded

    return wrap


@counted("jaas")
async def jaas(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    body = await read_bytes(request)
    received = time.time()
    verify_jaas(
        request.headers.get("X-Jaas-Signature"),
        body,
        settings.jaas_webhook_secret.reveal(),
        received,
    )
    event = parse_jaas(decode_as(body, JAAS_BODY))
    _check_times(request, [event] if event else [], received)
    metrics = request.app[METRICS]
    if event is None:
        metrics.webhooks.labels(source="jaas", outcome="ignored").inc()
        return web.json_response({"status": "ignored"})
    stored = await request.app[INTAKE].store_event(event.key, event.to_json())
    (metrics.webhooks_stored if stored else metrics.webhooks_duplicate).inc()
    return web.Response(body=STORED if stored else DUPLICATE, headers=JSON_HEADERS)


@counted("event_sync")
async def event_sync(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if not bearer_ok(request.headers.get("Authorization"), settings.event_sync_token.reveal()):
        raise Unauthorised("wrong or missing bearer token")
    body = await read_bytes(request)
    path = f"{request.match_info['what']}/{request.match_info['change']}"
    return await _store_all(request, "event_sync", parse_event_sync(path, decode(body)))


async def _store_all(request: web.Request, source: str, events: list[RoomEvent]) -> web.Response:
    """Times checked, then each event stored once; the answer counts the duplicates."""
    _check_times(request, events, time.time())
    intake = request.app[INTAKE]
    stored = 0
    for event in events:
        stored += await intake.store_event(event.key, event.to_json())
    request.app[METRICS].webhooks.labels(source=source, outcome="stored").inc(stored)
    return web.json_response({"stored": stored, "duplicates": len(events) - stored})


@counted("bbb")
async def bbb(request: web.Request) -> web.Response:
    """bbb-webhooks: the checksum over the registered URL, the raw body and the secret (or
    the bearer), then joins and leaves stored like the poller's, deduplicated with them."""
    service = request.app[SERVICE]
    live = service.require_live()
    if service.bbb is None or not service.bbb.webhooks:
        raise NotFound("no BigBlueButton webhooks configured ([bbb] webhooks = true)")
    body = await read_bytes(request)
    verify_callback(
        hook_url(live),
        body,
        service.bbb.secret,
        request.query.get("checksum", ""),
        request.headers.get("Authorization"),
    )
    return await _store_all(request, "bbb", parse_callback(body))


def routes() -> list[web.RouteDef]:
    return [
        web.post("/webhooks/bbb", bbb),
        web.post("/webhooks/jaas", jaas),
        web.post(
            "/webhooks/jitsi/events/{what:room|occupant}/{change:created|destroyed|joined|left}",
            event_sync,
        ),
    ]
