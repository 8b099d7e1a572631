"""Rota's own BigBlueButton client against the stand-in: every algorithm signs what is sent,
a meeting is created once and again after it expired, and every kind of bad answer is a
BbbError with a stable key that never shows the secret."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from rooms.bbb import ALGORITHMS, Algorithm, BbbClient, BbbConfig, BbbError, Meeting, join_url
from tests.support.standin_bbb import SECRET, BbbStandIn

MEETING = Meeting("rota-demo-r1-x7", "Room 1 — Ünïcode & co", "demo", "r1", "http://h/p/t?a=b c")


@pytest.fixture
async def bbb() -> AsyncIterator[BbbStandIn]:
    standin = BbbStandIn(SECRET, minute=0.2)
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(follow_redirects=False) as client:
        yield client


def _client(bbb: BbbStandIn, http: httpx.AsyncClient, **kw: object) -> BbbClient:
    config = BbbConfig(url=bbb.base_url, secret=str(kw.get("secret", SECRET)))
    if "checksum" in kw:
        config = BbbConfig(bbb.base_url, SECRET, checksum=kw["checksum"])  # type: ignore[arg-type]
    return BbbClient(config, http, timeout=2)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
async def test_each_algorithm_signs_the_query_as_sent(
    bbb: BbbStandIn, http: httpx.AsyncClient, algorithm: Algorithm
) -> None:
    client = _client(bbb, http, checksum=algorithm)
    created = await client.create(MEETING)
    info = await client.meeting_info(MEETING.meeting_id)
    assert bbb.algorithms == [algorithm, algorithm]
    assert info.get("createTime") == created
    assert info.get("meetingName") == "Room 1 — Ünïcode & co"
    assert info.metadata == {"rota-event": "demo", "rota-room": "r1"}
    assert dict(bbb.calls)["create"]["logoutURL"] == "http://h/p/t?a=b c"


async def test_create_is_idempotent(bbb: BbbStandIn, http: httpx.AsyncClient) -> None:
    client = _client(bbb, http)
    assert await client.create(MEETING) == await client.create(MEETING)
    assert len(bbb.meetings) == 1


async def test_a_join_url_enters_with_its_userid_and_role(
    bbb: BbbStandIn, http: httpx.AsyncClient
) -> None:
    client = _client(bbb, http)
    created = await client.create(MEETING)
    url = join_url(
        client.config,
        MEETING.meeting_id,
        full_name="Zoë O'Brien + Söhne",
        user_id="p1",
        role="MODERATOR",
        create_time=created,
    )
    outcome, params = await bbb.open_join(url)
    assert outcome == "SUCCESS"
    assert params["fullName"] == "Zoë O'Brien + Söhne"
    assert bbb.attendees(MEETING.meeting_id) == {"p1": "MODERATOR"}
    info = await client.meeting_info(MEETING.meeting_id)
    assert [(a.user_id, a.full_name, a.role) for a in info.attendees] == [
        ("p1", "Zoë O'Brien + Söhne", "MODERATOR")
    ]


async def test_an_expired_meeting_is_created_again_and_old_urls_fail(
    bbb: BbbStandIn, http: httpx.AsyncClient
) -> None:
    client = _client(bbb, http)
    first = await client.create(MEETING)
    old = join_url(
        client.config,
        MEETING.meeting_id,
        full_name="A",
        user_id="a1",
        role="VIEWER",
        create_time=first,
    )
    bbb.expire_now(MEETING.meeting_id)
    with pytest.raises(BbbError) as gone:
        await client.meeting_info(MEETING.meeting_id)
    assert gone.value.key == "notFound"
    second = await client.create(MEETING)
    assert second != first
    assert (await bbb.open_join(old))[0] == "mismatchCreateTime"


@pytest.mark.parametrize(
    ("mode", "key"),
    [("html", "not-xml"), ("bomb", "unsafe-xml"), ("huge", "too-large"), ("down", "http-500")],
)
async def test_a_bad_answer_is_refused(
    bbb: BbbStandIn, http: httpx.AsyncClient, mode: str, key: str
) -> None:
    bbb.mode = mode
    with pytest.raises(BbbError) as caught:
        await _client(bbb, http).create(MEETING)
    assert caught.value.key == key
    assert SECRET not in str(caught.value)


async def test_a_wrong_secret_is_a_checksum_error(bbb: BbbStandIn, http: httpx.AsyncClient) -> None:
    with pytest.raises(BbbError) as caught:
        await _client(bbb, http, secret="not-the-secret").create(MEETING)
    assert caught.value.key == "checksumError"
    assert "not-the-secret" not in str(caught.value)


async def test_a_server_that_does_not_answer(http: httpx.AsyncClient) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = BbbConfig(f"http://127.0.0.1:{port}/bigbluebutton/", SECRET)
    with pytest.raises(BbbError) as caught:
        await BbbClient(config, http, timeout=1).meeting_info("x")
    assert caught.value.key == "unreachable"
