"""The service end to end: real Redis, real HTTP on loopback, the rehearsal clock."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest
from prometheus_client.parser import text_string_to_metric_families

from orchestrator.api.openapi import spec
from orchestrator.appkeys import BOUNDARIES, CLICKS, PAGE_STREAMS, SERVICE, STORE
from tests.support.app import AUTH, Running
from tests.support.builders import BASE_TOML, write_event
from tests.support.clock import eventually


def plain_audience(live) -> str:
    """An audience member with no keynote and no round away: in a room every round."""
    return next(
        p.id
        for p in live.programme.participants
        if p.role == "audience" and not p.keynotes and not p.unavailable
    )


def live_of(running: Running):
    return running.app[SERVICE].require_live()


async def at_event_minute(running: Running, minute: float) -> None:
    """Sleep until the event clock shows the first round's start plus `minute`."""
    live = live_of(running)
    wall = live.clock.wall_time(live.timeline.rounds[0].start + timedelta(minutes=minute))
    await asyncio.sleep(max((wall - datetime.now(UTC)).total_seconds(), 0))


async def room_urls(http: httpx.AsyncClient, running: Running) -> dict[str, str]:
    rooms = (await http.get(f"{running.base_url}/api/v1/rooms", headers=AUTH)).json()
    return {r["id"]: r["url"] for r in rooms}


async def location(http: httpx.AsyncClient, running: Running, pid: str) -> str:
    token = live_of(running).token_of[pid]
    response = await http.get(f"{running.base_url}/go/{token}")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"
    return response.headers["Location"]


@pytest.mark.slow
async def test_a_whole_day_in_rehearsal(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=900.0, start_at="now")
    live = live_of(running)
    programme, plan = live.programme, live.plan
    urls = await room_urls(http, running)
    audience = next(
        p.id
        for p in programme.participants
        if p.role == "audience" and not p.keynotes and not p.unavailable
    )
    jury = next(p.id for p in programme.participants if p.role == "jury" and not p.unavailable)
    listener = next(
        p.id
        for p in programme.participants
        if p.role == "audience" and "k1" in p.keynotes and not p.unavailable
    )
    presenter = plan.teams[2].members[0]
    for rnd in plan.rounds:
        await at_event_minute(running, (rnd.index - 1) * 30 + 10)  # margin for a busy machine
        for pid in (audience, jury, presenter):
            assert (
                await location(http, running, pid) == urls[plan.room_in_round(pid, rnd.index).room]
            ), (pid, rnd.index)
        expected = (
            "keynote" if rnd.index in (3, 4) else plan.room_in_round(listener, rnd.index).room
        )
        assert await location(http, running, listener) == urls[expected], rnd.index
    await at_event_minute(running, 181)
    after = await location(http, running, audience)
    assert after.endswith(f"/p/{live.token_of[audience]}")
    store = running.app[STORE]
    boundaries = {b.id for b in live.timeline.boundaries()}
    fired = await eventually(lambda: _all_fired(store, boundaries))
    assert {v["status"] for v in fired.values()} == {"fired"}
    outbox = await store.redis.xrange(store.keys.outbox)
    ids = [entry[b"id"].decode() for _, entry in outbox]
    assert sorted(ids) == sorted(boundaries)  # each transition once in the outbox
    first = json.loads(outbox[1][1][b"data"])
    assert first["round"] == 1 and len(first["rooms"]) == 8


async def _all_fired(store, boundaries):
    fired = await store.fired()
    return fired if set(fired) == boundaries else None


