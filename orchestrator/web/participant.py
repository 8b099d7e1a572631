"""`/p/{token}`: the participant's own page, their live stream of moves, and their agenda."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from babel.dates import format_date

from orchestrator.appkeys import PAGE_STREAMS, SERVICE, STORE, TEMPLATES
from orchestrator.edge.body import read_json
from orchestrator.edge.error_pages import not_found
from orchestrator.edge.headers import SECURITY_HEADERS, csp
from orchestrator.errors import NotFound
from orchestrator.event.live import Live
from orchestrator.language.i18n import babel_locale, resolve, translator
from orchestrator.language.relative_time import relative, relative_words
from orchestrator.presence.door_codes import door_rooms
from orchestrator.presence.sources import confirm
from orchestrator.streams.sse import stream
from orchestrator.views.board_view import presenter_room
from orchestrator.views.page_view import fresh_broadcasts, page_view
from orchestrator.web.checkin import remember_person
from orchestrator.web.scores import NO_STORE, audience_said, json_only, scoring_section
from rooms.links import external_api, origin
from schedules.exports import agenda_ics
from schedules.model import Participant
from schedules.retention import privacy_policy


def _live_and_person(request: web.Request) -> tuple[Live, Participant | None]:
    live = request.app[SERVICE].require_live()
    return live, live.participant(request.match_info["token"])


async def page(request: web.Request) -> web.Response:
    live, person = _live_and_person(request)
    if person is None:
        return not_found(request)
    token = request.match_info["token"]
    now = live.event_now()
    view = page_view(live, person.id, now)
    page_streams = request.app[PAGE_STREAMS]
    fresh = page_streams.room_feed.watchers > 0  # else this process's copy of presence may be old
    presenter = presenter_room(
        live,
        person.id,
        page_streams.room_feed.occupancy(live) if fresh else {},
        now,
        counted=fresh
        and page_streams.feed_configured
        and page_streams.room_feed.last_event_wall is not None,
    )
    broadcasts = fresh_broadcasts(live, await request.app[STORE].recent_broadcasts(), now)
    scoring = scoring_section(live, person)
    said = await audience_said(request, live, person, now) if presenter or person.team else None
    html = (
        request.app[TEMPLATES]
        .get_template("participant.html")
        .render(
            t=translator(view["language"]),
            relative_words=relative_words(view["language"]),
            next_in=_next_in(view),
            lang=view["language"],
            person=person,
            event=live.programme.event,
            token=token,
            view=view,
            presenter=presenter,
            broadcasts=broadcasts,
            jitsi_domain=live.jitsi.domain,
            jitsi_scheme=live.jitsi.scheme,
            # public meet.jit.si on the real day: every room opens in its tab, nothing embeds
            external_api="" if live.jitsi_in_tab else external_api(live.jitsi),
            scoring=scoring,
            audience_said=said,
            # in a rehearsal the times are the event's but the countdowns run in real seconds
            rehearsal_speed=None if live.clock.is_real else live.clock.speed,
        )
    )
    response = web.Response(
        text=html,
        content_type="text/html",
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": csp(
                "" if live.jitsi_in_tab else origin(live.jitsi), bbb_frames(live)
            ),
            **SECURITY_HEADERS,
        },
    )
    if door_rooms(live.programme):  # this phone may then check in at the doors on campus
        remember_person(request, response, token)
    return response


def bbb_frames(live: Live) -> str:
    """The BigBlueButton server may be framed only with `[bbb] embed = true`."""
    return live.bbb.origin if live.bbb is not None and live.bbb.embed else ""


async def left(request: web.Request) -> web.Response:
    """Where BigBlueButton sends people who leave a meeting (its `logoutURL`, one per
    meeting, so it cannot name the person): their own page is still open in the other tab."""
    live = request.app[SERVICE].require_live()
    language = resolve(live.programme.event.language)
    html = (
        request.app[TEMPLATES]
        .get_template("left.html")
        .render(t=translator(language), lang=language)
    )
    return web.Response(
        text=html,
        content_type="text/html",
        headers={"Cache-Control": "no-store", **SECURITY_HEADERS},
    )


async def events(request: web.Request) -> web.StreamResponse:
    """The page's stream: its place now, then the broadcasts it may have missed while it was
    away (a phone that slept, a dropped connection; from the hub's memory, streams/pages.py),
    then every change as it happens."""
    _live, person = _live_and_person(request)
    if person is None:
        return not_found(request)
    page_streams = request.app[PAGE_STREAMS]
    token = request.match_info["token"]
    return await stream(request, page_streams.add(person.id, token), on_close=page_streams.remove)


async def here(request: web.Request) -> web.Response:
    """ "I'm here": the person confirms they are in their (link or on-site) room this slot."""
    live, person = _live_and_person(request)
    if person is None:
        raise NotFound("unknown personal link")
    json_only(request)
    await read_json(request)  # nothing is needed from it, but it must be well-formed
    mark, recorded = await confirm(live, request.app[STORE], person.id, live.event_now())
    return web.json_response(
        {"ok": True, "recorded": recorded, "room": mark.room, "slot": mark.item},
        headers=NO_STORE,
    )


def _next_in(view: dict[str, Any]) -> str:
    """ "in 107 days" before the next place, as the page's script then counts it down (real
    seconds, a rehearsal's too: the wall time)."""
    following = view.get("next")
    if not following:
        return ""
    seconds = (datetime.fromisoformat(following["start_wall"]) - datetime.now(UTC)).total_seconds()
    return relative(seconds, view["language"]) if seconds > 0 else ""


async def calendar(request: web.Request) -> web.Response:
    live, person = _live_and_person(request)
    if person is None:
        return not_found(request)
    body = agenda_ics(
        live.programme,
        live.plan,
        person.id,
        live.link(person.id),
        t=translator(live.programme.language_of(person)),
    )
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{live.programme.event.id}.ics"',
            "Cache-Control": "no-store",
        },
    )


async def privacy(request: web.Request) -> web.Response:
    """The short privacy notice, in the person's language (what [privacy] says, escaped)."""
    live, person = _live_and_person(request)
    if person is None:
        return not_found(request)
    language = resolve(live.programme.language_of(person))
    policy = privacy_policy(live.programme)
    purge = policy.purge_at(live.timeline.ends) if policy else None
    html = (
        request.app[TEMPLATES]
        .get_template("privacy.html")
        .render(
            t=translator(language),
            lang=language,
            event=live.programme.event,
            token=request.match_info["token"],
            policy=policy,
            purge_date=format_date(purge.date(), "long", locale=babel_locale(language))
            if purge
            else "",
        )
    )
    return web.Response(
        text=html,
        content_type="text/html",
        headers={"Cache-Control": "no-store", "Content-Security-Policy": csp(), **SECURITY_HEADERS},
    )
