"""Erasing people from every Redis record (GDPR art. 17): one person mid-event, or everyone
at once when the retention time is over (orchestrator/privacy/purge.py). Each id becomes an
anonymous seat's id wherever it is counted (plan, room events, clicks, scores); names,
e-mail addresses, tokens and what people wrote are removed.

Fast because it reads everything in a few round trips (one SCAN, pipelined reads), looks
for the people's values in each record's bytes before parsing any JSON, and writes once.
Streams cannot be edited in place: from the first entry that changes on, a stream is
rewritten by a Lua script with its entries' own ids (received times and order are kept, so
reports add up as before, and consumer groups keep their place); an entry added meanwhile
is read and scrubbed too, and the script runs again."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from redis.asyncio.client import Pipeline
from redis.exceptions import WatchError

from orchestrator.errors import Conflict
from orchestrator.storage import replies as answers
from orchestrator.storage import scripts
from orchestrator.storage.outage import translated
from orchestrator.storage.store import Store, digest
from schedules.model import Participant, Programme

WRITTEN = ("comment", "line", "name", "email")  # what a person wrote or is called, in a record
OWNER = ("participant", "person", "juror")  # fields that say whose a record is
ERASED = "[erased]"


@dataclass(frozen=True)
class Person:
    """What identifies one person being erased, and their seat's new id."""

    id: str
    anon: str
    name: str
    email: str
    token: str
    ntfy: str = ""

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.name, self.email, self.token, self.ntfy) if s)


def _alternation(values: Iterable[str]) -> str:
    return "|".join(re.escape(v) for v in sorted(set(values), key=len, reverse=True))


def _stored_forms(value: str) -> set[bytes]:
    """How a value can appear in a record's bytes: as UTF-8 and JSON-escaped, lower-case
    (ASCII) so that a record lower-cased the same way can be searched."""
    return {value.encode().lower(), json.dumps(value)[1:-1].encode().lower()}


