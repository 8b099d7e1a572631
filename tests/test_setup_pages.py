"""The setup pages over real HTTP on a setup-only service (no programme yet, as `rota serve
--data-dir DIR` starts on an empty folder): each step, and every refusal as a clear page."""

from __future__ import annotations

import contextlib
import html
import json
import re
from pathlib import Path

import httpx
import pytest

from orchestrator.appkeys import SERVICE
from schedules.programme import check_programme
from tests.support.app import AUTH
from tests.support.clock import start_so_that_now_is
from tests.support.examples import example_with_mail
from tests.support.mailbox import FAST, mail_server
from tests.support.setup_kit import DAY, organiser, setup_service, upload_list, workbook


async def test_without_a_session_the_setup_sends_to_the_login(tmp_path: Path, redis_url) -> None:
    async with (
        setup_service(tmp_path, redis_url) as base,
        httpx.AsyncClient(base_url=base) as client,
    ):
        assert (await client.get("/setup")).headers["Location"] == "/board/setup"
        page = await client.get("/board/setup")
        assert page.status_code == 303 and page.headers["Location"] == "/board"
        login = await client.get("/board")
        assert login.status_code == 200 and 'name="token"' in login.text
        post = await client.post("/board/setup/day", data=DAY, headers={"Origin": base})
        assert post.status_code == 401 and "session has ended" in post.text
    assert not (tmp_path / "setup" / "day.json").exists()


@pytest.mark.parametrize(
    "headers", [{"csrf": "forged"}, {"csrf": None}, {"origin": "https://evil.example"}]
)
async def test_a_post_without_this_sessions_token_is_refused(
    tmp_path: Path, redis_url, headers: dict[str, str | None]
) -> None:
    async with setup_service(tmp_path, redis_url) as base, organiser(base) as (client, csrf):
        form = dict(DAY)
        token = headers.get("csrf", csrf)
        if token is not None:
            form["csrf"] = token
        origin = {"Origin": value} if (value := headers.get("origin")) is not None else {}
        refused = await client.post("/board/setup/day", data=form, headers=origin)
        assert refused.status_code == 403, refused.text
        assert "anti-forgery token" in refused.text
    assert not (tmp_path / "setup" / "day.json").exists()


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("round_minutes", "0", "rounds must last at least one minute (round_minutes = 0)"),
        ("rounds", "three", "`rounds` must be a whole number, not 'three'"),
        ("rooms-1-seats", "0", "room 'r2' needs a capacity above 0"),
        ("timezone", "Europe/Atlantis", "Europe/Atlantis"),
    ],
)
async def test_a_wrong_value_is_said_next_to_its_field(
    tmp_path: Path, redis_url, field: str, value: str, said: str
) -> None:
    async with setup_service(tmp_path, redis_url) as base, organiser(base) as (client, csrf):
        page = await client.post("/board/setup/day", data={**DAY, field: value, "csrf": csrf})
        assert page.status_code == 422
        shown = html.unescape(page.text.split(f'id="{field}-said">')[1].split("</span>")[0])
        assert said in shown
        assert f'id="{field}" name="{field}" type=' in page.text  # the value kept in its field
        kept = json.loads((tmp_path / "setup" / "day.json").read_text())
        assert value in json.dumps(kept)  # nothing typed is lost


async def test_the_day_checks_and_goes_on_to_the_people(tmp_path: Path, redis_url) -> None:
    async with setup_service(tmp_path, redis_url) as base, organiser(base) as (client, csrf):
        page = await client.post("/board/setup/day", data={**DAY, "csrf": csrf, "next": "people"})
        assert page.status_code == 303 and page.headers["Location"] == "/board/setup/people"
        again = await client.get("/board/setup")
        assert "no errors" in again.text and 'value="Team Lisbon"' in again.text


@pytest.mark.parametrize(
    ("name", "data", "status", "said"),
    [
        ("notes.pdf", b"%PDF-1.4 not a list", 415, "is not a spreadsheet Rota reads"),
        ("list.xlsx", b"just some text", 415, "not an Excel workbook"),
        ("list.csv", b"\x00\x01\x02\xff\xfe", 415, "The list cannot be read"),
        ("big.csv", b"a,b\n" * 300_000, 413, "The file is over 1024 kB"),
    ],
)
async def test_an_upload_that_is_no_list_is_refused(
    tmp_path: Path, redis_url, name: str, data: bytes, status: int, said: str
) -> None:
    async with setup_service(tmp_path, redis_url) as base, organiser(base) as (client, csrf):
        sent = await client.post(
            "/board/setup/people", data={"csrf": csrf}, files={"list": (name, data)}
        )
        assert sent.status_code == status, sent.text[:500]
        assert said in sent.text
    assert not list((tmp_path / "setup").glob("participants.*"))


