"""Erasing one person from every Redis record (GDPR art. 17) while the event goes on: their
id becomes an anonymous seat's id wherever it is counted (plan, room events, clicks, scores),
their name, e-mail, token and what they wrote are removed. Streams cannot be edited in place,
so a stream that names them is rewritten under WATCH with its entries' own ids (received
times and order are kept, so reports add up as before)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from redis.exceptions import WatchError

from orchestrator.storage.store import Store, digest
from schedules.model import Participant, Programme

WRITTEN = ("comment", "line", "name", "email")  # what a person wrote or is called, in a record
OWNER = ("participant", "person", "juror")  # fields that say whose a record is


@dataclass(frozen=True)
class Person:
    """What identifies the person being erased, and the seat's new id."""

    id: str
    anon: str
    name: str
    email: str
    token: str

    def _text(self, value: str) -> str:
        if value == self.id:
            return self.anon
        if value in (self.name, self.email, self.token) or (
            self.email and value.lower() == self.email.lower()
        ):
            return ""
        for secret in (self.token, self.email, self.name):
            if secret:
                value = value.replace(secret, "[erased]")
        return re.sub(rf"(?<![\w-]){re.escape(self.id)}(?![\w-])", self.anon, value)

    def scrub(self, value: Any) -> Any:
        """A JSON value with every trace of the person replaced."""
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            theirs = any(value.get(k) == self.id for k in OWNER) or any(
                value.get(k) and value.get(k) in (self.name, self.email) for k in ("name", "email")
            )
            out = {self._text(k): self.scrub(v) for k, v in value.items()}
            if theirs:
                for key in WRITTEN:
                    if key in out:
                        out[key] = ""
                if "person" in out:  # a room event matched by name or e-mail: the seat's now
                    out["person"] = self.anon
            return out
        return value

    def scrub_bytes(self, raw: bytes) -> bytes:
        text = raw.decode()
        try:
            parsed = json.loads(text)
        except ValueError:
            return self._text(text).encode()
        if not isinstance(parsed, dict | list):
            return self._text(text).encode()
        return json.dumps(self.scrub(parsed), separators=(",", ":")).encode()

    def fields(self, entry: dict[bytes, bytes]) -> dict[bytes, bytes]:
        out = {k: self.scrub_bytes(v) for k, v in entry.items()}
        if any(entry.get(k.encode()) == self.id.encode() for k in OWNER):
            for key in WRITTEN:
                if key.encode() in out:
                    out[key.encode()] = b""
        return out


async def rewrite_stream(
    store: Store, key: str, change: Callable[[dict[bytes, bytes]], dict[bytes, bytes]]
) -> int:
    """Every entry of the stream through `change`, with its own id; returns how many
    changed. Retried when a writer added an entry meanwhile."""
    while True:
        async with store.redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(key)
                entries = await pipe.xrange(key)
                new = [(entry_id, change(fields)) for entry_id, fields in entries]
                changed = sum(a[1] != b[1] for a, b in zip(entries, new, strict=True))
                if not changed:
                    await pipe.unwatch()
                    return 0
                pipe.multi()
                pipe.delete(key)
                for entry_id, fields in new:
                    pipe.xadd(key, fields, id=entry_id)
                await pipe.execute()
                return changed
            except WatchError:
                continue


async def rewrite_hash(store: Store, key: str, change: Callable[[bytes], bytes]) -> int:
    """Every field and value of the hash through `change` (a field may be renamed)."""
    while True:
        async with store.redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(key)
                items = await pipe.hgetall(key)
                new = {change(k): change(v) for k, v in items.items()}
                if new == items:
                    await pipe.unwatch()
                    return 0
                pipe.multi()
                pipe.delete(key)
                if new:
                    pipe.hset(key, mapping=new)
                await pipe.execute()
                return sum(1 for k, v in items.items() if change(k) != k or change(v) != v)
            except WatchError:
                continue


def erased_field(salt: str, pid: str) -> str:
    """The erased list names a person only by a keyed digest of their id: a restart from a
    roster that still has them finds them erased, the list itself names nobody."""
    return digest(salt.encode(), pid.encode())


def seat_json(seat: Participant) -> str:
    fields = {**seat.__dict__, "unavailable": sorted(seat.unavailable)}
    return json.dumps(fields, separators=(",", ":"))