class Eraser:
    """Every trace of some people taken out of stored values, in one pass for any number
    of people. With `everyone`, every record's names, e-mail addresses and comments go,
    also those of people who were never on the roster (the purge)."""

    def __init__(self, people: Iterable[Person], everyone: bool = False) -> None:
        people = list(people)
        self.everyone = everyone
        self.anon = {p.id: p.anon for p in people}
        self.owner = {s.lower(): p.anon for p in people for s in p.secrets}
        words = [s for p in people for s in p.secrets]
        ids = [p.id for p in people]
        self._secret = (
            re.compile(rf"(?<!\w)(?:{_alternation(words)})(?!\w)", re.I) if words else None
        )
        self._id = re.compile(rf"(?<![\w-])(?:{_alternation(ids)})(?![\w-])") if ids else None
        self._needles = {n for v in [*words, *ids] for n in _stored_forms(v)}

    def names(self, raw: bytes) -> bool:
        """Whether these bytes may name one of the people (cheap: no JSON parsed)."""
        low = raw.lower()
        return any(n in low for n in self._needles)

    def mentions(self, raw: bytes) -> bool:
        """Whether these bytes may need scrubbing (with `everyone`: any record may)."""
        return self.everyone or self.names(raw)

    def text(self, value: str) -> str:
        if value in self.anon:
            return self.anon[value]
        if value.lower() in self.owner:
            return ""
        if self._secret is not None:
            value = self._secret.sub(ERASED, value)
        if self._id is not None:
            value = self._id.sub(lambda m: self.anon[m.group(0)], value)
        return value

    def _seat_of(self, record: dict[str, Any]) -> str | None:
        """The anonymous seat whose record this is (by its owner, name or e-mail)."""
        for key in OWNER:
            value = record.get(key)
            if isinstance(value, str) and value in self.anon:
                return self.anon[value]
        for key in ("name", "email"):
            value = record.get(key)
            if isinstance(value, str) and value and value.lower() in self.owner:
                return self.owner[value.lower()]
        return None

    def scrub(self, value: Any) -> Any:
        """A JSON value with every trace of the people replaced."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            seat = self._seat_of(value)
            out = {self.text(k): self.scrub(v) for k, v in value.items()}
            if seat is not None or self.everyone:
                for key in WRITTEN:
                    if key in out and isinstance(out[key], str):
                        out[key] = ""
            if seat is not None and "person" in out:  # matched by name or e-mail: the seat's
                out["person"] = seat
            return out
        return value

    def _ids(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.anon.get(value, value)
        if isinstance(value, list):
            return [self._ids(v) for v in value]
        if isinstance(value, dict):
            out = {self.anon.get(k, k): self._ids(v) for k, v in value.items()}
            if "institution" in out and (self.everyone or value.get("id") in self.anon):
                out["institution"] = ""  # a seat's entry says nothing about the person
            return out
        return value

    def ids_in_json(self, raw: bytes) -> bytes:
        """A plan: each id that is a whole JSON string becomes its seat's, and the people's
        entries lose their institution (nothing else in it is personal, and its room and
        team names must stay)."""
        return json.dumps(self._ids(json.loads(raw)), separators=(",", ":")).encode()

    def scrub_bytes(self, raw: bytes) -> bytes:
        if not self.mentions(raw):
            return raw
        text = raw.decode()
        try:
            parsed = json.loads(text)
        except ValueError:
            return self.text(text).encode()
        if not isinstance(parsed, dict | list):
            return self.text(text).encode()
        return json.dumps(self.scrub(parsed), separators=(",", ":")).encode()

    def fields(self, entry: dict[bytes, bytes]) -> dict[bytes, bytes]:
        """A stream entry's fields, scrubbed (the same object when nothing changes)."""
        if not self.mentions(b"\0".join(k + b"=" + v for k, v in entry.items())):
            return entry
        out = {k: self.scrub_bytes(v) for k, v in entry.items()}
        theirs = any(entry.get(k.encode(), b"").decode() in self.anon for k in OWNER)
        if theirs or self.everyone:
            for key in WRITTEN:
                if key.encode() in out:
                    out[key.encode()] = b""
        return out if out != entry else entry


@translated
async def rewrite_stream(store: Store, key: str, eraser: Eraser) -> int:
    """Every entry of the stream through the scrubber, with its own id (see the module's
    docstring); returns how many changed."""
    rewrite = store.redis.register_script(scripts.REWRITE_STREAM)
    entries = answers.stream(await store.redis.xrange(key))
    new = [eraser.fields(fields) for _, fields in entries]
    while True:
        changed = [
            i
            for i, (entry, after) in enumerate(zip(entries, new, strict=True))
            if entry[1] is not after
        ]
        if not changed:
            return 0
        args: list[str | bytes | int] = [entries[-1][0], entries[changed[0]][0]]
        for (entry_id, _), fields in zip(entries[changed[0] :], new[changed[0] :], strict=True):
            args += [entry_id, 2 * len(fields)]
            for name, value in fields.items():
                args += [name, value]
        if await rewrite(keys=[key], args=args):
            return len(changed)
        tail = answers.stream(await store.redis.xrange(key, min=f"({entries[-1][0]}"))
        entries += tail
        new += [eraser.fields(fields) for _, fields in tail]


@dataclass
class Stored:
    """The event's keys, found by one SCAN and sorted by what they hold (archived runs'
    copies included)."""

    streams: list[str]
    hashes: list[str]
    plans: list[str]
    jobs: list[str]
    webhook_seen: list[str]


