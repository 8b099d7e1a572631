"""E-mail with a real SMTP server on loopback (STARTTLS, a certificate made here): invitations
one per person in their language with their first place at their local time, a link that
/go resolves to the room the plan says and the agenda attached; never twice; a refused
recipient failed while the others go out; reminders once each at rehearsal speed."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import httpx
import icalendar
import pytest
import pytest_asyncio

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.event.live import Live
from orchestrator.language.i18n import translator
from orchestrator.mail.compose import first_item
from schedules.model import Participant
from schedules.programme import check_programme
from tests.support.app import ARMED, AUTH, ROOT, board_client, start_app
from tests.support.builders import BASE_TOML, line_of, write_event
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.examples import example_with_mail
from tests.support.mailbox import FAST, Inbox, body_text, ids, invite, mail_marker, mail_server


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[Inbox]:
    yield from mail_server(tmp_path)


def by_recipient(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    return {m["To"].addresses[0].addr_spec: m for m in messages}


def calendar_of(message: EmailMessage) -> icalendar.Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


@pytest.fixture(scope="module")
def shared_inbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inbox]:
    yield from mail_server(tmp_path_factory.mktemp("smtp"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def invited_once(shared_inbox: Inbox, tmp_path_factory: pytest.TempPathFactory):
    """Read-only tests share one invited event (inviting 100 people takes a while)."""
    async for found in _invited(shared_inbox, tmp_path_factory.mktemp("event")):
        yield found


@pytest.fixture
async def invited(inbox: Inbox, tmp_path: Path):
    async for found in _invited(inbox, tmp_path):
        yield found


async def _invited(inbox: Inbox, tmp_path: Path):
    """The bundled example, round 1 running, every person invited by `rota invite`."""
    programme = example_with_mail(tmp_path / "event", inbox.section(remind_minutes="[1]"))
    data = tmp_path / "var"
    running = await start_app(
        programme, data_dir=data, speed=1.0, start_at=start_so_that_now_is(5, 1.0), **FAST
    )
    code, out, err = await invite(programme, running.base_url, data)
    yield running, inbox, (code, out, err), programme, data
    await running.stop()


@pytest.mark.asyncio(loop_scope="module")
async def test_invitations_arrive_one_per_person(invited_once) -> None:
    running, inbox, (code, out, err), _, _ = invited_once
    live: Live = running.app[SERVICE].require_live()
    people = [p for p in live.programme.participants if p.email]
    assert code == 0, err
    assert f"{len(people)} sent" in out
    messages = inbox.messages()
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == sorted(
        p.email for p in people
    )


@pytest.mark.asyncio(loop_scope="module")
async def test_each_invitation_is_in_the_persons_language_with_their_first_place_and_time(
    invited_once,
) -> None:
    running, inbox, *_ = invited_once
    live: Live = running.app[SERVICE].require_live()
    mails = by_recipient(inbox.messages())
    languages: Counter[str] = Counter()
    for person in live.programme.participants:
        message = mails[person.email]
        language = live.programme.language_of(person)
        languages[language] += 1
        t = translator(language)
        expected = t("mail_invite_subject", event=live.programme.event.title)
        assert message["Subject"].strip() == expected  # folded when long: a leading space
        assert message["Content-Language"] == language
        first = first_item(live, person, language)
        if not live.days[person.id]:  # an organiser roams: no first place to name
            assert first is None
            continue
        assert first is not None
        text = body_text(message)
        assert t("mail_first", **first.__dict__) in text
        local = live.days[person.id][0].start.astimezone(live.programme.tz_of(person))
        assert f"{local:%H:%M} ({live.programme.tz_of(person).key})" in text
        html = body_text(message, "html")
        assert live.link(person.id).replace(live.base_url, "") in html
    assert len(languages) >= 4  # the roster speaks de, en, fi, fr, pt


SNAPSHOTS = ROOT / "tests" / "fixtures" / "phrasing"


def neutral_text(live: Live, person_id: str, text: str) -> str:
    """The invitation's words with what varies between runs (links, names, places) replaced."""
    person = live.programme.participant_by_id[person_id]
    text = re.sub(r"https?://\S+", "<url>", text.replace("\r\n", "\n"))
    text = text.replace(person.name, "<name>")
    first = first_item(live, person, live.programme.language_of(person))
    if first is not None:
        text = text.replace(first.place, "<place>").replace(first.date, "<date>")
        text = text.replace(first.time, "<time>").replace(first.zone, "<zone>")
    return text


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("language", ["pt", "fr", "de"])
async def test_an_invitation_says_it_without_presuming_the_readers_gender(
    invited_once, language: str
) -> None:
    """The reviewed wording (tests/fixtures/phrasing/invitation.<lang>.txt): second person or
    neutral turns ("Com o seu link pessoal, entra…", not "leva-o"; "nous vous invitons", not
    "invité·e"). A changed catalog text shows here as a diff to review."""
    running, inbox, *_ = invited_once
    live: Live = running.app[SERVICE].require_live()
    mails = by_recipient(inbox.messages())
    person = next(
        p
        for p in live.programme.participants
        if live.programme.language_of(p) == language and p.email
    )
    text = neutral_text(live, person.id, body_text(mails[person.email]))
    snapshot = SNAPSHOTS / f"invitation.{language}.txt"
    if os.environ.get("ROTA_UPDATE_SNAPSHOTS"):
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8")


