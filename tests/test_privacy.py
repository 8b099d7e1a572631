"""A person's own data: the export holds everything stored about them (agenda, clicks, room
events, presence, attendance, scores, moves, broadcasts) and nothing about anyone else, from
the running service's API and from `rota person --export` on the stopped event's folder."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.event.live import Live
from orchestrator.mail.records import MailRecords
from orchestrator.storage.checkins import CheckinStore, Flagged
from tests.support.app import AUTH, EXAMPLE
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.live import GOOD, juror_in_round
from tests.support.redis_kit import every_value
from tests.support.standin_jitsi import JAAS_SECRET, WEBHOOK_ENV, JaasStandIn

ROTA = str(Path(sys.executable).parent / "rota")


def mentions(text: str, value: str) -> bool:
    """`value` as a whole word (ids and tokens contain '-' and '_')."""
    return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text) is not None


def personal_values(live: Live, pid: str) -> list[str]:
    person = live.programme.participant_by_id[pid]
    return [v for v in (pid, person.name, person.email, live.token_of.get(pid, "")) if v]


async def busy_round_one(running, http) -> tuple[str, str]:
    """Two jurors of round 1 with room events, clicks and scores; a move and a broadcast."""
    live = running.app[SERVICE].require_live()
    jitsi = JaasStandIn(http, running.base_url, JAAS_SECRET)
    first, _, _ = juror_in_round(live, 1)
    other = next(
        p.id
        for p in live.programme.participants
        if p.role == "jury" and p.id != first and live.plan.room_in_round(p.id, 1) is not None
    )
    now = time.time()
    for i, pid in enumerate((first, other)):
        slot = live.plan.room_in_round(pid, 1)
        assert slot is not None
        name = live.programme.participant_by_id[pid].name
        await jitsi.joined(live.room_names[slot.room], now - 60, pid, name, f"c{i:07d}")
        go = await http.get(f"{running.base_url}/go/{live.token_of[pid]}")
        assert go.status_code == 302
    for pid in (first, other):
        mine = next(s.team for s in live.plan.round(1).rooms if pid in s.audience)
        answer = await http.post(
            f"{running.base_url}/p/{live.token_of[pid]}/scores",
            json={"team": mine, "scores": GOOD, "comment": f"seen by {pid}"},
        )
        assert answer.status_code == 200, answer.text
    records = MailRecords(running.app[STORE])
    for pid in (first, other):  # as the mail worker claims an invitation before sending it
        assert await records.claim("invitation", pid)
    sent = await http.post(
        f"{running.base_url}/api/v1/broadcast", json={"message": "Coffee at 11"}, headers=AUTH
    )
    assert sent.status_code == 201
    return first, other


async def test_the_export_holds_one_persons_data_and_nobody_elses(serve, http, redis_url) -> None:
    running = await serve(
        redis_url=redis_url,
        env=WEBHOOK_ENV,
        speed=1.0,
        start_at=start_so_that_now_is(10, speed=1.0),
    )
    live = running.app[SERVICE].require_live()
    first, _ = await busy_round_one(running, http)

    async def clicks_stored() -> bool:
        found = await http.get(
            f"{running.base_url}/api/v1/participants/{first}/export", headers=AUTH
        )
        return bool(found.json()["clicks"])

    await eventually(clicks_stored)
    answer = await http.get(f"{running.base_url}/api/v1/participants/{first}/export", headers=AUTH)
    assert answer.status_code == 200
    found = answer.json()
    text = answer.text
    assert found["participant"]["id"] == first and found["token"] == live.token_of[first]
    assert found["agenda"] and found["clicks"] and found["room_events"] and found["presence"]
    assert [s["juror"] for s in found["scores_given"]] == [first]
    assert list(found["mail"]) == [f"invitation:{first}"]
    assert found["broadcasts_received"][-1]["message"] == "Coffee at 11"
    assert found["attendance"]["rounds"]["1"][0]["minutes_in_room"] > 0
    for value in personal_values(live, first):
        assert mentions(text, value), value
    for person in live.programme.participants:
        if person.id == first:
            continue
        leaked = [v for v in personal_values(live, person.id) if mentions(text, v)]
        assert leaked == [], person.id


async def test_an_unknown_person_has_no_export(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    answer = await http.get(f"{running.base_url}/api/v1/participants/nobody/export", headers=AUTH)
    assert answer.status_code == 404 and "nobody" in answer.json()["error"]


async def stopped_after_round_one(serve, http, data: Path):
    """The event's folder after a busy round one, its Rota stopped: (live, first, other)."""
    running = await serve(
        data_dir=data,
        env=WEBHOOK_ENV,
        speed=1.0,
        start_at=start_so_that_now_is(10, speed=1.0),
    )
    live = running.app[SERVICE].require_live()
    first, other = await busy_round_one(running, http)
    await running.stop()
    return live, first, other