@translated
async def stored_keys(store: Store) -> Stored:
    keys = store.keys
    found = Stored([], [], [], [], [])
    base = {
        keys.audit: found.streams,
        keys.room_events: found.streams,
        keys.broadcasts: found.streams,
        keys.outbox: found.streams,
        keys.scores: found.hashes,
        keys.feedback: found.hashes,
        keys.mail: found.hashes,
        keys.presence: found.hashes,
        keys.checkins_flagged: found.hashes,
    }
    plan = re.compile(re.escape(keys.plan(0)[:-1]) + r"\d+$")
    archive = re.compile(re.escape(keys.prefix) + r"archive:\d+:")
    async for raw in store.redis.scan_iter(match=keys.prefix + "*", count=10_000):
        key = answers.text(raw)
        name = archive.sub(keys.prefix, key)
        if name in base:
            base[name].append(key)
        elif plan.match(key):
            found.plans.append(key)
        elif key.startswith(keys.notify_job("")):
            found.jobs.append(key)
        elif key.startswith(keys.webhook_seen("")):
            found.webhook_seen.append(key)
    return found


def _is_personal_job(raw: bytes, anon: dict[str, str]) -> bool:
    queue = str(json.loads(raw).get("queue", ""))
    return any(queue.endswith(f":{pid}") for pid in anon)


async def _rewrite_records(store: Store, found: Stored, eraser: Eraser) -> None:
    """Hashes, plans, notification jobs, the mail queue and the stored roster: read under
    WATCH, scrubbed, written in one transaction."""
    keys = store.keys
    watched = [*found.hashes, *found.plans, *found.jobs, keys.mail_queue, keys.programme]
    while True:
        async with store.redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(*watched)
                hashes = [(k, await pipe.hgetall(k)) for k in found.hashes]
                singles = found.plans + found.jobs
                values = await pipe.mget(singles) if singles else []
                queue = answers.texts(await pipe.lrange(keys.mail_queue, 0, -1))
                roster = await pipe.hget(keys.programme, "roster")
                _begin(pipe)
                for key, items in hashes:
                    _write_hash(pipe, key, items, eraser)
                gone: list[str] = []
                for key, raw in zip(singles, values, strict=True):
                    if not isinstance(raw, bytes) or not eraser.mentions(raw):
                        continue
                    if key in found.plans:
                        pipe.set(key, eraser.ids_in_json(raw))
                    elif _is_personal_job(raw, eraser.anon):
                        job = json.loads(raw)
                        gone.append(str(job.get("id", "")))
                        pipe.delete(key, keys.notify_queue(str(job["queue"])))
                        pipe.zrem(keys.notify_due, str(job["queue"]))
                    else:
                        pipe.set(key, eraser.scrub_bytes(raw), keepttl=True)
                for listing in (keys.notify_dead, keys.notify_recent):
                    for job_id in gone:
                        pipe.lrem(listing, 0, job_id)
                for job in queue:  # mail not yet sent to them: dropped
                    if eraser.scrub_bytes(job.encode()) != job.encode():
                        pipe.lrem(keys.mail_queue, 0, job)
                if isinstance(roster, bytes) and _without_rows(roster, eraser) != roster:
                    pipe.hset(keys.programme, "roster", _without_rows(roster, eraser))
                await pipe.execute()
                return
            except WatchError:
                continue


def _begin(pipe: Pipeline) -> None:
    """MULTI after the reads under WATCH (redis-py's `multi` carries no annotations)."""
    multi: Callable[[], None] = pipe.multi
    multi()


def _write_hash(pipe: Pipeline, key: str, items: object, eraser: Eraser) -> None:
    if not isinstance(items, dict):
        return
    for field, value in items.items():
        if not (eraser.mentions(field) or eraser.mentions(value)):
            continue
        new_field, new_value = eraser.scrub_bytes(field), eraser.scrub_bytes(value)
        if new_field != field:
            pipe.hdel(key, field)
        pipe.hset(key, new_field, new_value)


def _without_rows(roster: bytes, eraser: Eraser) -> bytes:
    """The stored roster's CSV without the people's rows (everyone's: only the header)."""
    lines = roster.split(b"\n")
    kept = [
        line
        for n, line in enumerate(lines)
        if n == 0 or not (eraser.everyone or line.split(b",", 1)[0].decode() in eraser.anon)
    ]
    return b"\n".join(kept)


