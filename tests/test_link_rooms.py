"""Rooms on any platform (`[[rooms]] url = "https://…"`) in a mixed event, over real HTTP
with a real Redis: bad programme input refused with its line, `/go` sending each person to the
right kind of place each round, "I'm here" recorded once per slot, and the reports and the
board saying which source saw whom."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from orchestrator.appkeys import SERVICE
from orchestrator.event.live import Live
from orchestrator.language.i18n import translator
from rooms.links import JitsiConfig
from schedules.evidence import item_key
from schedules.programme import check_programme, load_programme
from tests.support.app import AUTH, board_client
from tests.support.builders import BASE_CSV, BASE_TOML, line_of, write_event
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.examples import LINKS, mixed_example
from tests.support.live import make_live, reached
from tests.support.mailbox import body_text
from tests.support.standin_jitsi import JAAS_SECRET, JaasStandIn

EN = translator("en")  # the agenda's words in English

ROOT = Path(__file__).resolve().parents[1]


# -- the programme ------------------------------------------------------------------------

ROOM_R1 = 'id = "r1"\nname = "Room 1"\ncapacity = 10'
CASES = [
    (
        "a room's link must start with https:// (url = 'http://zoom.us/j/1')",
        ROOM_R1 + '\nurl = "http://zoom.us/j/1"',
        "url =",
    ),
    (
        "a room's link needs a host, like https://zoom.us/j/123 (url = 'https:///j/1')",
        ROOM_R1 + '\nurl = "https:///j/1"',
        "url =",
    ),
    (
        "a room's link may not hold a user name or password (url = 'https://me:pw@zoom.us/j/1')",
        ROOM_R1 + '\nurl = "https://me:pw@zoom.us/j/1"',
        "url =",
    ),
    ("`url` must be text, not 5", ROOM_R1 + "\nurl = 5", "url ="),
    (
        "a room's link may not hold spaces or control characters, which no browser would "
        "follow as written: remove them (url = 'https://zoom.us/j/555 1234')",
        ROOM_R1 + '\nurl = "https://zoom.us/j/555 1234"',
        "url =",
    ),
    (
        "a room's link may not hold spaces or control characters, which no browser would "
        "follow as written: remove them (url = 'https://zoom.us/j/555\\t1234')",
        ROOM_R1 + '\nurl = "https://zoom.us/j/555\\t1234"',
        "url =",
    ),
    (
        "`jitsi_name` is a Jitsi option, but this room is a plain link (`url`): Rota sends "
        "people to the link as it is; keep one of the two",
        ROOM_R1 + '\nurl = "https://zoom.us/j/1"\njitsi_name = "our-room"',
        "jitsi_name",
    ),
    (
        "`evidence` lists presence sources (sent, confirmed, checked-in or webhook), not 'seen'",
        'threshold = 0.75\nevidence = ["webhook", "seen"]',
        "evidence",
    ),
    (
        "`evidence` needs at least one presence source (sent, confirmed, checked-in or webhook)",
        "threshold = 0.75\nevidence = []",
        "evidence",
    ),
    (
        "`evidence` names a source twice",
        'threshold = 0.75\nevidence = ["sent", "sent"]',
        "evidence",
    ),
]


@pytest.mark.parametrize(("message", "new", "needle"), CASES, ids=[c[0][:40] for c in CASES])
def test_bad_room_links_and_evidence_are_refused_with_their_line(
    tmp_path: Path, message: str, new: str, needle: str
) -> None:
    old = ROOM_R1 if new.startswith(ROOM_R1) else "threshold = 0.75"
    toml = BASE_TOML.replace(old, new, 1)
    programme, problems = check_programme(write_event(tmp_path, toml=toml, csv=BASE_CSV), {})
    assert programme is None
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == [f"{tmp_path / 'programme.toml'}:{line_of(toml, needle)}: {message}"]


def test_two_rooms_on_one_link_are_a_warning(tmp_path: Path) -> None:
    toml = BASE_TOML.replace(ROOM_R1, ROOM_R1 + '\nurl = "https://zoom.us/j/1"').replace(
        'id = "r2"\nname = "Room 2"\ncapacity = 10',
        'id = "r2"\nname = "Room 2"\ncapacity = 10\nurl = "https://zoom.us/j/1"',
    )
    programme, problems = check_programme(write_event(tmp_path, toml=toml, csv=BASE_CSV), {})
    assert programme is not None
    assert [(p.severity, p.line, p.message) for p in problems] == [
        (
            "warning",
            line_of(toml, 'url = "https://zoom.us/j/1"', 2),
            "rooms 'r1' and 'r2' share the link https://zoom.us/j/1: their people will meet "
            "in one room",
        )
    ]


def test_the_bundled_mixed_day_is_valid_and_mixed() -> None:
    programme, problems = check_programme(ROOT / "examples" / "mixed-day" / "programme.toml", {})
    assert programme is not None and problems == []
    linked = {r.id for r in programme.rooms if r.linked and not r.onsite}
    assert linked == {"r7", "r8"}
    assert [(r.id, r.url != "") for r in programme.rooms if r.onsite] == [("r6", True)]
    assert {t.room for t in programme.teams} > linked  # Jitsi rooms and link rooms, mixed
    assert programme.keynote_by_id["k1"].evidence == ("confirmed", "checked-in", "webhook")
    assert programme.keynote_by_id["k2"].evidence == ("webhook",)  # the default


# -- the running event ---------------------------------------------------------------------

SPEED = 180.0  # a 30-minute round lasts 10 s; its first 18 minutes (6 s) answer alike


def _kind(location: str) -> str:
    return "link" if location.startswith("https://rooms.example.org/") else "jitsi"


async def test_go_sends_each_person_to_the_right_kind_of_place_each_round(
    serve, http, redis_url, tmp_path: Path
) -> None:
    running = await serve(
        mixed_example(tmp_path),
        redis_url=redis_url,
        speed=SPEED,
        start_at=start_so_that_now_is(10, SPEED),  # 09:10, in round 1
    )
    live: Live = running.app[SERVICE].require_live()
    people = [p.id for p in live.programme.participants if p.role == "audience"]
    for index in (1, 2):
        item = live.timeline.rounds[index - 1]
        # 10 minutes in: 18 more (6 s, on a busy machine too) before /go sends on
        settled = item.start + timedelta(minutes=10)
        wait = live.clock.wall_time(settled).timestamp() - datetime.now(UTC).timestamp()
        if wait > 0:
            await eventually(partial(reached, live, settled), seconds=wait + 2)
        assert live.event_now() < item.end - timedelta(minutes=5), "too late to ask /go"
        seen: dict[str, int] = {"link": 0, "jitsi": 0}
        for pid in people:
            place = next((p for p in live.days[pid] if p.round == index), None)
            if place is None:
                continue
            answer = await http.get(f"{running.base_url}/go/{live.token_of[pid]}")
            assert answer.status_code == 302, pid
            location = answer.headers["Location"]
            if place.room in LINKS:
                assert location == LINKS[place.room], pid
            else:
                assert location.startswith("https://meet.jit.si/"), pid
            seen[_kind(location)] += 1
        assert seen["link"] > 0 and seen["jitsi"] > 0  # a mixed round, both kinds used


async def _in_round_one(serve, redis_url, tmp_path: Path, speed: float = 1.0, **options):
    running = await serve(
        mixed_example(tmp_path),
        redis_url=redis_url,
        **options,
        speed=speed,
        start_at=start_so_that_now_is(10, speed),  # 09:10: a minute and more into round 1
    )
    live: Live = running.app[SERVICE].require_live()
    linked = [
        p.id
        for p in live.programme.participants
        if p.role == "audience"
        and any(pl.round == 1 and pl.room in LINKS for pl in live.days[p.id])
    ]
    jitsi = [
        p.id
        for p in live.programme.participants
        if p.role == "audience"
        and any(pl.round == 1 and pl.room not in LINKS for pl in live.days[p.id])
    ]
    return running, live, linked, jitsi


async def test_im_here_is_recorded_once_per_slot(serve, http, redis_url, tmp_path: Path) -> None:
    running, live, linked, _ = await _in_round_one(serve, redis_url, tmp_path)
    url = f"{running.base_url}/p/{live.token_of[linked[0]]}/here"
    first = await http.post(url, json={})
    assert first.status_code == 200, first.text
    place = next(p for p in live.days[linked[0]] if p.round == 1)
    assert first.json() == {
        "ok": True,
        "recorded": True,
        "room": place.room,
        "slot": item_key("room", 1, ""),
    }
    again = await http.post(url, json={})
    assert again.status_code == 200 and again.json()["recorded"] is False
    store = running.app[SERVICE].store
    marks = await store.marks()
    assert [(m.person, m.item, m.room, m.source) for m in marks] == [
        (linked[0], "round-1", place.room, "confirmed")
    ]


@pytest.mark.parametrize(
    ("who", "body", "status", "reason"),
    [
        ("jitsi", {}, 409, "this room reports who is in it by itself: nothing to confirm"),
        ("nobody", {}, 404, "unknown personal link"),
        ("linked", None, 415, "send it as application/json"),
        ("linked", "[", 400, ""),
    ],
)
async def test_im_here_refusals(
    serve, http, redis_url, tmp_path: Path, who: str, body: object, status: int, reason: str
) -> None:
    running, live, linked, jitsi = await _in_round_one(serve, redis_url, tmp_path)
    token = {"linked": live.token_of[linked[0]], "jitsi": live.token_of[jitsi[0]]}.get(
        who, "no-such-token"
    )
    url = f"{running.base_url}/p/{token}/here"
    if body is None:
        answer = await http.post(url, content=b"{}", headers={"Content-Type": "text/plain"})
    elif isinstance(body, str):
        answer = await http.post(
            url, content=body.encode(), headers={"Content-Type": "application/json"}
        )
    else:
        answer = await http.post(url, json=body)
    assert answer.status_code == status, answer.text
    if reason:
        assert answer.json()["error"] == reason
    assert await running.app[SERVICE].store.marks() == []


async def test_reports_and_the_board_say_which_source_saw_whom(
    serve, http, redis_url, tmp_path: Path
) -> None:
    """In a link room nobody is reported by a platform: two people follow /go, one of them
    presses "I'm here". The round's report and the board say "1 confirmed, 2 sent" for that
    room, and the person who did nothing is unknown, never absent."""
    running, live, linked, _ = await _in_round_one(serve, redis_url, tmp_path)
    room = next(p.room for p in live.days[linked[0]] if p.round == 1)
    same_room = [
        pid for pid in linked if next(p.room for p in live.days[pid] if p.round == 1) == room
    ]
    assert len(same_room) >= 3
    sent, confirmed, idle = same_room[0], same_room[1], same_room[2]
    for pid in (sent, confirmed):
        answer = await http.get(f"{running.base_url}/go/{live.token_of[pid]}")
        assert answer.headers["Location"] == LINKS[room]
    here = await http.post(f"{running.base_url}/p/{live.token_of[confirmed]}/here", json={})
    assert here.status_code == 200

    report = await http.get(f"{running.base_url}/api/v1/rounds/1/attendance", headers=AUTH)
    assert report.status_code == 200, report.text
    rows = {r["participant"]: r for r in report.json()["rows"]}
    assert (rows[confirmed]["status"], rows[confirmed]["evidence"]) == ("in-room", "confirmed")
    # the room reports nobody: following its link counts, and the row says so
    assert (rows[sent]["status"], rows[sent]["evidence"]) == ("in-room", "sent")
    assert (rows[idle]["status"], rows[idle]["evidence"]) == ("unknown", "")
    rooms = {r["room"]: r["presence"] for r in report.json()["rooms"]}
    assert rooms[room]["text"] == "1 confirmed, 2 sent"
    assert rooms[room]["strongest"] == "confirmed"
    assert rooms[room]["counts"] == {"sent": 2, "confirmed": 1, "checked-in": 0, "webhook": 0}

    async with board_client(running.base_url) as client:

        async def tile() -> dict | None:
            state = (await client.get("/board/state")).json()
            found = next(t for t in state["tiles"] if t["room"] == room)
            return found if found["presence"]["text"] == "1 confirmed, 2 sent" else None

        shown = await eventually(tile, seconds=10, interval=0.2)
        assert shown["link"] == LINKS[room]


async def test_a_keynote_counts_the_sources_its_evidence_names(
    serve, http, redis_url, tmp_path: Path
) -> None:
    """k1 counts confirmed presence: a person who pressed "I'm here" in its link room
    attended; one who only followed /go did not (sent is not in its evidence)."""
    path = mixed_example(tmp_path, {**LINKS, "keynote": "https://rooms.example.org/hall"})
    toml = path.read_text(encoding="utf-8").replace(
        'room = "keynote"\nthreshold = 0.75\n',
        'room = "keynote"\nthreshold = 0.75\nevidence = ["webhook", "confirmed"]\n',
        1,
    )
    path.write_text(toml, encoding="utf-8")
    speed = 1.0
    running = await serve(
        path, redis_url=redis_url, speed=speed, start_at=start_so_that_now_is(65, speed)
    )  # 10:05, five minutes into k1
    live: Live = running.app[SERVICE].require_live()
    planned = next(k for k in live.plan.keynotes if k.id == "k1")
    attendee, clicker = planned.audience[0], planned.audience[1]
    for pid in (attendee, clicker):
        answer = await http.get(f"{running.base_url}/go/{live.token_of[pid]}")
        assert answer.headers["Location"] == "https://rooms.example.org/hall"
    here = await http.post(f"{running.base_url}/p/{live.token_of[attendee]}/here", json={})
    assert here.status_code == 200 and here.json()["slot"] == "keynote-k1"
    report = await http.get(f"{running.base_url}/api/v1/keynotes/k1/attendance", headers=AUTH)
    body = report.json()
    rows = {r["participant"]: r for r in body["rows"]}
    assert (rows[attendee]["status"], rows[attendee]["evidence"]) == ("attended", "confirmed")
    assert (rows[clicker]["status"], rows[clicker]["evidence"]) == ("absent", "sent")
    assert body["presence"]["text"] == "1 confirmed, 2 sent"


def test_the_agenda_and_its_calendar_show_the_link(tmp_path: Path) -> None:
    from schedules.exports import agenda_ics
    from schedules.planner import plan_rotation

    programme = load_programme(mixed_example(tmp_path))
    plan = plan_rotation(programme, seed=0)
    pid = next(
        p.id
        for p in programme.participants
        if any(s.room == "r7" and p.id in s.audience for r in plan.rounds for s in r.rooms)
    )
    text = agenda_ics(programme, plan, pid, t=EN).decode()
    unfolded = text.replace("\r\n ", "")
    assert f"LOCATION:{LINKS['r7']}" in unfolded
    assert f"Room 7: {LINKS['r7']}" in unfolded


# a self-hosted Jitsi: on the real day public meet.jit.si reports nobody (test_public_jitsi.py)


def test_a_rehearsal_plays_link_rooms_through_go_and_im_here(tmp_path: Path) -> None:
    """The simulator sends no webhook for a room on a link (no platform would); people there
    follow /go on arriving, and most press "I'm here" a minute later."""
    from orchestrator.rehearsal.simulated_presence import due, link_steps

    programme = load_programme(mixed_example(tmp_path))
    live = make_live(programme, base_url="")
    day = (live.timeline.starts - live.timeline.starts.resolution, live.timeline.ends)
    hooks = due(live, *day)
    linked_names = {live.room_names[r] for r in LINKS}
    assert hooks and not [h for h in hooks if h["fqn"].split("/")[-1] in linked_names]
    steps = link_steps(live, *day)
    goes = [t for path, t in steps if path == "go"]
    heres = [t for path, t in steps if path == "here"]
    assert goes and 0.5 * len(goes) < len(heres) < len(goes)
    owner = {t: p for p, t in live.token_of.items()}
    assert all(
        any(pl.room in LINKS for pl in live.days[owner[t]]) for t in goes
    )  # only people with a link room
    first = {t: steps.index(("go", t)) for t in heres}
    assert all(first[t] < steps.index(("here", t)) for t in heres)  # /go before "I'm here"


def test_the_board_never_counts_a_link_room_as_empty(tmp_path: Path) -> None:
    """With the Jitsi feed live, a Jitsi room nobody is in raises its alerts; a room on a link
    reports nobody, so its webhook counts are unknown (None), never 0, and raise no alert."""
    from orchestrator.views.board_view import PresenceFeed, snapshot

    programme = load_programme(mixed_example(tmp_path))
    live = make_live(programme, base_url="")
    now = live.timeline.rounds[0].start + timedelta(minutes=10)
    state = snapshot(live, {}, now, PresenceFeed(True, 1.0, 300))
    tiles = {t["room"]: t for t in state["tiles"]}
    assert {a["kind"] for a in tiles["r1"]["alerts"]} == {"no-presenters", "empty"}
    assert tiles["r1"]["live_audience"] == 0
    for room in LINKS:
        assert tiles[room]["alerts"] == []
        assert tiles[room]["live_audience"] is None
        assert tiles[room]["presenters_present"] is None
        assert tiles[room]["link"] == LINKS[room]


async def test_the_state_api_gives_link_rooms_no_false_zero(
    serve, http, redis_url, tmp_path: Path
) -> None:
    """With webhooks stored for a Jitsi room, a link room's `live_count` stays null and its
    `presence` says who was sent."""
    running, live, linked, _ = await _in_round_one(
        serve, redis_url, tmp_path, env={"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET}
    )
    jaas = JaasStandIn(http, running.base_url, JAAS_SECRET)
    created = jaas.envelope("ROOM_CREATED", live.room_names["r1"], time.time(), {})
    assert (await jaas.post(created)).status_code == 200
    room = next(p.room for p in live.days[linked[0]] if p.round == 1)
    await http.get(f"{running.base_url}/go/{live.token_of[linked[0]]}")
    state = (await http.get(f"{running.base_url}/api/v1/state", headers=AUTH)).json()
    rooms = {r["room"]: r for r in state["rooms"]}
    assert rooms[room]["live_count"] is None and rooms[room]["presenters_present"] is None
    assert rooms[room]["presence"]["text"] == "1 sent"
    assert rooms["r1"]["live_count"] == 0  # a Jitsi room with the feed on: a real 0


async def test_rota_attendance_shows_the_sources(http, tmp_path: Path) -> None:
    """`rota attendance` on a stopped event's folder: the rows' strongest source, and the
    keynote's presence by source (JSON; on stderr beside the CSV)."""
    import asyncio
    import subprocess
    import sys

    from tests.support.app import start_app

    path = mixed_example(tmp_path / "event", {"keynote": "https://rooms.example.org/hall"})
    data = tmp_path / "var"
    running = await start_app(
        path, data_dir=data, speed=1.0, start_at=start_so_that_now_is(65, 1.0)
    )
    live: Live = running.app[SERVICE].require_live()
    planned = next(k for k in live.plan.keynotes if k.id == "k1")
    channel_sync = planned.audience[0]
    await http.get(f"{running.base_url}/go/{live.token_of[channel_sync]}")
    assert (
        await http.post(f"{running.base_url}/p/{live.token_of[channel_sync]}/here", json={})
    ).status_code == 200
    await running.stop()  # the clicks are flushed on the way out
    rota = str(Path(sys.executable).parent / "rota")
    command = [rota, "attendance", str(path), "--keynote", "k1", "--data-dir", str(data)]
    as_json = await asyncio.to_thread(
        subprocess.run, [*command, "--format", "json"], capture_output=True, text=True, timeout=60
    )
    assert as_json.returncode == 0, as_json.stderr
    import json

    report = json.loads(as_json.stdout)
    assert report["presence"]["text"] == "1 confirmed, 1 sent"
    row = next(r for r in report["rows"] if r["participant"] == channel_sync)
    assert row["evidence"] == "confirmed"
    # k1 names no `evidence` and its room reports nobody: every source there is counts
    assert row["status"] == "attended"
    assert report["presence"]["attended_by"] == ["sent", "confirmed", "checked-in", "webhook"]
    as_csv = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, timeout=60
    )
    assert as_csv.returncode == 0
    assert "presence: 1 confirmed, 1 sent" in as_csv.stderr
    assert "attended: counted from sent, confirmed, checked-in, webhook" in as_csv.stderr


