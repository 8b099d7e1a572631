"""`GET /go/{token}`: one personal link that always leads where the person should be now.

The hot path reads only memory: `Live.redirect` keeps each token's answer for the current time
segment (worked out ahead by the warm-up), the click is queued for Redis by the recorder, off
the request, and the counters are plain integers read when /metrics is scraped. The handler is
`unguarded` (no per-request wrapper, see edge/guard.py): it answers its own one error, and its
answers carry the security headers from a template, so the edge's signal only looks. Measured
in docs/benchmarks.md against a bare aiohttp handler."""

from __future__ import annotations

import logging
import time

from aiohttp import hdrs, web
from multidict import CIMultiDict

from orchestrator.appkeys import CLICKS, MEETINGS, METRICS, SERVICE
from orchestrator.edge.error_pages import not_found
from orchestrator.edge.guard import unguarded
from orchestrator.edge.headers import DEFAULT_SECURITY
from orchestrator.errors import Unavailable, answer
from orchestrator.event.live import Live, Redirect
from orchestrator.event.meetings import Meetings
from rooms.bbb import BbbError

log = logging.getLogger(__name__)

# aiohttp copies these into each answer's own headers (and adds Content-Length, Date, Server)
HEADERS: CIMultiDict[str] = CIMultiDict({"Cache-Control": "no-store", **DEFAULT_SECURITY})


@unguarded
async def go(request: web.Request) -> web.StreamResponse:
    app = request.app
    wall = time.time()
    try:
        live = app[SERVICE].require_live()
    except Unavailable as exc:
        return answer(request, exc)
    redirect = live.redirect(request.match_info["token"], wall)
    counts = app[METRICS].redirect_counts
    if redirect is None:
        counts["unknown"] += 1
        return not_found(request)
    counts[redirect.target] += 1
    if request.method != hdrs.METH_HEAD:  # a link checker or preview looks; nobody clicked
        app[CLICKS].record((redirect.click, wall))
    location = redirect.location
    if redirect.bbb is not None and MEETINGS in app:
        location = await _bbb_join(app[MEETINGS], live, redirect, location)
    response = web.Response(status=302, headers=HEADERS)
    response.headers[hdrs.LOCATION] = location
    return response


async def _bbb_join(meetings: Meetings, live: Live, redirect: Redirect, page: str) -> str:
    """A fresh signed join URL; the person's page (which offers the room again) when the
    server cannot be reached: the board and the log already say why."""
    assert redirect.bbb is not None
    try:
        return await meetings.join(live, redirect.participant, redirect.bbb)
    except BbbError as exc:
        log.warning(
            "/go could not make a BigBlueButton join (%s): the person's page instead", exc.key
        )
        return page
