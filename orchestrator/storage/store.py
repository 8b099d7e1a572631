"""Rota's state in Redis. Everything answered 2xx is written here first."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from orchestrator.storage.keys import Keys
from schedules.clock import ClockState
from schedules.plan import Plan

TOKEN_BYTES = 24  # 192 bits: unguessable, URL-safe
AUDIT_MAXLEN = 1_000_000

# The lease is "instance:fence"; taking it bumps the fencing counter.
_ACQUIRE = """
if redis.call('SET', KEYS[1], 'pending', 'NX', 'PX', ARGV[2]) then
  local fence = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'PX', ARGV[2])
  return fence
end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# A boundary runs once: only the lease holder with the current fence may claim it, and the
# claim, the state, the outbox entry and the audit entry are written together or not at all.
_CLAIM = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[3], 'last', ARGV[2], 'data', ARGV[5])
  redis.call('XADD', KEYS[4], '*', 'type', ARGV[4], 'id', ARGV[2], 'data', ARGV[5])
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', '1000000', '*', 'kind', 'transition',
           'id', ARGV[2], 'status', ARGV[6])
return 1
"""
_CLOCK_CAS = """
local current = redis.call('GET', KEYS[1])
if current then
  local version = cjson.decode(current)['version']
  if tonumber(version) ~= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""
_SAVE_PLAN = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], current + 1)
return current + 1
"""


# Webhooks are stored once each: a dedupe key and its stream entry are written together,
# for a whole batch in one call.
_STORE_MANY = """
local stored = {}
local stream = KEYS[#KEYS]
for i = 1, #KEYS - 1 do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('XADD', stream, '*', 'event', ARGV[i + 1])
    stored[i] = 1
  else
    stored[i] = 0
  end
end
return stored
"""
DEDUPE_SECONDS = 3 * 24 * 3600


def received_at(entry_id: bytes | str) -> float:
    """A stream entry's id begins with the milliseconds at which Redis added it."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.split("-", 1)[0]) / 1000


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


class Store:
    def __init__(self, client: aioredis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys
        self._acquire = client.register_script(_ACQUIRE)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._claim = client.register_script(_CLAIM)
        self._clock_cas = client.register_script(_CLOCK_CAS)
        self._save_plan = client.register_script(_SAVE_PLAN)
        self._store_many = client.register_script(_STORE_MANY)

    # -- programme and plan ------------------------------------------------------------
    async def programme_digest(self) -> str | None:
        value = await self.redis.hget(self.keys.programme, "digest")
        return value.decode() if value else None

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
            await self.redis.hset(self.keys.token_owner, mapping=winners)

    async def tokens(self) -> dict[str, str]:
        """participant id -> token"""
        raw = await self.redis.hgetall(self.keys.tokens)
        return {k.decode(): v.decode() for k, v in raw.items()}

    async def revoked_tokens(self) -> set[str]:
        return {t.decode() for t in await self.redis.smembers(self.keys.revoked)}

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
        await self.redis.set(self.keys.room_salt, secrets.token_hex(5), nx=True)
        return (await self.redis.get(self.keys.room_salt)).decode()

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
                args=[holder, boundary, body, kind, json.dumps(data or {}), record.status],
            )
        )

    async def fired(self) -> dict[str, dict[str, Any]]:
        raw = await self.redis.hgetall(self.keys.fired)
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    # -- streams and messages ------------------------------------------------------------
    async def audit(self, entries: list[dict[str, str]]) -> None:
        if not entries:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for entry in entries:
                pipe.xadd(self.keys.audit, entry, maxlen=AUDIT_MAXLEN, approximate=True)
            await pipe.execute()

    async def recent_broadcasts(self, count: int = 50) -> list[tuple[str, str]]:
        """The newest broadcasts as (stream id, message), newest first."""
        entries = await self.redis.xrevrange(self.keys.broadcasts, count=count)
        return [(i.decode(), e.get(b"message", b"").decode()) for i, e in entries]

    async def clicks(self) -> list[dict[str, Any]]:
        """Every recorded /go click, oldest first (they are stored in batches)."""
        found: list[dict[str, Any]] = []
        for _, entry in await self.redis.xrange(self.keys.audit):
            if entry.get(b"kind") == b"go":
                found.extend(json.loads(entry[b"clicks"]))
        return found

    async def store_room_events(self, batch: list[tuple[str, str]]) -> list[bool]:
        """Several events in one script call: one round trip; each still stored once."""
        keys = [self.keys.webhook_seen(key) for key, _ in batch] + [self.keys.room_events]
        args = [DEDUPE_SECONDS, *(event_json for _, event_json in batch)]
        return [bool(r) for r in await self._store_many(keys=keys, args=args)]

    async def room_events(self) -> list[tuple[float, bytes]]:
        """Every stored room event with the time it was received (its stream id)."""
        return [
            (received_at(entry_id), entry[b"event"])
            for entry_id, entry in await self.redis.xrange(self.keys.room_events)
        ]

    async def publish(self, message_type: str, **data: Any) -> None:
        await self.redis.publish(self.keys.channel, json.dumps({**data, "type": message_type}))

    async def heartbeat(self, instance: str, ttl: float) -> None:
        await self.redis.set(self.keys.heartbeat(instance), str(time.time()), px=int(ttl * 1000))