def seat_from_json(raw: bytes) -> Participant:
    data = json.loads(raw)
    return Participant(
        **{
            **data,
            "preferences": tuple(data["preferences"]),
            "keynotes": tuple(data["keynotes"]),
            "unavailable": frozenset(data["unavailable"]),
        }
    )


async def erased_seats(store: Store) -> dict[str, Participant]:
    """Keyed digest of an erased id -> the anonymous seat that took their place."""
    raw = await store.redis.hgetall(store.keys.erased)
    return {k.decode(): seat_from_json(v) for k, v in raw.items()}


async def _stored_keys(store: Store, kind: str, names: tuple[str, ...]) -> list[str]:
    """The keys named, and every archived run's copy of them, that exist as `kind`."""
    found = [k for k in names if (await store.redis.type(k)).decode() == kind]
    async for key in store.redis.scan_iter(match=store.keys.prefix + "archive:*", count=1000):
        if (await store.redis.type(key)).decode() == kind:
            found.append(key.decode())
    return found


async def _notifications(store: Store, who: Person) -> None:
    """Their own deliveries are deleted; every other delivery is scrubbed."""
    keys = store.keys
    mine: list[str] = []
    async for key in store.redis.scan_iter(match=keys.notify_job("*"), count=1000):
        raw = await store.redis.get(key)
        if raw is None:
            continue
        job = json.loads(raw)
        if str(job.get("queue", "")).endswith(f":{who.id}"):
            mine.append(str(job.get("id", "")))
            await store.redis.delete(key)
            await store.redis.delete(keys.notify_queue(str(job["queue"])))
            await store.redis.zrem(keys.notify_due, str(job["queue"]))
        else:
            await store.redis.set(key, who.scrub_bytes(raw), keepttl=True)
    for listing in (keys.notify_dead, keys.notify_recent):
        for job_id in mine:
            await store.redis.lrem(listing, 0, job_id)


async def erase_records(store: Store, who: Person, seat: Participant) -> None:
    """Every Redis record of the event, without the person (see the module's docstring)."""
    keys = store.keys
    salt = await store.room_salt()
    await store.redis.hset(keys.erased, erased_field(salt, who.id), seat_json(seat))
    await store.redis.hdel(keys.extra_participants, who.id)
    async with store.redis.pipeline(transaction=True) as pipe:
        pipe.hdel(keys.tokens, who.id)
        if who.token:
            pipe.hdel(keys.token_owner, who.token)
        await pipe.execute()
    for version in range(1, await store.plan_version() + 1):
        raw = await store.redis.get(keys.plan(version))
        if raw is not None:
            await store.redis.set(
                keys.plan(version), raw.replace(f'"{who.id}"'.encode(), f'"{who.anon}"'.encode())
            )
    streams = (keys.audit, keys.room_events, keys.broadcasts, keys.outbox)
    for key in await _stored_keys(store, "stream", streams):
        await rewrite_stream(store, key, who.fields)
    for key in await _stored_keys(store, "hash", (keys.scores, keys.feedback, keys.mail)):
        await rewrite_hash(store, key, who.scrub_bytes)
    for job in await store.redis.lrange(keys.mail_queue, 0, -1):  # mail not yet sent: dropped
        if who.scrub_bytes(job) != job:
            await store.redis.lrem(keys.mail_queue, 0, job)
    await _notifications(store, who)
    roster = await store.redis.hget(keys.programme, "roster")
    if roster is not None:
        kept = [line for line in roster.split(b"\n") if not line.startswith(f"{who.id},".encode())]
        await store.redis.hset(keys.programme, "roster", b"\n".join(kept))
    async for key in store.redis.scan_iter(match=keys.webhook_seen("*"), count=1000):
        if who.id.encode() in key:
            await store.redis.delete(key)


async def without_erased(store: Store, programme: Programme) -> Programme:
    """The programme with every erased person replaced by their anonymous seat (also when
    the roster file still has them)."""
    seats = await erased_seats(store)
    if not seats:
        return programme
    salt = await store.room_salt()
    people = tuple(p for p in programme.participants if erased_field(salt, p.id) not in seats)
    return replace(programme, participants=people + tuple(seats.values()))
