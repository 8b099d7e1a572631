"""Plain-words error pages, in the person's language, with the security headers."""

from __future__ import annotations

from aiohttp import web

from orchestrator.appkeys import TEMPLATES
from orchestrator.edge.headers import DEFAULT_SECURITY
from orchestrator.language.i18n import translator


def not_found(request: web.Request, language: str = "en") -> web.Response:
    t = translator(language)
    html = request.app[TEMPLATES].get_template("not_found.html").render(t=t)
    return web.Response(
        status=404,
        text=html,
        content_type="text/html",
        headers={"Cache-Control": "no-store", **DEFAULT_SECURITY},
    )