def test_the_invitation_lists_the_persons_link_rooms(tmp_path: Path) -> None:
    from orchestrator.mail.compose import compose
    from orchestrator.mail.config import MailConfig

    programme = load_programme(mixed_example(tmp_path))
    live = make_live(programme, base_url="", jitsi=JitsiConfig())
    config = MailConfig("127.0.0.1", 25, "none", "Rota <rota@example.org>")
    linked = next(
        p for p in programme.participants if any(pl.room == "r7" for pl in live.days[p.id])
    )
    elsewhere = next(
        p
        for p in programme.participants
        if p.role == "audience" and not any(pl.room in LINKS for pl in live.days[p.id])
    )
    now = datetime.now(UTC)
    mail = compose("invitation", live, linked, "https://rota.example.org", config, now)
    text = body_text(mail)
    html = body_text(mail, "html")
    assert f"Room 7: {LINKS['r7']}" in text
    assert f'<a href="{LINKS["r7"]}">' in html
    other = compose("invitation", live, elsewhere, "https://rota.example.org", config, now)
    assert "rooms.example.org" not in body_text(other)


STRANDED = (
    "team 't1' presents in room 'r1', which is only on campus, but nobody else in the roster "
    "comes to campus (`mode = onsite`): it would have no audience and no jury all day. Give the "
    "people who come `mode = onsite` in the roster, or give the room a `url` for online seats"
)


