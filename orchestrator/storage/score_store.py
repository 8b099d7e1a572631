"""The jury's scores, the audience's ratings and the awards in Redis. Each write goes to its
hash and to the audit stream in one transaction, so the audit keeps every submission (a later
one replaces the earlier in the hash, never in the audit)."""

from __future__ import annotations

import json
from typing import Any

from orchestrator.storage import replies as answers
from orchestrator.storage.outage import translating
from orchestrator.storage.store import AUDIT_MAXLEN, Store
from schedules.scoring import Feedback, Score


@translating
class ScoreStore:
    def __init__(self, store: Store) -> None:
        self.redis = store.redis
        self.keys = store.keys

    async def _write(self, hash_key: str, field: str, body: str, audit: dict[str, str]) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(hash_key, field, body)
            pipe.xadd(
                self.keys.audit, answers.encodable(audit), maxlen=AUDIT_MAXLEN, approximate=True
            )
            await pipe.execute()

    async def save_score(self, score: Score) -> None:
        body = json.dumps(score.to_dict(), separators=(",", ":"))
        await self._write(
            self.keys.scores,
            f"{score.juror}|{score.team}",
            body,
            {"kind": "score", "juror": score.juror, "team": score.team, "data": body},
        )

    async def scores(self) -> list[Score]:
        raw = await self.redis.hgetall(self.keys.scores)
        return [Score.from_dict(json.loads(v)) for _, v in sorted(raw.items())]

    async def save_feedback(self, item: Feedback) -> None:
        body = json.dumps(item.to_dict(), separators=(",", ":"))
        await self._write(
            self.keys.feedback,
            f"{item.person}|{item.team}",
            body,
            {"kind": "feedback", "team": item.team, "data": body},
        )

    async def feedback(self) -> list[Feedback]:
        raw = await self.redis.hgetall(self.keys.feedback)
        return [Feedback.from_dict(json.loads(v)) for _, v in sorted(raw.items())]

    async def assign_award(self, award: str, teams: list[str], at: str) -> None:
        body = json.dumps({"teams": teams, "at": at}, separators=(",", ":"))
        await self._write(
            self.keys.awards,
            award,
            body,
            {"kind": "award", "award": award, "teams": " ".join(teams), "by": "organiser"},
        )

    async def awards(self) -> dict[str, dict[str, Any]]:
        raw = await self.redis.hgetall(self.keys.awards)
        return {k: json.loads(v) for k, v in answers.fields(raw).items()}

    async def announce(self, kind: str, data: dict[str, Any]) -> None:
        """An outbound notification (the notifier reads the outbox)."""
        await self.redis.xadd(self.keys.outbox, {"type": kind, "data": json.dumps(data)})
