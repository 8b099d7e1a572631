"""A BigBlueButton room on a participant page in a real Chromium, against the stand-in: by
default opened in the named tab on a click (the join signed by /go for this person), with
`[bbb] embed = true` shown in the page's own frame; either way the server sees this person's
userID, and the page's security policy frames the server only when embedding is asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser_kit import axe_violations, chromium, describe_violations
from tests.support.clock import eventually
from tests.support.examples import serve_bbb
from tests.support.standin_bbb import BbbStandIn


@pytest.mark.parametrize("embed", [False, True], ids=["tab", "embedded"])
async def test_the_page_takes_the_person_into_their_bbb_room(
    serve, redis_url, tmp_path: Path, bbb: BbbStandIn, embed: bool
) -> None:
    extra = "embed = true\n" if embed else ""
    running, live = await serve_bbb(serve, redis_url, tmp_path, bbb, 1.0, 10, extra=extra)
    slot = next(s for s in live.plan.round(1).rooms if s.room == "r1")
    pid, meeting = slot.audience[0], live.room_names["r1"]
    async with chromium() as browser:
        page = await browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        response = await page.goto(f"{running.base_url}/p/{live.token_of[pid]}")
        assert response is not None
        policy = response.headers["content-security-policy"]
        assert (bbb.base_url.rsplit("/bigbluebutton/", 1)[0] in policy) == embed
        if embed:
            await page.locator("#bbb-frame").wait_for(state="visible", timeout=5000)
            assert await page.locator("#link-room").is_hidden()
        else:
            assert await page.locator("#bbb").is_hidden()
            async with page.expect_popup() as opened:
                await page.click("#open-room")
            tab = await opened.value
            assert await tab.evaluate("window.name") == "rota-room"
        await eventually(lambda: bbb.attendees(meeting) == {pid: "VIEWER"}, seconds=5)
        assert errors == []
        assert describe_violations(await axe_violations(page)) == []
