"""Mail in Redis: one record per message kind and person (`Keys.mail`), claimed before
sending and marked sent once the server accepted it, and the queue of mail jobs that any
process's worker takes (`Keys.mail_queue`). Answers are decoded records and jobs."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from orchestrator.storage import replies as answers
from orchestrator.storage import scripts
from orchestrator.storage.outage import translating
from orchestrator.storage.store import Store


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
    base_url: str = ""  # the public address the message's links were built on
    rehearsal: bool = False  # sent while a rehearsal ran (orchestrator/mail/addresses.py)

    @classmethod
    def from_json(cls, raw: bytes | str) -> Record:
        return cls(**json.loads(raw))

    def to_json(self) -> str:
        return json.dumps(asdict(self))


@translating
class MailStore:
    def __init__(self, store: Store) -> None:
        self.redis = store.redis
        self.keys = store.keys
        self._claim = self.redis.register_script(scripts.CLAIM_MAIL)

    async def claim(self, record: Record, resend: bool, stale_before: float) -> bool:
        """Store this "sending" record unless the message was sent (and this is no resend)
        or another sender's claim is newer than `stale_before`."""
        args = [record.key, record.to_json(), "1" if resend else "0", stale_before]
        return bool(await self._claim(keys=[self.keys.mail], args=args))

    async def put(self, record: Record) -> None:
        await self.redis.hset(self.keys.mail, record.key, record.to_json())

    async def remove(self, key: str) -> None:
        await self.redis.hdel(self.keys.mail, key)

    async def records(self) -> list[Record]:
        raw = answers.fields(await self.redis.hgetall(self.keys.mail))
        return sorted((Record.from_json(v) for v in raw.values()), key=lambda r: r.key)

    # -- the queue ---------------------------------------------------------------------------
    async def enqueue(self, jobs: list[dict[str, Any]]) -> None:
        if jobs:
            await self.redis.rpush(self.keys.mail_queue, *map(json.dumps, jobs))

    async def waiting(self) -> list[dict[str, Any]]:
        """The jobs no worker has taken yet (the setup shows their people as waiting)."""
        raw = await self.redis.lrange(self.keys.mail_queue, 0, -1)
        return [json.loads(r) for r in raw]

    async def take(self, wait: float) -> dict[str, Any] | None:
        """The oldest job, waiting up to `wait` seconds for one."""
        found = await self.redis.blpop([self.keys.mail_queue], timeout=wait)
        if found is None:
            return None
        job: dict[str, Any] = json.loads(found[1])
        return job
