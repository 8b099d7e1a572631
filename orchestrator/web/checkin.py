"""Self check-in at on-site rooms: `/board/rooms/{room}/checkin`, the organisers' door screen
with a QR code that changes every window, and `/checkin/{code}`, which the code opens on a
phone and which records `checked-in` for the person whose own page this phone has opened (the
page leaves a cookie, `PERSON_COOKIE`, holding their personal token, for `/checkin` only)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import segno
from aiohttp import web
from markupsafe import Markup

from orchestrator.appkeys import BOARD_STREAMS, SERVICE, SETTINGS, STORE, TEMPLATES
from orchestrator.edge.clients import client_address
from orchestrator.edge.headers import SECURITY_HEADERS
from orchestrator.errors import NotFound
from orchestrator.language.i18n import translator
from orchestrator.presence.door_codes import (
    check_code,
    checkin_url,
    code_for,
    door_rooms,
    expected,
    network_allowed,
    seconds_left,
    window_of,
)
from orchestrator.storage.checkins import CheckinStore, Flagged
from orchestrator.storage.sessions import Session
from orchestrator.web.board import HEADERS, signed_in
from schedules.campus import campus_address
from schedules.evidence import Mark

PERSON_COOKIE = "rota_person"
PERSON_COOKIE_DAYS = 14


def remember_person(request: web.Request, response: web.StreamResponse, token: str) -> None:
    """Let this phone check in as the person whose page it opened."""
    response.set_cookie(
        PERSON_COOKIE,
        token,
        max_age=PERSON_COOKIE_DAYS * 86400,
        path="/checkin",
        httponly=True,
        samesite="Lax",  # sent when a camera app opens a /checkin link
        secure=request.app[SETTINGS].base_url.startswith("https://"),
    )


@signed_in
async def door(request: web.Request, session: Session) -> web.Response:
    live = request.app[SERVICE].require_live()
    room_id = request.match_info["room"]
    if room_id not in door_rooms(live.programme):
        raise NotFound(f"no on-site room {room_id!r}")
    room = live.programme.room_by_id[room_id]
    settings = request.app[SETTINGS]
    seconds = settings.checkin_seconds
    wall = time.time()
    window = window_of(wall, seconds)
    secret = await CheckinStore(request.app[STORE]).secret()
    url = checkin_url(settings.base_url, code_for(secret, room_id, window))
    svg = segno.make(url, error="m").svg_inline(scale=8, border=4, omitsize=True)
    t = translator(live.programme.event.language)
    html = (
        request.app[TEMPLATES]
        .get_template("checkin_door.html")
        .render(
            t=t,
            lang=live.programme.event.language,
            room=room,
            url=url,
            window=window,
            svg=Markup(svg),  # segno's own SVG for our own URL
            seconds=seconds,
            refresh=f"{max(seconds_left(wall, seconds), 0.2):.1f}",
        )
    )
    return web.Response(text=html, content_type="text/html", headers=HEADERS)


def _page(
    request: web.Request, status: int, language: str, outcome: str, message: str, page: str = ""
) -> web.Response:
    t = translator(language)
    html = (
        request.app[TEMPLATES]
        .get_template("checkin.html")
        .render(t=t, lang=language, outcome=outcome, message=message, page=page)
    )
    return web.Response(
        status=status,
        text=html,
        content_type="text/html",
        headers={"Cache-Control": "no-store", **SECURITY_HEADERS},
    )


async def scan(request: web.Request) -> web.Response:
    """A phone opened a door code. Refused (with the reason, in the person's language when
    known): from outside `checkin_networks`, a code not ours, a code too old, no person."""
    live = request.app[SERVICE].require_live()
    programme = live.programme
    person = live.participant(request.cookies.get(PERSON_COOKIE, ""))
    language = programme.language_of(person) if person else programme.event.language
    t = translator(language)
    if not network_allowed(client_address(request), programme.event.checkin_networks):
        return _page(request, 403, language, "network", t("checkin_network"))
    settings = request.app[SETTINGS]
    store = CheckinStore(request.app[STORE])
    window = window_of(time.time(), settings.checkin_seconds)
    checked = check_code(
        await store.secret(), request.match_info["code"], window, door_rooms(programme)
    )
    if checked.verdict == "forged":
        return _page(request, 403, language, "forged", t("checkin_forged"))
    if checked.verdict == "expired":
        return _page(request, 410, language, "expired", t("checkin_expired"))
    if person is None:
        return _page(request, 401, language, "no-session", t("checkin_no_session"))
    now = live.event_now()
    where = expected((live.where(person.id, now), live.stay(person.id, now)), checked.room)
    if where.planned:  # presence, with its source
        mark = Mark(where.slot, checked.room, person.id, "checked-in", time.time())
        if await request.app[STORE].mark(mark):
            request.app[BOARD_STREAMS].refresh()
    else:  # recorded and flagged, not attendance
        at = datetime.now(UTC).isoformat(timespec="seconds")
        if await store.flag(Flagged(where.slot or "-", checked.room, person.id, at, where.place)):
            request.app[BOARD_STREAMS].refresh()
    room_name = programme.room_name(checked.room)
    page = live.page_url(live.token_of[person.id])
    if where.planned:
        return _page(request, 200, language, "ok", t("checkin_ok", room=room_name), page)
    if where.place:
        address = campus_address(programme, person, where.place)
        place = programme.room_name(where.place) + (f", {address}" if address else "")
        message = t("checkin_elsewhere", place=place)
        return _page(request, 200, language, "elsewhere", message, page)
    return _page(request, 200, language, "nothing", t("checkin_nothing"), page)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/board/rooms/{room}/checkin", door),
        web.get("/checkin/{code}", scan),
    ]
