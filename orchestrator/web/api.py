"""The organiser API under /api/v1. Every change is validated (400 says why), stored in Redis
before the 2xx, and announced to every process."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from rooms.links import room_url

from ..appkeys import CLICKS, SERVICE, STORE
from ..attendance import (
    in_event_time,
    keynote_report,
    live_counts,
    round_report,
    rows_csv,
    rows_json,
)
from ..hub import whereabouts_json
from ..openapi import spec
from ..service import ChangeRefused, change_from_request
from .auth import organiser

MAX_MINUTES = 24 * 60


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > 64_000:
        raise ChangeRefused("the request body is too large")
    try:
        data = json.loads(await request.read() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ChangeRefused("the body must be JSON") from None
    if not isinstance(data, dict):
        raise ChangeRefused("the body must be a JSON object")
    return data


def _minutes(data: dict[str, Any], allow_negative: bool) -> float:
    value = data.get("minutes")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ChangeRefused("`minutes` must be a number")
    if abs(value) > MAX_MINUTES or (value < 0 and not allow_negative):
        raise ChangeRefused(
            f"`minutes` must be {'' if allow_negative else '0 to '}{MAX_MINUTES} at most"
        )
    return float(value)


def refusing(handler):  # type: ignore[no-untyped-def]
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ChangeRefused as exc:
            return _bad(str(exc))

    wrapped.__name__ = handler.__name__
    return wrapped


@organiser
async def state(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    now = live.event_now()
    current = live.timeline.current(now)
    shown = current.round or (len(live.plan.rounds) if current.kind == "after" else 1)
    live_round = live.timeline.rounds[shown - 1]
    events = in_event_time(live, await request.app[STORE].room_events())
    present = live_counts(live, events, now)
    rooms = []
    for slot in live.plan.round(shown).rooms:
        members = set(next(t.members for t in live.plan.teams if t.id == slot.team))
        here = present.get(slot.room, set())
        rooms.append(
            {
                "room": slot.room,
                "team": slot.team,
                "round": shown,
                "expected_audience": len(slot.audience),
                "live_count": len(here - members),
                "presenters_present": bool(here & members),
                "starts": live_round.start.isoformat(),
                "ends": live_round.end.isoformat(),
            }
        )
    keynotes = []
    for k in live.timeline.keynotes:
        planned = next(p for p in live.plan.keynotes if p.id == k.id)
        keynotes.append(
            {
                "id": k.id,
                "room": planned.room,
                "starts": k.start.isoformat(),
                "ends": k.end.isoformat(),
                "running": k.running(now),
                "expected_audience": len(planned.audience),
                "live_count": len(present.get(planned.room, set())),
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
        }
    )


@organiser
async def keynote_attendance(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    keynote = request.match_info["id"]
    if keynote not in live.programme.keynote_by_id:
        return web.json_response({"error": f"unknown keynote {keynote!r}"}, status=404)
    fmt = request.query.get("format", "json")
    if fmt not in ("json", "csv"):
        return _bad("`format` must be json or csv")
    store = request.app[STORE]
    await request.app[CLICKS].flush()  # this process's clicks, up to this moment
    rows = keynote_report(
        live, in_event_time(live, await store.room_events()), keynote, await store.clicks()
    )
    if fmt == "csv":
        return web.Response(
            text=rows_csv(rows),
            content_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="attendance-{keynote}.csv"'},
        )
    return web.json_response({"keynote": keynote, "rows": rows_json(rows)})


@organiser
async def round_attendance(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    try:
        index = int(request.match_info["n"])
    except ValueError:
        return _bad("the round must be a number")
    if not 1 <= index <= len(live.plan.rounds):
        return web.json_response({"error": f"no round {index}"}, status=404)
    events = in_event_time(live, await request.app[STORE].room_events())
    return web.json_response({"round": index, "rows": round_report(live, events, index)})


@organiser
async def plan(request: web.Request) -> web.Response:
    return web.json_response(request.app[SERVICE].require_live().plan.to_dict())


@organiser
async def rooms(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    team_rooms = {t.room for t in live.programme.teams}
    listing = []
    for room_id, name in live.room_names.items():
        listing.append(
            {
                "id": room_id,
                "name": live.programme.room_name(room_id),
                "kind": "team" if room_id in team_rooms else "keynote",
                "jitsi_room": name,
                "url": room_url(live.jitsi, name),
            }
        )
    return web.json_response(listing)


@organiser
async def participants(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    return web.json_response(
        [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "token": live.token_of.get(p.id),
                "link": live.link(p.id) if p.id in live.token_of else None,
            }
            for p in live.programme.participants
        ]
    )


@organiser
async def participant(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    pid = request.match_info["id"]
    if pid not in live.programme.participant_by_id:
        return web.json_response({"error": f"unknown participant {pid!r}"}, status=404)
    where = live.where(pid, live.event_now())
    return web.json_response(
        {"id": pid, "link": live.link(pid), **whereabouts_json(live, pid, where)}
    )


@organiser
@refusing
async def clock_delay(request: web.Request) -> web.Response:
    minutes = _minutes(await _body(request), allow_negative=True)
    clock = await request.app[SERVICE].change_clock("delay", minutes)
    return web.json_response({"delay_minutes": clock.delay_minutes, "version": clock.version})


@organiser
@refusing
async def round_extend(request: web.Request) -> web.Response:
    minutes = _minutes(await _body(request), allow_negative=False)
    clock = await request.app[SERVICE].change_clock("extend", minutes)
    return web.json_response({"version": clock.version})


@organiser
@refusing
async def move(request: web.Request) -> web.Response:
    data = await _body(request)
    round_index, room = data.get("round"), data.get("room")
    if isinstance(round_index, bool) or not isinstance(round_index, int):
        raise ChangeRefused("`round` must be a round number")
    if not isinstance(room, str) or not room:
        raise ChangeRefused("`room` must be a room id")
    plan = await request.app[SERVICE].move(request.match_info["id"], round_index, room)
    return web.json_response({"plan_version": plan.version})


@organiser
@refusing
async def revoke(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    token = await service.revoke(request.match_info["id"])
    return web.json_response(
        {"token": token, "link": service.require_live().link(request.match_info["id"])}
    )


@organiser
@refusing
async def broadcast(request: web.Request) -> web.Response:
    message = (await _body(request)).get("message")
    if not isinstance(message, str) or not message.strip():
        raise ChangeRefused("`message` must be non-empty text")
    if len(message) > 2000:
        raise ChangeRefused("`message` is limited to 2,000 characters")
    entry = await request.app[SERVICE].broadcast(message.strip())
    return web.json_response({"id": entry}, status=201)


@organiser
@refusing
async def replan(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    change = change_from_request(await _body(request), service.require_live())
    plan, moved = await service.replan(change)
    return web.json_response(
        {"plan_version": plan.version, "moved": moved, "moved_count": len(moved)}
    )


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(spec())


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/v1/state", state),
        web.get("/api/v1/plan", plan),
        web.get("/api/v1/rooms", rooms),
        web.get("/api/v1/participants", participants),
        web.get("/api/v1/participants/{id}", participant),
        web.post("/api/v1/clock/delay", clock_delay),
        web.post("/api/v1/rounds/current/extend", round_extend),
        web.post("/api/v1/participants/{id}/move", move),
        web.post("/api/v1/participants/{id}/revoke", revoke),
        web.post("/api/v1/broadcast", broadcast),
        web.post("/api/v1/replan", replan),
        web.get("/api/v1/keynotes/{id}/attendance", keynote_attendance),
        web.get("/api/v1/rounds/{n}/attendance", round_attendance),
        web.get("/api/v1/openapi.json", openapi),
    ]
