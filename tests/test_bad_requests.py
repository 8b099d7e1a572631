"""Bad requests against one running service, each its own case: organiser mistakes get a 400
that says why, and hostile JSON (too deep, a number too long) a plain 400 on every endpoint
that reads a body, never a 500 or Python's own words."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from tests.support.app import AUTH, TOKEN, Running, start_app
from tests.support.standin_jitsi import JAAS_SECRET, sign

SYNC = "event-sync-token-for-bad-requests"
ENV = {"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET, "ROTA_EVENT_SYNC_TOKEN": SYNC}
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def running(redis_server) -> AsyncIterator[Running]:
    """One service for the whole module: every case here is refused, so nothing changes."""
    redis_server.flush()
    service = await start_app(redis_url=redis_server.url, env=ENV, speed=60.0, start_at="now")
    yield service
    await service.stop()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def board(running: Running) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """A logged-in board client and the headers its actions carry."""
    base = running.base_url
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        login = await client.post("/board/login", data={"token": TOKEN}, headers={"Origin": base})
        assert login.status_code == 303
        csrf = (await client.get("/board")).text.split('data-csrf="')[1].split('"')[0]
        yield client, {"X-CSRF-Token": csrf, "Origin": base}


BAD_REQUESTS = [
    ("/api/v1/clock/delay", {"minutes": "ten"}, "`minutes` must be a number"),
    ("/api/v1/clock/delay", {}, "`minutes` must be a number"),
    ("/api/v1/clock/delay", {"minutes": 0}, "changes nothing"),
    ("/api/v1/clock/delay", {"minutes": 99999}, "from -1440 to 1440"),
    ("/api/v1/rounds/current/extend", {"minutes": -5}, "0 to"),
    ("/api/v1/participants/nobody/move", {"round": 2, "room": "r1"}, "unknown participant"),
    ("/api/v1/participants/emma-schmidt/move", {"round": 2, "room": "r1"}, "presenter"),
    ("/api/v1/participants/milan-dubois/move", {"round": 99, "room": "r1"}, "round must be"),
    (
        "/api/v1/participants/milan-dubois/move",
        {"round": 5, "room": "keynote"},
        "no team presents in room",
    ),
    ("/api/v1/participants/milan-dubois/move", {"round": "5", "room": "r1"}, "`round`"),
    ("/api/v1/broadcast", {"message": "   "}, "non-empty"),
    ("/api/v1/broadcast", {"message": "x" * 2001}, "2,000"),
    ("/api/v1/broadcast", ["a list"], "JSON object"),
    ("/api/v1/replan", {"change": "explode"}, "`change` must be one of"),
    # each change reads its own field, and says which one it lacks
    ("/api/v1/replan", {"change": "departure", "team": "t1"}, "`participant` is required"),
    ("/api/v1/replan", {"change": "team_dropout", "participant": "x"}, "`team` is required"),
    ("/api/v1/replan", {"change": "room_lost", "team": "t1"}, "`room` is required"),
    ("/api/v1/replan", {"change": "late_arrival"}, "`participant` must be an id or"),
    ("/api/v1/replan", {"change": "team_dropout", "team": "t99"}, "unknown team"),
    ("/api/v1/replan", {"change": "late_arrival", "participant": {"id": "x"}}, "`name`"),
    *(
        ("/api/v1/replan", {"change": "late_arrival", "participant": person}, message)
        for person, message in [
            ({"id": "x", "name": "A\x01B"}, "`name` may not hold control characters"),
            ({"id": "x", "name": "Ann", "email": "a\x00@b.org"}, "control characters"),
            ({"id": "x", "name": "Ann", "email": "ann@"}, "malformed e-mail"),
            ({"id": "x y", "name": "Ann"}, "may hold only letters"),
            ({"id": "x", "name": "Ann", "timezone": "Mars/Base"}, "unknown time zone"),
            ({"id": "x", "name": "Ann", "language": "xx"}, "unsupported language"),
        ]
    ),
    ("/api/v1/notify/subscribers", {"kind": "pigeon", "url": "https://x.test"}, "`kind`"),
    ("/api/v1/notify/subscribers", {"url": "https://x.test", "personal": "yes"}, "`personal`"),
]


@pytest.mark.parametrize(("path", "body", "message"), BAD_REQUESTS)
async def test_bad_organiser_input_gets_400_that_says_why(
    running: Running, path: str, body: object, message: str
) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(f"{running.base_url}{path}", headers=AUTH, json=body)
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]


async def test_a_body_that_is_not_json_gets_400(running: Running) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(
            f"{running.base_url}/api/v1/clock/delay", headers=AUTH, content=b"{not json"
        )
    assert response.status_code == 400 and "JSON" in response.json()["error"]


DEEP = b"[" * 50_000
HUGE = b'{"minutes": ' + b"9" * 5000 + b"}"
API_POSTS = [
    "/api/v1/clock/delay",
    "/api/v1/rounds/current/extend",
    "/api/v1/participants/milan-dubois/move",
    "/api/v1/broadcast",
    "/api/v1/replan",
    "/api/v1/notify/subscribers",
]
BOARD_ACTIONS = ["delay", "extend", "move", "broadcast"]
HOSTILE = {"deep": (DEEP, "deeper than"), "huge number": (HUGE, "number")}
# JaaS bodies are decoded into the fields Rota reads, skipping the rest unread, so the huge
# number is put where it is read
WEBHOOK_HOSTILE = {
    "deep": (DEEP, "deeper than"),
    "huge number": (
        b'{"eventType": "PARTICIPANT_JOINED", "timestamp": ' + b"9" * 5000 + b"}",
        "number",
    ),
}


def _plain(response: httpx.Response, expected: str) -> None:
    assert response.status_code == 400, response.text
    reason = response.json()["error"]
    assert expected in reason
    assert "sys." not in reason and "Traceback" not in reason and "int_max" not in reason


@pytest.mark.parametrize("what", HOSTILE)
@pytest.mark.parametrize("path", API_POSTS)
async def test_hostile_json_to_the_api_gets_a_plain_400(
    running: Running, path: str, what: str
) -> None:
    body, expected = HOSTILE[what]
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(f"{running.base_url}{path}", headers=AUTH, content=body)
    _plain(response, expected)


@pytest.mark.parametrize("what", HOSTILE)
@pytest.mark.parametrize("action", BOARD_ACTIONS)
async def test_hostile_json_to_a_board_action_gets_a_plain_400(
    board: tuple[httpx.AsyncClient, dict[str, str]], action: str, what: str
) -> None:
    client, headers = board
    body, expected = HOSTILE[what]
    _plain(await client.post(f"/board/actions/{action}", content=body, headers=headers), expected)


def _webhook_headers(path: str, body: bytes) -> dict[str, str]:
    """JaaS signs the body; Prosody's event_sync sends a static bearer token."""
    if path == "/webhooks/jaas":
        return {"X-Jaas-Signature": sign(JAAS_SECRET, body)}
    return {"Authorization": f"Bearer {SYNC}"}


@pytest.mark.parametrize("what", WEBHOOK_HOSTILE)
@pytest.mark.parametrize("path", ["/webhooks/jaas", "/webhooks/jitsi/events/occupant/joined"])
async def test_hostile_json_to_a_webhook_gets_a_plain_400(
    running: Running, path: str, what: str
) -> None:
    body, expected = WEBHOOK_HOSTILE[what]
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(
            f"{running.base_url}{path}", content=body, headers=_webhook_headers(path, body)
        )
    _plain(response, expected)
