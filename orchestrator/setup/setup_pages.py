"""The setup's pages under `/board/setup` (the board's session cookie lives on `/board`):
the day, the people, the plan and publishing. Plain HTML forms that work without a script;
every post needs the board's session, our Origin and the session's anti-forgery token (a
hidden field), like the board's own actions. Errors are pages with a reason, never a 500."""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from orchestrator.appkeys import SERVICE, SETTINGS, TEMPLATES
from orchestrator.errors import Conflict
from orchestrator.language.i18n import resolve, translator
from orchestrator.setup.day_form import AUDIENCES, ROOM_KINDS, from_post
from orchestrator.setup.draft_check import check_draft, plan_grid, roster_preview
from orchestrator.setup.draft_folder import SUFFIXES, DraftFolder
from orchestrator.setup.person_agenda import plan_step
from orchestrator.setup.served_day import start_from
from orchestrator.storage import sessions
from orchestrator.storage.sessions import Session
from orchestrator.web import board
from schedules.model import LANGUAGES
from schedules.roster_view import strict_csv
from schedules.sheets import read_grid

LIST_LIMIT = 1024 * 1024  # bytes: a list of thousands of people is a few hundred kB
Form = MultiDictProxy[str | bytes | bytearray | web.FileField]
Page = Callable[[web.Request, Session, Form], Awaitable[web.StreamResponse]]


def _language(request: web.Request) -> str:
    """The setup speaks the browser's first language among Rota's (English otherwise)."""
    first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0]
    return resolve(first.strip().split("-")[0].lower())


def _folder(request: web.Request) -> DraftFolder:
    return DraftFolder(request.app[SETTINGS].data_dir)


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    lang = _language(request)
    html = (
        request.app[TEMPLATES]
        .get_template(template)
        .render(lang=lang, t=translator(lang), **context)
    )
    return web.Response(status=status, text=html, content_type="text/html", headers=board.HEADERS)


def _refusal(request: web.Request, status: int, message: str, back: str) -> web.Response:
    return render(request, "setup_refused.html", status, message=message, back=back)


