"""Every `/board/setup` route, listed once: the served day's app (`app.py`) and the setup-only
app (`setup_only.py`) both add these, so a new setup page is served by both or by neither."""

from __future__ import annotations

from aiohttp import web

from orchestrator.setup import export_pages, invite_pages, setup_pages


def routes() -> list[web.RouteDef]:
    return [*setup_pages.routes(), *invite_pages.routes(), *export_pages.routes()]
