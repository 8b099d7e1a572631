"""What was mailed to whom, in Redis: one record per message kind and person, claimed before
sending (so two processes, or a restart, never send it twice) and marked sent only once the
server accepted it. Every outcome also goes to the audit stream."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from orchestrator.storage.store import Store

STALE_SECONDS = 600  # a "sending" claim older than this was left by a process that died

# Claim a record for sending: not when it was sent (unless resending) and not while another
# sender's claim is fresh.
_CLAIM = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local record = cjson.decode(current)
  if record['status'] == 'sent' and ARGV[3] ~= '1' then return 0 end
  if record['status'] == 'sending' and tonumber(record['claimed']) > tonumber(ARGV[4]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""


@dataclass(frozen=True)
class Record:
    key: str  # "invitation:<id>", "reminder-15@<run>:<id>", "changed-v3:<id>"
    participant: str
    kind: str
    status: str  # sending | sent | failed
    at: str = ""
    message_id: str = ""
    error: str = ""
    attempts: int = 0
    claimed: float = 0.0

    @classmethod
    def from_json(cls, raw: bytes | str) -> Record:
        return cls(**json.loads(raw))


def record_key(kind: str, participant: str) -> str:
    return f"{kind}:{participant}"


class MailRecords:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.redis = store.redis
        self.key = store.keys.mail
        self._claim = store.redis.register_script(_CLAIM)

    async def claim(self, kind: str, participant: str, resend: bool = False) -> bool:
        now = time.time()
        record = Record(record_key(kind, participant), participant, kind, "sending", claimed=now)
        return bool(
            await self._claim(
                keys=[self.key],
                args=[
                    record.key,
                    json.dumps(asdict(record)),
                    "1" if resend else "0",
                    now - STALE_SECONDS,
                ],
            )
        )

    async def finish(
        self, kind: str, participant: str, status: str, message_id: str, error: str, attempts: int
    ) -> Record:
        at = datetime.now(UTC).isoformat()
        record = Record(
            record_key(kind, participant),
            participant,
            kind,
            status,
            at,
            message_id,
            error,
            attempts,
        )
        await self.redis.hset(self.key, record.key, json.dumps(asdict(record)))
        await self.store.audit(
            [
                {
                    "kind": "mail",
                    "mail": kind,
                    "participant": participant,
                    "message_id": message_id,
                    "outcome": status,
                    "error": error,
                    "at": at,
                }
            ]
        )
        return record

    async def release(self, kind: str, participant: str) -> None:
        """A claim given up before anything was sent (e.g. shutting down)."""
        await self.redis.hdel(self.key, record_key(kind, participant))

    async def all(self) -> list[Record]:
        raw = await self.redis.hgetall(self.key)
        return sorted((Record.from_json(v) for v in raw.values()), key=lambda r: r.key)

    async def listing(self, status: str | None = None) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in asdict(r).items() if k != "claimed"}
            for r in await self.all()
            if status is None or r.status == status
        ]
