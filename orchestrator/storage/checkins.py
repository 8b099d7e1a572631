"""Check-ins at the doors of on-site rooms in Redis: the server secret their codes are signed
with (made once, shared by every process), and the check-ins of people not planned in that
room, kept apart (once per slot, room and person, with an audit entry the board's journal
shows): they are flagged, never attendance. A check-in where the person is planned is a
presence mark (`checked-in`, `Store.mark`)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from orchestrator.storage import replies as answers
from orchestrator.storage import scripts
from orchestrator.storage.outage import translating
from orchestrator.storage.store import AUDIT_MAXLEN, Store

SECRET_BYTES = 32
FLAGGED_KIND = "checkin.flagged"


@dataclass(frozen=True)
class Flagged:
    """A check-in at `room` by someone the plan has elsewhere (`expected`, "" for nowhere)."""

    item: str  # the slot, as the timeline names it: "round-3", "keynote-k1", or "-"
    room: str
    participant: str
    at: str  # ISO wall time
    expected: str = ""

    @property
    def field(self) -> str:
        return f"{self.item}|{self.room}|{self.participant}"

    def audit(self) -> dict[str, str]:
        return {
            "kind": FLAGGED_KIND,
            "item": self.item,
            "room": self.room,
            "participant": self.participant,
            "expected": self.expected,
        }


@translating
class CheckinStore:
    def __init__(self, store: Store) -> None:
        self.redis = store.redis
        self.keys = store.keys
        self._flag = store.redis.register_script(scripts.CHECKIN)

    async def secret(self) -> bytes:
        await self.redis.set(self.keys.checkin_secret, secrets.token_hex(SECRET_BYTES), nx=True)
        return bytes.fromhex(answers.text(await self.redis.get(self.keys.checkin_secret)))

    async def flag(self, check: Flagged) -> bool:
        """Keep a check-in where the person is not planned; False when already kept."""
        body = json.dumps({"at": check.at, "expected": check.expected}, separators=(",", ":"))
        flat = [part for pair in check.audit().items() for part in pair]
        created = await self._flag(
            keys=[self.keys.checkins_flagged, self.keys.audit],
            args=[check.field, body, AUDIT_MAXLEN, *flat],
        )
        return bool(created)

    async def flagged(self) -> list[Flagged]:
        raw = answers.fields(await self.redis.hgetall(self.keys.checkins_flagged))
        found = []
        for field, body in sorted(raw.items()):
            item, room, participant = field.split("|", 2)
            data = json.loads(body)
            found.append(Flagged(item, room, participant, data["at"], data.get("expected", "")))
        return found
