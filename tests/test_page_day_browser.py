"""The participant page through an ordinary day, in a real Chromium with the stand-in IFrame
API: a delay between two rounds, a page opened before the day and after it, broadcasts sent
before the page was opened, the first render against the live one, a phone's width, and a
page whose video cannot load."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from orchestrator.appkeys import SERVICE
from orchestrator.language.i18n import translator
from orchestrator.views.page_view import Words, page_view
from tests.support.app import AUTH
from tests.support.browser_kit import (
    axe_violations,
    calls,
    chromium,
    describe_violations,
    jitsi_standin,
    new_calls,
    watch_errors,
)
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.examples import example_with
from tests.support.live import movers

FIELDS = ["#now-what", "#now-project", "#now-until", "#next-what", "#next-at", "#agenda-rows"]


async def visible_texts(page) -> dict[str, str]:
    found = {}
    for selector in FIELDS:
        node = page.locator(selector)
        found[selector] = "" if await node.is_hidden() else (await node.inner_text()).strip()
    return found


async def test_a_delay_between_two_rounds(serve, http, redis_url, tmp_path: Path) -> None:
    """Round 2 is put off by 30 minutes while round 1 runs: no countdown to the old
    boundary; at round 1's end the page leaves the room and says until when there is
    nothing; "Go now" does not go early; the countdown comes before the new start."""
    speed = 120.0  # a 30-minute round lasts 15 s
    async with jitsi_standin() as domain, chromium() as browser:
        programme = example_with(tmp_path, f'domain = "{domain}"\nscheme = "http"')
        running = await serve(
            programme,
            redis_url=redis_url,
            speed=speed,
            start_at=start_so_that_now_is(10, speed),  # round 1 ends 10 s (wall) from now
        )
        service = running.app[SERVICE]
        pid = movers(service.require_live(), 1)[0]
        token = service.require_live().token_of[pid]
        delayed = await http.post(
            f"{running.base_url}/api/v1/clock/delay", json={"minutes": 30}, headers=AUTH
        )
        assert delayed.status_code == 200, delayed.text
        live = service.require_live()
        t = translator(Words.of(live, pid, live.event_now()).language)
        second = next(p for p in live.days[pid] if p.round == 2)
        first = next(p for p in live.days[pid] if p.round == 1)
        assert second.start - first.end == timedelta(minutes=30)
        new_time = Words.of(live, pid, live.event_now()).when(second.start)

        page = await browser.new_page()
        errors = watch_errors(page)
        await page.goto(f"{running.base_url}/p/{token}")
        joined = await eventually(lambda: new_calls(page), seconds=10)
        assert joined[0]["noSSL"] is True  # scheme = "http": the IFrame API must not use https
        # round 1: the next place is named with its new time
        assert await page.locator("#next-at").inner_text() == new_time
        # until round 1 ends there is no countdown: round 2 does not begin then
        wall_end = live.clock.wall_time(first.end).timestamp()
        while await page.evaluate("() => Date.now() / 1000") < wall_end - 0.5:
            assert await page.locator("#moving").is_hidden()
            await page.wait_for_timeout(250)
        # the gap: the room is left, and the page says until when there is nothing
        await eventually(lambda: _has(page, ("command", "hangup"), ("dispose", "")), seconds=10)
        await page.locator("#now-what", has_text=t("nothing_now")).wait_for(timeout=5_000)
        assert await page.locator("#now-until").inner_text() == t("until", time=new_time)
        assert await page.locator("#next-what").inner_text() == live.describe(second, pid)
        assert await page.locator("#video").is_hidden()
        # "Go now" (forced, it is hidden) refuses: round 2 has not begun
        await page.evaluate("() => document.getElementById('go-now').click()")
        await page.locator("#not-yet").wait_for(state="visible", timeout=2_000)
        assert new_time in await page.locator("#not-yet").inner_text()
        await page.wait_for_timeout(500)
        assert len([c for c in await calls(page) if c["call"] == "new"]) == 1
        # before the new start: a countdown that names round 2; then round 2's room
        banner = page.locator("#moving-text")
        await banner.wait_for(state="visible", timeout=20_000)
        assert live.describe(second, pid) in (await banner.inner_text())
        moved = await eventually(lambda: new_calls(page, 2), seconds=15)
        assert moved[1]["roomName"] == live.room_names[second.room]
        started = moved[1]["at"] / 1000
        assert started >= live.clock.wall_time(second.start).timestamp() - 0.05
        assert errors == []


async def _has(page, *wanted: tuple[str, str]) -> bool:
    seen = {(c["call"], c.get("command") or c.get("event") or "") for c in await calls(page)}
    return all(w in seen for w in wanted)


async def _open(browser, url: str, width: int = 1280) -> tuple[Any, list[str]]:
    page = await browser.new_page(viewport={"width": width, "height": 900})
    errors = watch_errors(page)
    await page.goto(url)
    await page.locator("body[data-phase]").wait_for(timeout=10_000)  # the live view arrived
    return page, errors


async def test_before_the_day(serve, redis_url, tmp_path: Path) -> None:
    async with jitsi_standin() as domain, chromium() as browser:
        programme = example_with(tmp_path, f'domain = "{domain}"\nscheme = "http"')
        running = await serve(
            programme, redis_url=redis_url, speed=30.0, start_at=start_so_that_now_is(-30)
        )
        live = running.app[SERVICE].require_live()
        pid = movers(live, 1)[0]
        first = live.days[pid][0]
        words = Words.of(live, pid, live.event_now())
        page, errors = await _open(browser, f"{running.base_url}/p/{live.token_of[pid]}")
        t = translator(words.language)
        assert await page.locator("#now-what").inner_text() == t(
            "day_starts", place=live.describe(first, pid)
        )
        assert await page.locator("#next-at").inner_text() == words.when(first.start, True)
        assert "2025" not in await page.locator("#next-at").inner_text()
        assert (await page.locator("#next-in").inner_text()).strip()  # a countdown
        assert await page.locator("#join-line").is_hidden()  # nothing to join yet
        assert errors == []


async def test_a_portuguese_page_107_days_before_the_day(serve, redis_url, tmp_path: Path) -> None:
    """ "dentro de 107 dias", not "dentro de 2576 h 44 min"; the day's start is "Início: …",
    not "até às …" (which means until)."""
    async with jitsi_standin() as domain, chromium() as browser:
        programme = example_with(tmp_path, f'domain = "{domain}"\nscheme = "http"')
        running = await serve(
            programme,
            redis_url=redis_url,
            speed=1.0,
            start_at=start_so_that_now_is(-(107 * 24 * 60 + 30), 1.0),
        )
        live = running.app[SERVICE].require_live()
        pid = next(
            p.id
            for p in live.programme.participants
            if live.programme.language_of(p) == "pt" and live.days[p.id]
        )
        words = Words.of(live, pid, live.event_now())
        page, errors = await _open(browser, f"{running.base_url}/p/{live.token_of[pid]}")
        first = live.days[pid][0]
        assert await page.locator("#next-in").inner_text() == "dentro de 107 dias"
        if await page.locator("#p-left").count():  # a presenter: their room's countdown too
            await page.locator("#p-left", has_text="dias").wait_for(timeout=5_000)
        assert await page.locator("#now-until").inner_text() == (
            f"Início: {words.when(first.start, True)}"
        )
        assert errors == []


async def test_after_the_day(serve, redis_url, tmp_path: Path) -> None:
    async with jitsi_standin() as domain, chromium() as browser:
        programme = example_with(tmp_path, f'domain = "{domain}"\nscheme = "http"')
        running = await serve(
            programme, redis_url=redis_url, speed=30.0, start_at=start_so_that_now_is(300)
        )
        live = running.app[SERVICE].require_live()
        pid = movers(live, 1)[0]
        page, errors = await _open(browser, f"{running.base_url}/p/{live.token_of[pid]}")
        t = translator(Words.of(live, pid, live.event_now()).language)
        assert await page.locator("#now-what").inner_text() == t("done")
        for hidden in ("#join-line", "#next", "#moving", "#now-until"):
            assert await page.locator(hidden).is_hidden(), hidden
        await page.wait_for_timeout(1500)  # a few ticks: still no script error
        assert errors == []


async def test_first_render_and_live_updates_agree(serve, redis_url, tmp_path: Path) -> None:
    """The same page without JavaScript (the server's render) and with it (filled in from
    the live stream) shows the same words, in a round and during a presenter's day."""
    async with jitsi_standin() as domain, chromium() as browser:
        programme = example_with(tmp_path, f'domain = "{domain}"\nscheme = "http"')
        running = await serve(
            programme, redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(40, 1.0)
        )
        live = running.app[SERVICE].require_live()
        people = [movers(live, 1)[0], live.plan.teams[0].members[0]]
        still = await browser.new_context(java_script_enabled=False)
        for pid in people:
            url = f"{running.base_url}/p/{live.token_of[pid]}"
            plain = await still.new_page()
            await plain.goto(url)
            server = await visible_texts(plain)
            page, errors = await _open(browser, url)
            assert await visible_texts(page) == server, pid
            view = page_view(live, pid, live.event_now())
            assert server["#now-project"] == (view["now"]["project"] if view["now"] else "")
            assert server["#next-at"] == view["next"]["start_text"]
            assert errors == []


