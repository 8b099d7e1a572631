"""The participant page in a real Chromium: it embeds the room through the IFrame API (a
stand-in external_api.js that records its calls) and moves to the next room at the boundary,
hanging up, waiting for readyToClose, disposing, and joining with the next room's token."""

from __future__ import annotations

from pathlib import Path

import jwt

from orchestrator.appkeys import SERVICE
from orchestrator.language.i18n import translator
from tests.support.browser_kit import (
    axe_violations,
    calls,
    chromium,
    describe_violations,
    jitsi_standin,
    new_calls,
)
from tests.support.clock import SPEED, eventually, start_so_that_now_is
from tests.support.examples import example_with
from tests.support.live import movers

JITSI_SECRET = "a-test-secret-for-hs256-tokens-0123456789"


async def test_page_moves_between_rooms_at_the_boundary(serve, redis_url, tmp_path: Path) -> None:
    async with jitsi_standin() as domain, chromium() as browser:
        programme = example_with(
            tmp_path,
            f'domain = "{domain}"\nscheme = "http"\ntokens = "hs256"\napp_id = "rota-test"',
        )
        running = await serve(
            programme,
            redis_url=redis_url,
            env={"ROTA_JITSI_SECRET": JITSI_SECRET},
            speed=SPEED,
            start_at=start_so_that_now_is(24),  # round 1 ends 12 s (wall) from now
        )
        live = running.app[SERVICE].require_live()
        follower, stayer = movers(live, 2)
        rooms = {
            pid: {p.round: live.room_names[p.room] for p in live.days[pid] if p.kind == "room"}
            for pid in (follower, stayer)
        }
        context = await browser.new_context()
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(f"{running.base_url}/p/{live.token_of[follower]}")
        other = await context.new_page()
        await other.goto(f"{running.base_url}/p/{live.token_of[stayer]}")

        # joined round 1's room, with a token for that room
        first = await eventually(lambda: new_calls(page), seconds=10)
        assert first[0]["roomName"] == rooms[follower][1]
        claims = jwt.decode(first[0]["jwt"], JITSI_SECRET, algorithms=["HS256"], audience="jitsi")
        assert claims["room"] == rooms[follower][1]
        assert first[0]["domain"] == domain

        # the countdown names the next room; the second person chooses to stay
        banner = page.locator("#moving-text")
        await banner.wait_for(state="visible", timeout=10_000)
        label = await banner.text_content()
        second_place = next(p for p in live.days[follower] if p.round == 2)
        assert label is not None and live.describe(second_place, follower) in label
        assert " s" in label  # "… in 4 s", in the person's language
        await other.locator("#stay").click()

        # at the boundary: hang up, wait for the conference to close, dispose, join room 2
        joins = await eventually(lambda: new_calls(page, 2), seconds=15)
        assert joins[1]["roomName"] == rooms[follower][2]
        log = await calls(page)
        order = [(c["call"], c.get("command") or c.get("event") or "") for c in log]
        hangup = order.index(("command", "hangup"))
        closed = min(  # whichever the conference sends first
            order.index(e)
            for e in (("event", "readyToClose"), ("event", "videoConferenceLeft"))
            if e in order
        )
        disposed = order.index(("dispose", ""))
        second = [i for i, c in enumerate(log) if c["call"] == "new"][1]
        assert hangup < closed < disposed < second
        token2 = jwt.decode(joins[1]["jwt"], JITSI_SECRET, algorithms=["HS256"], audience="jitsi")
        assert token2["room"] == rooms[follower][2]
        assert await page.locator("#now-what").text_content() == (
            live.describe(next(p for p in live.days[follower] if p.round == 2), follower)
        )

        # the one who stayed is still in room 1, offered a way to go on; then goes
        stayed = await new_calls(other)
        assert stayed is not None and [c["roomName"] for c in stayed] == [rooms[stayer][1]]
        go = other.locator("#go-now")
        await go.wait_for(state="visible", timeout=5000)
        offer = await other.locator("#moving-text").text_content() or ""
        stayer_second = next(p for p in live.days[stayer] if p.round == 2)
        assert live.describe(stayer_second, stayer) in offer
        await go.click()
        moved = await eventually(lambda: new_calls(other, 2), seconds=10)
        assert moved[1]["roomName"] == rooms[stayer][2]
        assert errors == []

        serious = await axe_violations(page)
        assert serious == [], describe_violations(serious)


async def test_a_presenters_page_says_they_stay_in_their_room(
    serve, redis_url, tmp_path: Path
) -> None:
    """A presenter keeps their room from round to round: the countdown says what begins and
    that they stay (in their language), offers no "Stay here", and the embed is kept."""
    async with jitsi_standin() as domain, chromium() as browser:
        programme = example_with(tmp_path, f'domain = "{domain}"\nscheme = "http"')
        running = await serve(
            programme,
            redis_url=redis_url,
            speed=SPEED,
            start_at=start_so_that_now_is(27),  # round 1 ends 6 s (wall) from now
        )
        live = running.app[SERVICE].require_live()
        presenter = live.plan.teams[0].members[0]  # emma-schmidt, who reads German
        room = live.programme.room_name(live.days[presenter][0].room)
        t = translator(live.programme.language_of(live.programme.participant_by_id[presenter]))
        head, tail = t("staying", what=t("round", n=2), room=room, seconds="§").split("§")
        page = await browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(f"{running.base_url}/p/{live.token_of[presenter]}")
        banner = page.locator("#moving-text")
        await banner.wait_for(state="visible", timeout=10_000)
        said = await banner.text_content() or ""
        assert said.startswith(head) and said.endswith(tail), said
        assert await page.locator("#stay").is_hidden()
        second = next(p for p in live.days[presenter] if p.round == 2)
        now_what = page.locator("#now-what")
        await eventually(lambda: _shows(now_what, live.describe(second, presenter)), seconds=15)
        assert len(await new_calls(page) or []) == 1  # the same room, never left
        assert errors == []


async def _shows(locator, text: str) -> bool:
    return await locator.text_content() == text
