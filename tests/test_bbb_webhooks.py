"""bbb-webhooks beside polling (`[bbb] webhooks = true`): Rota registers its callback with
each meeting it creates, verifies every callback's checksum, and the two sources together
count each person once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from orchestrator.appkeys import SERVICE
from rooms.events import RoomEvent
from rooms.presence import Roster, intervals
from tests.support.app import board_client
from tests.support.clock import eventually
from tests.support.examples import BBB_ROOMS, serve_bbb
from tests.support.standin_bbb import BbbStandIn


async def _running(serve, redis_url, tmp_path: Path, bbb: BbbStandIn):
    running, live = await serve_bbb(
        serve, redis_url, tmp_path, bbb, 1.0, 10, extra="webhooks = true\n"
    )
    slot = next(s for s in live.plan.round(1).rooms if s.room in BBB_ROOMS)
    meeting = live.room_names[slot.room]
    await eventually(lambda: meeting in bbb.hooks, seconds=3)
    return running, live, slot, meeting


async def test_webhooks_and_polling_count_nobody_twice(
    serve, http, redis_url, tmp_path: Path, bbb: BbbStandIn
) -> None:
    running, live, slot, meeting = await _running(serve, redis_url, tmp_path, bbb)
    assert bbb.hooks[meeting] == f"{running.base_url}/webhooks/bbb"
    pid = slot.audience[0]
    answer = await http.get(f"{running.base_url}/go/{live.token_of[pid]}")
    assert (await bbb.open_join(answer.headers["Location"]))[0] == "SUCCESS"
    store = running.app[SERVICE].store

    async def stored() -> list[RoomEvent]:
        return [RoomEvent.from_json(raw) for _, raw in await store.room_events()]

    async def both(kind: str) -> bool:  # the callback and the poll each stored their own
        keys = [e.key for e in await stored() if e.kind == kind and e.person == pid]
        return {k.split(":")[0] for k in keys} == {"bbb", "bbbhook"}

    await eventually(lambda: both("joined"), seconds=3)
    async with board_client(running.base_url) as client:
        tiles = (await client.get("/board/state")).json()["tiles"]
        assert next(t for t in tiles if t["room"] == slot.room)["live_audience"] == 1
    bbb.leave(meeting, pid)
    await eventually(lambda: both("left"), seconds=3)
    assert ("user-joined", 200) in bbb.posted and ("user-left", 200) in bbb.posted
    roster = Roster(frozenset(live.programme.participant_by_id))
    stays = [i for i in intervals(await stored(), roster, lambda r, s: s) if i.person == pid]
    # one stay, one connection: not two merged into one as a reconnect would be
    assert [i.flags for i in stays] == [frozenset()], stays


@pytest.mark.parametrize("checksum", ["0" * 40, "f" * 64, "", "zz"])
async def test_a_callback_with_a_bad_checksum_is_refused(
    serve, http, redis_url, tmp_path: Path, bbb: BbbStandIn, checksum: str
) -> None:
    running, _, slot, meeting = await _running(serve, redis_url, tmp_path, bbb)
    event = {
        "data": {
            "id": "user-joined",
            "attributes": {
                "meeting": {"internal-meeting-id": "x-1", "external-meeting-id": meeting},
                "user": {"internal-user-id": "w_1", "external-user-id": slot.audience[0]},
            },
            "event": {"ts": int(time.time() * 1000)},  # a time that would be stored
        }
    }
    status = await bbb.post_callback(bbb.hooks[meeting], [event], checksum=checksum or "-")
    assert status == 401
    assert await running.app[SERVICE].store.room_events() == []
