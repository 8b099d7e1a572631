"""Webhook times Rota cannot place are refused with a 400 that says why, and a store that
already holds such events (stored before these checks, or by hand) still serves every report:
the bad events are left out and counted as ignored."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.presence.attendance import in_event_time, live_counts
from tests.support.app import AUTH, board_client
from tests.support.standin_jitsi import JAAS_SECRET, JaasStandIn, sign

SYNC = "event-sync-bearer-token-0123456789"
ENV = {"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET, "ROTA_EVENT_SYNC_TOKEN": SYNC}
NOW_MS = int(time.time() * 1000)

# (what it is, the value as JSON text, the words the refusal must contain)
BAD_TIMES = [
    ("milliseconds", str(NOW_MS), "a thousand times too large"),
    ("1e20", "100000000000000000000", "not a time near this event"),
    ("NaN", "NaN", "not a number"),
    ("Infinity", "Infinity", "not a number"),
    ("-1e15", "-1000000000000000", "not a time near this event"),
    ("1970", "0", "not a time near this event"),
    ("a year from now", str(int(time.time()) + 366 * 86400), "not a time near this event"),
]


@pytest.fixture
async def running(serve, redis_url):
    return await serve(redis_url=redis_url, env=ENV, speed=60.0, start_at="now")


def _room(running) -> str:
    return running.app[SERVICE].require_live().room_names["keynote"]


@pytest.mark.parametrize(("what", "value", "words"), BAD_TIMES, ids=[b[0] for b in BAD_TIMES])
async def test_event_sync_join_with_an_unusable_time_is_refused(
    running, http: httpx.AsyncClient, what: str, value: str, words: str
) -> None:
    occupant = {"id": "p001", "name": "A", "occupant_jid": "a@example.org/1", "joined_at": 0}
    sent = {
        "room_name": _room(running),
        "room_jid": "r@conference.example.org",
        "occupant": occupant,
    }
    body = json.dumps(sent).replace('"joined_at": 0', f'"joined_at": {value}')
    response = await http.post(
        f"{running.base_url}/webhooks/jitsi/events/occupant/joined",
        content=body.encode(),
        headers={"Authorization": f"Bearer {SYNC}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert words in response.json()["error"]
    if what == "milliseconds":  # the field and the value as they were sent
        assert response.json()["error"].startswith(f"joined_at {value} is not a time")
    assert await running.app[STORE].room_events() == []


@pytest.mark.parametrize(("what", "value", "words"), BAD_TIMES, ids=[b[0] for b in BAD_TIMES])
async def test_signed_jaas_join_with_an_unusable_time_is_refused(
    running, http: httpx.AsyncClient, what: str, value: str, words: str
) -> None:
    jaas = JaasStandIn(http, running.base_url, JAAS_SECRET)
    envelope = jaas.envelope("PARTICIPANT_JOINED", _room(running), time.time(), {"id": "p001"})
    # JaaS times are milliseconds: the same wrong instants, scaled as JaaS would send them
    scaled = value if not value.lstrip("-").isdigit() else str(int(value) * 1000)
    body = json.dumps(envelope).replace(str(envelope["timestamp"]), scaled).encode()
    response = await http.post(
        jaas.url,
        content=body,
        headers={"X-Jaas-Signature": sign(JAAS_SECRET, body), "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert words in response.json()["error"]
    if what == "milliseconds":
        assert response.json()["error"].startswith(f"timestamp {scaled} is not a time")
    assert await running.app[STORE].room_events() == []


async def test_times_in_the_event_or_just_received_are_accepted(
    running, http: httpx.AsyncClient
) -> None:
    """The window is not too tight: now, an hour ago, and the event's last minutes."""
    live = running.app[SERVICE].require_live()
    jaas = JaasStandIn(http, running.base_url, JAAS_SECRET)
    last = live.clock.wall_time(live.timeline.ends).timestamp()
    for n, at in enumerate((time.time(), time.time() - 3600, last - 60)):
        await jaas.joined(_room(running), at, "p001", "A", f"c000000{n}")
    assert len(await running.app[STORE].room_events()) == 3


