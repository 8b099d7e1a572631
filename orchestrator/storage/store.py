"""Rota's state in Redis. Everything answered 2xx is written here first.

Only the modules in `orchestrator/storage/` talk to Redis: the others ask a store object
(this event store, `notifications.NotificationStore`, `sessions`, `scores.ScoreStore`), and
get back decoded values, never redis-py's bytes, and `StorageUnavailable`, never redis-py's
errors (storage/outage.py)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from orchestrator.storage import replies as answers
from orchestrator.storage import scripts
from orchestrator.storage.keys import Keys
from orchestrator.storage.outage import translated, translating
from orchestrator.storage.replies import StreamEntry
from schedules.clock import ClockState
from schedules.evidence import Mark
from schedules.plan import Plan

TOKEN_BYTES = 24  # 192 bits: unguessable, URL-safe
AUDIT_MAXLEN = 1_000_000  # entries of the audit stream kept (XADD MAXLEN ~), Lua's too

DEDUPE_SECONDS = 3 * 24 * 3600


def received_at(entry_id: bytes | str) -> float:
    """A stream entry's id begins with the milliseconds at which Redis added it."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.split("-", 1)[0]) / 1000


def stream_order(entry_id: str) -> tuple[int, int]:
    """A stream entry's id as a sortable pair (milliseconds, sequence)."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def redis_client(url: str) -> aioredis.Redis:
    """Retries ride out a short outage; /go never waits on Redis anyway."""
    return aioredis.Redis.from_url(
        url,
        socket_timeout=5,
        socket_connect_timeout=2,
        health_check_interval=10,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 3),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


@dataclass(frozen=True)
class Claim:
    status: str  # "fired" or "skipped"
    at: str  # the boundary's event time
    wall: float  # when it was claimed (Unix seconds)
    by: str
    fence: int


@translating
class Store:
    def __init__(self, client: aioredis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys
        self._acquire = client.register_script(scripts.ACQUIRE)
        self._renew = client.register_script(scripts.RENEW)
        self._release = client.register_script(scripts.RELEASE)
        self._claim = client.register_script(scripts.CLAIM)
        self._clock_cas = client.register_script(scripts.CLOCK_CAS)
        self._save_plan = client.register_script(scripts.SAVE_PLAN)
        self._store_many = client.register_script(scripts.STORE_MANY)
        self._mark = client.register_script(scripts.MARK)
        self.throttle = client.register_script(scripts.THROTTLE)  # storage/auth_failures.py

    # -- programme and plan ------------------------------------------------------------
    async def programme_digest(self) -> str | None:
        value = await self.redis.hget(self.keys.programme, "digest")
        return answers.text(value) if value else None

    async def save_programme(self, toml: bytes, roster: bytes) -> None:
        await self.redis.hset(
            self.keys.programme,
            mapping={"digest": digest(toml, roster), "toml": toml, "roster": roster},
        )

    async def plan_version(self) -> int:
        return int(await self.redis.get(self.keys.plan_current) or 0)

    async def load_plan(self) -> Plan | None:
        version = await self.plan_version()
        if not version:
            return None
        raw = await self.redis.get(self.keys.plan(version))
        return Plan.from_dict(json.loads(raw)) if raw else None

    async def save_plan(self, plan: Plan, expected_version: int) -> int:
        """Store `plan` as the next version if the current one is still `expected_version`;
        returns the new version, or 0 when another process changed the plan meanwhile."""
        version = expected_version + 1
        body = json.dumps(plan.with_version(version).to_dict(), separators=(",", ":"))
        return int(
            await self._save_plan(
                keys=[self.keys.plan_current, self.keys.plan(version)],
                args=[body, expected_version],
            )
        )

    # -- personal tokens ---------------------------------------------------------------
    async def ensure_tokens(self, participants: list[str]) -> None:
        existing = await self.redis.hgetall(self.keys.tokens)
        missing = [p for p in participants if p.encode() not in existing]
        if not missing:
            return
        offered = {p: secrets.token_urlsafe(TOKEN_BYTES) for p in missing}
        async with self.redis.pipeline(transaction=False) as pipe:
            for pid, token in offered.items():
                pipe.hsetnx(self.keys.tokens, pid, token)
            won = await pipe.execute()
        winners = {token: pid for (pid, token), ok in zip(offered.items(), won, strict=True) if ok}
        if winners:
            await self.redis.hset(self.keys.token_owner, mapping=answers.encodable(winners))

    async def tokens(self) -> dict[str, str]:
        """participant id -> token"""
        raw = await self.redis.hgetall(self.keys.tokens)
        return answers.fields(raw)

    async def revoked_tokens(self) -> set[str]:
        return set(answers.texts(await self.redis.smembers(self.keys.revoked)))

    async def revoke(self, participant: str) -> str:
        """Replace a participant's token; the old one answers 404 from now on."""
        old = await self.redis.hget(self.keys.tokens, participant)
        new = secrets.token_urlsafe(TOKEN_BYTES)
        async with self.redis.pipeline(transaction=True) as pipe:
            if old:
                pipe.sadd(self.keys.revoked, old)
                pipe.hdel(self.keys.token_owner, old)
            pipe.hset(self.keys.tokens, participant, new)
            pipe.hset(self.keys.token_owner, new, participant)
            await pipe.execute()
        return new

    async def room_salt(self) -> str:
        await self.redis.set(self.keys.room_salt, secrets.token_hex(16), nx=True)
        return answers.text(await self.redis.get(self.keys.room_salt))

    # -- late arrivals (people added on the day) -------------------------------------------
    async def extra_participants(self) -> list[dict[str, Any]]:
        raw = await self.redis.hgetall(self.keys.extra_participants)
        return [json.loads(v) for v in raw.values()]

    async def save_extra_participant(self, participant: str, fields: dict[str, Any]) -> None:
        body = json.dumps(fields, default=list)
        await self.redis.hset(self.keys.extra_participants, participant, body)

    # -- clock ---------------------------------------------------------------------------
    async def load_clock(self) -> ClockState | None:
        raw = await self.redis.get(self.keys.clock)
        return ClockState.from_dict(json.loads(raw)) if raw else None

    async def save_clock(self, clock: ClockState, expected_version: int | None) -> bool:
        """Compare-and-set on the clock's version, so two organisers cannot both apply a
        change computed from the same old clock. `None` overwrites (a new rehearsal)."""
        if expected_version is None:
            await self.redis.set(self.keys.clock, json.dumps(clock.to_dict()))
            return True
        return bool(
            await self._clock_cas(
                keys=[self.keys.clock], args=[json.dumps(clock.to_dict()), expected_version]
            )
        )

    async def reset_run(self) -> None:
        """A new run (a rehearsal, or the real day after one): the previous run's records
        (which boundaries fired, room events, clicks and organiser actions, broadcasts, the
        jury's scores, ratings and awards) would read as nonsense against the new clock.
        Nothing is deleted: they are renamed under `archive:<ms>:`. Tokens, the plan and the
        e-mail records stay."""
        stamp = int(time.time() * 1000)
        for key in self.keys.per_run:
            if await self.redis.exists(key):
                await self.redis.rename(key, self.keys.archived(stamp, key))

    # -- leadership and run-once ---------------------------------------------------------
    async def acquire_lease(self, instance: str, ttl: float) -> int:
        return int(
            await self._acquire(
                keys=[self.keys.leader, self.keys.fence], args=[instance, int(ttl * 1000)]
            )
        )

    async def renew_lease(self, holder: str, ttl: float) -> bool:
        return bool(await self._renew(keys=[self.keys.leader], args=[holder, int(ttl * 1000)]))

    async def release_lease(self, holder: str) -> None:
        await self._release(keys=[self.keys.leader], args=[holder])

    async def claim(
        self,
        holder: str,
        boundary: str,
        record: Claim,
        kind: str = "",
        data: dict[str, Any] | None = None,
    ) -> int:
        """1: ours, and its effects are stored; 0: already fired or skipped; -1: we are no
        longer the leader. A `kind` writes the state and an outbox entry with the claim."""
        body = json.dumps(record.__dict__)
        return int(
            await self._claim(
                keys=[
                    self.keys.leader,
                    self.keys.fired,
                    self.keys.state,
                    self.keys.outbox,
                    self.keys.audit,
                ],
                args=[
                    holder,
                    boundary,
                    body,
                    kind,
                    json.dumps(data or {}),
                    record.status,
                    AUDIT_MAXLEN,
                ],
            )
        )

    async def fired(self) -> dict[str, dict[str, Any]]:
        raw = await self.redis.hgetall(self.keys.fired)
        return {k: json.loads(v) for k, v in answers.fields(raw).items()}

    # -- streams and messages ------------------------------------------------------------
    async def audit(self, entries: list[dict[str, str]]) -> None:
        if not entries:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for entry in entries:
                pipe.xadd(
                    self.keys.audit, answers.encodable(entry), maxlen=AUDIT_MAXLEN, approximate=True
                )
            await pipe.execute()

    async def recent_broadcasts(self, count: int = 50) -> list[tuple[str, str]]:
        """The newest broadcasts as (stream id, message), newest first."""
        entries = answers.stream(await self.redis.xrevrange(self.keys.broadcasts, count=count))
        return [(i, answers.text(e.get(b"message", b""))) for i, e in entries]

    async def clicks(self) -> list[dict[str, Any]]:
        """Every recorded /go click, oldest first (they are stored in batches)."""
        found: list[dict[str, Any]] = []
        for _, entry in answers.stream(await self.redis.xrange(self.keys.audit)):
            if entry.get(b"kind") == b"go":
                found.extend(json.loads(entry[b"clicks"]))
        return found

    async def mark(self, mark: Mark) -> bool:
        """Record a presence mark once (per person, room, slot and source), with its audit
        entry; False when it was already recorded (pressing twice is not an error)."""
        return bool(
            await self._mark(
                keys=[self.keys.presence, self.keys.audit],
                args=[
                    mark.field,
                    repr(round(mark.at, 3)),
                    mark.person,
                    mark.source,
                    AUDIT_MAXLEN,
                ],
            )
        )

    async def marks(self) -> list[Mark]:
        """Every recorded presence mark of this run (`confirmed`, `checked-in`)."""
        raw = answers.fields(await self.redis.hgetall(self.keys.presence))
        found = []
        for key, at in raw.items():
            try:
                found.append(Mark.parse(key, float(at)))
            except ValueError:  # not one of ours: left out rather than breaking a report
                continue
        return sorted(found)

    async def store_room_events(self, batch: list[tuple[str, bytes]]) -> list[bool]:
        """Several events in one script call: one round trip; each still stored once. The
        answer is one string of "1" (stored) and "0" (a duplicate), one digit per event: one
        reply to parse instead of one per event."""
        keys = [self.keys.webhook_seen(key) for key, _ in batch] + [self.keys.room_events]
        args: list[bytes | int] = [DEDUPE_SECONDS, *(event_json for _, event_json in batch)]
        answer = await self._store_many(keys=keys, args=args)
        return [digit == 49 for digit in answer]  # b"1"

    async def room_events(self) -> list[tuple[float, bytes]]:
        """Every stored room event with the time it was received (its stream id)."""
        return [
            (received_at(entry_id), entry[b"event"])
            for entry_id, entry in answers.stream(await self.redis.xrange(self.keys.room_events))
        ]

    async def room_events_after(self, after: str, count: int) -> list[tuple[str, bytes]]:
        """The next `count` room events after stream id `after`: (id, stored event)."""
        batch = await self.redis.xrange(self.keys.room_events, min=f"({after}", count=count)
        return [(entry_id, entry[b"event"]) for entry_id, entry in answers.stream(batch)]

    async def audit_after(self, after: str, count: int) -> list[StreamEntry]:
        batch = await self.redis.xrange(self.keys.audit, min=f"({after}", count=count)
        return answers.decoded_stream(batch)

    async def audit_tail(self, count: int) -> list[StreamEntry]:
        """The newest `count` audit entries, oldest first."""
        batch = await self.redis.xrevrange(self.keys.audit, count=count)
        return answers.decoded_stream(batch)[::-1]

    async def add_broadcast(self, message: str, at: str) -> str:
        """The broadcast and its outbox entry together; returns the broadcast's id."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(
                self.keys.broadcasts,
                {"message": message, "at": at},
                maxlen=10_000,
                approximate=True,
            )
            pipe.xadd(
                self.keys.outbox, {"type": "broadcast", "data": json.dumps({"message": message})}
            )
            entry, _ = await pipe.execute()
        return answers.text(entry)

    async def mail_records(self) -> dict[str, str]:
        """What was mailed to whom: record key -> JSON (mail/records.py writes them)."""
        return answers.fields(await self.redis.hgetall(self.keys.mail))

    async def outbox_length(self) -> int:
        return int(await self.redis.xlen(self.keys.outbox))

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    def subscription(self) -> Subscription:
        return Subscription(self.redis.pubsub(), self.keys.channel)

    async def publish(self, message_type: str, **data: Any) -> None:
        await self.redis.publish(self.keys.channel, json.dumps({**data, "type": message_type}))

    async def heartbeat(self, instance: str, ttl: float) -> None:
        await self.redis.set(self.keys.heartbeat(instance), str(time.time()), px=int(ttl * 1000))

    async def drop_heartbeat(self, instance: str) -> None:
        """A process that stops cleanly says so at once (`rota purge` waits for none)."""
        await self.redis.delete(self.keys.heartbeat(instance))

    async def serving(self) -> str | None:
        """A process serving this event now: the leader lease's holder, else a standby
        with a live heartbeat; None when none is."""
        holder = await self.redis.get(self.keys.leader)
        if holder:
            return answers.text(holder).rsplit(":", 1)[0]
        async for key in self.redis.scan_iter(match=self.keys.heartbeat("*"), count=1000):
            return answers.text(key).removeprefix(self.keys.heartbeat(""))
        return None


@translating
class Subscription:
    """The event's pub/sub channel, its messages decoded: `async with store.subscription()`."""

    def __init__(self, pubsub: PubSub, channel: str) -> None:
        self._pubsub = pubsub
        self._channel = channel

    @translated
    async def __aenter__(self) -> Subscription:
        try:
            await self._pubsub.subscribe(self._channel)
        except BaseException:
            await self._close()
            raise
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._close()

    async def _close(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.aclose()

    async def next(self, wait: float) -> dict[str, Any] | None:
        """The next message published on the channel, or None after `wait` seconds."""
        message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=wait)
        if message is None or message["type"] != "message":
            return None
        decoded: dict[str, Any] = json.loads(message["data"])
        return decoded
