"""`GET /go/{token}`: one personal link that always leads where the person should be now.

The hot path reads only memory (the plan, the clock and the tokens live in `Live`); the click
is queued for Redis by the recorder, off the request."""

from __future__ import annotations

import time

from aiohttp import web

from ..appkeys import CLICKS, METRICS, SERVICE
from .pages import not_found


async def go(request: web.Request) -> web.StreamResponse:
    live = request.app[SERVICE].require_live()
    token = request.match_info["token"]
    person = live.participant(token)
    if person is None:
        request.app[METRICS].redirects.labels(target="unknown").inc()
        return not_found(request)
    now = live.event_now()
    place = live.where(person.id, now).now
    if place is None:
        target, kind = live.page_url(token), "page"
    else:
        target, kind = live.join_url(place, person.id), place.kind
    request.app[CLICKS].record(
        {
            "kind": "go",
            "participant": person.id,
            "to": place.room if place else "page",
            "round": str(place.round or "") if place else "",
            "event_time": now.isoformat(),
            "wall": f"{time.time():.3f}",
        }
    )
    request.app[METRICS].redirects.labels(target=kind).inc()
    raise web.HTTPFound(target, headers={"Cache-Control": "no-store"})