@pytest.mark.asyncio(loop_scope="module")
async def test_a_portuguese_invitations_calendar_is_in_portuguese(invited_once) -> None:
    running, inbox, *_ = invited_once
    live: Live = running.app[SERVICE].require_live()
    mails = by_recipient(inbox.messages())
    person = next(
        p
        for p in live.programme.participants
        if live.programme.language_of(p) == "pt" and live.days[p.id] and p.email
    )
    events = calendar_of(mails[person.email]).walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert summaries[0].startswith("Ronda 1: ")
    assert not any(s.startswith(("Round ", "Keynote: ")) for s in summaries)
    description = str(events[0]["DESCRIPTION"])
    assert f"O seu link pessoal: {live.link(person.id)}" in description
    alarm = next(iter(events[0].walk("VALARM")))
    assert str(alarm["DESCRIPTION"]) == f"{summaries[0]} começa dentro de 10 minutos"


@pytest.mark.asyncio(loop_scope="module")
async def test_every_link_in_an_invitation_leads_where_the_plan_says(invited_once) -> None:
    running, inbox, *_ = invited_once
    live: Live = running.app[SERVICE].require_live()
    mails = by_recipient(inbox.messages())
    for person in live.programme.participants:
        [link] = re.findall(r"https?://\S+/go/\S+", body_text(mails[person.email]))
        async with httpx.AsyncClient() as http:
            response = await http.get(link)
        if not live.days[person.id]:  # an organiser roams: their link opens their page
            continue
        assert response.status_code == 302
        first = live.days[person.id][0]
        if first.start > live.event_now():  # their day starts later: their page until then
            assert "/p/" in response.headers["Location"]
            continue
        assert live.room_names[first.room] in response.headers["Location"]


@pytest.mark.asyncio(loop_scope="module")
async def test_the_attached_agenda_carries_the_link_in_every_item(invited_once) -> None:
    running, inbox, *_ = invited_once
    live: Live = running.app[SERVICE].require_live()
    for message in inbox.messages():
        person = next(
            p
            for p in live.programme.participants
            if p.email == message["To"].addresses[0].addr_spec
        )
        items = list(calendar_of(message).walk("VEVENT"))
        assert items or not live.days[person.id]
        for item in items:
            assert str(item["URL"]) == live.link(person.id)
            assert str(item["LOCATION"]) == live.link(person.id)


