"""Self check-in at the doors of on-site rooms: the codes (pure), every refusal with its reason
over real HTTP, and the whole path in Chromium: the organiser's door screen, its QR code read
from a screenshot by a phone (a second browser context), the board's count."""

from __future__ import annotations

import csv
import html
import io
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orchestrator.appkeys import BOARD_STREAMS, SERVICE, STORE
from orchestrator.language.i18n import translator
from orchestrator.presence.door_codes import (
    check_code,
    code_for,
    expected,
    network_allowed,
    window_of,
)
from orchestrator.storage.checkins import CheckinStore, Flagged
from orchestrator.web.checkin import PERSON_COOKIE
from schedules.whereabouts import Place, Whereabouts
from tests.support.app import AUTH
from tests.support.browser_kit import chromium, log_in
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.examples import example_with

SECRET = b"k" * 32
START = datetime(2025, 3, 27, 8, tzinfo=UTC)
ROOMS = ("r1", "r2")
SPEED = 30.0
ONSITE = {"r1": "Building A, room 2.14", "r2": "Building A, room 2.16", "r3": "Building B, 0.03"}


# -- the codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "verdict"),
    [
        (code_for(SECRET, "r1", 100), "ok"),  # this window
        (code_for(SECRET, "r1", 99), "ok"),  # the one before: time to point a camera
        (code_for(SECRET, "r1", 98), "expired"),  # older
        (code_for(SECRET, "r1", 101), "expired"),  # not begun: not ours to accept
        (code_for(b"x" * 32, "r1", 100), "forged"),  # another secret
        (code_for(SECRET, "r1", 100).replace("r1.", "r2.", 1), "forged"),  # room changed
        (code_for(SECRET, "r9", 100), "forged"),  # signed, but no such room here
        (code_for(SECRET, "r1", 100)[:-1], "forged"),  # signature cut short
        ("r1.100", "forged"),
        ("", "forged"),
        ("r1.1e5.abc", "forged"),
    ],
    ids=[
        "current",
        "previous",
        "two-old",
        "future",
        "other-secret",
        "other-room",
        "unknown-room",
        "cut-short",
        "no-signature",
        "empty",
        "not-a-window",
    ],
)
def test_codes(code: str, verdict: str) -> None:
    assert check_code(SECRET, code, 100, ROOMS).verdict == verdict


def test_a_window_is_a_span_of_wall_seconds() -> None:
    assert window_of(29.9, 15) == 1 and window_of(30.0, 15) == 2


@pytest.mark.parametrize(
    ("client", "networks", "allowed"),
    [
        ("10.1.2.3", ["10.0.0.0/8"], True),
        ("192.168.1.5", ["10.0.0.0/8"], False),
        ("192.168.1.5", [], True),  # no networks: anywhere
        ("2001:db8:1:2::/64", ["2001:db8::/32"], True),  # web/clients.py names IPv6 by /64
        ("2001:db8:1:2::/64", ["10.0.0.0/8"], False),
        ("unknown", ["10.0.0.0/8"], False),
    ],
)
def test_networks(client: str, networks: list[str], allowed: bool) -> None:
    assert network_allowed(client, networks) is allowed


def _answer(room: str | None, round_index: int = 1) -> Whereabouts:
    if room is None:
        return Whereabouts(None, None, None)
    place = Place("room", START, START, room, round_index, "t1")
    return Whereabouts(place, None, None)


@pytest.mark.parametrize(
    ("answers", "planned", "slot", "place"),
    [
        ((_answer("r1"), _answer("r1")), True, "round-1", ""),
        ((_answer("r2", 2), _answer("r1", 1)), True, "round-1", ""),  # sent on; in r1 to its end
        ((_answer("r2", 2), _answer("r2", 2)), False, "round-2", "r2"),
        ((_answer(None), _answer(None)), False, "", ""),
    ],
    ids=["here", "leaving", "elsewhere", "nothing-on"],
)
def test_expected(answers, planned: bool, slot: str, place: str) -> None:
    found = expected(answers, "r1")
    assert (found.planned, found.slot, found.place) == (planned, slot, place)


# -- over HTTP ---------------------------------------------------------------------------------


def campus_example(folder: Path, networks: str = '["127.0.0.0/8"]') -> Path:
    """The bundled example with three rounds, rooms r1–r3 on campus and, coming to campus,
    their presenters, 15 of the audience and 3 jury members."""
    programme = example_with(folder, 'domain = "meet.example.org"')
    toml = programme.read_text(encoding="utf-8").replace("rounds = 6", "rounds = 3")
    toml = toml.replace(
        'roster = "roster.csv"',
        f'roster = "roster.csv"\nwalking_minutes = 7\ncheckin_networks = {networks}',
        1,
    )
    for room, address in ONSITE.items():
        name = f'id = "{room}"\nname = "Room {room[1:]}"\n'
        assert name in toml
        toml = toml.replace(name, f'{name}onsite = "{address}"\n')
    programme.write_text(toml, encoding="utf-8")
    roster = folder / "roster.csv"
    rows = list(csv.reader(io.StringIO(roster.read_text(encoding="utf-8"))))
    rows[0].append("mode")
    counts = {"audience": 15, "jury": 3}
    for row in rows[1:]:
        role, team = row[3], row[4]
        onsite = counts.get(role, 0) > 0 or (role == "presenter" and team in ("t1", "t2", "t3"))
        counts[role] = counts.get(role, 0) - (1 if onsite and role in counts else 0)
        row.append("onsite" if onsite else "")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    roster.write_text(out.getvalue(), encoding="utf-8")
    return programme


