"""`/board/results`: the results for the jury's deliberation, behind the organiser login.
Organisers assign the awards' winners here and download the certificates."""

from __future__ import annotations

import asyncio

from aiohttp import web

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.edge.body import read_json
from orchestrator.scoring.certificates import gather, zipped
from orchestrator.storage.sessions import Session
from orchestrator.web.board import _render, _session, signed_in
from orchestrator.web.scores import assign_award, results_json


async def page(request: web.Request) -> web.StreamResponse:
    """Without a session, the board's login form (it leads back to the board)."""
    session = await _session(request)
    if session is None:
        return _render(request, "login.html", error="")
    live = request.app[SERVICE].require_live()
    if live.programme.scoring is None:
        return _render(
            request, "results.html", csrf=session.csrf, event=live.programme.event, results=None
        )
    return _render(
        request,
        "results.html",
        csrf=session.csrf,
        event=live.programme.event,
        results=await results_json(request),
    )


@signed_in
async def award(request: web.Request, session: Session) -> web.Response:
    done = await assign_award(request, request.match_info["id"], await read_json(request))
    return web.json_response(done)


@signed_in
async def certificates(request: web.Request, session: Session) -> web.Response:
    """Every certificate as PDFs in one zip (built on request: a few hundred ms)."""
    live = request.app[SERVICE].require_live()
    files = await gather(live, request.app[STORE])
    body = await asyncio.to_thread(zipped, files)
    name = f"certificates-{live.programme.event.id}.zip"
    return web.Response(
        body=body,
        content_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/board/results/certificates.zip", certificates),
        web.get("/board/results", page),
        web.post("/board/results/awards/{id}", award),
    ]