@pytest.mark.asyncio(loop_scope="module")
async def test_each_invitation_links_the_privacy_notice_in_the_persons_language(
    invited_once,
) -> None:
    running, inbox, *_ = invited_once
    live: Live = running.app[SERVICE].require_live()
    mails = by_recipient(inbox.messages())
    for person in live.programme.participants:
        t = translator(live.programme.language_of(person))
        text = body_text(mails[person.email])
        assert f"{t('mail_privacy')} {live.link(person.id).replace('/go/', '/p/')}/privacy" in text


async def test_nobody_is_mailed_twice_unless_resend(invited) -> None:
    running, inbox, _, programme, data = invited
    before = inbox.count()
    code, out, _ = await invite(programme, running.base_url, data)
    assert code == 0 and "sent" not in out and "skipped" in out
    assert inbox.count() == before
    code, out, _ = await invite(
        programme, running.base_url, data, "--resend", "--only", "ana-silva"
    )
    assert code == 0 and "1 sent" in out
    assert inbox.count() == before + 1


async def test_a_restarted_service_sends_no_invitation_again(invited, http) -> None:
    running, inbox, _, programme, data = invited
    before = inbox.count()
    await running.stop()
    again = await start_app(programme, data_dir=data, resume=True, **FAST)
    try:
        response = await http.post(f"{again.base_url}/api/v1/invitations", headers=AUTH)
        assert response.status_code == 202
        marker = await mail_marker(again, inbox)  # queued after them: they were skipped
        assert ids(inbox.messages()[before:]) == ids([marker])
        listing = await http.get(f"{again.base_url}/api/v1/invitations", headers=AUTH)
        assert {r["status"] for r in listing.json()} == {"sent"}
        assert all(r["message_id"].startswith("<") for r in listing.json())
    finally:
        await again.stop()


async def test_a_refused_recipient_is_listed_as_failed_while_the_others_go_out(
    inbox: Inbox, tmp_path: Path
) -> None:
    programme = example_with_mail(tmp_path / "event", inbox.section())
    inbox.refuse.add("ana-silva@example.org")
    data = tmp_path / "var"
    running = await start_app(programme, data_dir=data, **FAST)
    try:
        three = ("--only", "ana-silva", "--only", "emma-schmidt", "--only", "onni-virtanen")
        code, out, err = await invite(programme, running.base_url, data, *three)
        people = ["ana-silva", "emma-schmidt", "onni-virtanen"]
        assert code == 1
        assert "failed: ana-silva: refused by the server: 550" in err
        assert f"{len(people) - 1} sent" in out and "1 failed" in out
        assert inbox.count() == len(people) - 1
        async with httpx.AsyncClient(base_url=running.base_url, headers=AUTH) as api:
            failed = (await api.get("/api/v1/invitations?status=failed")).json()
        assert [(r["participant"], r["status"]) for r in failed] == [("ana-silva", "failed")]
        inbox.refuse.clear()  # the address is fixed: the next run sends only the failed one
        code, out, _ = await invite(programme, running.base_url, data, *three)
        assert code == 0 and "1 sent" in out and "2 skipped" in out
        assert inbox.count() == len(people)
    finally:
        await running.stop()


async def test_an_unreachable_server_is_one_line_per_failure_and_exit_one(
    tmp_path: Path,
) -> None:
    from tests.support.app import free_port

    section = (
        f'[mail]\nhost = "127.0.0.1"\nport = {free_port()}\nsecurity = "none"\n'
        'from = "rota@example.org"\n'
    )
    programme = example_with_mail(tmp_path / "event", section)
    data = tmp_path / "var"
    running = await start_app(programme, data_dir=data, **FAST)
    await running.stop()
    code, out, err = await invite(
        programme, "https://rota.example.org", data, "--only", "ana-silva", "--only", "emma-schmidt"
    )
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 2 and all("cannot reach the mail server" in line for line in lines)
    assert "Traceback" not in err
    assert "2 failed" in out


