"""`/board`: the organisers' live board. Log in once with the organiser token; the session is
an HttpOnly, SameSite=Strict cookie, and every action also carries the session's
anti-forgery token and must come from this site."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from orchestrator.appkeys import BOARD_STREAMS, SERVICE, SETTINGS, STORE, TEMPLATES
from orchestrator.edge import auth
from orchestrator.edge.body import read_json
from orchestrator.edge.headers import SECURITY_HEADERS, csp
from orchestrator.errors import Forbidden, NotFound, Refused, Unauthorised
from orchestrator.event.actions import ACTIONS
from orchestrator.language.i18n import translator
from orchestrator.language.relative_time import relative_words
from orchestrator.storage import sessions
from orchestrator.storage.sessions import COOKIE, Session
from orchestrator.streams.sse import stream

_STREAM_ID = re.compile(r"\d{1,15}-\d{1,10}")
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": csp(),
    **SECURITY_HEADERS,
    # with "no-referrer" browsers send `Origin: null` on form posts, which we must refuse
    "Referrer-Policy": "same-origin",
}


def _render(
    request: web.Request, template: str, status: int = 200, **context: object
) -> web.Response:
    html: str = request.app[TEMPLATES].get_template(template).render(lang="en", **context)
    return web.Response(status=status, text=html, content_type="text/html", headers=HEADERS)


def _fingerprint(request: web.Request) -> str:
    return sessions.fingerprint(request.app[SETTINGS].organiser_token.reveal())


async def _session(request: web.Request) -> Session | None:
    """The board session of this request, if it was made with the current organiser token."""
    return await sessions.find(
        request.app[STORE], request.cookies.get(COOKIE), _fingerprint(request)
    )


def _same_site(request: web.Request) -> bool:
    """Browsers send Origin on every POST; when they do, it must be us."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin in (request.app[SETTINGS].base_url, f"{request.scheme}://{request.host}")


def page_login(request: web.Request) -> web.Response:
    return _render(request, "login.html", error="")


async def page(request: web.Request) -> web.Response:
    session = await _session(request)
    if session is None:
        return page_login(request)
    live = request.app[SERVICE].require_live()
    return _render(
        request,
        "board.html",
        csrf=session.csrf,
        event=live.programme.event,
        rooms=live.programme.rooms,
        people=sorted(
            (p for p in live.programme.participants if p.planned), key=lambda p: p.name.casefold()
        ),
        rounds=len(live.timeline.rounds),
        scoring=live.programme.scoring is not None,
        day_over=live.event_now() >= live.timeline.ends,  # then the board links the report
        relative_words=relative_words("en"),  # the board speaks English
        before_day=live.event_now() < live.programme.starts,  # still to set up in the browser
        t=translator("en"),
    )


async def login(request: web.Request) -> web.Response:
    if not _same_site(request):
        return _render(request, "login.html", status=403, error="Cross-site login refused.")
    form = await request.post()
    given = str(form.get("token", ""))
    right, seconds = await auth.verdict(request, given)
    if seconds:
        response = _render(
            request,
            "login.html",
            status=429,
            error=f"Too many wrong tokens from here. Try again in {seconds} seconds.",
        )
        response.headers["Retry-After"] = str(seconds)
        return response
    if not right:
        return _render(request, "login.html", status=401, error="That is not the organiser token.")
    session = await sessions.create(request.app[STORE], _fingerprint(request))
    response = web.Response(status=303, headers={**HEADERS, "Location": "/board"})
    response.set_cookie(
        COOKIE,
        session.id,
        max_age=sessions.LIFETIME_SECONDS,
        path="/board",
        httponly=True,
        samesite="Strict",
        secure=request.app[SETTINGS].base_url.startswith("https://"),
    )
    return response


session_of, same_site = _session, _same_site  # the setup pages' guard (orchestrator/setup/)
Handler = Callable[[web.Request, Session], Awaitable[web.StreamResponse]]


def signed_in(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A session, and for changes also this session's anti-forgery token and our Origin."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        session = await _session(request)
        if session is None:
            raise Unauthorised("log in at /board")
        if request.method != "GET" and not (
            _same_site(request) and sessions.csrf_ok(session, request.headers.get("X-CSRF-Token"))
        ):
            raise Forbidden("cross-site request refused")
        return await handler(request, session)

    guarded.__name__ = handler.__name__
    return guarded


@signed_in
async def logout(request: web.Request, session: Session) -> web.Response:
    await sessions.end(request.app[STORE], session.id)
    response = web.json_response({"ok": True})
    response.del_cookie(COOKIE, path="/board")
    return response


@signed_in
async def end_sessions(request: web.Request, session: Session) -> web.Response:
    """The board's "End every session" button: every organiser logs in again (after a token
    may have leaked, with `rota sessions --revoke-all` as its command-line twin)."""
    ended = await sessions.end_all(request.app[STORE])
    response = web.json_response({"ended": ended})
    response.del_cookie(COOKIE, path="/board")
    return response


@signed_in
async def events(request: web.Request, session: Session) -> web.StreamResponse:
    board = request.app[BOARD_STREAMS]
    after = request.headers.get("Last-Event-ID") or request.query.get("after", "")
    if after and not _STREAM_ID.fullmatch(after.strip()):
        raise Refused("Last-Event-ID is not an event id")
    client = await board.add(after.strip())
    return await stream(request, client, on_close=board.remove)


@signed_in
async def state(request: web.Request, session: Session) -> web.Response:
    board = request.app[BOARD_STREAMS]
    await board.load_scores()
    await board.load_checkins()
    await board.load_failed_logins()
    await board.room_feed.poll()  # nobody may be watching: catch up first
    return web.json_response(board.state(), headers={"Cache-Control": "no-store"})


@signed_in
async def action(request: web.Request, session: Session) -> web.Response:
    act = ACTIONS.get(request.match_info["action"])
    if act is None:
        raise NotFound("unknown action")
    return web.json_response(await act(request.app[SERVICE], await read_json(request), "board"))


def routes() -> list[web.RouteDef]:
    return [
        web.get("/board", page),
        web.post("/board/login", login),
        web.post("/board/logout", logout),
        web.post("/board/sessions/end", end_sessions),
        web.get("/board/events", events),
        web.get("/board/state", state),
        web.post("/board/actions/{action}", action),
    ]
