"""`/board/setup/export/{day}/{what}.{kind}`: who is where as xlsx or PDF, of the draft (as
the plan step plans it) or of the published day (the day this service serves, with its moves;
in setup-only mode the published files planned as `rota serve` would). Behind the board's
session like every setup page; a day that cannot be planned is a page saying so, not a file."""

from __future__ import annotations

import asyncio
from typing import cast

from aiohttp import web

from orchestrator.appkeys import SERVICE, SETTINGS
from orchestrator.language.i18n import translator
from orchestrator.setup.draft_check import check_draft
from orchestrator.setup.draft_folder import DraftFolder
from orchestrator.setup.plan_exports import What, document, workbook
from orchestrator.setup.setup_pages import Form, _language, _refusal, organiser_page
from orchestrator.storage.sessions import Session
from orchestrator.web import board
from schedules.model import Programme
from schedules.plan import Plan
from schedules.planner import plan_rotation
from schedules.problems import PlanningError
from schedules.programme import check_programme

KINDS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _day(request: web.Request, which: str) -> tuple[Programme, Plan] | None:
    app = request.app
    folder = DraftFolder(app[SETTINGS].data_dir)
    if which == "draft":
        verdict = check_draft(folder, app[SETTINGS].environ, plan=True)
        if verdict.programme is None or verdict.plan is None:
            return None
        return verdict.programme, verdict.plan
    if SERVICE in app:
        live = app[SERVICE].require_live()
        return live.programme, live.plan
    if not folder.published.exists():
        return None
    programme, _ = check_programme(folder.published, app[SETTINGS].environ)
    if programme is None:
        return None
    try:
        return programme, plan_rotation(programme, seed=app[SETTINGS].seed)
    except PlanningError:
        return None


@organiser_page
async def export(request: web.Request, session: Session, form: Form) -> web.StreamResponse:
    which, what, kind = (request.match_info[k] for k in ("day", "what", "kind"))
    day = _day(request, which)
    if day is None:
        t = translator(_language(request))
        reason = t("setup_export_unplanned") if which == "draft" else t("setup_not_published")
        return _refusal(request, 409, reason, "/board/setup/plan")
    programme, plan = day
    language = _language(request)
    made = workbook if kind == "xlsx" else document
    # a thousand people's PDF takes seconds: drawn off the event loop, which serves the day
    body = await asyncio.to_thread(made, programme, plan, cast(What, what), language)
    name = f"{programme.event.id}-{which}-{what}.{kind}"
    return web.Response(
        body=body,
        content_type=KINDS[kind],
        headers={**board.HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get(
            "/board/setup/export/{day:draft|published}/{what:rooms|people}.{kind:xlsx|pdf}",
            export,
        )
    ]
