"""Notifications in Redis: subscribers, the outbox read through a consumer group, one queue
of jobs per subscriber with its due time and lock, the dead letters and the recently
delivered. Answers are decoded records (`Subscriber`, `Job`, `OutboxEntry`)."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from redis.exceptions import ResponseError

from orchestrator.storage import replies as answers
from orchestrator.storage import scripts
from orchestrator.storage.notify_records import Job, Subscriber
from orchestrator.storage.outage import translating
from orchestrator.storage.replies import text as _text
from orchestrator.storage.store import Store

GROUP = "notify"
RECENT = 1000


@dataclass(frozen=True)
class OutboxEntry:
    id: str
    type: str
    data: dict[str, Any]


@translating
class NotificationStore:
    def __init__(self, store: Store) -> None:
        self.redis = store.redis
        self.keys = store.keys
        self._release = self.redis.register_script(scripts.RELEASE)
        self._renew = self.redis.register_script(scripts.RENEW)
        self._idle = self.redis.register_script(scripts.QUEUE_IDLE)

    # -- subscribers -----------------------------------------------------------------------
    async def subscribers(self) -> dict[str, Subscriber]:
        raw = await self.redis.hgetall(self.keys.notify_subscribers)
        return {_text(k): Subscriber.from_json(v) for k, v in raw.items()}

    async def put_subscriber(self, sub: Subscriber) -> None:
        await self.redis.hset(self.keys.notify_subscribers, sub.id, sub.to_json())

    async def remove_subscriber(self, sub_id: str) -> bool:
        return bool(await self.redis.hdel(self.keys.notify_subscribers, sub_id))

    # -- the outbox ------------------------------------------------------------------------
    async def ensure_group(self) -> None:
        with contextlib.suppress(ResponseError):  # BUSYGROUP: it exists already
            await self.redis.xgroup_create(self.keys.outbox, GROUP, id="0", mkstream=True)

    async def read_outbox(self, consumer: str, claim_idle_ms: int) -> list[OutboxEntry]:
        """Entries another consumer read but never acknowledged (it crashed), then new ones;
        none when the group had gone (the outbox removed under it): it is made again."""
        try:
            return await self._read_outbox(consumer, claim_idle_ms)
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
        await self.ensure_group()
        return []

    async def _read_outbox(self, consumer: str, claim_idle_ms: int) -> list[OutboxEntry]:
        claimed = await self.redis.xautoclaim(
            self.keys.outbox, GROUP, consumer, claim_idle_ms, "0-0", count=100
        )
        entries = answers.stream(claimed[1] if isinstance(claimed, list) else None)
        fresh = await self.redis.xreadgroup(
            GROUP, consumer, {self.keys.outbox: ">"}, count=100, block=300
        )
        for _, items in fresh if isinstance(fresh, list) else []:
            entries.extend(answers.stream(items))
        return [
            OutboxEntry(
                entry_id,
                _text(fields.get(b"type", b"")),
                json.loads(fields.get(b"data", b"{}") or b"{}"),
            )
            for entry_id, fields in entries
        ]

    async def add_to_outbox(self, kind: str, data: dict[str, Any]) -> None:
        await self.redis.xadd(self.keys.outbox, {"type": kind, "data": json.dumps(data)})

    async def enqueue(self, jobs: list[Job], now: float, ack: str | None = None) -> None:
        """The jobs, their queues marked due and the entry's acknowledgement, together."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for job in jobs:
                pipe.set(self.keys.notify_job(job.id), job.to_json(), nx=True)
                pipe.rpush(self.keys.notify_queue(job.queue), job.id)
                pipe.zadd(self.keys.notify_due, {job.queue: now}, nx=True)
            if ack is not None:
                pipe.xack(self.keys.outbox, GROUP, ack)
            await pipe.execute()

    # -- queues ------------------------------------------------------------------------------
    async def due_queues(self, now: float, limit: int = 200) -> list[str]:
        due = await self.redis.zrangebyscore(self.keys.notify_due, "-inf", now, start=0, num=limit)
        return answers.texts(due)

    async def mark_due(self, queue: str, at: float) -> None:
        await self.redis.zadd(self.keys.notify_due, {queue: at})

    async def lock(self, queue: str, token: str, ms: int) -> bool:
        return bool(await self.redis.set(self.keys.notify_lock(queue), token, nx=True, px=ms))

    async def renew_lock(self, queue: str, token: str, ms: int) -> bool:
        """Still ours for another `ms`; False when the lease lapsed or was taken over."""
        return bool(await self._renew(keys=[self.keys.notify_lock(queue)], args=[token, ms]))

    async def unlock(self, queue: str, token: str) -> None:
        await self._release(keys=[self.keys.notify_lock(queue)], args=[token])

    async def head(self, queue: str) -> str | None:
        found = await self.redis.lindex(self.keys.notify_queue(queue), 0)
        return None if found is None else _text(found)

    async def drop_head(self, queue: str) -> None:
        await self.redis.lpop(self.keys.notify_queue(queue))

    async def done_if_empty(self, queue: str) -> bool:
        """Not due any more, if nothing was added meanwhile."""
        keys = [self.keys.notify_queue(queue), self.keys.notify_due]
        return bool(await self._idle(keys=keys, args=[queue]))

    # -- jobs ------------------------------------------------------------------------------
    async def job(self, job_id: str) -> Job | None:
        raw = await self.redis.get(self.keys.notify_job(job_id))
        return None if raw is None else Job.from_json(raw)

    async def save(self, job: Job) -> None:
        await self.redis.set(self.keys.notify_job(job.id), job.to_json())

    async def finish(self, job: Job) -> None:
        """Off the queue's head: delivered, or into the dead letters."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.keys.notify_job(job.id), job.to_json())
            pipe.lrem(self.keys.notify_queue(job.queue), 1, job.id)
            if job.status == "delivered":
                pipe.lpush(self.keys.notify_recent, job.id)
                pipe.ltrim(self.keys.notify_recent, 0, RECENT - 1)
            else:
                pipe.rpush(self.keys.notify_dead, job.id)
            await pipe.execute()

    async def requeue(self, job: Job, now: float) -> None:
        """A dead letter back at the end of its queue."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lrem(self.keys.notify_dead, 1, job.id)
            pipe.set(self.keys.notify_job(job.id), job.to_json())
            pipe.rpush(self.keys.notify_queue(job.queue), job.id)
            pipe.zadd(self.keys.notify_due, {job.queue: now})
            await pipe.execute()

    async def every_job(self) -> list[Job]:
        """Every delivery job stored, whatever its status (a person's data export)."""
        found = []
        async for key in self.redis.scan_iter(match=self.keys.notify_job("*"), count=1000):
            raw = await self.redis.get(key)
            if raw is not None:
                found.append(Job.from_json(raw))
        return found

    async def dead_count(self) -> int:
        return int(await self.redis.llen(self.keys.notify_dead))

    async def jobs(self, status: str, limit: int = 200) -> list[Job]:
        """Failed (oldest first), delivered (newest first) or pending (queue by queue)."""
        keys, redis = self.keys, self.redis
        if status == "failed":
            ids = answers.texts(await redis.lrange(keys.notify_dead, -limit, -1))
        elif status == "delivered":
            ids = answers.texts(await redis.lrange(keys.notify_recent, 0, limit - 1))
        else:
            ids = []
            for queue in answers.texts(await redis.zrange(keys.notify_due, 0, -1)):
                ids += answers.texts(await redis.lrange(keys.notify_queue(queue), 0, limit))
        found = []
        for job_id in ids[:limit]:
            job = await self.job(job_id)
            if job is not None:
                found.append(job)
        return found
