"""The board through an ordinary day, in a real Chromium: the journal after a second run,
the capacity alert when presenter teams are complete, two keynotes sharing one room with
presence from webhooks, moving a person found by name, and the day's strip."""

from __future__ import annotations

import re
import time
from pathlib import Path

from orchestrator.appkeys import SERVICE
from tests.support.app import AUTH
from tests.support.app import EXAMPLE as EXAMPLE_PATH
from tests.support.browser_kit import chromium, log_in
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.examples import example_with
from tests.support.standin_jitsi import JAAS_ENV, JAAS_SECRET, JaasStandIn


async def journal(page) -> list[str]:
    return await page.locator("#journal li").all_inner_texts()


async def test_the_journal_after_a_second_run(serve, http, redis_url, tmp_path: Path) -> None:
    programme = example_with(tmp_path, 'domain = "meet.example.org"')
    first = await serve(
        programme, redis_url=redis_url, speed=30.0, start_at=start_so_that_now_is(29)
    )
    sent = await http.post(
        f"{first.base_url}/api/v1/broadcast", json={"message": "from the rehearsal"}, headers=AUTH
    )
    assert sent.status_code == 201
    await eventually(  # round 2 starts in the first run
        lambda: _fired(http, first.base_url, "round.started:2"), seconds=15, interval=0.2
    )
    await first.stop()

    second = await serve(
        programme, redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(5, 1.0)
    )
    async with chromium() as browser:
        page = await browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await log_in(page, second.base_url)
        await page.locator("#journal li").first.wait_for(timeout=5_000)
        lines = await journal(page)
        assert not [line for line in lines if "rehearsal" in line.lower() and "×30" in line]
        assert not [line for line in lines if "from the rehearsal" in line]
        assert lines[-1].endswith("The day started") or "Rehearsal started" in lines[-1]
        now = await http.post(
            f"{second.base_url}/api/v1/broadcast", json={"message": "today"}, headers=AUTH
        )
        assert now.status_code == 201
        entry = page.locator("#journal li", has_text="“today”")
        await entry.wait_for(timeout=5_000)
        # "09:05 Broadcast sent to 100 people through the API: “today”": the event's clock,
        # what happened in plain words, the stream id as its id
        assert re.fullmatch(
            r"09:0\d Broadcast sent to \d+ people through the API: “today”",
            (await entry.inner_text()).strip(),
        )
        assert re.fullmatch(r"\d+-\d+", await entry.get_attribute("data-id") or "")
        ids = [await li.get_attribute("data-id") for li in await page.locator("#journal li").all()]
        assert len(ids) == len(set(ids))
        assert errors == []


async def _fired(http, base_url: str, boundary: str) -> bool:
    state = (await http.get(f"{base_url}/api/v1/state", headers=AUTH)).json()
    return state["current"]["round"] == 2 and state["current"]["kind"] == "round"


async def test_capacity_alert_with_full_presenter_teams(
    serve, http, redis_url, tmp_path: Path
) -> None:
    """Room 1 seats 12: its whole presenting team and 12 listeners are no alert; a 13th
    listener is."""
    programme = example_with(tmp_path, 'domain = "meet.example.org"')
    running = await serve(
        programme,
        redis_url=redis_url,
        env=JAAS_ENV,
        speed=1.0,
        start_at=start_so_that_now_is(40, 1),
    )
    live = running.app[SERVICE].require_live()
    slot = next(s for s in live.plan.round(2).rooms if s.room == "r1")
    members = list(next(t.members for t in live.plan.teams if t.id == slot.team))
    capacity = live.programme.room_by_id["r1"].capacity
    listeners = [p.id for p in live.programme.participants if p.id not in members]
    names = {p.id: p.name for p in live.programme.participants}
    jitsi = JaasStandIn(http, running.base_url, JAAS_SECRET)
    room = live.room_names["r1"]
    for i, pid in enumerate(members + listeners[:capacity]):
        await jitsi.joined(room, time.time(), pid, names[pid], f"c{i:07d}")
    async with chromium() as browser:
        page = await browser.new_page()
        await log_in(page, running.base_url)
        tile = page.locator('li[data-room="r1"]')
        await tile.locator(".live-audience dd", has_text=f"{capacity} / ").wait_for(timeout=10_000)
        assert (await tile.locator(".presenters dd").inner_text()).startswith(f"{len(members)} /")
        assert await page.locator("#alerts li", has_text="seats").count() == 0
        extra = listeners[capacity]
        await jitsi.joined(room, time.time(), extra, names[extra], "c9999999")
        alert = page.locator("#alerts li.critical", has_text="Room 1:")
        await alert.filter(has_text=f"{capacity + 1} in the audience, {capacity} seats").wait_for(
            timeout=10_000
        )


