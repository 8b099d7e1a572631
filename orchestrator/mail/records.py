"""What was mailed to whom: one record per message kind and person, claimed before sending
(so two processes, or a restart, never send it twice) and marked sent only once the server
accepted it, kept by storage/mail.py. Every outcome also goes to the audit stream."""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from orchestrator.storage.mail_store import MailStore, Record
from orchestrator.storage.store import Store

STALE_SECONDS = 600  # a "sending" claim older than this was left by a process that died


def record_key(kind: str, participant: str) -> str:
    return f"{kind}:{participant}"


class MailRecords:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.mail = MailStore(store)

    async def claim(self, kind: str, participant: str, resend: bool = False) -> bool:
        now = time.time()
        record = Record(record_key(kind, participant), participant, kind, "sending", claimed=now)
        return await self.mail.claim(record, resend, stale_before=now - STALE_SECONDS)

    async def finish(
        self,
        kind: str,
        participant: str,
        status: str,
        message_id: str,
        error: str,
        attempts: int,
        base_url: str = "",
        rehearsal: bool = False,
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
            base_url=base_url,
            rehearsal=rehearsal,
        )
        await self.mail.put(record)
        await self.store.audit(
            [
                {
                    "kind": "mail",
                    "mail": kind,
                    "participant": participant,
                    "message_id": message_id,
                    "outcome": status,
                    "error": error,
                    "base_url": base_url,
                    "rehearsal": "yes" if rehearsal else "no",
                    "at": at,
                }
            ]
        )
        return record

    async def release(self, kind: str, participant: str) -> None:
        """A claim given up before anything was sent (e.g. shutting down)."""
        await self.mail.remove(record_key(kind, participant))

    async def all(self) -> list[Record]:
        return await self.mail.records()

    async def listing(self, status: str | None = None) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in asdict(r).items() if k != "claimed"}
            for r in await self.all()
            if status is None or r.status == status
        ]
