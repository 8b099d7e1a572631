"""`/board/report`: the day in pictures on the board, behind the organiser login. The same
page as `rota report`'s index.html (reports/day_report.py gathers, reports/report_page.py
writes), built on request from the stored day, with each chart's CSV under
/board/report/<chart>.csv. The board links to it once the day is over; before, it shows the
day so far."""

from __future__ import annotations

import time

from aiohttp import web

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.edge.headers import SECURITY_HEADERS
from orchestrator.errors import NotFound
from orchestrator.event.live import Live
from orchestrator.reports import day_report, report_page
from orchestrator.storage.sessions import Session
from orchestrator.web.board import _render, _session, signed_in

# matplotlib's SVG styles its shapes with style attributes: this page alone allows inline
# styles, and nothing else (no script, no frame, no form), so what people typed stays inert
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    **SECURITY_HEADERS,
    "Cache-Control": "no-store",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "same-origin",
}
BACK = '<p><a href="/board">Back to the board</a></p>'
FRESH = 60.0  # seconds a drawn report serves its CSV links: the numbers of the page shown
_drawn: list[tuple[Live, float, list[report_page.Chart]]] = []  # the last report drawn


async def charts_of(request: web.Request, reuse: bool) -> list[report_page.Chart]:
    """The report's charts, drawn now (a second or two), or for a CSV link the ones this app
    drew in the last minute, so the file holds the numbers of the page it was clicked on."""
    live = request.app[SERVICE].require_live()
    for drawn, at, charts in _drawn:
        if reuse and drawn is live and time.monotonic() - at < FRESH:
            return charts  # the same plan and clock (a change makes a new Live)
    charts = await day_report.gather(live, request.app[STORE])
    _drawn[:] = [(live, time.monotonic(), charts)]
    return charts


async def page(request: web.Request) -> web.StreamResponse:
    """Without a session, the board's login form (it leads back to the board)."""
    if await _session(request) is None:
        return _render(request, "login.html", error="")
    live = request.app[SERVICE].require_live()
    charts = await charts_of(request, reuse=False)
    text = report_page.page(
        live.programme.event.title,
        charts,
        csv_href=lambda chart: f"/board/report/{chart}.csv",
        header=BACK,
        note=day_report.so_far(live),
    )
    return web.Response(text=text, content_type="text/html", headers=HEADERS)


@signed_in
async def table(request: web.Request, session: Session) -> web.Response:
    """One chart's numbers as CSV (the file `rota report` writes beside its page)."""
    live = request.app[SERVICE].require_live()
    wanted = request.match_info["chart"]
    charts = await charts_of(request, reuse=True)
    chart = next((c for c in charts if c.id == wanted), None)
    if chart is None:
        raise NotFound(f"no chart {wanted!r} (charts: {', '.join(c.id for c in charts)})")
    name = f"{live.programme.event.id}-{chart.id}.csv"
    return web.Response(
        body=report_page.chart_csv(chart).encode("utf-8-sig"),
        content_type="text/csv",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/board/report", page),
        web.get("/board/report/{chart}.csv", table),
    ]