async def rehearse_small(inbox: Inbox, tmp_path: Path, **options: object):
    """A small generated day rehearsed at 300×: round 1 in 6 s, so the reminders (20 and 10
    minutes ahead) are due at 2 s and 4 s."""
    programme = example_with_mail(
        tmp_path / "event", inbox.section(remind_minutes="[20, 10]"), small=True
    )
    speed = 300.0
    running = await start_app(
        programme,
        data_dir=tmp_path / "var",
        speed=speed,
        start_at=start_so_that_now_is(-30, speed),
        **FAST,
        **options,
    )
    return programme, running


def reminder_subject(live: Live, person: Participant) -> str:
    language = live.programme.language_of(person)
    first = first_item(live, person, language)
    assert first is not None
    title = live.programme.event.title
    return translator(language)(
        "mail_reminder_subject", event=title, time=first.time, zone=first.zone
    )


async def test_reminders_arrive_once_each_at_rehearsal_speed(
    inbox: Inbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="orchestrator.boundaries.transitions")
    programme, running = await rehearse_small(inbox, tmp_path, mail_in_rehearsal=True)
    try:
        live: Live = running.app[SERVICE].require_live()
        # everyone with an address and a first item (organisers roam: nothing to remind of)
        people = [p for p in live.programme.participants if p.email and live.days[p.id]]
        await eventually(lambda: inbox.count() >= 2 * len(people), seconds=90)
        marker = await mail_marker(running, inbox)  # queued after any reminder: none came since
        reminders = inbox.messages()[:-1]
        assert ids(inbox.messages()[-1:]) == ids([marker])
        per_person = Counter(m["To"].addresses[0].addr_spec for m in reminders)
        assert per_person == {p.email: 2 for p in people}
        for message in reminders:  # in the person's language, with their first item's time
            person = next(p for p in people if p.email == message["To"].addresses[0].addr_spec)
            assert message["Subject"].strip() == reminder_subject(live, person)
        armed = caplog.text.count(ARMED)
    finally:
        await running.stop()
    again = await start_app(
        programme, data_dir=tmp_path / "var", resume=True, mail_in_rehearsal=True, **FAST
    )
    try:
        # the new leader re-armed the day (the reminders with it), then the marker went out
        await eventually(lambda: caplog.text.count(ARMED) > armed, seconds=30)
        again_marker = await mail_marker(again, inbox)
        assert ids(inbox.messages()[len(reminders) + 1 :]) == ids([again_marker])  # nothing else
    finally:
        await again.stop()


MAIL_CASES = {
    "missing host": ('[mail]\nfrom = "rota@example.org"\n', "[mail]", "missing `host` in [mail]"),
    "bad security": (
        '[mail]\nhost = "smtp.example.org"\nfrom = "rota@example.org"\nsecurity = "ssl"\n',
        "security",
        "`security` must be starttls, tls or none",
    ),
    "a typo": (
        '[mail]\nhots = "smtp.example.org"\nfrom = "rota@example.org"\n',
        "hots",
        "unknown key 'hots' in [mail] (did you mean 'host'?)",
    ),
    "not an address": (
        '[mail]\nhost = "smtp.example.org"\nfrom = "the organisers"\n',
        "from",
        "`from`: 'the organisers' is not an e-mail address",
    ),
    "username without password_env": (
        '[mail]\nhost = "smtp.example.org"\nfrom = "rota@example.org"\nusername = "rota"\n',
        "username",
        "a `username` needs `password_env`",
    ),
    "password not in the environment": (
        '[mail]\nhost = "smtp.example.org"\nfrom = "rota@example.org"\nusername = "rota"\n'
        'password_env = "ROTA_SMTP_PASSWORD"\n',
        "password_env",
        "the environment variable ROTA_SMTP_PASSWORD is not set",
    ),
    "reminder not ahead": (
        '[mail]\nhost = "smtp.example.org"\nfrom = "rota@example.org"\nremind_minutes = [15, 0]\n',
        "remind_minutes",
        "`remind_minutes` must be above 0, not 0",
    ),
}


