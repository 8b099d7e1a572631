"""Public meet.jit.si on the real day in a real Chromium: the participant's page never embeds
the room (meet.jit.si cuts embedded meetings after 5 minutes); "Open the room" opens it through
/go in the tab named "rota-room", as for a link room; the presenter's page tells them to sign
in. meet.jit.si itself is not reached: the browser's requests to it are answered here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orchestrator.appkeys import SERVICE
from orchestrator.event.live import Live
from tests.support.browser_kit import axe_violations, chromium, describe_violations, watch_errors
from tests.support.clock import eventually
from tests.support.examples import real_day


async def test_the_real_day_opens_meet_jit_si_in_the_named_tab(
    serve, redis_url, tmp_path: Path
) -> None:
    running = await serve(real_day(tmp_path), redis_url=redis_url)
    live: Live = running.app[SERVICE].require_live()
    pid = next(
        p.id
        for p in live.programme.participants
        if p.role == "audience"
        and (now := live.stay(p.id, live.event_now()).now) is not None
        and now.kind == "room"
    )
    place = live.stay(pid, live.event_now()).now
    assert place is not None
    room = f"https://meet.jit.si/{live.room_names[place.room]}"
    reached: list[str] = []
    async with chromium() as browser:
        context = await browser.new_context()

        async def meeting(route: Any) -> None:  # stands in for meet.jit.si
            reached.append(route.request.url)
            await route.fulfill(
                body="<!doctype html><title>meeting</title>", content_type="text/html"
            )

        await context.route("https://meet.jit.si/**", meeting)
        popups: list[Any] = []
        context.on("page", lambda opened: popups.append(opened))
        page = await context.new_page()
        popups.clear()
        errors = watch_errors(page)
        await page.goto(f"{running.base_url}/p/{live.token_of[pid]}")
        await page.locator("#link-room").wait_for(state="visible", timeout=5_000)
        assert await page.locator("#link-name").inner_text() == live.programme.room_name(place.room)
        assert await page.locator("#video").is_hidden()
        assert await page.locator("iframe[src*='meet.jit.si']").count() == 0
        assert describe_violations(await axe_violations(page)) == []
        await page.locator("#open-room").click()
        await eventually(lambda: len(popups) == 1, seconds=5)
        tab = popups[0]
        await tab.wait_for_url(room, timeout=15_000)
        assert await tab.evaluate("() => window.name") == "rota-room"
        assert reached == [room]  # not external_api.js: nothing was to be embedded
        assert await page.locator("iframe[src*='meet.jit.si']").count() == 0
        assert errors == []

        presenter = next(p.id for p in live.programme.participants if p.role == "presenter")
        own = await context.new_page()
        await own.goto(f"{running.base_url}/p/{live.token_of[presenter]}")
        notice = own.locator("#p-sign-in")
        await notice.wait_for(state="visible", timeout=5_000)
        assert "meet.jit.si" in await notice.inner_text()
        await own.screenshot(path=str(tmp_path / "presenter.png"), full_page=True)
        await page.screenshot(path=str(tmp_path / "audience.png"), full_page=True)
