"""The invite step in Debian's Chromium at 390 px wide, by keyboard: send, confirm as a test
(a rehearsal on loopback), each person's state once the mail worker took them, a refused
address with the server's reason; axe finds nothing serious. Screenshots in ROTA_SHOTS."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestrator.appkeys import SERVICE
from tests.support.app import TOKEN
from tests.support.browser_kit import axe_violations, chromium, describe_violations
from tests.support.setup_kit import served_with_mail

SHOTS = Path(os.environ.get("ROTA_SHOTS", "/tmp/rota-setup-shots"))


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


async def test_the_invitations_sent_and_followed_in_chromium(
    serve, tmp_path: Path, redis_url, shots: Path
) -> None:
    async with served_with_mail(serve, tmp_path, redis_url) as (running, inbox):
        people = running.app[SERVICE].require_live().programme.participants
        refused = sorted(people, key=lambda p: p.id)[0]
        inbox.refuse = {refused.email}
        async with chromium() as browser:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.goto(f"{running.base_url}/board")
            await page.wait_for_selector("#token:focus")
            await page.keyboard.type(TOKEN)
            async with page.expect_navigation():
                await page.keyboard.press("Enter")
            await page.goto(f"{running.base_url}/board/setup/invite")
            await page.get_by_role("button", name=f"Send the invitations ({len(people)})").focus()
            await page.keyboard.press("Enter")
            await page.wait_for_selector("#confirm-what")
            await page.screenshot(path=str(shots / "invite-1-confirm.png"), full_page=True)
            found = await axe_violations(page)
            assert not found, describe_violations(found)
            await page.get_by_label("This is a test: send anyway").focus()
            await page.keyboard.press("Space")
            await page.keyboard.press("Tab")  # to "Yes, send …"
            await page.keyboard.press("Enter")
            row = page.locator(f'#invite-{refused.id}[data-state="failed"]')
            await row.wait_for(state="attached", timeout=15_000)  # reloads itself
            await page.locator('tr[data-state="waiting"]').first.wait_for(
                state="detached", timeout=15_000
            )
            assert "550" in (await row.text_content() or "")
            sent = await page.locator('tr[data-state="sent"]').count()
            assert sent == len(people) - 1 == inbox.count()
            await page.screenshot(path=str(shots / "invite-2-state.png"), full_page=True)
            found = await axe_violations(page)
            assert not found, describe_violations(found)