def erased_field(salt: str, pid: str) -> str:
    """The erased list names a person only by a keyed digest of their id: a restart from a
    roster that still has them finds them erased, the list itself names nobody."""
    return digest(salt.encode(), pid.encode())


def seat_json(seat: Participant) -> str:
    fields = {**seat.__dict__, "unavailable": sorted(seat.unavailable)}
    return json.dumps(fields, separators=(",", ":"))


def seat_from_json(raw: bytes | str) -> Participant:
    data = json.loads(raw)
    return Participant(
        **{
            **data,
            "preferences": tuple(data["preferences"]),
            "keynotes": tuple(data["keynotes"]),
            "unavailable": frozenset(data["unavailable"]),
            "anonymous": True,  # also a seat stored before the field existed
        }
    )


@translated
async def was_erased(store: Store, pid: str) -> bool:
    """Whether `pid` is the id of someone erased (the programme leaves them out for good, so
    a late arrival may not bring the id back)."""
    field = erased_field(await store.room_salt(), pid)
    return bool(await store.redis.hexists(store.keys.erased, field))


@translated
async def erased_seats(store: Store) -> dict[str, Participant]:
    """Keyed digest of an erased id -> the anonymous seat that took their place."""
    raw = answers.fields(await store.redis.hgetall(store.keys.erased))
    return {k: seat_from_json(v) for k, v in raw.items()}


def anonymous_seat(person: Participant, anon: str) -> Participant:
    """The seat that keeps an erased person's place: nothing about them but their role,
    team and what the plan needs."""
    return replace(
        person,
        id=anon,
        name=anon,
        email="",
        institution="",
        country="",
        timezone="",
        language="",
        ntfy="",
        anonymous=True,
    )


@translated
async def erase_records(
    store: Store, people: list[tuple[Person, Participant | None]], everyone: bool = False
) -> None:
    """Every Redis record of the event without these people, each replaced by their seat
    (see the module's docstring; None: someone not in the programme, who needs no seat)."""
    keys = store.keys
    eraser = Eraser((who for who, _ in people), everyone=everyone)
    salt = await store.room_salt()
    async with store.redis.pipeline(transaction=True) as pipe:
        for who, seat in people:
            if seat is not None:
                pipe.hset(keys.erased, erased_field(salt, who.id), seat_json(seat))
            pipe.hdel(keys.extra_participants, who.id)
            pipe.hdel(keys.tokens, who.id)
            if who.token:
                pipe.hdel(keys.token_owner, who.token)
        await pipe.execute()
    found = await stored_keys(store)
    for key in found.streams:
        await rewrite_stream(store, key, eraser)
    await _rewrite_records(store, found, eraser)
    seen = [k for k in found.webhook_seen if eraser.names(k.encode())]
    if seen:
        await store.redis.delete(*seen)


@translated
async def settle_plan(store: Store, who: Person, seat: Participant) -> int:
    """Save the plan anew once no version names the person; returns its version (0: none).
    A move or replan that began before the erasure may save a plan naming them after the
    records were rewritten (the fuzzer's parallel requests did): then everything is scrubbed
    again, and a change based on an older version is refused by `save_plan` afterwards."""
    for _ in range(20):
        version = await store.plan_version()
        if not version:
            return 0
        raw = await store.redis.get(store.keys.plan(version))
        if isinstance(raw, bytes) and json.dumps(who.id).encode() in raw:  # as a whole string
            await erase_records(store, [(who, seat)])
            continue
        plan = await store.load_plan()
        if plan is not None and plan.version == version:
            saved = await store.save_plan(plan, version)
            if saved:
                return saved
    raise Conflict("the plan kept changing during the erasure: try again")


@translated
async def without_erased(store: Store, programme: Programme) -> Programme:
    """The programme with every erased person replaced by their anonymous seat (also when
    the roster file still has them)."""
    seats = await erased_seats(store)
    if not seats:
        return programme
    salt = await store.room_salt()
    people = tuple(p for p in programme.participants if erased_field(salt, p.id) not in seats)
    return replace(programme, participants=people + tuple(seats.values()))
