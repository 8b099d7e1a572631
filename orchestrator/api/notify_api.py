"""The organiser API for notifications: subscribers (add, list, remove, test) and deliveries
(list by status, redeliver a failed one)."""

from __future__ import annotations

from aiohttp import web

from orchestrator.api.models import Subscriber, parse
from orchestrator.appkeys import NOTIFIER
from orchestrator.errors import NotFound, Refused
from orchestrator.web.auth import organiser
from orchestrator.web.body import read_json

STATUSES = ("failed", "pending", "delivered")


@organiser
async def list_subscribers(request: web.Request) -> web.Response:
    subs = await request.app[NOTIFIER].subscribers()
    return web.json_response([s.public() for s in subs.values()])


@organiser
async def add_subscriber(request: web.Request) -> web.Response:
    body = parse(Subscriber, await read_json(request))
    events = ("*",) if body.events is None else tuple(body.events)
    sub, secret = await request.app[NOTIFIER].add(
        body.url, body.kind, events, body.secret or "", body.personal
    )
    # the secret is shown this once: keep it to verify signatures
    return web.json_response({**sub.public(), "secret": secret}, status=201)


@organiser
async def remove_subscriber(request: web.Request) -> web.Response:
    if not await request.app[NOTIFIER].remove(request.match_info["id"]):
        raise NotFound("unknown subscriber")
    return web.json_response({"removed": request.match_info["id"]})


@organiser
async def test_subscriber(request: web.Request) -> web.Response:
    entry = await request.app[NOTIFIER].test(request.match_info["id"])
    return web.json_response({"queued": entry}, status=202)


@organiser
async def deliveries(request: web.Request) -> web.Response:
    status = request.query.get("status", "failed")
    if status not in STATUSES:
        raise Refused(f"`status` must be one of {', '.join(STATUSES)}")
    return web.json_response(await request.app[NOTIFIER].deliveries(status))


@organiser
async def redeliver(request: web.Request) -> web.Response:
    job = await request.app[NOTIFIER].redeliver(request.match_info["id"])
    return web.json_response({"id": job.id, "status": job.status}, status=202)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v1/notify/subscribers", list_subscribers),
        web.post("/api/v1/notify/subscribers", add_subscriber),
        web.delete("/api/v1/notify/subscribers/{id}", remove_subscriber),
        web.post("/api/v1/notify/subscribers/{id}/test", test_subscriber),
        web.get("/api/v1/notify/deliveries", deliveries),
        web.post("/api/v1/notify/deliveries/{id}/redeliver", redeliver),
    ]