async def test_broadcasts_sent_before_the_page_opened(
    serve, http, redis_url, tmp_path: Path
) -> None:
    async with jitsi_standin() as domain, chromium() as browser:
        programme = example_with(tmp_path, f'domain = "{domain}"\nscheme = "http"')
        running = await serve(
            programme, redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(40, 1)
        )
        for message in ("Coffee at 10:30", "Room 3 <b>moved</b>"):
            sent = await http.post(
                f"{running.base_url}/api/v1/broadcast", json={"message": message}, headers=AUTH
            )
            assert sent.status_code == 201
        live = running.app[SERVICE].require_live()
        pid = movers(live, 1)[0]
        page, errors = await _open(browser, f"{running.base_url}/p/{live.token_of[pid]}")
        items = await page.locator("#broadcast-list li").all_inner_texts()
        assert items == ["Room 3 <b>moved</b>", "Coffee at 10:30"]  # newest first, as text
        assert errors == []


async def test_a_phone_390_px_wide(serve, redis_url, tmp_path: Path) -> None:
    async with jitsi_standin() as domain, chromium() as browser:
        programme = example_with(tmp_path, f'domain = "{domain}"\nscheme = "http"')
        running = await serve(
            programme, redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(40, 1)
        )
        live = running.app[SERVICE].require_live()
        presenter = live.plan.teams[0].members[0]
        page, errors = await _open(
            browser, f"{running.base_url}/p/{live.token_of[presenter]}", width=390
        )
        await eventually(lambda: new_calls(page), seconds=10)
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than the phone
        serious = await axe_violations(page)
        assert serious == [], describe_violations(serious)
        assert errors == []


