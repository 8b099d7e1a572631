"""`GET /go/{token}`: one personal link that always leads where the person should be now.

The hot path reads only memory (the plan, the clock and the tokens live in `Live`, and each
person's answer is cached until it can change); the click is queued for Redis by the recorder,
off the request."""

from __future__ import annotations

import time

from aiohttp import web

from orchestrator.appkeys import CLICKS, METRICS, SERVICE
from orchestrator.web.pages import not_found


async def go(request: web.Request) -> web.StreamResponse:
    app = request.app
    live = app[SERVICE].require_live()
    token = request.match_info["token"]
    person = live.participant(token)
    metrics = app[METRICS]
    if person is None:
        metrics.to_unknown.inc()
        return not_found(request)
    place = live.where(person.id, live.event_now()).now
    if place is None:
        target, room, counter = live.page_url(token), "page", metrics.to_page
    else:
        target, room = live.join_url(place, person.id), place.room
        counter = metrics.to_room if place.kind == "room" else metrics.to_keynote
    app[CLICKS].record({"participant": person.id, "to": room, "wall": round(time.time(), 3)})
    counter.inc()
    return web.Response(status=302, headers={"Location": target, "Cache-Control": "no-store"})