async def test_day_people_plan_publish(tmp_path: Path, redis_url) -> None:
    book = workbook(tmp_path / "mine.xlsx")
    data = tmp_path / "data"
    async with setup_service(data, redis_url) as base, organiser(base) as (client, csrf):
        await client.post("/board/setup/day", data={**DAY, "csrf": csrf})
        sent = await upload_list(client, csrf, book.name, book.read_bytes())
        assert sent.status_code == 303
        people = await client.get("/board/setup/people")
        assert "15 people" in people.text
        assert "&#34;Lisbon&#34; → Europe/Lisbon" in people.text  # the guess, shown
        plan = await client.get("/board/setup/plan")
        assert plan.status_code == 200 and "Who is where" in plan.text
        assert plan.text.count("<strong>Team ") == 9  # 3 rounds × 3 rooms
        assert "Audience per round" in plan.text and "Mixing" in plan.text
        version = plan.text.split('name="version" value="')[1].split('"')[0]
        done = await client.post("/board/setup/publish", data={"csrf": csrf, "version": version})
        assert done.status_code == 200 and 'id="published"' in done.text
        programme, problems = check_programme(data / "programme.toml", {})
        assert programme is not None, problems
        assert len(programme.participants) == 15
        csv_file = await client.get("/board/setup/files/roster.csv")
        assert csv_file.text == (data / "roster.csv").read_text()
        assert "attachment" in csv_file.headers["Content-Disposition"]
        stale = await client.post("/board/setup/publish", data={"csrf": csrf, "version": version})
        assert stale.status_code == 409
        assert f"showed version {version} of the draft" in stale.text

        by_hand = (
            '[privacy]\ncontroller = "Our university"  # added by hand\n'
            'contact = "privacy@example.org"\npurpose = "To run the day."\nretention_days = 30\n'
        )
        with (data / "programme.toml").open("a", encoding="utf-8") as published:
            published.write(by_hand)
        plan = await client.get("/board/setup/plan")
        version = plan.text.split('name="version" value="')[1].split('"')[0]
        again = await client.post("/board/setup/publish", data={"csrf": csrf, "version": version})
        assert again.status_code == 200
        assert by_hand in (data / "programme.toml").read_text()  # kept, not written over


async def test_a_day_that_cannot_be_planned_says_why(tmp_path: Path, redis_url) -> None:
    book = workbook(tmp_path / "mine.xlsx")
    small = {**DAY, **{f"rooms-{i}-seats": "2" for i in range(3)}}
    async with setup_service(tmp_path, redis_url) as base, organiser(base) as (client, csrf):
        await client.post("/board/setup/day", data={**small, "csrf": csrf})
        await upload_list(client, csrf, book.name, book.read_bytes())
        plan = await client.get("/board/setup/plan")
        assert "the rotation cannot be planned" in plan.text
        version = plan.text.split('name="version" value="')[1].split('"')[0]
        refused = await client.post("/board/setup/publish", data={"csrf": csrf, "version": version})
        assert refused.status_code == 422 and "fix the problems first" in refused.text
    assert not (tmp_path / "programme.toml").exists()


@pytest.mark.parametrize(("minutes", "linked"), [(-30, True), (30, False)])
async def test_the_board_leads_to_the_setup_until_the_day_starts(
    serve, tmp_path: Path, redis_url, minutes: float, linked: bool
) -> None:
    """Half an hour before the first item, and half an hour into the day (a rehearsal)."""
    running = await serve(
        redis_url=redis_url, data_dir=tmp_path, speed=60, start_at=start_so_that_now_is(minutes)
    )
    async with organiser(running.base_url) as (client, _):
        board = await client.get("/board")
        assert ('href="/board/setup"' in board.text) is linked


async def test_the_setup_from_the_board_begins_with_the_served_day(
    serve, tmp_path: Path, redis_url
) -> None:
    """The bundled example, served before it starts: its draft passes the same checks and
    describes the same day (rounds, rooms, teams, keynotes, people, hand-written sections)."""
    running = await serve(
        redis_url=redis_url, data_dir=tmp_path, speed=60, start_at=start_so_that_now_is(-30)
    )
    served = running.app[SERVICE].base_programme
    async with organiser(running.base_url) as (client, _):
        page = await client.get("/board/setup")
        assert "no errors" in page.text and served.event.title in html.unescape(page.text)
    draft, problems = check_programme(tmp_path / "setup" / "programme.toml", {})
    assert draft is not None, problems
    assert draft.rotation.starts == served.rotation.starts
    assert [(r.id, r.name, r.capacity) for r in draft.rooms] == [
        (r.id, r.name, r.capacity) for r in served.rooms
    ]
    assert [(t.id, t.name, t.room) for t in draft.teams] == [
        (t.id, t.name, t.room) for t in served.teams
    ]
    assert [(k.id, k.title, k.start, k.room, k.audience) for k in draft.keynotes] == [
        (k.id, k.title, k.start, k.room, k.audience) for k in served.keynotes
    ]
    assert len(draft.participants) == len(served.participants)
    assert draft.sections["privacy"] == served.sections["privacy"]


async def test_the_invitations_previewed_and_tried_on_the_organisers(
    serve, tmp_path: Path, redis_url, http
) -> None:
    """Each language read (the example's four and one French speaker) has its preview; the
    test mail goes to the organisers' address alone, with "[test]" in front, and nobody is
    recorded as invited."""
    with contextlib.contextmanager(mail_server)(tmp_path) as inbox:
        programme = example_with_mail(tmp_path / "event", inbox.section())
        running = await serve(
            programme,
            redis_url=redis_url,
            data_dir=tmp_path / "data",
            speed=60,
            start_at=start_so_that_now_is(-30),
            **FAST,
        )
        async with organiser(running.base_url) as (client, csrf):
            page = await client.get("/board/setup/invite")
            shown = re.findall(r'<section aria-labelledby="preview-([a-z]+)"', page.text)
            assert shown == ["de", "fi", "fr", "nl", "pt"]  # each language read, once
            assert page.text.count("/go/") == 5  # each with its person's link
            sent = await client.post("/board/setup/invite/test", data={"csrf": csrf})
            assert sent.status_code == 200 and "organisers@example.org" in sent.text
        assert inbox.count() == 1
        (to, raw) = inbox.received[0]
        assert to == ["organisers@example.org"] and b"[test]" in raw
        listing = await http.get(f"{running.base_url}/api/v1/invitations", headers=AUTH)
        assert listing.json() == []
