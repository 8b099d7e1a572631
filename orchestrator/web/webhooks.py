"""Inbound Jitsi webhooks: checked, deduplicated and stored in Redis before the 2xx.

JaaS: `X-Jaas-Signature` on the raw body (constant time, 5-minute window), deduplicated on
`idempotencyKey`. Prosody event_sync: a static bearer token (constant time), deduplicated on a
synthetic key. Both: every time in the payload must lie near the event or near the moment of
receipt (attendance.time_window), else 400 with the reason. Secrets are never logged."""

from __future__ import annotations

import logging
import time

from aiohttp import web

from orchestrator.appkeys import INTAKE, METRICS, SERVICE, SETTINGS
from orchestrator.presence.attendance import time_window
from rooms.events import RoomEvent, UnusableEvent, check_times
from rooms.webhooks import (
    MalformedWebhook,
    WebhookRejected,
    bearer_ok,
    parse_event_sync,
    parse_jaas,
    verify_jaas,
)

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
STORED = b'{"status":"stored"}'
DUPLICATE = b'{"status":"duplicate"}'


async def _body(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
    body = await request.content.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=len(body))
    return body


def _check_times(request: web.Request, events: list[RoomEvent], received: float) -> None:
    window = time_window(request.app[SERVICE].require_live(), received)
    for event in events:
        try:
            check_times(event, window)
        except UnusableEvent as exc:
            raise MalformedWebhook(str(exc)) from None


def _refuse(request: web.Request, source: str, status: int, why: str) -> web.Response:
    request.app[METRICS].webhooks.labels(source=source, outcome=str(status)).inc()
    log.info("%s webhook refused (%s): %s", source, status, why)
    return web.json_response({"error": why}, status=status)


async def jaas(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    body = await _body(request)
    received = time.time()
    try:
        verify_jaas(
            request.headers.get("X-Jaas-Signature"),
            body,
            settings.jaas_webhook_secret.reveal(),
            received,
        )
        event = parse_jaas(body)
        _check_times(request, [event] if event else [], received)
    except WebhookRejected as exc:
        return _refuse(request, "jaas", 401, str(exc))
    except MalformedWebhook as exc:
        return _refuse(request, "jaas", 400, str(exc))
    metrics = request.app[METRICS]
    if event is None:
        metrics.webhooks.labels(source="jaas", outcome="ignored").inc()
        return web.json_response({"status": "ignored"})
    stored = await request.app[INTAKE].store_event(event.key, event.to_json())
    (metrics.webhooks_stored if stored else metrics.webhooks_duplicate).inc()
    return web.Response(body=STORED if stored else DUPLICATE, content_type="application/json")


async def event_sync(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if not bearer_ok(request.headers.get("Authorization"), settings.event_sync_token.reveal()):
        return _refuse(request, "event_sync", 401, "wrong or missing bearer token")
    body = await _body(request)
    path = f"{request.match_info['what']}/{request.match_info['change']}"
    try:
        events = parse_event_sync(path, body)
        _check_times(request, events, time.time())
    except MalformedWebhook as exc:
        return _refuse(request, "event_sync", 400, str(exc))
    intake = request.app[INTAKE]
    stored = 0
    for event in events:
        stored += await intake.store_event(event.key, event.to_json())
    request.app[METRICS].webhooks.labels(source="event_sync", outcome="stored").inc(stored)
    return web.json_response({"stored": stored, "duplicates": len(events) - stored})


def routes() -> list[web.RouteDef]:
    return [
        web.post("/webhooks/jaas", jaas),
        web.post(
            "/webhooks/jitsi/events/{what:room|occupant}/{change:created|destroyed|joined|left}",
            event_sync,
        ),
    ]
