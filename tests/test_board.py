"""The board's and presenter pages' data over plain HTTP: the login and its refusals, the
presenter's own-room stream, and a rehearsal's simulated presence reaching the board."""

from __future__ import annotations

import asyncio
import json
import time

from orchestrator.appkeys import SERVICE
from tests.support.app import TOKEN, board_client
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.standin_jitsi import JAAS_SECRET, JaasStandIn


async def test_login_refusals(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url)
    base = running.base_url
    wrong = await http.post(f"{base}/board/login", data={"token": "nope"})
    assert wrong.status_code == 401 and "not the organiser token" in wrong.text
    cross = await http.post(
        f"{base}/board/login", data={"token": TOKEN}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403 and "rota_board" not in cross.headers.get("set-cookie", "")
    for path in ("/board/state", "/board/events"):
        assert (await http.get(f"{base}{path}")).status_code == 401
    assert (
        await http.get(f"{base}/board/state", headers={"Cookie": "rota_board=forged"})
    ).status_code == 401
    page = await http.get(f"{base}/board")
    assert page.status_code == 200 and 'name="token"' in page.text  # the login form
    assert "frame-src 'none'" in page.headers["Content-Security-Policy"]

    async with board_client(base) as client:
        cookie = client.cookies.jar
        assert any(c.name == "rota_board" for c in cookie)
        bad = await client.get("/board/events", headers={"Last-Event-ID": "not-an-id"})
        assert bad.status_code == 400
        csrf = (await client.get("/board")).text.split('data-csrf="')[1].split('"')[0]
        refused = await client.post(
            "/board/actions/delay",
            json={"minutes": "soon"},
            headers={"X-CSRF-Token": csrf, "Origin": base},
        )
        assert refused.status_code == 400 and "minutes" in refused.json()["error"]
        done = await client.post(
            "/board/actions/broadcast",
            json={"message": "Welcome"},
            headers={"X-CSRF-Token": csrf, "Origin": base},
        )
        assert done.status_code == 200 and done.json()["id"]
        out = await client.post("/board/logout", headers={"X-CSRF-Token": csrf, "Origin": base})
        assert out.status_code == 200
        assert (await client.get("/board/state")).status_code == 401


async def test_presenter_stream_counts_their_own_room(serve, http, redis_url) -> None:
    running = await serve(
        redis_url=redis_url,
        env={"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET},
        speed=1.0,
        start_at=start_so_that_now_is(40, speed=1.0),  # round 2, 10 min in
    )
    live = running.app[SERVICE].require_live()
    team = live.plan.teams[0]
    presenter = team.members[0]
    slot = next(s for s in live.plan.round(2).rooms if s.team == team.id)
    following = next(s for s in live.plan.round(3).rooms if s.team == team.id)
    url = f"{running.base_url}/p/{live.token_of[presenter]}/events"
    rooms: list[dict] = []

    async def read(stream) -> None:
        event = ""
        async for line in stream.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "room":
                rooms.append(json.loads(line[6:]))

    async with http.stream("GET", url) as stream:
        reader = asyncio.create_task(read(stream))
        first = await eventually(lambda: rooms and rooms[0])
        assert first["round"] == 2 and first["rounds"] == 6 and first["phase"] == "running"
        assert first["expected_audience"] == len(slot.audience)
        assert first["next_expected"] == len(following.audience)
        assert first["live_audience"] is None  # no webhook yet: unknown, not zero
        jitsi = JaasStandIn(http, running.base_url, JAAS_SECRET)
        names = {p.id: p.name for p in live.programme.participants}
        room = live.room_names[slot.room]
        for i, pid in enumerate([*slot.audience[:3], presenter]):
            await jitsi.joined(room, time.time(), pid, names[pid], f"p{i:07d}")
        latest = await eventually(lambda: rooms and rooms[-1]["live_audience"] == 3 and rooms[-1])
        assert latest["room_name"] == live.programme.room_name(slot.room)
        reader.cancel()
    # nothing about other rooms reaches a presenter's page
    assert set(latest) == set(first)
    assert "tiles" not in latest and "alerts" not in latest


async def test_rehearsal_simulates_presence(serve, redis_url) -> None:
    running = await serve(
        redis_url=redis_url,
        env={"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET},
        speed=60.0,
        start_at=start_so_that_now_is(10, speed=60.0),
        simulate_presence=True,
    )
    async with board_client(running.base_url) as client:

        async def counted() -> dict | None:
            state = (await client.get("/board/state")).json()
            live = [t["live_audience"] for t in state["tiles"]]
            return state if all(n is not None for n in live) and sum(live) > 20 else None

        state = await eventually(counted, seconds=15, interval=0.3)
        assert state["feed"] == {"configured": True, "live": True}
        assert all(t["presenters_present"] for t in state["tiles"])
        assert not [a for a in state["alerts"] if a["kind"] in ("feed-silent", "no-feed")]
