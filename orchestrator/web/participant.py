"""`/p/{token}`: the participant's own page, their live stream of moves, and their agenda."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from orchestrator.appkeys import HUB, SERVICE, TEMPLATES
from orchestrator.board_view import presenter_room
from orchestrator.i18n import translator
from orchestrator.live import Live
from orchestrator.streams.sse import stream
from orchestrator.web.pages import SECURITY_HEADERS, csp, not_found
from orchestrator.web.scores import audience_said, scoring_section
from rooms.links import external_api, origin
from schedules.agenda import agenda
from schedules.exports import agenda_ics


def _live_and_person(request: web.Request):  # type: ignore[no-untyped-def]
    live = request.app[SERVICE].require_live()
    return live, live.participant(request.match_info["token"])


def _clock(moment: datetime, tz) -> str:  # type: ignore[no-untyped-def]
    return moment.astimezone(tz).strftime("%H:%M")


async def page(request: web.Request) -> web.Response:
    live, person = _live_and_person(request)
    if person is None:
        return not_found(request)
    token = request.match_info["token"]
    language = live.programme.language_of(person)
    t = translator(language)
    tz = live.programme.tz_of(person)
    now = live.event_now()
    where = live.stay(person.id, now)  # what the page shows: a room until its very end
    hub = request.app[HUB]
    fresh = hub.watch.watchers > 0  # else this process's copy of presence may be old
    presenter = presenter_room(
        live,
        person.id,
        hub.watch.occupancy(live) if fresh else {},
        now,
        counted=fresh and hub.feed_configured and hub.watch.last_event_wall is not None,
    )
    items = _agenda_rows(live, person.id, tz)
    scoring = scoring_section(live, person)
    said = await audience_said(request, live, person, now) if presenter or person.team else None
    html = (
        request.app[TEMPLATES]
        .get_template("participant.html")
        .render(
            t=t,
            lang=language,
            person=person,
            event=live.programme.event,
            token=token,
            where=where,
            describe=lambda place: live.describe(place, person.id),
            project=lambda place: _project(live, place),
            clock=lambda m: _clock(m, tz),
            zone=tz.key,
            items=items,
            ended=now >= live.timeline.ends,
            presenter=presenter,
            jitsi_domain=live.jitsi.domain,
            external_api=external_api(live.jitsi),
            scoring=scoring,
            audience_said=said,
        )
    )
    return web.Response(
        text=html,
        content_type="text/html",
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": csp(origin(live.jitsi)),
            **SECURITY_HEADERS,
        },
    )


def _project(live: Live, place) -> str:  # type: ignore[no-untyped-def]
    team = live.programme.team_by_id.get(place.team) if place is not None else None
    return team.project if team else ""


def _agenda_rows(live: Live, participant: str, tz) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The planned agenda at live times (delays and extensions applied)."""
    t = translator(live.programme.language_of(live.programme.participant_by_id[participant]))
    live_times = {i.key: i for i in live.timeline.items}
    rows = []
    for item in agenda(live.programme, live.plan, participant):
        key = f"keynote-{item.keynote}" if item.kind == "keynote" else f"round-{item.round}"
        start, end = live_times[key].start, live_times[key].end
        if item.kind == "keynote":
            what = f"{t('keynote')}: {item.title}"
        elif item.kind == "away":
            what = f"{t('round', n=item.round)}: {t('away')}"
        elif item.kind == "presenting":
            what = f"{t('round', n=item.round)}: {t('presenting', room=item.room_name)}"
        else:
            what = f"{t('round', n=item.round)}: {item.team_name}"
        rows.append(
            {
                "when": f"{_clock(start, tz)}–{_clock(end, tz)}",
                "what": what,
                "where": item.room_name,
                "project": item.project,
            }
        )
    return rows


async def events(request: web.Request) -> web.StreamResponse:
    _live, person = _live_and_person(request)
    if person is None:
        return not_found(request)
    hub = request.app[HUB]
    return await stream(request, hub.add(person.id), on_close=hub.remove)


async def calendar(request: web.Request) -> web.Response:
    live, person = _live_and_person(request)
    if person is None:
        return not_found(request)
    body = agenda_ics(live.programme, live.plan, person.id, live.link(person.id))
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{live.programme.event.id}.ics"',
            "Cache-Control": "no-store",
        },
    )