def organiser_page(handler: Page) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The board's session; for a post also our Origin and the form's anti-forgery token.
    Without a session a page sends to the login and a post says so (what was typed is in the
    browser's back button, nothing was saved)."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        session = await board.session_of(request)
        t = translator(_language(request))
        if session is None:
            if request.method == "GET":
                raise web.HTTPSeeOther("/board")
            return render(request, "login.html", 401, error=t("setup_session_over"))
        form: Form = MultiDictProxy(MultiDict())
        if request.method == "POST":
            try:
                form = await request.post()
            except web.HTTPRequestEntityTooLarge:
                limit = LIST_LIMIT // 1024
                return _refusal(request, 413, t("setup_too_big", kb=limit), "/board/setup/people")
            given = form.get("csrf")
            if not (
                board.same_site(request)
                and sessions.csrf_ok(session, given if isinstance(given, str) else None)
            ):
                return _refusal(request, 403, t("setup_forged"), "/board/setup")
        return await handler(request, session, form)

    guarded.__name__ = handler.__name__
    return guarded


def _context(request: web.Request, session: Session, step: str) -> dict[str, Any]:
    folder = _folder(request)
    state = folder.state()
    return {
        "csrf": session.csrf,
        "step": step,
        "version": state.version,
        "published": state.published,
        "data_dir": str(folder.root),
    }


async def to_setup(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/board/setup")


@organiser_page
async def day_page(request: web.Request, session: Session, form: Form) -> web.Response:
    folder = _folder(request)
    if SERVICE in request.app:  # from the board of a served day: begin with what it serves
        start_from(folder, request.app[SERVICE].base_programme)
    verdict = check_draft(folder, request.app[SETTINGS].environ) if folder.state().version else None
    return _day(request, session, verdict)


def _day(request: web.Request, session: Session, verdict: Any, status: int = 200) -> web.Response:
    folder = _folder(request)
    return render(
        request,
        "setup_day.html",
        status,
        day=folder.day().shown(),
        verdict=verdict,
        languages=LANGUAGES,
        kinds=ROOM_KINDS,
        audiences=AUDIENCES,
        **_context(request, session, "day"),
    )


@organiser_page
async def save_day(request: web.Request, session: Session, form: Form) -> web.StreamResponse:
    folder = _folder(request)
    texts = {k: v for k, v in form.items() if isinstance(v, str)}
    folder.save_day(from_post(texts, folder.day().event_id))
    verdict = check_draft(folder, request.app[SETTINGS].environ)
    errors = sum(p.severity == "error" for ps in verdict.by_field.values() for p in ps) + sum(
        p.severity == "error" for p in verdict.general
    )
    if not errors and form.get("next") == "people":
        raise web.HTTPSeeOther("/board/setup/people")
    return _day(request, session, verdict, 422 if errors else 200)


@organiser_page
async def people_page(request: web.Request, session: Session, form: Form) -> web.Response:
    return _people(request, session)


def _people(
    request: web.Request, session: Session, status: int = 200, refused: str = ""
) -> web.Response:
    folder = _folder(request)
    lines, problems = roster_preview(folder) if folder.state().roster else ([], [])
    return render(
        request,
        "setup_people.html",
        status,
        lines=lines,
        problems=problems,
        refused=refused,
        listed=folder.state().roster,
        limit_kb=LIST_LIMIT // 1024,
        **_context(request, session, "people"),
    )


@organiser_page
async def upload(request: web.Request, session: Session, form: Form) -> web.Response:
    t = translator(_language(request))
    sent = form.get("list")
    if not isinstance(sent, web.FileField) or not sent.filename:
        return _people(request, session, 400, t("setup_no_file"))
    suffix = Path(sent.filename).suffix.lower()
    if suffix not in SUFFIXES:
        return _people(request, session, 415, t("setup_not_a_list", name=sent.filename))
    data = sent.file.read(LIST_LIMIT + 1)
    if len(data) > LIST_LIMIT:
        return _people(request, session, 413, t("setup_too_big", kb=LIST_LIMIT // 1024))
    folder = _folder(request)
    folder.setup.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.setup) as scratch:  # read before it is kept
        trial = Path(scratch) / f"{sent.filename[:80]}"
        trial = trial.with_suffix(suffix)
        trial.write_bytes(data)
        grid, problems = read_grid(trial)
    if grid is None:
        reason = problems[0].message if problems else ""
        return _people(request, session, 415, t("setup_unreadable", reason=reason))
    folder.save_list(suffix, data)
    raise web.HTTPSeeOther("/board/setup/people")


@organiser_page
async def plan_page(request: web.Request, session: Session, form: Form) -> web.Response:
    return _plan(request, session)


def _plan(
    request: web.Request, session: Session, status: int = 200, refused: str = "", done: int = 0
) -> web.Response:
    folder = _folder(request)
    verdict = check_draft(folder, request.app[SETTINGS].environ, plan=True)
    grid = (
        plan_grid(verdict.programme, verdict.plan)
        if verdict.programme is not None and verdict.plan is not None
        else None
    )
    agenda = (
        plan_step(
            verdict.programme, verdict.plan, request.query.get("person", ""), _language(request)
        )
        if verdict.programme is not None and verdict.plan is not None
        else {}
    )
    return render(
        request,
        "setup_plan.html",
        status,
        verdict=verdict,
        grid=grid,
        agenda=agenda,
        exports_published=bool(folder.state().published) or SERVICE in request.app,
        refused=refused,
        done=done,
        listed=folder.state().roster,
        published_path=str(folder.published),
        **_context(request, session, "plan"),
    )


@organiser_page
async def publish(request: web.Request, session: Session, form: Form) -> web.Response:
    t = translator(_language(request))
    folder = _folder(request)
    try:
        seen = int(str(form.get("version", "")))
    except ValueError:
        seen = -1
    verdict = check_draft(folder, request.app[SETTINGS].environ, plan=True)
    stale = _plan(request, session, 409, t("setup_stale", seen=seen, now=folder.state().version))
    if seen != folder.state().version:
        return stale
    if verdict.errors or verdict.programme is None or verdict.plan is None:
        return _plan(request, session, 422, t("setup_cannot_publish"))
    if not folder.state().roster:
        return _plan(request, session, 422, t("setup_no_people"))
    try:
        version = folder.publish(seen, strict_csv(verdict.programme.participants))
    except Conflict:  # another tab published or saved while this one was checking
        return stale
    return _plan(request, session, done=version)


@organiser_page
async def download(request: web.Request, session: Session, form: Form) -> web.StreamResponse:
    folder = _folder(request)
    name = request.match_info["name"]
    path = {"programme.toml": folder.published, "roster.csv": folder.published_roster}.get(name)
    if path is None or not path.exists():
        raise web.HTTPNotFound(text="not published yet")
    kind = "text/csv" if name.endswith(".csv") else "application/toml"
    return web.Response(
        body=path.read_bytes(),
        content_type=kind,
        charset="utf-8",
        headers={
            **board.HEADERS,
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/setup", to_setup),
        web.get("/board/setup", day_page),
        web.post("/board/setup/day", save_day),
        web.get("/board/setup/people", people_page),
        web.post("/board/setup/people", upload),
        web.get("/board/setup/plan", plan_page),
        web.post("/board/setup/publish", publish),
        web.get("/board/setup/files/{name}", download),
    ]