async def test_without_the_embed_the_countdown_and_the_move_still_happen(
    serve, redis_url, tmp_path: Path
) -> None:
    """No external_api.js to be had (nothing listens there): the video area hides and says
    why; the countdown still names the next room, and at the boundary the Join link and its
    words change to it."""
    speed = 30.0
    async with chromium() as browser:
        programme = example_with(tmp_path, 'domain = "127.0.0.1:9"\nscheme = "http"')
        running = await serve(
            programme, redis_url=redis_url, speed=speed, start_at=start_so_that_now_is(24, speed)
        )
        live = running.app[SERVICE].require_live()
        pid = movers(live, 1)[0]
        first, second = (next(p for p in live.days[pid] if p.round == n) for n in (1, 2))
        page = await browser.new_page()
        errors = watch_errors(page)
        response = await page.goto(f"{running.base_url}/p/{live.token_of[pid]}")
        assert response is not None
        csp = response.headers["content-security-policy"]
        assert "script-src 'self' http://127.0.0.1:9;" in csp
        assert "frame-src http://127.0.0.1:9;" in csp
        join = page.locator("#join")
        await page.locator("#video-unavailable").wait_for(state="visible", timeout=20_000)
        assert await page.locator("#video").is_hidden()
        assert await join.get_attribute("href") == live.join_url(first, pid)
        banner = page.locator("#moving-text")
        await banner.wait_for(state="visible", timeout=15_000)
        assert live.describe(second, pid) in await banner.inner_text()
        assert await join.get_attribute("href") == live.join_url(first, pid)  # not yet
        await eventually(
            lambda: _href_is(page, live.join_url(second, pid)), seconds=15, interval=0.1
        )
        assert live.programme.room_name(second.room) in await join.inner_text()
        # only the script that cannot load (on purpose) is reported
        assert all("ERR_UNSAFE_PORT" in e for e in errors), errors


async def _href_is(page, url: str) -> bool:
    return await page.locator("#join").get_attribute("href") == url
