"""BigBlueButton rooms in a mixed rehearsal against the stand-in (tests/support/standin_bbb.py),
with link rooms and Jitsi rooms beside them: `/go` answers each person a join URL the server
accepts, with their userID and role, every round; the server's attendees become the board's
counts and the keynote's attendance; a vanished meeting is created again; a server that
refuses or misbehaves is one line on the board while `/go` still answers."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from orchestrator.event.live import Live
from rooms.bbb import join_url
from tests.support.app import AUTH, board_client
from tests.support.clock import eventually
from tests.support.examples import (
    BBB_ROOMS,
    LINKS,
    serve_bbb,
)
from tests.support.live import reached
from tests.support.standin_bbb import SECRET, BbbStandIn


def _expected_role(live: Live, pid: str, team: str) -> str:
    person = live.programme.participant_by_id[pid]
    presenting = person.role == "presenter" and person.team == team
    return "MODERATOR" if presenting or person.role == "organiser" else "VIEWER"


SPEED = 360.0  # a 30-minute round lasts 5 s; its first 28 minutes answer alike


async def test_go_gives_each_person_a_join_the_server_accepts_every_round(
    serve, http, redis_url, tmp_path: Path, bbb: BbbStandIn
) -> None:
    running, live = await serve_bbb(serve, redis_url, tmp_path, bbb, SPEED, 5)
    for index in (1, 2):
        item = live.timeline.rounds[index - 1]
        settled = item.start + timedelta(minutes=5)
        wait = live.clock.wall_time(settled).timestamp() - datetime.now(UTC).timestamp()
        if wait > 0:
            await eventually(partial(reached, live, settled), seconds=wait + 2)
        seen = {"bbb": 0, "link": 0, "jitsi": 0, "moderator": 0}
        for person in live.programme.participants:
            place = next((p for p in live.days[person.id] if p.round == index), None)
            if place is None:
                continue
            answer = await http.get(f"{running.base_url}/go/{live.token_of[person.id]}")
            assert answer.status_code == 302, person.id
            location = answer.headers["Location"]
            if place.room in LINKS:
                assert location == LINKS[place.room]
                seen["link"] += 1
            elif place.room in BBB_ROOMS:
                outcome, params = await bbb.open_join(location)
                assert outcome == "SUCCESS", (person.id, outcome)
                assert params["userID"] == person.id
                assert params["fullName"] == person.name
                assert params["meetingID"] == live.room_names[place.room]
                assert params["role"] == _expected_role(live, person.id, place.team)
                seen["bbb"] += 1
                seen["moderator"] += params["role"] == "MODERATOR"
            else:
                assert location.startswith("https://meet.jit.si/"), person.id
                seen["jitsi"] += 1
        assert live.event_now() < item.end - live.lead, "too slow to ask /go in the round"
        assert all(seen.values()), seen  # every kind in every round, presenters moderate
    creates = [p for call, p in bbb.calls if call == "create"]
    assert {p["meta_rota-room"] for p in creates} >= {"r1", "r2", "r3", "r4"}
    assert all(p["meta_rota-event"] == "bip-2025" for p in creates)
    assert all(p["logoutURL"] == f"{running.base_url}/left" for p in creates)


async def test_attendees_give_the_board_and_the_keynote_attendance(
    serve, http, redis_url, tmp_path: Path, bbb: BbbStandIn
) -> None:
    speed = 360.0
    running, live = await serve_bbb(serve, redis_url, tmp_path, bbb, speed, 58)  # 09:58
    k1 = next(k for k in live.plan.keynotes if k.id == "k1")
    meeting = live.room_names["keynote"]
    item = live.timeline.keynote("k1")
    assert item is not None
    await eventually(lambda: live.event_now() >= item.start + timedelta(minutes=1), seconds=3)
    stays, leaves = k1.audience[:3], k1.audience[3]
    for pid in (*stays, leaves):
        answer = await http.get(f"{running.base_url}/go/{live.token_of[pid]}")
        assert (await bbb.open_join(answer.headers["Location"]))[0] == "SUCCESS"
    joined_at = live.event_now()
    assert live.bbb is not None  # someone let in from Greenlight, not through Rota: a guest
    guest = join_url(
        live.bbb,
        meeting,
        full_name=live.programme.participant_by_id[leaves].name,  # a roster name, even
        user_id="gl-4711",
        role="VIEWER",
        create_time=bbb.meetings[meeting].create_time,
    )
    assert (await bbb.open_join(guest))[0] == "SUCCESS"
    async with board_client(running.base_url) as client:

        async def attending(n: int) -> bool:
            state = (await client.get("/board/state")).json()
            shown = next(k for k in state["keynotes"] if k["id"] == "k1")
            return shown["live_audience"] == n

        await eventually(lambda: attending(4), seconds=3)
        bbb.leave(meeting, leaves)
        left_at = live.event_now()
        await eventually(lambda: attending(3), seconds=3)
    wait = live.clock.wall_time(item.end).timestamp() - time.time()
    await eventually(lambda: time.time() > live.clock.wall_time(item.end).timestamp(), wait + 2)
    report = await http.get(f"{running.base_url}/api/v1/keynotes/k1/attendance", headers=AUTH)
    rows = {r["participant"]: r for r in report.json()["rows"]}
    for pid in stays:
        assert rows[pid]["status"] == "attended" and rows[pid]["evidence"] == "webhook"
    assert [r["status"] for r in rows.values() if r["participant"].startswith("guest:")] == [
        "guest"
    ]
    minutes = (left_at - joined_at) / timedelta(minutes=1)
    assert rows[leaves]["status"] != "attended"
    assert abs(rows[leaves]["minutes"] - minutes) <= 2, (rows[leaves]["minutes"], minutes)


async def test_a_vanished_meeting_is_created_again(
    serve, http, redis_url, tmp_path: Path, bbb: BbbStandIn
) -> None:
    running, live = await serve_bbb(serve, redis_url, tmp_path, bbb, 1.0, 10)
    slot = next(s for s in live.plan.round(1).rooms if s.room in BBB_ROOMS)
    meeting, pid = live.room_names[slot.room], slot.audience[0]
    await eventually(lambda: meeting in bbb.meetings, seconds=3)  # created just in time
    first = bbb.meetings[meeting].create_time
    go = f"{running.base_url}/go/{live.token_of[pid]}"
    old = (await http.get(go)).headers["Location"]
    assert (await bbb.open_join(old))[0] == "SUCCESS"
    async with board_client(running.base_url) as client:

        async def count(n: int) -> bool:
            tiles = (await client.get("/board/state")).json()["tiles"]
            return next(t for t in tiles if t["room"] == slot.room)["live_audience"] == n

        await eventually(lambda: count(1), seconds=3)
        bbb.expire_now(meeting)  # ended by an admin mid-round, or expired
        await eventually(lambda: count(0), seconds=3)
    await eventually(lambda: meeting in bbb.meetings, seconds=3)
    assert bbb.meetings[meeting].create_time != first
    assert (await bbb.open_join(old))[0] == "mismatchCreateTime"  # the stale URL is useless
    await eventually(  # /go's own createTime is trusted a few seconds, then asked again
        lambda: _accepted(http, bbb, go), seconds=8, interval=0.5
    )


async def _accepted(http, bbb: BbbStandIn, go: str) -> bool:
    return (await bbb.open_join((await http.get(go)).headers["Location"]))[0] == "SUCCESS"


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        ("wrong-secret", "checksumError"),
        ("html", "not-xml"),
        ("bomb", "unsafe-xml"),
        ("huge", "too-large"),
        ("down", "unreachable"),
    ],
)
async def test_a_refusing_server_is_a_line_on_the_board_and_go_still_answers(
    serve,
    http,
    redis_url,
    tmp_path: Path,
    bbb: BbbStandIn,
    caplog: pytest.LogCaptureFixture,
    fault: str,
    key: str,
) -> None:
    secret = "another-secret-entirely-0123456789" if fault == "wrong-secret" else SECRET
    url = "http://127.0.0.1:9/bigbluebutton/" if fault == "down" else ""
    bbb.mode = fault if fault in ("html", "bomb", "huge") else ""
    caplog.set_level(logging.INFO)
    running, live = await serve_bbb(serve, redis_url, tmp_path, bbb, 1.0, 10, secret, url)
    slot = next(s for s in live.plan.round(1).rooms if s.room in BBB_ROOMS)
    token = live.token_of[slot.audience[0]]
    answer = await http.get(f"{running.base_url}/go/{token}")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/p/{token}"  # the page, which offers it again
    async with board_client(running.base_url) as client:

        async def alert() -> dict | None:
            state = (await client.get("/board/state")).json()
            return next((a for a in state["alerts"] if a["kind"] == "bbb"), None)

        line = await eventually(alert, seconds=3)
        state = (await client.get("/board/state")).text
    assert f"({key})" in line["message"] and line["severity"] == "critical"
    assert secret not in state and secret not in caplog.text
    page = await http.get(f"{running.base_url}/p/{token}")
    assert page.status_code == 200 and secret not in page.text
