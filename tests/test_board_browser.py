"""The organisers' board in a real Chromium: login and its cookie, tiles that change at the
boundary, live counts that follow the webhooks the test sends, alerts, a confirmed action,
markup shown as text, and a reconnect after a server restart that misses nothing."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import httpx

from orchestrator.appkeys import SERVICE
from tests.support.app import AUTH, TOKEN, start_app
from tests.support.browser_kit import axe_violations, chromium, describe_violations, log_in
from tests.support.clock import start_so_that_now_is
from tests.support.examples import example_with
from tests.support.standin_jitsi import JAAS_ENV, JAAS_SECRET, JaasStandIn

MARKUP = '<img src=x onerror="window.__pwned=1">Team <b>Helsinki</b>'
SPEED = 30.0


async def tile_text(page, room: str, selector: str) -> str:
    return (await page.locator(f'li[data-room="{room}"] {selector}').first.text_content()) or ""


async def test_board_follows_the_day(serve, http, redis_url, tmp_path: Path) -> None:
    programme = example_with(
        tmp_path, 'domain = "meet.example.org"', team_names={"Team Helsinki": MARKUP}
    )
    running = await serve(
        programme,
        redis_url=redis_url,
        env=JAAS_ENV,
        speed=SPEED,
        start_at=start_so_that_now_is(20),  # round 2 starts 20 s (wall) from now
    )
    live = running.app[SERVICE].require_live()
    async with chromium() as browser:
        page = await browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        await page.goto(f"{running.base_url}/board")
        await page.fill("#token", "not-the-token")
        await page.click("button[type=submit]")
        assert await page.locator(".error").text_content() == "That is not the organiser token."
        await log_in(page, running.base_url)
        cookie = next(c for c in await page.context.cookies() if c["name"] == "rota_board")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert cookie["value"] not in TOKEN and TOKEN not in cookie["value"]

        # round 1 is on; with no webhook yet, counts are unknown, not zero
        assert (await tile_text(page, "r1", ".round")).startswith("Round 1 of 6")
        assert await tile_text(page, "r1", ".team") == MARKUP  # shown as text
        assert await page.evaluate("() => window.__pwned") is None
        assert (await tile_text(page, "r1", ".live-audience dd")).startswith("unknown")

        # the boundary: every tile moves to round 2 by itself
        await page.locator('li[data-room="r1"] .round', has_text="Round 2 of 6").wait_for(
            timeout=30_000
        )
        assert "running" in (await page.locator('li[data-room="r1"]').get_attribute("class"))

        # webhooks: two of round 2's audience and one presenter join room r1
        slot = next(s for s in live.plan.round(2).rooms if s.room == "r1")
        team = next(t for t in live.plan.teams if t.id == slot.team)
        names = {p.id: p.name for p in live.programme.participants}
        jitsi = JaasStandIn(http, running.base_url, JAAS_SECRET)
        room = live.room_names["r1"]
        for i, pid in enumerate([*slot.audience[:2], team.members[0]]):
            await jitsi.joined(room, time.time(), pid, names[pid], f"c{i:07d}")
        expected = f"2 / {len(slot.audience)}"
        await page.locator('li[data-room="r1"] .live-audience dd', has_text=expected).wait_for(
            timeout=5_000
        )
        assert await tile_text(page, "r1", ".presenters dd") == f"1 / {len(team.members)}"
        # one minute (event time) into the round, rooms without a presenter shout
        alert = page.locator("#alerts li.critical", has_text="No presenter in the room")
        await alert.first.wait_for(timeout=10_000)
        assert await page.locator('li[data-room="r1"] .tile-alerts li.critical').count() == 0
        assert await page.locator('li[data-room="r2"] .tile-alerts li.critical').count() == 1

        # a broadcast from the board, confirmed first; it reaches the journal
        await page.fill("#broadcast-message", "Coffee <script>x</script> in 5")
        await page.click("#form-broadcast button")
        await page.locator("#confirm").wait_for(state="visible")
        await page.click("#confirm-ok")
        await page.locator(
            "#journal li", has_text="from the board: “Coffee <script>x</script> in 5”"
        ).wait_for(timeout=5_000)
        # the page says what was done and empties the message: a second click sends nothing
        assert await page.text_content("#action-result") == "Done: Send this message to everyone."
        assert await page.input_value("#broadcast-message") == ""
        assert errors == []
        serious = await axe_violations(page)
        assert serious == [], describe_violations(serious)

        # the action endpoint needs the session's anti-forgery token and our own origin
        jar = {"rota_board": cookie["value"]}
        url = f"{running.base_url}/board/actions/broadcast"
        async with httpx.AsyncClient(cookies=jar) as client:
            assert (await client.post(url, json={"message": "x"})).status_code == 403
            forged = await client.post(
                url,
                json={"message": "x"},
                headers={"X-CSRF-Token": "guess", "Origin": running.base_url},
            )
            assert forged.status_code == 403
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{running.base_url}/board/events")).status_code == 401


async def test_board_resumes_after_a_restart(redis_url, tmp_path: Path) -> None:
    """The board's process restarts; meanwhile another process takes a broadcast. The board
    says it is reconnecting, comes back on its own with Last-Event-ID, and shows the
    broadcast it missed."""
    first = await start_app(redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(10, 1))
    port = int(first.base_url.rsplit(":", 1)[1])
    other = await start_app(redis_url=redis_url, resume=True)
    restarted = None
    try:
        async with chromium() as browser:
            page = await browser.new_page()
            await log_in(page, first.base_url)
            async with httpx.AsyncClient(headers=AUTH) as client:
                sent = await client.post(
                    f"{first.base_url}/api/v1/broadcast", json={"message": "before"}
                )
                assert sent.status_code == 201
                await page.locator("#journal li", has_text="through the API: “before”").wait_for(
                    timeout=5_000
                )
                await first.stop()
                await page.locator("#status.reconnecting").wait_for(timeout=5_000)
                during = await client.post(
                    f"{other.base_url}/api/v1/broadcast", json={"message": "while you were away"}
                )
                assert during.status_code == 201
                restarted = await start_app(redis_url=redis_url, port=port, resume=True)
                await page.locator("#journal li", has_text="while you were away").wait_for(
                    timeout=10_000
                )
                await page.locator("#status.live").wait_for(timeout=5_000)
                # nothing twice: the entry from before the restart is shown once
                assert (
                    await page.locator("#journal li", has_text="through the API: “before”").count()
                    == 1
                )
    finally:
        for app in (restarted, other, first):
            if app is not None:
                with contextlib.suppress(Exception):
                    await app.stop()


async def test_a_far_boundary_is_counted_in_days(serve, redis_url, tmp_path: Path) -> None:
    """107 days ahead the board says "… in 107 days", not "in 2576:41:41"."""
    programme = example_with(tmp_path, 'domain = "meet.example.org"')
    running = await serve(
        programme,
        redis_url=redis_url,
        speed=1.0,
        start_at=start_so_that_now_is(-(107 * 24 * 60 + 30), 1.0),
    )
    async with chromium() as browser:
        page = await browser.new_page()
        await log_in(page, running.base_url)
        line = page.locator("#next-boundary")
        await line.locator(".countdown").wait_for()
        assert (await line.inner_text()).endswith(" in 107 days")
