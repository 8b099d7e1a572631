"""A mixed event's participant pages in a real Chromium: a room on a plain link is opened in one
named tab ("rota-room") on a click, reused at the next move, with the room's name, the countdown
and "I'm here"; a Jitsi room in the same rotation is still embedded. The links point at an https
page served on loopback by the test (a throwaway CA's certificate, as tests/support/mailbox.py
does)."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import trustme
from aiohttp import web

from orchestrator.appkeys import SERVICE
from orchestrator.event.live import Live
from tests.support.app import free_port
from tests.support.browser_kit import (
    axe_violations,
    calls,
    chromium,
    describe_violations,
    jitsi_standin,
    watch_errors,
)
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.examples import mixed_example

SPEED = 120.0  # a 30-minute round lasts 15 s


@asynccontextmanager
async def link_rooms() -> AsyncIterator[str]:
    """An https server on loopback whose every path is a page naming it (a meeting room on
    some platform); yields its origin."""

    async def room(request: web.Request) -> web.Response:
        name = request.path.strip("/")
        return web.Response(
            text=f"<!doctype html><title>{name}</title><p>meeting {name}</p>",
            content_type="text/html",
        )

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    app = web.Application()
    app.router.add_get("/{name}", room)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=context).start()
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def two_link_rounds(live: Live, links: set[str]) -> tuple[str, int]:
    """An audience member in link rooms in two rounds running one after the other."""
    for person in live.programme.participants:
        if person.role != "audience":
            continue
        rooms = {p.round: p.room for p in live.days[person.id] if p.kind == "room"}
        for index in range(1, len(live.timeline.rounds)):
            if rooms.get(index) in links and rooms.get(index + 1) in links:
                return person.id, index
    raise AssertionError("nobody sits in link rooms in two rounds in a row")


async def test_link_rooms_open_in_one_named_tab_and_jitsi_rooms_are_embedded(
    serve, redis_url, tmp_path: Path
) -> None:
    async with link_rooms() as origin, jitsi_standin() as domain, chromium() as browser:
        links = {"r7": f"{origin}/seven", "r8": f"{origin}/eight"}
        programme = mixed_example(
            tmp_path / "event", links, jitsi=f'domain = "{domain}"\nscheme = "http"'
        )
        # plan first (the same seed and programme give the same plan), then start the
        # rehearsal so that it is a minute and a half into the first of the two rounds
        probe = await serve(programme, redis_url=redis_url, speed=SPEED)
        pid, index = two_link_rounds(probe.app[SERVICE].require_live(), set(links))
        await probe.stop()
        minutes = 30 * (index - 1) + 1.5
        running = await serve(
            programme,
            redis_url=redis_url,
            speed=SPEED,
            start_at=start_so_that_now_is(minutes, SPEED),
        )
        live: Live = running.app[SERVICE].require_live()
        first, second = (
            next(p for p in live.days[pid] if p.round == n) for n in (index, index + 1)
        )
        context = await browser.new_context(ignore_https_errors=True)
        popups: list[Any] = []
        context.on("page", lambda opened: popups.append(opened))
        page = await context.new_page()
        popups.clear()  # the page itself is not a popup
        errors = watch_errors(page)
        await page.goto(f"{running.base_url}/p/{live.token_of[pid]}")
        panel = page.locator("#link-room")
        await panel.wait_for(state="visible", timeout=5_000)
        assert await page.locator("#link-name").inner_text() == live.programme.room_name(first.room)
        assert await page.locator("#video").is_hidden()  # nothing embedded
        assert await page.locator("#join-line").is_hidden()  # the big button instead
        assert describe_violations(await axe_violations(page)) == []

        await page.locator("#open-room").click()
        await eventually(lambda: len(popups) == 1, seconds=5)
        tab = popups[0]
        await tab.wait_for_url(links[first.room], timeout=15_000)
        assert await tab.evaluate("() => window.name") == "rota-room"
        assert await page.locator("#open-room").get_attribute("data-opened") == "yes"

        # a minute into the slot: "I'm here", recorded once
        here = page.locator("#here")
        await here.wait_for(state="visible", timeout=5_000)
        await here.click()
        await page.locator("#here-said").wait_for(state="visible", timeout=5_000)
        assert await here.is_hidden()
        marks = await running.app[SERVICE].store.marks()
        assert [(m.person, m.item, m.source) for m in marks] == [
            (pid, f"round-{index}", "confirmed")
        ]

        # the page stays open and counts down to the move, then asks for the click again
        assert (await page.locator("#next-in").inner_text()).strip()  # the countdown runs
        await eventually(
            lambda: _opened(page, "no", live.programme.room_name(second.room)), seconds=25
        )
        await page.locator("#open-room").click()
        await tab.wait_for_url(links[second.room], timeout=15_000)
        await page.wait_for_timeout(300)
        assert len(popups) == 1  # the same named tab, reused
        assert [p for p in context.pages if p is not page] == [tab]
        assert [c for c in await calls(page) if c["call"] == "new"] == []  # never embedded
        assert errors == []


async def _opened(page: Any, state: str, name: str) -> bool:
    button = await page.locator("#open-room").get_attribute("data-opened")
    return button == state and await page.locator("#link-name").inner_text() == name


async def test_a_jitsi_room_of_the_same_rotation_is_still_embedded(
    serve, redis_url, tmp_path: Path
) -> None:
    async with jitsi_standin() as domain, chromium() as browser:
        programme = mixed_example(tmp_path / "event", jitsi=f'domain = "{domain}"\nscheme = "http"')
        running = await serve(
            programme, redis_url=redis_url, speed=SPEED, start_at=start_so_that_now_is(5, SPEED)
        )
        live: Live = running.app[SERVICE].require_live()
        pid = next(
            p.id
            for p in live.programme.participants
            if p.role == "audience"
            and any(pl.round == 1 and pl.room not in ("r7", "r8") for pl in live.days[p.id])
        )
        room = next(p.room for p in live.days[pid] if p.round == 1)
        page = await browser.new_page()
        errors = watch_errors(page)
        await page.goto(f"{running.base_url}/p/{live.token_of[pid]}")
        joined = await eventually(lambda: _new(page), seconds=10)
        assert joined[0]["roomName"] == live.room_names[room]
        assert await page.locator("#link-room").is_hidden()
        assert await page.locator("#video").is_visible()
        assert errors == []


async def _new(page: Any) -> list[dict[str, Any]] | None:
    found = [c for c in await calls(page) if c["call"] == "new"]
    return found or None