@pytest.mark.parametrize("case", list(MAIL_CASES))
def test_a_broken_mail_section_is_refused_by_check_with_its_line(tmp_path: Path, case: str) -> None:
    section, where, message = MAIL_CASES[case]
    toml = BASE_TOML + "\n" + section
    path = write_event(tmp_path, toml=toml)
    programme, problems = check_programme(path, {})
    assert programme is None
    found = [p for p in problems if message in p.message]
    assert found, problems
    assert found[0].line == line_of(toml, where)
    section_start = line_of(toml, "[mail]")
    assert len([p for p in problems if p.line >= section_start]) == 1  # one cause, one message


async def test_a_rehearsal_sends_no_reminders_unless_asked(inbox: Inbox, tmp_path: Path) -> None:
    _, running = await rehearse_small(inbox, tmp_path)
    try:
        store = running.app[STORE]
        # round 1 has begun: both reminders (20 and 10 minutes ahead) were due before it
        await eventually(lambda: store.redis.hexists(store.keys.fired, "round.started:1"), 30)
        marker = await mail_marker(running, inbox)
        assert ids(inbox.messages()) == ids([marker])
    finally:
        await running.stop()


async def test_a_move_sends_the_person_a_short_agenda_changed_mail(
    inbox: Inbox, tmp_path: Path
) -> None:
    programme = example_with_mail(tmp_path / "event", inbox.section(remind_minutes="[1]"))
    running = await start_app(
        programme,
        data_dir=tmp_path / "var",
        speed=1.0,
        start_at=start_so_that_now_is(5, 1.0),
        mail_in_rehearsal=True,
        **FAST,
    )
    try:
        live: Live = running.app[SERVICE].require_live()
        pid, room = next(
            (p.id, slot.room)
            for p in live.programme.participants
            if p.role == "audience" and p.email
            for slot in live.plan.round(6).rooms
            if slot.team
            not in {s.team for r in live.plan.rounds for s in r.rooms if p.id in s.audience}
        )
        async with httpx.AsyncClient(base_url=running.base_url, headers=AUTH) as api:
            moved = await api.post(
                f"/api/v1/participants/{pid}/move", json={"round": 6, "room": room}
            )
        assert moved.status_code == 200, moved.text
        await eventually(inbox.count, seconds=20)
        marker = await mail_marker(running, inbox)  # nothing else was queued before it
        [message] = [m for m in inbox.messages() if m["Message-ID"] != marker["Message-ID"]]
        person = live.programme.participant_by_id[pid]
        t = translator(live.programme.language_of(person))
        assert message["To"].addresses[0].addr_spec == person.email
        # (a long subject is folded after "Subject:", so it reads back with a leading space)
        expected = t("mail_changed_subject", event=live.programme.event.title)
        assert message["Subject"].strip() == expected
        items = list(calendar_of(message).walk("VEVENT"))
        assert any(str(i["SEQUENCE"]) == "2" for i in items)  # the new plan's version
    finally:
        await running.stop()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_boards_journal_says_the_invitations_in_one_line(invited_once) -> None:
    """Not 100 lines of "E-mail (invitation) to …: sent": one line that counts them, its
    entries kept for "show"."""
    running, *_ = invited_once
    live: Live = running.app[SERVICE].require_live()
    people = [p for p in live.programme.participants if p.email]
    async with (
        board_client(running.base_url) as client,
        client.stream("GET", "/board/events") as stream,
    ):
        lines = []
        async for row in stream.aiter_lines():
            if row.startswith("data: ") and '"last"' in row:
                lines.append(json.loads(row[6:]))
            if row.startswith("event: state"):
                break
    [mail] = [line for line in lines if line["group"] == "mail:invitation"]
    assert mail["text"] == f"{len(people)} invitations sent"
    assert len(mail["items"]) == len(people)
    assert mail["items"][0]["text"].startswith("Invitation sent to ")


