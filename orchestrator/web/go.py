"""`GET /go/{token}`: one personal link that always leads where the person should be now.

The hot path reads only memory: `Live.redirect` keeps each token's answer for the current time
segment (worked out ahead by the warm-up), the click is queued for Redis by the recorder, off
the request, and the counters are plain integers read when /metrics is scraped. Measured in
docs/benchmarks.md against a bare aiohttp handler."""

from __future__ import annotations

import time

from aiohttp import web

from orchestrator.appkeys import CLICKS, METRICS, SERVICE
from orchestrator.web.pages import not_found


async def go(request: web.Request) -> web.StreamResponse:
    app = request.app
    wall = time.time()
    redirect = app[SERVICE].require_live().redirect(request.match_info["token"], wall)
    counts = app[METRICS].redirect_counts
    if redirect is None:
        counts["unknown"] += 1
        return not_found(request)
    counts[redirect.target] += 1
    app[CLICKS].record(redirect.click, wall)
    return web.Response(
        status=302, headers={"Location": redirect.location, "Cache-Control": "no-store"}
    )