async def test_two_keynotes_in_one_room_and_a_move_by_name(
    serve, http, redis_url, tmp_path: Path
) -> None:
    """k1 (10:00) and k2 (11:00) share a room. At 10:10 k1's people are in it: k1 counts
    them, k2 only expects its own and is not attended before it begins; its attendance
    report lists nobody from k1. Then an organiser moves someone found by name."""
    programme = example_with(tmp_path, 'domain = "meet.example.org"')
    running = await serve(
        programme,
        redis_url=redis_url,
        env=JAAS_ENV,
        speed=1.0,
        start_at=start_so_that_now_is(70, 1),
    )
    live = running.app[SERVICE].require_live()
    k1, k2 = (next(k for k in live.plan.keynotes if k.id == i) for i in ("k1", "k2"))
    assert k1.room == k2.room
    names = {p.id: p.name for p in live.programme.participants}
    jitsi = JaasStandIn(http, running.base_url, JAAS_SECRET)
    room = live.room_names[k1.room]
    for i, pid in enumerate(k1.audience):
        await jitsi.joined(room, time.time(), pid, names[pid], f"k{i:07d}")
    async with chromium() as browser:
        page = await browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        await log_in(page, running.base_url)
        first = page.locator('li[data-keynote="k1"] .live-audience')
        await first.filter(has_text=f"Attending{len(k1.audience)} / {len(k1.audience)}").wait_for(
            timeout=10_000
        )
        second = page.locator('li[data-keynote="k2"]')
        assert await second.locator(".live-audience dt").inner_text() == "Expected"
        assert await second.locator(".live-audience dd").inner_text() == str(len(k2.audience))
        assert "starts in" in await second.locator(".round").inner_text()
        report = await http.get(f"{running.base_url}/api/v1/keynotes/k2/attendance", headers=AUTH)
        rows = report.json()["rows"]
        assert {r["participant"] for r in rows} == set(k2.audience)
        assert not [r for r in rows if "unexpected" in r["flags"]]

        # the strip shows the whole day, with the now-line inside it
        assert await page.locator("#strip .block.round").count() == len(live.timeline.rounds)
        assert await page.locator("#strip .block.keynote").count() == 2
        assert await page.locator("#strip .block.round.current").count() == 1
        assert await page.locator("#now-line").is_visible()

        # move someone found by name into another room of round 4
        person, target = movable(live, 4)
        await page.fill("#move-person", names[person])
        await page.fill("#move-round", "4")
        await page.select_option("#move-room", target)
        await page.click("#form-move button")
        question = await page.locator("#confirm-text").inner_text()
        room_name = live.programme.room_name(target)
        assert question == f"Move {names[person]} to {room_name} in round 4?"
        await page.click("#confirm-ok")
        await page.locator(
            "#journal li",
            has_text=f"{names[person]} moved to {room_name} for round 4 from the board",
        ).wait_for(timeout=5_000)
        moved = running.app[SERVICE].require_live().plan.room_in_round(person, 4)
        assert moved is not None and moved.room == target
        assert errors == []


def movable(live, index: int) -> tuple[str, str]:
    """An audience member with a name nobody else has, and a room of round `index` they may
    be moved to (a team they do not see otherwise, a free seat)."""
    counts: dict[str, int] = {}
    for p in live.programme.participants:
        counts[p.name] = counts.get(p.name, 0) + 1
    for slot in live.plan.round(index).rooms:
        for person in slot.audience:
            if counts[live.programme.participant_by_id[person].name] != 1:
                continue
            seen = {s.team for r in live.plan.rounds for s in r.rooms if person in s.audience}
            for other in live.plan.round(index).rooms:
                capacity = live.programme.room_by_id[other.room].capacity
                if other.team not in seen and len(other.audience) < capacity:
                    return person, other.room
    raise AssertionError("nobody can be moved in this plan")


async def test_after_the_day_the_tiles_do_not_say_nobody_seen_yet(
    serve, redis_url, tmp_path: Path
) -> None:
    programme = example_with(tmp_path, 'domain = "meet.example.org"')  # Jitsi rooms
    running = await serve(
        programme, redis_url=redis_url, speed=30.0, start_at=start_so_that_now_is(12 * 60)
    )
    async with chromium() as browser:
        page = await browser.new_page()
        await log_in(page, running.base_url)
        await page.locator("#clock-title", has_text="The day is over").wait_for(timeout=10_000)
        shown = await page.locator("#tiles .presence dd").all_inner_texts()
        assert shown, "no presence figures on the tiles"
        assert set(shown) == {"ended: nobody in the room now"}


async def test_the_strip_is_legible_on_a_phone(serve, redis_url, tmp_path: Path) -> None:
    """At 390 px the strip scrolls sideways: every round's label whole, the now-line in view."""
    running = await serve(EXAMPLE_PATH, redis_url=redis_url, start_at=start_so_that_now_is(15))
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 390, "height": 900})
        await log_in(page, running.base_url)
        await page.locator("#strip .block.round").first.wait_for(timeout=10_000)
        labels = page.locator("#strip .block.round .label")
        cut = await labels.evaluate_all(
            "ls => ls.filter(l => l.scrollWidth > l.clientWidth).map(l => l.textContent)"
        )
        await page.locator("#strip").screenshot(path=str(tmp_path / "strip-390.png"))
        assert cut == [], "round labels cut short"
        assert await page.locator("#now-line").is_visible()
        box = await page.locator("#strip").bounding_box()
        line = await page.locator("#now-line").bounding_box()
        assert box and line and box["x"] <= line["x"] <= box["x"] + box["width"]
        await page.set_viewport_size({"width": 1366, "height": 900})  # a board: no scrolling
        await page.locator("#strip").screenshot(path=str(tmp_path / "strip-1366.png"))
        assert await page.locator("#strip").evaluate("s => s.scrollWidth <= s.clientWidth")
