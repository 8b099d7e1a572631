"""The setup's invite step over real HTTP on a served day (a rehearsal on loopback, so the
links suit only a test): nothing is sent without the confirmation, every invitation goes
through the server's mail queue to a real SMTP server (aiosmtpd), a refused address shows
as failed with the server's reason and is sent again by the resend action."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from orchestrator.appkeys import MAIL, SERVICE
from tests.support.app import TOKEN
from tests.support.examples import example_with_mail
from tests.support.mailbox import FAST, Inbox, body_text, mail_server
from tests.support.setup_kit import organiser, served_with_mail, setup_service


@contextlib.asynccontextmanager
async def invite_step(
    serve: Any, tmp_path: Path, redis_url: str
) -> AsyncIterator[tuple[Any, Inbox, httpx.AsyncClient, str]]:
    async with (
        served_with_mail(serve, tmp_path, redis_url) as (running, inbox),
        organiser(running.base_url) as (client, csrf),
    ):
        yield running, inbox, client, csrf


@contextlib.asynccontextmanager
async def secure_organiser(base: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """Logged in on a service whose public address is https (its session cookie is Secure,
    which httpx keeps from plain http on loopback: sent by hand here, as a proxy would)."""
    async with httpx.AsyncClient(base_url=base, headers={"Origin": base}) as client:
        login = await client.post("/board/login", data={"token": TOKEN})
        assert login.status_code == 303
        cookie = login.headers["Set-Cookie"].split(";")[0]
        client.cookies.clear()
        client.headers["Cookie"] = cookie
        page = await client.get("/board/setup/invite")
        assert page.status_code == 200, page.text
        yield client, page.text.split('name="csrf" value="')[1].split('"')[0]


def states(page: str) -> dict[str, str]:
    """Participant id → the state the page shows."""
    return dict(re.findall(r'<tr id="invite-([^"]+)" data-state="([a-z-]+)"', page))


async def settled(client: httpx.AsyncClient, done: set[str]) -> str:
    """The invite page once every invitation is in one of the `done` states (a job the
    worker has taken but not yet claimed shows as not sent for a moment)."""
    for _ in range(200):
        page = await client.get("/board/setup/invite")
        if set(states(page.text).values()) <= done:
            return page.text
        await asyncio.sleep(0.05)
    raise AssertionError(f"invitations not {done} after 10 s")


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({}, 200),  # only the confirmation: how many and which address
        ({"confirmed": "99", "test": "yes"}, 409),  # another number than what is to send
        ({"address": "https://elsewhere.example", "test": "yes"}, 409),
        ({"test": ""}, 422),  # a rehearsal's links: only when ticked as a test
    ],
)
async def test_nothing_is_sent_without_the_confirmation(
    serve, tmp_path: Path, redis_url, form: dict[str, str], status: int
) -> None:
    async with invite_step(serve, tmp_path, redis_url) as (running, inbox, client, csrf):
        people = [p for p in running.app[SERVICE].require_live().programme.participants]
        sent = {"csrf": csrf}
        if form:
            sent |= {"confirmed": str(len(people)), "address": running.base_url, **form}
        page = await client.post("/board/setup/invite/send", data=sent)
        assert page.status_code == status, page.text
        said = html.unescape(page.text)
        assert f"Invitations to send now: {len(people)}." in said
        assert f"The links in them open {running.base_url}." in said
        assert "A rehearsal is running" in said
        assert await running.app[MAIL].records.mail.waiting() == []
        assert await running.app[MAIL].records.all() == []
    assert inbox.count() == 0


async def test_sent_to_all_a_refusal_shown_and_sent_again(serve, tmp_path: Path, redis_url) -> None:
    async with invite_step(serve, tmp_path, redis_url) as (running, inbox, client, csrf):
        people = {p.id: p.email for p in running.app[SERVICE].require_live().programme.participants}
        refused = sorted(people)[0]
        inbox.refuse = {people[refused]}
        before = await client.get("/board/setup/invite")
        assert states(before.text) == dict.fromkeys(people, "unsent")  # each person listed
        done = await client.post(
            "/board/setup/invite/send",
            data={
                "csrf": csrf,
                "confirmed": str(len(people)),
                "address": running.base_url,
                "test": "yes",
            },
        )
        assert done.status_code == 303
        assert done.headers["Location"] == "/board/setup/invite#state"
        page = await settled(client, {"sent", "failed"})
        assert states(page) == {pid: "failed" if pid == refused else "sent" for pid in people}
        row = html.unescape(page.split(f'id="invite-{refused}"')[1].split("</tr>")[0])
        assert "550 5.1.1 no such mailbox here" in row
        got = sorted(to for tos, _ in inbox.received for to in tos)
        assert got == sorted(e for pid, e in people.items() if pid != refused)

        inbox.refuse = set()
        again = await client.post("/board/setup/invite/resend", data={"csrf": csrf, "test": "yes"})
        assert again.status_code == 303
        page = await settled(client, {"sent"})
        assert set(states(page).values()) == {"sent"}
        assert inbox.received[-1][0] == [people[refused]] and inbox.count() == len(people)


@pytest.mark.parametrize("path", ["/board/setup/invite/send", "/board/setup/invite/resend"])
async def test_a_send_needs_the_session_and_its_token(tmp_path: Path, redis_url, path: str) -> None:
    async with setup_service(tmp_path, redis_url) as base:
        async with httpx.AsyncClient(base_url=base, headers={"Origin": base}) as anonymous:
            page = await anonymous.get("/board/setup/invite")
            assert page.status_code == 303 and page.headers["Location"] == "/board"
            assert (await anonymous.post(path, data={"csrf": "x"})).status_code == 401
        async with organiser(base) as (client, _):
            forged = await client.post(path, data={"csrf": "forged", "test": "yes"})
            assert forged.status_code == 403 and "anti-forgery token" in forged.text


async def test_a_rehearsals_invitations_go_again_on_the_real_day(
    serve, tmp_path: Path, redis_url
) -> None:
    """Sent during a rehearsal on loopback (ticked as a test), they show as "to send again"
    once the real day is served with its public address, and go again without the tick."""
    async with invite_step(serve, tmp_path, redis_url) as (running, inbox, client, csrf):
        count = len(running.app[SERVICE].require_live().programme.participants)
        form = {"csrf": csrf, "confirmed": str(count), "address": running.base_url}
        await client.post("/board/setup/invite/send", data=form | {"test": "yes"})
        await settled(client, {"sent"})
        assert inbox.count() == count
        await running.stop()  # the rehearsal ends (its mail worker would take the real day's jobs)
        public = "https://rota.example.org"
        real = await serve(
            tmp_path / "event" / "programme.toml",
            redis_url=redis_url,
            data_dir=tmp_path / "data",
            base_url=public,
            fresh=True,
            **FAST,
        )
        try:
            async with secure_organiser(real.base_url) as (day, token):
                page = await day.get("/board/setup/invite")
                assert set(states(page.text).values()) == {"resend"}
                confirm = await day.post("/board/setup/invite/send", data={"csrf": token})
                assert "This is a test" not in html.unescape(confirm.text)
                form = {"csrf": token, "confirmed": str(count), "address": public}
                sent = await day.post("/board/setup/invite/send", data=form)
                assert sent.status_code == 303
                assert set(states(await settled(day, {"sent"})).values()) == {"sent"}
        finally:
            await real.stop()
        assert inbox.count() == 2 * count
        assert all(public in body_text(m) for m in inbox.messages()[count:])


async def test_a_loopback_address_on_the_real_day_needs_the_test_tick(
    serve, tmp_path: Path, redis_url
) -> None:
    with contextlib.contextmanager(mail_server)(tmp_path) as inbox:
        programme = example_with_mail(tmp_path / "event", inbox.section(), small=True)
        running = await serve(programme, redis_url=redis_url, data_dir=tmp_path / "data", **FAST)
        async with organiser(running.base_url) as (client, csrf):
            count = len(running.app[SERVICE].require_live().programme.participants)
            form = {"csrf": csrf, "confirmed": str(count), "address": running.base_url}
            refused = await client.post("/board/setup/invite/send", data=form)
            assert refused.status_code == 422
            assert "is an address of this computer alone" in html.unescape(refused.text)
            assert await running.app[MAIL].records.mail.waiting() == []
        await running.stop()