POISON = [
    json.dumps({"source": "event_sync", "kind": "joined", "room": "{room}", "at": NOW_MS,
                "key": "k1", "person": "p001"}),
    '{"source": "jaas", "kind": "joined", "room": "{room}", "at": NaN, "key": "k2"}',
    json.dumps({"source": "jaas", "kind": "joined", "room": "{room}", "at": -1e15, "key": "k3"}),
    json.dumps({"source": "jaas", "kind": "joined", "room": "{room}", "at": 1e17, "key": "k4"}),
    json.dumps({"source": "jaas", "kind": "left", "room": "{room}", "at": NOW_MS / 1000,
                "key": "k5", "joined_at": 1e20}),
    json.dumps({"source": "jaas", "kind": "sneezed", "room": "{room}", "at": 1.0, "key": "k6"}),
    json.dumps({"source": "jaas", "kind": "joined", "room": "{room}", "at": 1.0, "key": "k7",
                "colour": "red"}),
    json.dumps({"source": "jaas", "kind": "joined", "room": 7, "at": 1.0, "key": "k8"}),
    "not json at all",
    "[1, 2, 3]",
]  # fmt: skip
REPORTS = [
    "/api/v1/state",
    "/api/v1/keynotes/k1/attendance",
    "/api/v1/keynotes/k1/attendance?format=csv",
    "/api/v1/rounds/1/attendance",
    "/board/state",
    "/board/events",
]


@pytest.fixture
async def poisoned(running, http: httpx.AsyncClient):
    """A store holding one good join and every kind of unusable event, written straight into
    the stream as an older Rota (or a hand edit) could have left them."""
    jaas = JaasStandIn(http, running.base_url, JAAS_SECRET)
    await jaas.joined(_room(running), time.time(), "p001", "A", "c0000001")
    store = running.app[STORE]
    for text in POISON:
        await store.redis.xadd(
            store.keys.room_events, {"event": text.replace("{room}", _room(running))}
        )
    return running


@pytest.mark.parametrize("path", REPORTS)
async def test_every_report_skips_stored_events_it_cannot_use(poisoned, path: str) -> None:
    async with board_client(poisoned.base_url) as client:
        if path == "/board/events":
            async with client.stream("GET", path) as response:
                assert response.status_code == 200
                async for line in response.aiter_lines():
                    if line.startswith("data:") and '"ignored_events"' in line:
                        state = json.loads(line.removeprefix("data:"))
                        break
            assert state["ignored_events"]["count"] == len(POISON)
            return
        response = await client.get(path, headers=AUTH)
    assert response.status_code == 200, response.text
    if path.endswith("csv"):
        assert response.headers["X-Rota-Ignored-Events"] == str(len(POISON))
        return
    ignored = response.json()["ignored_events"]
    assert ignored["count"] == len(POISON)
    assert ignored["reasons"] == {
        "not JSON": 1,
        "not a room event": 4,
        "time is not a number": 1,
        "time outside the event": 4,
    }


async def test_the_good_event_still_counts(poisoned, http: httpx.AsyncClient) -> None:
    state = (await http.get(f"{poisoned.base_url}/api/v1/state", headers=AUTH)).json()
    assert all(r["live_count"] == 0 for r in state["rooms"])  # known: a feed is there
    # the keynote room is occupied, but before k1 begins that is nobody's attendance
    assert next(k for k in state["keynotes"] if k["id"] == "k1")["live_count"] is None
    live = poisoned.app[SERVICE].require_live()
    stored = in_event_time(live, await poisoned.app[STORE].room_events())
    assert live_counts(live, stored.events, live.event_now()) == {"keynote": {"guest:A"}}
