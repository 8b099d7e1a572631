"""Erasing one person mid-event (GDPR art. 17), as the running event does it: their records
scrubbed (storage/erasure.py), an anonymous seat keeping their place in the plan, every process
told to reload. The everyone-at-once erasure is the purge (privacy/purge.py)."""

from __future__ import annotations

import logging
import secrets

from orchestrator.errors import Conflict, NotFound
from orchestrator.event.live import Live
from orchestrator.storage.erasure import Person, anonymous_seat, erase_records, settle_plan
from orchestrator.storage.store import Store

log = logging.getLogger(__name__)


async def erase_person(live: Live, store: Store, pid: str, by: str = "organiser") -> str:
    """Erase `pid` from every stored record; returns the id of the anonymous seat that keeps
    their place in the plan (so nobody else moves and counts still add up). Every process
    reloads the plan, and their link answers 404 from then on."""
    person = live.programme.participant_by_id.get(pid)
    if person is None:
        raise NotFound(f"unknown participant {pid!r}")
    if person.anonymous:
        raise Conflict(f"{pid} is already an erased person's anonymous seat")
    anon = f"erased-{secrets.token_hex(4)}"
    token = live.token_of.get(pid) or (await store.tokens()).get(pid, "")
    who = Person(pid, anon, person.name, person.email, token, person.ntfy)
    seat = anonymous_seat(person, anon)
    await erase_records(store, [(who, seat)])
    version = await settle_plan(store, who, seat)
    await store.audit([{"kind": "erase", "participant": anon, "by": by}])
    await store.publish("plan-changed", version=version)
    log.info("participant %s erased; the anonymous seat %s keeps their place", pid, anon)
    return anon
