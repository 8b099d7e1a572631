"""Webhooks into the running service: a stand-in JaaS posts a realistic keynote, and the
attendance report and live counts match what was worked out by hand."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from orchestrator.appkeys import SERVICE, STORE
from tests.support.app import AUTH, EXAMPLE, start_app
from tests.support.standin_jitsi import JAAS_SECRET, SYNC_TOKEN, WEBHOOK_ENV, JaasStandIn, sign

BERLIN = ZoneInfo("Europe/Berlin")


def started_so_that_now_is(hour: int, minute: int) -> str:
    """--start-at that puts the event clock (speed 1) at hour:minute on the day, Berlin."""
    elapsed = timedelta(hours=hour - 9, minutes=minute)
    wall = datetime.now(UTC) - elapsed
    return wall.astimezone(BERLIN).replace(tzinfo=None).isoformat(timespec="seconds")


async def test_keynote_attendance_from_webhooks(serve, http, redis_url) -> None:
    running = await serve(
        redis_url=redis_url, env=WEBHOOK_ENV, speed=1.0, start_at=started_so_that_now_is(10, 35)
    )
    live = running.app[SERVICE].require_live()
    jitsi = JaasStandIn(http, running.base_url, JAAS_SECRET)
    room = live.room_names["keynote"]
    k1 = next(k for k in live.plan.keynotes if k.id == "k1")
    expected = list(k1.audience)
    assert len(expected) >= 20
    names = {p.id: p.name for p in live.programme.participants}

    def at(minute: float) -> float:  # minutes after 10:00, as wall-clock Unix seconds
        moment = datetime(2025, 3, 27, 9, 0, tzinfo=UTC) + timedelta(minutes=minute)
        return live.clock.wall_time(moment).timestamp()

    p0, p1, p2, p3, p4, p5, p6, *plain = expected
    # p0: 10:00-10:45, the whole keynote
    await jitsi.joined(room, at(0), p0, names[p0], "a0000001")
    await jitsi.left(room, at(45), p0, names[p0], "a0000001")
    # p1: 10:05, connection lost (reported 10:21, really 10:20), back 10:20:30, leaves 10:40
    await jitsi.joined(room, at(5), p1, names[p1], "b0000001")
    await jitsi.left(room, at(21), p1, names[p1], "b0000001", reason="unknown")
    await jitsi.joined(room, at(20.5), p1, names[p1], "b0000002")
    await jitsi.left(room, at(40), p1, names[p1], "b0000002")
    # p2: 10:10-10:20
    await jitsi.joined(room, at(10), p2, names[p2], "c0000001")
    await jitsi.left(room, at(20), p2, names[p2], "c0000001")
    # p3: 10:00, the browser crashes: no leave; the room ends at 10:50
    await jitsi.joined(room, at(0), p3, names[p3], "d0000001")
    # p4: 10:00-10:30, every webhook delivered twice
    join4 = await jitsi.joined(room, at(0), p4, names[p4], "e0000001")
    leave4 = await jitsi.left(room, at(30), p4, names[p4], "e0000001")
    for envelope in (join4, leave4):
        assert (await jitsi.post(envelope)).json()["status"] == "duplicate"
    # p5: the leave (10:45) arrives before the join (10:15)
    await jitsi.left(room, at(45), p5, names[p5], "f0000001")
    await jitsi.joined(room, at(15), p5, names[p5], "f0000001")
    # p6 never joins, but clicked their link during the keynote
    token = live.token_of[p6]
    assert (await http.get(f"{running.base_url}/go/{token}")).status_code == 302
    # everyone else expected: the whole keynote
    for i, pid in enumerate(plain):
        await jitsi.joined(room, at(0), pid, names[pid], f"g{i:07d}")
        await jitsi.left(room, at(45), pid, names[pid], f"g{i:07d}")
    # five people who chose the other keynote drop in for ten minutes
    strays = [
        p.id for p in live.programme.participants if p.role == "audience" and "k2" in p.keynotes
    ][:5]
    for i, pid in enumerate(strays):
        await jitsi.joined(room, at(20), pid, names[pid], f"h{i:07d}")
        await jitsi.left(room, at(30), pid, names[pid], f"h{i:07d}")
    # a recorder and a guest without a token
    await jitsi.joined(room, at(0), "", "Recorder", "r0000001", jid="recorder@recorder.8x8.vc")
    await jitsi.joined(room, at(10), "", "Visitor", "v0000001")
    await jitsi.left(room, at(40), "", "Visitor", "v0000001")
    await jitsi.post(jitsi.envelope("ROOM_DESTROYED", room, at(50), {}))

    state = (await http.get(f"{running.base_url}/api/v1/state", headers=AUTH)).json()
    keynote = next(k for k in state["keynotes"] if k["id"] == "k1")
    # at 10:35: p0, p1, p3, p5 and every plain attendee, and the visitor; p2 and p4 have left
    assert keynote["live_count"] == 4 + len(plain) + 1  # the strays left at 10:30

    response = await http.get(
        f"{running.base_url}/api/v1/keynotes/k1/attendance?format=csv", headers=AUTH
    )
    assert response.status_code == 200
    rows = {r["participant"]: r for r in csv.DictReader(io.StringIO(response.text))}
    worked_out = {  # minutes, status, evidence, flags
        p0: ("45.0", "attended", "webhook", ""),
        p1: ("35.0", "attended", "webhook", "connection-lost reconnected"),
        p2: ("10.0", "partial", "webhook", ""),
        p3: ("45.0", "attended", "webhook", "closed-at-room-end"),
        p4: ("30.0", "partial", "webhook", ""),
        p5: ("30.0", "partial", "webhook", ""),
        p6: ("0.0", "absent", "sent", ""),
        "guest:Visitor": ("30.0", "guest", "webhook", "unexpected"),
    }
    for pid, (minutes, status, evidence, flags) in worked_out.items():
        row = rows[pid]
        assert (row["minutes"], row["status"], row["evidence"], row["flags"]) == (
            minutes,
            status,
            evidence,
            flags,
        ), pid
    assert all(rows[pid]["status"] == "attended" for pid in plain)
    assert rows[p1]["share"] == "0.778"
    assert rows[p0]["first_join"] == "2025-03-27T10:00:00+01:00"  # event zone, to the second
    assert len(expected) + len(strays) + 2 == 30  # people who joined, with recorder and guest
    for pid in strays:
        assert (rows[pid]["minutes"], rows[pid]["status"], rows[pid]["flags"]) == (
            "10.0",
            "partial",
            "unexpected",
        )
    assert len(rows) == len(expected) + len(strays) + 1  # expected, strays and the visitor
    again = await http.get(
        f"{running.base_url}/api/v1/keynotes/k1/attendance?format=csv", headers=AUTH
    )
    assert again.text == response.text  # rebuilt from the stream: the same report
    store = running.app[STORE]
    stored = await store.room_events()
    assert len(stored) == len(jitsi.sent) - 2  # the two duplicates were not stored
    await running.stop()
    restarted = await start_app(redis_url=redis_url, env=WEBHOOK_ENV, resume=True)
    try:
        after = await http.get(
            f"{restarted.base_url}/api/v1/keynotes/k1/attendance?format=csv", headers=AUTH
        )
        assert after.text == response.text  # and so does a restart
    finally:
        await restarted.stop()


async def test_round_attendance_and_presenters_present(serve, http, redis_url) -> None:
    running = await serve(
        redis_url=redis_url, env=WEBHOOK_ENV, speed=1.0, start_at=started_so_that_now_is(10, 40)
    )
    live = running.app[SERVICE].require_live()
    jitsi = JaasStandIn(http, running.base_url, JAAS_SECRET)
    slot = live.plan.round(4).rooms[0]  # round 4: 10:30-11:00
    team = next(t for t in live.plan.teams if t.id == slot.team)
    room = live.room_names[slot.room]
    wrong = live.room_names[live.plan.round(4).rooms[1].room]

    def at(minute: float) -> float:
        moment = datetime(2025, 3, 27, 9, 30, tzinfo=UTC) + timedelta(minutes=minute)
        return live.clock.wall_time(moment).timestamp()

    await jitsi.joined(room, at(0), team.members[0], "Presenter", "p1")
    first, second = slot.audience[:2]
    await jitsi.joined(room, at(1), first, "First", "u1")
    await jitsi.joined(wrong, at(2), second, "Second", "u2")  # lost in another room
    state = (await http.get(f"{running.base_url}/api/v1/state", headers=AUTH)).json()
    tile = next(r for r in state["rooms"] if r["room"] == slot.room)
    assert tile["round"] == 4 and tile["live_count"] == 1 and tile["presenters_present"]
    other = next(r for r in state["rooms"] if r["room"] == live.plan.round(4).rooms[1].room)
    assert other["presenters_present"] is False
    report = (
        await http.get(f"{running.base_url}/api/v1/rounds/4/attendance", headers=AUTH)
    ).json()["rows"]
    by_id = {r["participant"]: r for r in report}
    assert by_id[first]["status"] == "partial" and by_id[first]["minutes_in_room"] == 9.0
    assert by_id[second]["status"] == "elsewhere"
    assert by_id[second]["minutes_elsewhere"] == 8.0
    assert by_id[slot.audience[2]]["status"] == "absent"
    assert (
        await http.get(f"{running.base_url}/api/v1/rounds/9/attendance", headers=AUTH)
    ).status_code == 404


async def test_forged_stale_malformed_and_oversized_webhooks(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, env=WEBHOOK_ENV, speed=60.0, start_at="now")
    url = f"{running.base_url}/webhooks/jaas"
    jitsi = JaasStandIn(http, running.base_url, JAAS_SECRET)
    body = json.dumps(
        jitsi.envelope("PARTICIPANT_JOINED", "x", time.time(), {"id": "a"}), separators=(",", ":")
    ).encode()
    cases = [
        ({}, body, 401),  # no signature
        ({"X-Jaas-Signature": sign("whsec_forged", body)}, body, 401),
        ({"X-Jaas-Signature": sign(JAAS_SECRET, body, int(time.time()) - 600)}, body, 401),  # stale
        ({"X-Jaas-Signature": sign(JAAS_SECRET, body)}, body + b"x", 401),  # body altered
        ({"X-Jaas-Signature": sign(JAAS_SECRET, b"{not json")}, b"{not json", 400),
        ({"X-Jaas-Signature": sign(JAAS_SECRET, b"x" * 70_000)}, b"x" * 70_000, 413),
    ]
    for headers, content, status in cases:
        response = await http.post(url, content=content, headers=headers)
        assert response.status_code == status, (status, response.text)
    ignored = json.dumps({"eventType": "RECORDING_STARTED", "idempotencyKey": "r1"}).encode()
    response = await http.post(
        url, content=ignored, headers={"X-Jaas-Signature": sign(JAAS_SECRET, ignored)}
    )
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    store = running.app[STORE]
    assert await store.room_events() == []  # nothing refused was stored

    sync = f"{running.base_url}/webhooks/jitsi/events/occupant/joined"
    occupant = {
        "room_name": "x",
        "room_jid": "x@conference.example.org",
        "occupant": {
            "id": "a",
            "name": "A",
            "occupant_jid": "a@example.org/1",
            "joined_at": int(time.time()),
        },
    }
    assert (await http.post(sync, json=occupant)).status_code == 401
    assert (
        await http.post(sync, json=occupant, headers={"Authorization": "Bearer wrong"})
    ).status_code == 401
    good = {"Authorization": f"Bearer {SYNC_TOKEN}"}
    first = await http.post(sync, json=occupant, headers=good)
    assert first.status_code == 200 and first.json() == {"stored": 1, "duplicates": 0}
    second = await http.post(sync, json=occupant, headers=good)  # Prosody retries
    assert second.json() == {"stored": 0, "duplicates": 1}
    assert len(await store.room_events()) == 1
    bad = await http.post(sync, json={"room_name": "x"}, headers=good)
    assert bad.status_code == 400


async def test_attendance_command_reads_the_stored_event(tmp_path) -> None:
    """`rota attendance` against the folder of a stopped Rota: its embedded Redis is started
    for the moment and the report is the API's."""
    import asyncio
    import subprocess
    import sys
    from pathlib import Path

    data = tmp_path / "var"
    running = await start_app(data_dir=data, env=WEBHOOK_ENV, speed=60.0, start_at="now")
    live = running.app[SERVICE].require_live()
    channel_sync = next(iter(next(k for k in live.plan.keynotes if k.id == "k2").audience))
    await running.stop()
    rota = str(Path(sys.executable).parent / "rota")
    done = await asyncio.to_thread(
        subprocess.run,
        [rota, "attendance", str(EXAMPLE), "--keynote", "k2", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("participant,name,institution,expected")
    # no presence feed stored anything: unknown, not "absent"
    assert any(line.startswith(f"{channel_sync},") and ",unknown," in line for line in lines)
    missing = await asyncio.to_thread(
        subprocess.run,
        [
            rota,
            "attendance",
            str(EXAMPLE),
            "--keynote",
            "k2",
            "--data-dir",
            str(tmp_path / "empty"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 1 and "no stored event" in missing.stderr