def in_room_now(live, room: str) -> str:
    """An on-site audience member planned in `room` now."""
    now = live.event_now()
    for person in live.programme.participants:
        if person.mode == "onsite" and person.role == "audience":
            place = live.where(person.id, now).now
            if place is not None and place.room == room:
                return str(person.id)
    raise AssertionError(f"nobody on campus in {room} now")


async def campus(serve, redis_url, tmp_path: Path, **options):
    networks = options.pop("networks", '["127.0.0.0/8"]')
    return await serve(
        campus_example(tmp_path, networks),
        redis_url=redis_url,
        speed=SPEED,
        start_at=start_so_that_now_is(5, SPEED),  # round 1 runs
        **options,
    )


FORWARDED = {"X-Forwarded-For": "10.1.2.3"}


async def scan(http, url: str, token: str, headers: dict[str, str] | None = None):
    """A phone opening a door code; `token`: the personal token its cookie holds ("": none)."""
    cookie = {"Cookie": f"{PERSON_COOKIE}={token}"} if token else {}
    return await http.get(url, headers={**cookie, **(headers or {})})


REFUSALS = [
    # (case, status, outcome): every refusal says why, on a page in the person's language
    ("forged", 403, "forged"),
    ("expired", 410, "expired"),
    ("no-session", 401, "no-session"),
    ("outside-network", 403, "network"),
    ("forwarded-by-an-untrusted-peer", 403, "network"),
]


@pytest.mark.parametrize(("case", "status", "outcome"), REFUSALS, ids=[r[0] for r in REFUSALS])
async def test_refusals(serve, http, redis_url, tmp_path: Path, case, status, outcome) -> None:
    elsewhere = case.startswith(("outside", "forwarded"))
    options = {"networks": '["10.0.0.0/8"]'} if elsewhere else {}
    running = await campus(serve, redis_url, tmp_path, **options)
    live = running.app[SERVICE].require_live()
    secret = await CheckinStore(running.app[STORE]).secret()
    window = window_of(time.time(), 15.0)
    code = code_for(secret, "r1", window)
    if case == "forged":
        code = code_for(b"guessed" * 5, "r1", window)
    if case == "expired":
        code = code_for(secret, "r1", window - 2)
    person = in_room_now(live, "r1")
    headers = FORWARDED if case.startswith("forwarded") else {}
    token = "" if case == "no-session" else live.token_of[person]
    answer = await scan(http, f"{running.base_url}/checkin/{code}", token, headers)
    assert answer.status_code == status, answer.text
    assert f'data-outcome="{outcome}"' in answer.text
    assert await CheckinStore(running.app[STORE]).flagged() == []  # nothing recorded
    assert await running.app[STORE].marks() == []


async def test_a_trusted_proxy_names_the_client(serve, http, redis_url, tmp_path: Path) -> None:
    """Behind a proxy on this machine, the address it forwards is the one checked."""
    running = await campus(
        serve, redis_url, tmp_path, networks='["10.0.0.0/8"]', trusted_proxies="127.0.0.1"
    )
    live = running.app[SERVICE].require_live()
    secret = await CheckinStore(running.app[STORE]).secret()
    code = code_for(secret, "r1", window_of(time.time(), 15.0))
    person = in_room_now(live, "r1")
    answer = await scan(
        http, f"{running.base_url}/checkin/{code}", live.token_of[person], FORWARDED
    )
    assert answer.status_code == 200, answer.text
    assert 'data-outcome="ok"' in answer.text


async def test_a_check_in_elsewhere_is_recorded_and_flagged(
    serve, http, redis_url, tmp_path: Path
) -> None:
    running = await campus(serve, redis_url, tmp_path)
    live = running.app[SERVICE].require_live()
    store = CheckinStore(running.app[STORE])
    code = code_for(await store.secret(), "r2", window_of(time.time(), 15.0))
    person = in_room_now(live, "r1")
    answer = await scan(http, f"{running.base_url}/checkin/{code}", live.token_of[person])
    assert answer.status_code == 200
    assert 'data-outcome="elsewhere"' in answer.text
    assert "Building A, room 2.14" in answer.text  # where they should be instead
    [kept] = await store.flagged()
    assert (kept.room, kept.participant, kept.item, kept.expected) == (
        "r2",
        person,
        "round-1",
        "r1",
    )
    assert await running.app[STORE].marks() == []  # not presence
    page_streams = running.app[BOARD_STREAMS]
    await page_streams.load_checkins()
    tile = next(t for t in page_streams.state()["tiles"] if t["room"] == "r2")
    assert (tile["checked_in"], tile["checked_in_unplanned"]) == (0, 1)  # not attendance


