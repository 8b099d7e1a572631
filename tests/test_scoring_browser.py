"""The juror's scoring form in a real Chromium: filled with the keyboard, a draft that
survives a reload and a lost connection (sent when the connection is back), the browser's own
range check and a server refusal shown in words, markup shown as text; the results page."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.language.i18n import translator
from orchestrator.scoring.jury import windows
from tests.support.app import AUTH, TOKEN
from tests.support.browser_kit import axe_violations, chromium, describe_violations
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.examples import example_with

MARKUP = '<img src=x onerror="window.__pwned=1">'


async def _stored(running, juror: str, team: str) -> dict | None:
    store = running.app[STORE]
    raw = await store.redis.hget(store.keys.scores, f"{juror}|{team}")
    return json.loads(raw) if raw else None


async def _round_one(serve, redis_url: str, tmp_path: Path, role: str):
    """Round 1, ten minutes in: someone of `role` who sits with a team now, that team, and
    the words of their language."""
    programme = example_with(tmp_path, 'domain = "127.0.0.1:9"\nscheme = "http"')
    running = await serve(
        programme, redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(10, speed=1.0)
    )
    live = running.app[SERVICE].require_live()
    person = next(
        p
        for p in live.programme.participants
        if p.role == role and any(w.duty.round == 1 for w in windows(live, p.id))
    )
    team = next(w.duty.team for w in windows(live, person.id) if w.duty.round == 1)
    return running, live, person, team, translator(live.programme.language_of(person))


async def test_the_juror_s_form(serve, http, redis_url, tmp_path: Path) -> None:
    running, live, juror, team, t = await _round_one(serve, redis_url, tmp_path, "jury")
    url = f"{running.base_url}/p/{live.token_of[juror.id]}"
    async with chromium() as browser:
        context = await browser.new_context()
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(url)
        form = page.locator(f'form[data-team="{team}"]')
        await form.wait_for()
        assert "now" in (await form.get_attribute("class") or "")
        name = live.programme.team_by_id[team].name
        assert (await form.locator("h3").text_content() or "").startswith(name)
        assert await page.locator("#scoring-heading").text_content() == t("score_heading")

        # the keyboard alone: focus the first field, type, Tab to the next ones
        await form.locator("input[data-criterion]").first.focus()
        await page.keyboard.type("4")
        await page.keyboard.press("Tab")
        await page.keyboard.type("3")
        await page.keyboard.press("Tab")
        await page.keyboard.type("9")  # out of 1–5
        await page.keyboard.press("Tab")
        await page.keyboard.type(MARKUP)
        await page.keyboard.press("Tab")
        assert await page.evaluate("() => document.activeElement.type") == "submit"
        await page.keyboard.press("Enter")
        # the browser's own range check stops it: nothing sent
        assert (
            await page.evaluate(
                "() => document.querySelector('input:invalid').getAttribute('data-criterion')"
            )
            == "presentation"
        )
        assert await _stored(running, juror.id, team) is None

        # a draft survives a reload
        await form.locator('input[data-criterion="presentation"]').fill("5")
        await page.reload()
        await form.wait_for()
        assert await form.locator('input[data-criterion="impact"]').input_value() == "4"
        assert await form.locator('input[data-criterion="presentation"]').input_value() == "5"
        assert await form.locator("textarea").input_value() == MARKUP

        # a lost connection: kept, said so, and sent when the connection is back
        await context.set_offline(True)
        await form.locator("button[type=submit]").click()
        status = form.locator(".form-status")
        await status.filter(has_text=t("draft_kept")).wait_for()
        assert await _stored(running, juror.id, team) is None
        await context.set_offline(False)
        await status.filter(has_text=t("saved")).wait_for(timeout=20_000)
        kept = await eventually(lambda: _stored(running, juror.id, team))
        assert kept["values"] == {"impact": 4.0, "feasibility": 3.0, "presentation": 5.0}
        assert kept["comment"] == MARKUP
        assert await page.evaluate("() => window.__pwned") is None

        # a refusal from the server is shown in words: the link was replaced meanwhile
        revoked = await http.post(
            f"{running.base_url}/api/v1/participants/{juror.id}/revoke", headers=AUTH
        )
        assert revoked.status_code == 200
        await form.locator('input[data-criterion="impact"]').fill("2")
        await form.locator("button[type=submit]").click()
        await status.filter(has_text=f"{t('not_saved')}: unknown personal link").wait_for()
        stored = await _stored(running, juror.id, team)
        assert stored is not None and stored["values"]["impact"] == 4.0

        violations = await axe_violations(page)
        assert not violations, describe_violations(violations)
        await page.screenshot(path=str(tmp_path / "juror.png"), full_page=True)
        assert errors == []


async def test_the_results_page_assigns_an_award(serve, http, redis_url, tmp_path: Path) -> None:
    running = await serve(
        redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(6 * 30 + 5, speed=1.0)
    )
    live = running.app[SERVICE].require_live()
    juror = next(p for p in live.programme.participants if p.role == "jury")
    duty = windows(live, juror.id)[0].duty
    posted = await http.post(
        f"{running.base_url}/p/{live.token_of[juror.id]}/scores",
        json={
            "team": duty.team,
            "scores": {"impact": 5, "feasibility": 4, "presentation": 4},
            "comment": MARKUP,
        },
    )
    assert posted.status_code == 200
    async with chromium() as browser:
        page = await browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(f"{running.base_url}/board/results")
        await page.fill("#token", TOKEN)
        await page.click("button[type=submit]")
        await page.wait_for_url("**/board")
        await page.goto(f"{running.base_url}/board/results")
        row = page.locator(f'tr[data-team="{duty.team}"]')
        assert (await row.locator("td").first.text_content() or "").startswith("1")
        assert MARKUP in (await page.locator(".comments q").first.text_content() or "")
        assert await page.evaluate("() => window.__pwned") is None
        award = page.locator("form.award").first
        await award.locator(f'input[value="{duty.team}"]').check()
        await award.locator("button[type=submit]").click()
        await award.locator(".award-result", has_text="Announced:").wait_for()
        data = (await http.get(f"{running.base_url}/api/v1/results", headers=AUTH)).json()
        assert data["awards"][0]["winners"] == [duty.team]
        violations = await axe_violations(page)
        assert not violations, describe_violations(violations)
        await page.screenshot(path=str(tmp_path / "results.png"), full_page=True)
        assert errors == []


async def test_the_audience_rating_form(serve, redis_url, tmp_path: Path) -> None:
    running, live, person, team, t = await _round_one(serve, redis_url, tmp_path, "audience")
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(f"{running.base_url}/p/{live.token_of[person.id]}")
        form = page.locator(f'form[data-team="{team}"]')
        await form.wait_for()
        assert await page.locator("#scoring-heading").text_content() == t("feedback_heading")
        await form.locator("select").focus()
        await form.locator("select").select_option("4")
        await form.locator("input[name=line]").fill("Clear and <b>brave</b>")
        await form.locator("button[type=submit]").click()
        await form.locator(".form-status", has_text=t("saved")).wait_for()
        store = running.app[STORE]
        kept = json.loads(await store.redis.hget(store.keys.feedback, f"{person.id}|{team}"))
        assert (kept["rating"], kept["line"]) == (4, "Clear and <b>brave</b>")


async def test_after_closing_no_form_is_offered(serve, redis_url, tmp_path: Path) -> None:
    """During the award ceremony scoring has closed: the page says so and offers neither a
    form nor a list of what is still owed (a Save button that can only be refused misleads)."""
    programme = example_with(tmp_path, 'domain = "127.0.0.1:9"\nscheme = "http"')
    running = await serve(
        programme, redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(250, speed=1.0)
    )
    live = running.app[SERVICE].require_live()
    person = next(p for p in live.programme.participants if p.role == "audience")
    t = translator(live.programme.language_of(person))
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(f"{running.base_url}/p/{live.token_of[person.id]}")
        await page.locator("#scoring-closes", has_text=t("scoring_closed")).wait_for()
        assert await page.locator("#scoring form").count() == 0
        assert (await page.locator("#scoring-owed").text_content() or "") == ""
