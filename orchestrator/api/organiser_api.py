"""The organiser API under /api/v1. Every change is validated (400 says why), stored in Redis
before the 2xx, and announced to every process."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from orchestrator.api.links_table import FORMATS, link_rows
from orchestrator.api.models import Invite, Replan, Replanned, Revoked, RoomListed, parse
from orchestrator.api.openapi import spec
from orchestrator.appkeys import CLICKS, MAIL, SERVICE, STORE
from orchestrator.errors import Conflict, NotFound, Refused
from orchestrator.event import actions
from orchestrator.event.plan_changes import change_from_request
from orchestrator.mail.worker import MailWorker
from orchestrator.presence.attendance import (
    in_event_time,
    keynote_presence,
    keynote_report,
    live_counts,
    room_presence,
    round_report,
    rows_csv,
    rows_json,
)
from orchestrator.presence.sources import reports_presence, sent
from orchestrator.privacy.own_data import export_person
from orchestrator.streams.page_streams import whereabouts_json
from orchestrator.views.board_view import presence
from orchestrator.web.auth import organiser
from orchestrator.web.body import read_json
from rooms.links import room_url


@organiser
async def state(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    now = live.event_now()
    current = live.timeline.current(now)
    shown = current.round or (len(live.plan.rounds) if current.kind == "after" else 1)
    live_round = live.timeline.rounds[shown - 1]
    store = request.app[STORE]
    stored = in_event_time(live, await store.room_events())
    present = live_counts(live, stored.events, now)
    counted = bool(stored.events)  # without a presence feed a count is unknown (null), not 0
    await request.app[CLICKS].flush()
    marks = [*sent(live, await store.clicks()), *await store.marks()]
    rooms = []
    for slot in live.plan.round(shown).rooms:
        members = set(next(t.members for t in live.plan.teams if t.id == slot.team))
        # a room on a plain link reports nobody: its count is unknown, never 0
        reported = counted and reports_presence(live, slot.room)
        here = present.get(slot.room, set()) if reported else set()
        rooms.append(
            {
                "room": slot.room,
                "team": slot.team,
                "round": shown,
                "expected_audience": len(slot.audience),
                "live_count": len(here - members) if reported else None,
                "presenters_present": bool(here & members) if reported else None,
                "presence": presence(marks, here, slot.room, live_round.key, members),
                "starts": live_round.start.isoformat(),
                "ends": live_round.end.isoformat(),
            }
        )
    keynotes = []
    for k in live.timeline.keynotes:
        planned = next(p for p in live.plan.keynotes if p.id == k.id)
        reported = counted and k.running(now) and reports_presence(live, planned.room)
        in_room = present.get(planned.room, set()) if reported else set()
        keynotes.append(
            {
                "id": k.id,
                "room": planned.room,
                "starts": k.start.isoformat(),
                "ends": k.end.isoformat(),
                "running": k.running(now),
                "expected_audience": len(planned.audience),
                # the room may be shared: only while this keynote runs is it its audience
                "live_count": len(in_room) if reported else None,
                "presence": presence(marks, in_room, planned.room, k.key),
            }
        )
    return web.json_response(
        {
            "now": datetime.now(UTC).isoformat(),
            "event_time": now.isoformat(),
            "speed": live.clock.speed,
            "delay_minutes": live.clock.delay_minutes,
            "plan_version": live.plan.version,
            "clock_version": live.clock.version,
            "current": {
                "kind": current.kind,
                "round": current.round,
                "keynotes": list(current.keynotes),
            },
            "rooms": rooms,
            "keynotes": keynotes,
            "ignored_events": stored.ignored_json(),
        }
    )


@organiser
async def keynote_attendance(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    keynote = request.match_info["id"]
    if keynote not in live.programme.keynote_by_id:
        raise NotFound(f"unknown keynote {keynote!r}")
    fmt = request.query.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Refused("`format` must be json or csv")
    store = request.app[STORE]
    await request.app[CLICKS].flush()  # this process's clicks, up to this moment
    stored = in_event_time(live, await store.room_events())
    clicks, marks = await store.clicks(), await store.marks()
    rows = keynote_report(live, stored.events, keynote, clicks, marks)
    presence = keynote_presence(live, stored.events, keynote, clicks, marks)
    ignored = stored.ignored_json()
    if fmt == "csv":
        return web.Response(
            text=rows_csv(rows, live.programme.event.tz),
            content_type="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="attendance-{keynote}.csv"',
                "X-Rota-Ignored-Events": str(ignored["count"]),
                "X-Rota-Presence": str(presence["text"]),
            },
        )
    return web.json_response(
        {
            "keynote": keynote,
            "rows": rows_json(rows, live.programme.event.tz),
            "presence": presence,
            "ignored_events": ignored,
        }
    )


@organiser
async def round_attendance(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    try:
        index = int(request.match_info["n"])
    except ValueError:
        raise Refused("the round must be a number") from None
    if not 1 <= index <= len(live.plan.rounds):
        raise NotFound(f"no round {index}")
    store = request.app[STORE]
    await request.app[CLICKS].flush()  # this process's clicks, up to this moment
    stored = in_event_time(live, await store.room_events())
    clicks, marks = await store.clicks(), await store.marks()
    return web.json_response(
        {
            "round": index,
            "rows": round_report(live, stored.events, index, clicks, marks),
            "rooms": room_presence(live, stored.events, index, clicks, marks),
            "ignored_events": stored.ignored_json(),
        }
    )


@organiser
async def plan(request: web.Request) -> web.Response:
    return web.json_response(request.app[SERVICE].require_live().plan.to_dict())


@organiser
async def rooms(request: web.Request) -> web.Response:
    """Every room with how people join it: a Jitsi room by its name and URL, a room on
    another platform (Zoom, Teams, …) by its own link."""
    live = request.app[SERVICE].require_live()
    team_rooms = {t.room for t in live.programme.teams}
    listing = []
    for room_id, name in live.room_names.items():
        link = live.link_of(room_id)
        listing.append(
            RoomListed(
                id=room_id,
                name=live.programme.room_name(room_id),
                kind="link" if link else "jitsi",
                use="team" if room_id in team_rooms else "keynote",
                jitsi_room=None if link else name,
                url=link or room_url(live.jitsi, name),
            ).model_dump()
        )
    return web.json_response(listing)


@organiser
async def participants(request: web.Request) -> web.Response:
    """Everyone with their token and links; `?format=csv|xlsx|json` gives the table of
    `rota links` (e-mail, language, zone, first place and time) as a download."""
    live = request.app[SERVICE].require_live()
    fmt = request.query.get("format")
    if fmt is not None:
        if fmt not in FORMATS:
            raise Refused(f"`format` must be one of {', '.join(FORMATS)}")
        render, content_type, suffix = FORMATS[fmt]
        return web.Response(
            body=render(link_rows(live, live.base_url)),
            headers={
                "Content-Type": content_type,
                "Content-Disposition": (
                    f'attachment; filename="{live.programme.event.id}-links.{suffix}"'
                ),
                "Cache-Control": "no-store",
            },
        )
    return web.json_response(
        [
            {
                "id": p.id,
                "name": p.name,
                "email": p.email,
                "role": p.role,
                "token": live.token_of.get(p.id),
                "link": live.link(p.id) if p.id in live.token_of else None,
            }
            for p in live.programme.participants
            if not p.anonymous
        ]
    )


@organiser
async def participant(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    pid = request.match_info["id"]
    if pid not in live.programme.participant_by_id:
        raise NotFound(f"unknown participant {pid!r}")
    where = live.where(pid, live.event_now())
    link = live.link(pid) if pid in live.token_of else None  # an erased person's seat has none
    return web.json_response({"id": pid, "link": link, **whereabouts_json(live, pid, where)})


@organiser
async def participant_export(request: web.Request) -> web.Response:
    """Everything stored about one person (docs/privacy.md), as a download."""
    live = request.app[SERVICE].require_live()
    pid = request.match_info["id"]
    found = await export_person(live, request.app[STORE], pid)
    return web.json_response(
        found,
        headers={
            "Content-Disposition": f'attachment; filename="{live.programme.event.id}-{pid}.json"',
            "Cache-Control": "no-store",
        },
    )


@organiser
async def participant_erase(request: web.Request) -> web.Response:
    """Erase one person for good (docs/privacy.md); their seat stays, anonymous."""
    anon = await request.app[SERVICE].erase(request.match_info["id"])
    return web.json_response({"erased": True, "seat": anon})


@organiser
async def clock_delay(request: web.Request) -> web.Response:
    return web.json_response(await actions.delay(request.app[SERVICE], await read_json(request)))


@organiser
async def round_extend(request: web.Request) -> web.Response:
    return web.json_response(await actions.extend(request.app[SERVICE], await read_json(request)))


@organiser
async def move(request: web.Request) -> web.Response:
    data = {**await read_json(request), "participant": request.match_info["id"]}
    return web.json_response(await actions.move(request.app[SERVICE], data))


@organiser
async def revoke(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    token = await service.revoke(request.match_info["id"])
    link = service.require_live().link(request.match_info["id"])
    return web.json_response(Revoked(token=token, link=link).model_dump())


@organiser
async def broadcast(request: web.Request) -> web.Response:
    result = await actions.broadcast(request.app[SERVICE], await read_json(request))
    return web.json_response(result, status=201)


@organiser
async def replan(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    body = parse(Replan, await read_json(request))
    change = change_from_request(body, service.require_live())
    plan, moved = await service.replan(change)
    done = Replanned(plan_version=plan.version, moved=moved, moved_count=len(moved))
    return web.json_response(done.model_dump())


def _mailer(request: web.Request) -> MailWorker:
    if MAIL not in request.app:
        raise Conflict("the programme has no [mail] section: e-mail is not configured")
    return request.app[MAIL]


@organiser
async def send_invitations(request: web.Request) -> web.Response:
    """Queue an invitation for everyone with an e-mail address (or `only` these ids); people
    already invited are skipped unless `resend` is true, or their invitation went out during a
    rehearsal or with a loopback address (`outdated` counts those, sent again by themselves)."""
    mailer = _mailer(request)
    body = parse(Invite, await read_json(request) if request.can_read_body else {})
    only, resend = body.only, body.resend
    known = request.app[SERVICE].require_live().programme.participant_by_id
    unknown = [i for i in only or [] if i not in known]
    if unknown:
        raise Refused(f"unknown participant(s): {', '.join(unknown[:10])}")
    queued, outdated = await mailer.invite(only, resend)
    return web.json_response({"queued": queued, "resend": resend, "outdated": outdated}, status=202)


@organiser
async def invitations(request: web.Request) -> web.Response:
    """Every e-mail record (invitations, reminders, agenda changes); `?status=failed` lists
    the failures, with the server's reason."""
    mailer = _mailer(request)
    status = request.query.get("status")
    if status not in (None, "sent", "failed", "sending"):
        raise Refused("`status` must be sent, failed or sending")
    return web.json_response(await mailer.records.listing(status))


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(spec())


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v1/state", state),
        web.get("/api/v1/plan", plan),
        web.get("/api/v1/rooms", rooms),
        web.get("/api/v1/participants", participants),
        web.get("/api/v1/participants/{id}", participant),
        web.get("/api/v1/participants/{id}/export", participant_export),
        web.post("/api/v1/participants/{id}/erase", participant_erase),
        web.post("/api/v1/clock/delay", clock_delay),
        web.post("/api/v1/rounds/current/extend", round_extend),
        web.post("/api/v1/participants/{id}/move", move),
        web.post("/api/v1/participants/{id}/revoke", revoke),
        web.post("/api/v1/broadcast", broadcast),
        web.post("/api/v1/replan", replan),
        web.get("/api/v1/keynotes/{id}/attendance", keynote_attendance),
        web.get("/api/v1/rounds/{n}/attendance", round_attendance),
        web.post("/api/v1/invitations", send_invitations),
        web.get("/api/v1/invitations", invitations),
        web.get("/api/v1/openapi.json", openapi),
    ]