async def test_a_new_run_forgets_the_last_runs_flagged_check_ins(
    serve, redis_url, tmp_path: Path
) -> None:
    """A rehearsal's flag must not survive into the next run: there the same person's check-in
    elsewhere would be taken as already kept and get no journal line."""
    running = await campus(serve, redis_url, tmp_path)
    checkins = CheckinStore(running.app[STORE])
    flagged = Flagged("round-1", "r2", "p1", "2025-03-27T08:05:00+00:00", "r1")
    assert await checkins.flag(flagged)
    await running.app[STORE].reset_run()
    assert await checkins.flagged() == []
    assert await checkins.flag(flagged)  # kept anew, with its journal line


async def test_the_page_says_where_to_walk_and_to_scan_the_code_at_the_door(
    serve, http, redis_url, tmp_path: Path
) -> None:
    running = await campus(serve, redis_url, tmp_path)
    live = running.app[SERVICE].require_live()
    page = await http.get(f"{running.base_url}/p/{live.token_of[in_room_now(live, 'r1')]}")
    assert page.status_code == 200
    [language] = re.findall(r'<html lang="(\w+)">', page.text)
    t = translator(language)
    minutes = live.programme.event.walking_minutes
    walk = f"{t('walk', place=ONSITE['r1'], minutes=minutes)}. {t('walk_scan')}"
    assert html.escape(walk) in page.text


async def test_go_on_campus_leads_to_the_page_and_counts_as_sent(
    serve, http, redis_url, tmp_path: Path
) -> None:
    """Someone on campus who opens /go is sent to their page (where to walk); the board counts
    them `sent` to that room, as it does online listeners (it showed more confirmed than sent)."""
    running = await campus(serve, redis_url, tmp_path)
    live = running.app[SERVICE].require_live()
    walker = in_room_now(live, "r1")
    answer = await http.get(f"{running.base_url}/go/{live.token_of[walker]}")
    assert answer.headers["Location"] == live.page_url(live.token_of[walker])

    async def sent_to_r1() -> bool:  # the clicks reach Redis within a quarter of a second
        state = (await http.get(f"{running.base_url}/api/v1/state", headers=AUTH)).json()
        return "1 sent" in next(r for r in state["rooms"] if r["room"] == "r1")["presence"]["text"]

    assert await eventually(sent_to_r1)


async def test_the_door_screen_is_for_organisers(serve, http, redis_url, tmp_path: Path) -> None:
    running = await campus(serve, redis_url, tmp_path)
    answer = await http.get(f"{running.base_url}/board/rooms/r1/checkin")
    assert answer.status_code == 401


# -- in Chromium: door screen, phone, board ------------------------------------------------------


def read_qr(png: bytes) -> str:
    """What a phone's camera reads from the door screen."""
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "no QR code on the door screen"
    return str(found[0].text)


async def test_scan_at_the_door(serve, redis_url, tmp_path: Path) -> None:
    """The organiser's door screen shows a code; a phone that opened its person's page scans
    it (the code read from a screenshot) and is checked in; the board counts it. Opened again
    two windows later, the same code is refused as expired."""
    seconds = 2.0  # a short window, so "later" is a few seconds
    running = await campus(serve, redis_url, tmp_path, checkin_seconds=seconds)
    live = running.app[SERVICE].require_live()
    person = in_room_now(live, "r1")
    async with chromium() as browser:
        organiser = await browser.new_context()
        board = await organiser.new_page()
        await log_in(board, running.base_url)
        door_link = board.locator('li[data-room="r1"] a.door-link')
        assert await door_link.get_attribute("href") == "/board/rooms/r1/checkin"
        phone = await browser.new_context(viewport={"width": 390, "height": 800})
        screen = await phone.new_page()
        await screen.goto(f"{running.base_url}/p/{live.token_of[person]}")
        assert ONSITE["r1"] in await screen.locator("#now-walk").inner_text()
        assert await screen.locator("#join-line").is_hidden()  # no video room to join

        door = await organiser.new_page()
        await door.goto(f"{running.base_url}/board/rooms/r1/checkin")
        assert await door.locator(".door-place").inner_text() == ONSITE["r1"]
        url = read_qr(await door.locator("#door-code").screenshot())
        assert url.startswith(f"{running.base_url}/checkin/r1.")
        answer = await screen.goto(url)
        assert answer is not None and answer.status == 200
        assert await screen.locator("#checkin-result").get_attribute("data-outcome") == "ok"

        checked = board.locator('li[data-room="r1"] .checked-in dd')
        await checked.filter(has_text="1 /").wait_for(timeout=10_000)

        made = int(url.rsplit("/", 1)[1].split(".")[1])
        while window_of(time.time(), seconds) < made + 2:
            await screen.wait_for_timeout(100)
        answer = await screen.goto(url)
        assert answer is not None and answer.status == 410
        assert await screen.locator("#checkin-result").get_attribute("data-outcome") == "expired"
        await browser.close()