@pytest.mark.parametrize(
    ("room", "onsite_person", "warned"),
    [
        ('onsite = "Building A, room 2.14"', "", True),
        ('onsite = "Building A, room 2.14"', "p1", True),  # its own presenter is no audience
        ('onsite = "Building A, room 2.14"', "a1", False),
        (
            'onsite = "Building A, room 2.14"\nurl = "https://zoom.us/j/1"\nonline_capacity = 5',
            "",
            False,
        ),
    ],
    ids=["nobody-on-campus", "only-its-presenter", "someone-comes", "online-seats"],
)
def test_a_team_nobody_can_reach_is_warned_about(
    tmp_path: Path, room: str, onsite_person: str, warned: bool
) -> None:
    toml = BASE_TOML.replace(ROOM_R1, ROOM_R1 + "\n" + room, 1)
    rows = BASE_CSV.splitlines()
    rows = [rows[0] + ",mode"] + [
        row + (",onsite" if row.startswith(onsite_person + ",") and onsite_person else ",")
        for row in rows[1:]
    ]
    path = write_event(tmp_path, toml=toml, csv="\n".join(rows) + "\n")
    programme, problems = check_programme(path, {})
    assert programme is not None, [str(p) for p in problems]
    line = line_of(toml, "onsite =")
    expected = [f"{path}:{line}: warning: {STRANDED}"] if warned else []
    assert [str(p) for p in problems if "campus" in p.message] == expected


async def test_the_rooms_api_lists_a_link_room_by_its_link(
    serve, http, redis_url, tmp_path: Path
) -> None:
    running, _, _, _ = await _in_round_one(serve, redis_url, tmp_path)
    answer = await http.get(f"{running.base_url}/api/v1/rooms", headers=AUTH)
    assert answer.status_code == 200, answer.text
    rooms = {r["id"]: r for r in answer.json()}
    for room, link in LINKS.items():
        assert rooms[room]["url"] == link
        assert rooms[room]["kind"] == "link" and rooms[room]["jitsi_room"] is None
    assert rooms["r1"]["kind"] == "jitsi" and rooms["r1"]["url"].startswith("https://meet.jit.si/")
    assert rooms["r1"]["use"] == "team"