async def test_go_for_unknown_token_is_a_plain_404(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    response = await http.get(f"{running.base_url}/go/not-a-real-token")
    assert response.status_code == 404
    assert "This link does not work" in response.text
    assert "<html" in response.text
    page = await http.get(f"{running.base_url}/p/not-a-real-token")
    assert page.status_code == 404


async def test_delay_shifts_later_boundaries_and_go_follows(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=600.0, start_at="now")
    live = live_of(running)
    pid = plain_audience(live)
    token = live.token_of[pid]
    response = await http.post(
        f"{running.base_url}/api/v1/clock/delay", headers=AUTH, json={"minutes": 30}
    )
    assert response.status_code == 200, response.text
    assert response.json()["delay_minutes"] == 30
    state = (await http.get(f"{running.base_url}/api/v1/state", headers=AUTH)).json()
    assert state["delay_minutes"] == 30
    live = live_of(running)
    assert live.timeline.rounds[0].end == live.plan.rounds[0].end  # the running round stays
    assert live.timeline.rounds[1].start == live.plan.rounds[1].start + timedelta(minutes=30)
    await at_event_minute(running, 40)  # planned round 2, now a 30-minute pause
    assert (await location(http, running, pid)).endswith(f"/p/{token}")
    await at_event_minute(running, 75)  # round 2 runs from minute 60
    urls = await room_urls(http, running)
    assert await location(http, running, pid) == urls[live.plan.room_in_round(pid, 2).room]
    jobs = running.app[BOUNDARIES].scheduler.get_jobs()  # one per instant, its boundaries in order
    started = next(j for j in jobs if "round.started:3" in j.args[0]).next_run_time
    assert started == live.clock.wall_time(live.timeline.rounds[2].start)


async def test_extend_lengthens_the_running_round(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=600.0, start_at="now")
    live = live_of(running)
    pid = plain_audience(live)
    response = await http.post(
        f"{running.base_url}/api/v1/rounds/current/extend", headers=AUTH, json={"minutes": 30}
    )
    assert response.status_code == 200, response.text
    await at_event_minute(running, 40)  # would be round 2; round 1 now runs to minute 60
    urls = await room_urls(http, running)
    assert await location(http, running, pid) == urls[live.plan.room_in_round(pid, 1).room]
    state = (await http.get(f"{running.base_url}/api/v1/state", headers=AUTH)).json()
    assert state["current"] == {"kind": "round", "round": 1, "keynotes": []}
    assert (
        state["rooms"][0]["ends"] == (live.plan.rounds[0].end + timedelta(minutes=30)).isoformat()
    )


async def test_missing_or_wrong_token_gets_401(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        response = await http.get(f"{running.base_url}/api/v1/state", headers=headers)
        assert response.status_code == 401
        posted = await http.post(
            f"{running.base_url}/api/v1/clock/delay", headers=headers, json={"minutes": 5}
        )
        assert posted.status_code == 401
    assert live_of(running).clock.delay_minutes == 0


async def test_openapi_agrees_with_the_router(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    routed = set()
    for route in running.app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if path.startswith("/api/v1") and route.method != "HEAD":
            routed.add((path, route.method.lower()))
    described = {(path, method) for path, ops in spec()["paths"].items() for method in ops}
    assert routed == described
    served = await http.get(f"{running.base_url}/api/v1/openapi.json")
    assert served.status_code == 200 and served.json()["openapi"].startswith("3.")


async def test_move_revoke_broadcast_and_replan(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    base = running.base_url
    live = live_of(running)
    pid = plain_audience(live)
    seen = {live.plan.room_in_round(pid, r.index).team for r in live.plan.rounds}
    fresh = next(s for s in live.plan.round(6).rooms if s.team not in seen)
    moved = await http.post(
        f"{base}/api/v1/participants/{pid}/move",
        headers=AUTH,
        json={"round": 6, "room": fresh.room},
    )
    assert moved.status_code == 200, moved.text
    plan = (await http.get(f"{base}/api/v1/plan", headers=AUTH)).json()
    assert plan["version"] == 2
    assert pid in next(r for r in plan["rounds"][5]["rooms"] if r["room"] == fresh.room)["audience"]
    again = await http.post(
        f"{base}/api/v1/participants/{pid}/move",
        headers=AUTH,
        json={"round": 5, "room": fresh.room},
    )
    assert again.status_code == 400 and "already sees team" in again.json()["error"]

    old = live.token_of[pid]
    revoked = await http.post(f"{base}/api/v1/participants/{pid}/revoke", headers=AUTH)
    assert revoked.status_code == 200
    assert (await http.get(f"{base}/go/{old}")).status_code == 404
    assert (await http.get(revoked.json()["link"])).status_code == 302

    sent = await http.post(
        f"{base}/api/v1/broadcast", headers=AUTH, json={"message": "Lunch is at 12:30"}
    )
    assert sent.status_code == 201
    store = running.app[STORE]
    assert (await store.redis.xlen(store.keys.broadcasts)) == 1

    dropped = await http.post(
        f"{base}/api/v1/replan", headers=AUTH, json={"change": "team_dropout", "team": "t8"}
    )
    assert dropped.status_code == 200, dropped.text
    body = dropped.json()
    assert body["plan_version"] == 3 and body["moved_count"] > 0
    plan = (await http.get(f"{base}/api/v1/plan", headers=AUTH)).json()
    assert all("t8" not in {r["team"] for r in rnd["rooms"]} for rnd in plan["rounds"][1:])
    late = await http.post(
        f"{base}/api/v1/replan",
        headers=AUTH,
        json={
            "change": "late_arrival",
            "participant": {
                "id": "late-1",
                "name": "Late <b>Comer</b>",
                "institution": "DHBW Heidenheim",
            },
        },
    )
    assert late.status_code == 200, late.text
    participants = (await http.get(f"{base}/api/v1/participants", headers=AUTH)).json()
    newcomer = next(p for p in participants if p["id"] == "late-1")
    assert (await http.get(newcomer["link"])).status_code == 302
    page = await http.get(f"{base}/p/{newcomer['token']}")
    assert "Late &lt;b&gt;Comer&lt;/b&gt;" in page.text


async def test_participant_page_agenda_and_stream(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    live = live_of(running)
    person = next(
        p
        for p in live.programme.participants
        if p.role == "audience" and p.timezone == "Europe/Helsinki"
    )
    token = live.token_of[person.id]
    page = await http.get(f"{running.base_url}/p/{token}")
    assert page.status_code == 200
    assert "Content-Security-Policy" in page.headers
    assert "Europe/Helsinki" in page.text
    assert "10.00–10.30" in page.text  # round 1 at 09:00 Berlin is 10.00 in Helsinki (Finnish)
    assert person.name in page.text
    ics = await http.get(f"{running.base_url}/p/{token}/agenda.ics")
    calendar = icalendar.Calendar.from_ical(ics.content)
    assert len(list(calendar.walk("VEVENT"))) >= 4
    async with http.stream("GET", f"{running.base_url}/p/{token}/events") as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        lines = stream.aiter_lines()
        assert await anext(lines) == "retry: 1000"  # browsers reconnect within a second
        event = [await anext(lines) for _ in range(3)]
    assert event[1] == "event: move"
    data = json.loads(event[2].removeprefix("data: "))
    assert data["now"]["jitsi_room"].startswith("rota-")  # what the embed joins
    assert data["now"]["kind"] == "room" and data["now"]["round"] == 1
    assert person.language == "fi"
    assert data["now"]["label"].startswith("Kierros 1: ")  # the page's words, live too


async def test_a_connected_page_hears_of_a_move_within_the_segment(serve, http, redis_url) -> None:
    """The hub keeps each page for its time segment (streams/pages.py); an organiser's move
    makes a new plan, and the connected page gets the changed agenda without waiting for
    the next boundary."""
    running = await serve(redis_url=redis_url, speed=1.0, start_at="now")
    live = live_of(running)
    pid = plain_audience(live)
    seen = {live.plan.room_in_round(pid, r.index).team for r in live.plan.rounds}
    fresh = next(s for s in live.plan.round(6).rooms if s.team not in seen)
    project = live.programme.team_by_id[fresh.team].project
    moves: list[dict[str, Any]] = []
    url = f"{running.base_url}/p/{live.token_of[pid]}/events"
    async with http.stream("GET", url) as stream, asyncio.timeout(15):
        kind = ""
        async for line in stream.aiter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: ") and kind == "move":
                moves.append(json.loads(line.removeprefix("data: ")))
                if len(moves) == 2:
                    break
                moved = await http.post(
                    f"{running.base_url}/api/v1/participants/{pid}/move",
                    headers=AUTH,
                    json={"round": 6, "room": fresh.room},
                )
                assert moved.status_code == 200, moved.text
    assert project not in [row["project"] for row in moves[0]["agenda"]]
    assert project in [row["project"] for row in moves[1]["agenda"]]


async def test_a_reconnecting_page_gets_the_broadcasts_it_missed(serve, http, redis_url) -> None:
    """A phone that slept through a broadcast opens its stream again (EventSource reconnects
    by itself): the broadcasts of the last minutes come after its place, each with its id."""
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    live = live_of(running)
    token = live.token_of[plain_audience(live)]
    for message in ("Coffee at 10:30", "Room 3 moved"):
        sent = await http.post(
            f"{running.base_url}/api/v1/broadcast", headers=AUTH, json={"message": message}
        )
        assert sent.status_code == 201
    # the hub keeps them from pub/sub (no Redis read per connecting page)
    assert await eventually(lambda: len(running.app[PAGE_STREAMS].recent) == 2)
    events: list[tuple[str, dict[str, str]]] = []
    async with http.stream("GET", f"{running.base_url}/p/{token}/events") as stream:
        kind = ""
        async with asyncio.timeout(10):
            async for line in stream.aiter_lines():
                if line.startswith("event: "):
                    kind = line.removeprefix("event: ")
                elif line.startswith("data: ") and kind == "broadcast":
                    events.append((kind, json.loads(line.removeprefix("data: "))))
                    if len(events) == 2:
                        break
    assert [e[1]["message"] for e in events] == ["Coffee at 10:30", "Room 3 moved"]
    assert all(e[1]["id"] for e in events)  # the page shows each id once


async def test_clicks_reach_the_audit_stream(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    live = live_of(running)
    pid = next(p.id for p in live.programme.participants if p.role == "audience")
    for _ in range(3):
        await location(http, running, pid)
    store = running.app[STORE]

    found = await eventually(store.clicks)
    assert len(found) == 3 and found[0]["participant"] == pid
    assert found[0]["to"] == live.plan.room_in_round(pid, 1).room
    # the flush empties its buffer once Redis has answered, just after the entry is readable
    assert await eventually(lambda: not running.app[CLICKS].buffer)


async def test_health(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    health = await http.get(f"{running.base_url}/healthz")
    assert health.status_code == 200
    assert health.json()["redis"] == "ok"


def metric(text: str, name: str, **labels: str) -> float:
    """One sample's value from a Prometheus text exposition (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def test_metrics_count_redirects_and_the_outbox(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    url = f"{running.base_url}/metrics"
    before = (await http.get(url)).text
    pid = plain_audience(live_of(running))
    await location(http, running, pid)
    await location(http, running, pid)
    assert (await http.get(f"{running.base_url}/go/not-a-token")).status_code == 404
    posted = await http.post(
        f"{running.base_url}/api/v1/broadcast", headers=AUTH, json={"message": "hello"}
    )
    assert posted.status_code == 201
    after = (await http.get(url)).text
    rooms = metric(after, "rota_redirects_total", target="room")
    assert rooms - metric(before, "rota_redirects_total", target="room") == 2
    unknown = metric(after, "rota_redirects_total", target="unknown")
    assert unknown - metric(before, "rota_redirects_total", target="unknown") == 1
    assert metric(after, "rota_outbox_depth") == await running.app[STORE].outbox_length() >= 1


async def test_a_broken_programme_is_refused_before_serving(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from orchestrator.cli import main

    path = write_event(tmp_path, toml=BASE_TOML.replace('room = "r2"', 'room = "r9"'))
    result = CliRunner().invoke(main, ["serve", str(path), "--port", "1"])
    assert result.exit_code == 1
    assert "unknown room 'r9'" in result.output