PUBLIC = "https://rota.example.org"


async def invite_here(
    programme: Path, base_url: str, redis_url: str, *extra: str
) -> tuple[int, str, str]:
    """`rota invite` in this process (a thread: it runs its own event loop), on the shared
    Redis: seconds faster than a new process with its own redis-server."""
    from click.testing import CliRunner

    from orchestrator.cli import main

    arguments = ["invite", str(programme), "--base-url", base_url, "--redis", redis_url, *extra]
    result = await asyncio.to_thread(
        CliRunner().invoke, main, arguments, env={"ROTA_MAIL_BACKOFF_SCALE": "0.01"}
    )
    return result.exit_code, result.stdout, result.stderr


async def test_a_rehearsals_invitations_are_flagged_and_sent_once_again_for_the_real_day(
    inbox: Inbox, tmp_path: Path, http, redis_url: str
) -> None:
    """Invitations asked for during a rehearsal carry its loopback address; each record says
    so. `rota invite` with the public address then says how many and sends exactly those
    again, once: a second run sends nothing."""
    programme = example_with_mail(tmp_path / "event", inbox.section(), small=True)
    running = await start_app(programme, redis_url=redis_url, speed=60.0, start_at="now", **FAST)
    people = [p for p in running.app[SERVICE].require_live().programme.participants if p.email]
    try:
        asked = await http.post(f"{running.base_url}/api/v1/invitations", headers=AUTH)
        assert asked.status_code == 202, asked.text
        await eventually(lambda: inbox.count() == len(people) or None, seconds=20)
        listing = await http.get(f"{running.base_url}/api/v1/invitations", headers=AUTH)
        records = [r for r in listing.json() if r["kind"] == "invitation"]
        assert {(r["base_url"], r["rehearsal"]) for r in records} == {(running.base_url, True)}
    finally:
        await running.stop()

    code, out, err = await invite_here(programme, PUBLIC, redis_url, "--dry-run")
    assert code == 0 and f"{len(people)} would send" in out, err
    assert inbox.count() == len(people)
    code, out, err = await invite_here(programme, PUBLIC, redis_url)
    assert code == 0 and f"invitations: {len(people)} sent" in out, err
    assert (
        f"{len(people)} invitations went out during a rehearsal or with a loopback address "
        f"({running.base_url}): their links do not work for people elsewhere, so they are "
        f"sent again with {PUBLIC}"
    ) in err
    again = inbox.messages()[len(people) :]
    assert sorted(m["To"].addresses[0].addr_spec for m in again) == sorted(p.email for p in people)
    assert all(f"{PUBLIC}/go/" in body_text(m) for m in again)

    code, out, err = await invite_here(programme, PUBLIC, redis_url)
    assert code == 0 and f"invitations: {len(people)} skipped" in out, err
    assert "rehearsal" not in err and inbox.count() == 2 * len(people)


async def test_invitations_with_another_public_address_go_again_only_when_asked(
    inbox: Inbox, tmp_path: Path, redis_url: str
) -> None:
    programme = example_with_mail(tmp_path / "event", inbox.section(), small=True)
    running = await start_app(programme, redis_url=redis_url, **FAST)  # the real day, stored
    count = len([p for p in running.app[SERVICE].require_live().programme.participants if p.email])
    await running.stop()
    code, out, err = await invite_here(programme, "https://old.example.org", redis_url)
    assert code == 0 and f"{count} sent" in out, err

    code, out, err = await invite_here(programme, PUBLIC, redis_url)
    assert code == 0 and f"{count} skipped" in out, err
    assert (
        f"{count} invitations carry another address (https://old.example.org), not {PUBLIC}: "
        "add --resend-outdated to send them again"
    ) in err
    code, out, err = await invite_here(programme, PUBLIC, redis_url, "--resend-outdated")
    assert code == 0 and f"{count} sent" in out, err
    assert inbox.count() == 2 * count