async def rota_person(data: Path, pid: str, *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [ROTA, "person", str(EXAMPLE), "--participant", pid, *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


async def test_rota_person_exports_from_the_stopped_events_folder(serve, http, tmp_path) -> None:
    live, first, other = await stopped_after_round_one(serve, http, tmp_path / "var")
    done = await rota_person(tmp_path / "var", first, "--export")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["token"] == live.token_of[first]
    assert found["clicks"] and found["room_events"] and found["scores_given"]
    assert not any(mentions(done.stdout, v) for v in personal_values(live, other))


async def test_erasing_a_person_mid_event(serve, http, redis_url) -> None:
    """Their link and page answer 404, nothing stored names them, their seat stays so nobody
    else's place changes, and the round's attendance still counts the seat."""
    running = await serve(
        redis_url=redis_url,
        env=WEBHOOK_ENV,
        speed=1.0,
        start_at=start_so_that_now_is(10, speed=1.0),
    )
    live = running.app[SERVICE].require_live()
    first, other = await busy_round_one(running, http)
    await eventually(lambda: _clicks_of(running, first))
    token = live.token_of[first]
    everyone_else = {
        p.id: [(w.room, w.kind) for w in live.days.get(p.id, [])]
        for p in live.programme.participants
        if p.id != first
    }
    before = await http.get(f"{running.base_url}/api/v1/rounds/1/attendance", headers=AUTH)
    erased = await http.post(f"{running.base_url}/api/v1/participants/{first}/erase", headers=AUTH)
    assert erased.status_code == 200, erased.text
    seat = erased.json()["seat"]
    assert (await http.get(f"{running.base_url}/go/{token}")).status_code == 404
    assert (await http.get(f"{running.base_url}/p/{token}")).status_code == 404
    after_live = running.app[SERVICE].require_live()
    assert {
        pid: [(w.room, w.kind) for w in after_live.days.get(pid, [])] for pid in everyone_else
    } == everyone_else
    after = await http.get(f"{running.base_url}/api/v1/rounds/1/attendance", headers=AUTH)
    rows_before = {r["participant"]: r for r in before.json()["rows"]}
    rows_after = {r["participant"]: r for r in after.json()["rows"]}
    assert rows_after[seat]["minutes_in_room"] > 0
    assert len(rows_after) == len(rows_before)
    assert rows_after[other] == rows_before[other]
    store = running.app[STORE]
    dump = await every_value(store)
    person = live.programme.participant_by_id[first]
    for value in (first, person.name, person.email, token):
        assert value.encode() not in dump, value
    assert (await http.get(f"{running.base_url}/go/{live.token_of[other]}")).status_code == 302


async def _clicks_of(running, pid: str) -> bool:
    return any(c["participant"] == pid for c in await running.app[STORE].clicks())


async def test_rota_person_erases_in_the_stopped_folder_and_a_restart_keeps_it(
    serve, http, tmp_path
) -> None:
    data = tmp_path / "var"
    live, first, other = await stopped_after_round_one(serve, http, data)
    erased = await rota_person(data, first, "--erase")
    assert erased.returncode == 0, erased.stderr
    assert "erased-" in erased.stdout
    again = await rota_person(data, first, "--export")
    assert again.returncode == 1 and "unknown participant" in again.stderr
    restarted = await serve(data_dir=data, env=WEBHOOK_ENV, resume=True)
    token = live.token_of[first]
    assert (await http.get(f"{restarted.base_url}/go/{token}")).status_code == 404
    assert (await http.get(f"{restarted.base_url}/go/{live.token_of[other]}")).status_code == 302
    after = restarted.app[SERVICE].require_live()
    assert first not in after.programme.participant_by_id
    assert any(p.startswith("erased-") for p in after.programme.participant_by_id)


async def test_the_export_holds_the_persons_flagged_check_ins(serve, http, redis_url) -> None:
    """A check-in at a door where the plan did not have them is theirs too (not attendance)."""
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    live = running.app[SERVICE].require_live()
    first, other = (p.id for p in live.programme.participants[:2])
    checkins = CheckinStore(running.app[STORE])
    for pid, room in ((first, "r1"), (other, "r2")):
        assert await checkins.flag(Flagged("round-1", room, pid, "2026-01-01T10:00:00+00:00"))
    answer = await http.get(f"{running.base_url}/api/v1/participants/{first}/export", headers=AUTH)
    assert answer.json()["checkins_flagged"] == [
        {"slot": "round-1", "room": "r1", "at": "2026-01-01T10:00:00+00:00", "expected": ""}
    ]


async def test_an_erased_persons_seat_gets_no_token_and_no_link(serve, http, redis_url) -> None:
    """Every process reloads the plan after an erasure: the seat that took the person's place
    is nobody, so no token is issued for it and no export lists it. Asked for, the seat
    answers 200 with its place and no link (it answered 500), the erased id 404."""
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    first = running.app[SERVICE].require_live().programme.participants[0].id
    erased = await http.post(f"{running.base_url}/api/v1/participants/{first}/erase", headers=AUTH)
    seat = erased.json()["seat"]

    async def reloaded() -> bool:
        return seat in running.app[SERVICE].require_live().programme.participant_by_id

    await eventually(reloaded)
    assert seat not in await running.app[STORE].tokens()
    listed = await http.get(f"{running.base_url}/api/v1/participants", headers=AUTH)
    assert seat not in {row["id"] for row in listed.json()}
    answer = await http.get(f"{running.base_url}/api/v1/participants/{seat}", headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["link"] is None and answer.json()["id"] == seat
    gone = await http.get(f"{running.base_url}/api/v1/participants/{first}", headers=AUTH)
    assert gone.status_code == 404, gone.text


@pytest.mark.parametrize("action", ["revoke", "erase"])
async def test_an_erased_persons_seat_cannot_be_given_a_link_or_erased_again(
    serve, http, redis_url, action: str
) -> None:
    """A seat is nobody: a new link for it (the fuzzer found a 500) or a second erasure (which
    made a seat of a seat) is refused with the reason."""
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    first = running.app[SERVICE].require_live().programme.participants[0].id
    erased = await http.post(f"{running.base_url}/api/v1/participants/{first}/erase", headers=AUTH)
    seat = erased.json()["seat"]
    answer = await http.post(
        f"{running.base_url}/api/v1/participants/{seat}/{action}", headers=AUTH
    )
    assert answer.status_code == 409, answer.text
    assert "seat" in answer.json()["error"]


async def test_a_late_arrival_cannot_bring_an_erased_id_back(serve, http, redis_url) -> None:
    """The programme leaves an erased id out for good; a late arrival under that id put it
    back into the plan only, and the next move or replan answered 500 (the fuzzer found it)."""
    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    live = running.app[SERVICE].require_live()
    gone = next(p.id for p in live.programme.participants if p.role == "audience")
    await http.post(f"{running.base_url}/api/v1/participants/{gone}/erase", headers=AUTH)
    late = {"id": gone, "name": "Someone Else", "role": "audience"}
    answer = await http.post(
        f"{running.base_url}/api/v1/replan",
        json={"change": "late_arrival", "participant": late},
        headers=AUTH,
    )
    assert answer.status_code == 409, answer.text
    assert "erased" in answer.json()["error"]


async def test_a_plan_saved_during_an_erasure_does_not_bring_the_person_back(
    serve, redis_url
) -> None:
    """A move or replan begun before an erasure may save a plan that still names the person
    after their records were rewritten (the fuzzer's parallel requests did; the next move
    answered 500): the erasure scrubs again before it settles the plan."""
    from orchestrator.storage.erasure import Person, anonymous_seat, erase_records, settle_plan

    running = await serve(redis_url=redis_url, speed=60.0, start_at="now")
    live = running.app[SERVICE].require_live()
    store = running.app[STORE]
    person = next(p for p in live.programme.participants if p.role == "audience")
    who = Person(person.id, "erased-0000abcd", person.name, person.email, "", person.ntfy)
    seat = anonymous_seat(person, who.anon)
    await erase_records(store, [(who, seat)])
    assert await store.save_plan(live.plan, await store.plan_version())  # the late move
    version = await settle_plan(store, who, seat)
    for v in range(1, version + 1):
        raw = await store.redis.get(store.keys.plan(v))
        assert not mentions(raw.decode(), person.id), v
