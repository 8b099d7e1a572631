"""What the purge (privacy/purge.py) reads and writes in Redis besides the scrubbing it
shares with one person's erasure (storage/erasure.py): the survey of what names people, the
keys only a purge drops, the files listed as exported, its mark, and Redis's files on disk
rewritten without any removed value."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import redis.asyncio as aioredis

from orchestrator.storage import replies as answers
from orchestrator.storage.erasure import erased_seats, stored_keys
from orchestrator.storage.outage import translated
from orchestrator.storage.store import Store, received_at

EXTERNAL_NOTE = (
    "this Redis is not Rota's own: Rota asked it to rewrite its append-only file, but its "
    "snapshots (dump.rdb), backups and replicas are yours: make sure none taken before the "
    "purge is kept (docs/privacy.md)"
)


def _named(raw: bytes, keys: tuple[str, ...], seats: frozenset[str] = frozenset()) -> bool:
    """Whether a record's fields name someone (an anonymous seat's id names nobody)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return False
    return isinstance(data, dict) and any(data.get(k) and data[k] not in seats for k in keys)


def _whose(field: str, at: int) -> str:
    """The person in a hash field such as "juror|team" or "slot|room|person|source"."""
    parts = field.split("|")
    return parts[at] if len(parts) > at else ""


@translated
async def survey(store: Store, people: int) -> dict[str, int]:
    """How many records of each kind the purge removes or makes anonymous (records that
    name only anonymous seats are already anonymous: a purged event has nothing left)."""
    keys, r = store.keys, store.redis
    found = await stored_keys(store)
    seats = frozenset(seat.id for seat in (await erased_seats(store)).values())
    counts: Counter[str] = Counter()
    counts["people: names, e-mail addresses, institutions"] = people
    tokens = [pid for pid in answers.fields(await r.hgetall(keys.tokens)) if pid not in seats]
    counts["personal tokens (current and replaced)"] = len(tokens) + int(
        await r.scard(keys.revoked)
    )
    for key in found.streams:
        for _, entry in answers.stream(await r.xrange(key)):
            if key.endswith(":room-events"):
                counts["room events naming a person"] += _named(
                    entry.get(b"event", b"{}"), ("person", "name", "email"), seats
                )
            elif entry.get(b"kind") == b"go":
                clicks = json.loads(entry.get(b"clicks", b"[]"))
                counts["clicks on personal links"] += sum(
                    c.get("participant") not in seats for c in clicks
                )
            elif entry.get(b"participant", b"").decode() not in seats | {""}:
                counts["journal entries naming a person (moves, marks)"] += 1
    for key in found.hashes:
        values = answers.fields(await r.hgetall(key))
        if key.endswith(":mail"):
            counts["mail records"] += len(values)
        elif key.endswith(":scores") or key.endswith(":feedback"):
            counts["scores and ratings (their jurors' and raters' ids)"] += sum(
                _whose(f, 0) not in seats for f in values
            )
            counts["comments"] += sum(
                _named(v.encode(), ("comment", "line")) for v in values.values()
            )
        elif key.endswith(":presence"):
            counts["presence marks"] += sum(_whose(f, 2) not in seats for f in values)
    counts["mails not yet sent"] = int(await r.llen(keys.mail_queue))
    counts["late arrivals' details"] = int(await r.hlen(keys.extra_participants))
    jobs = [v for v in await r.mget(found.jobs) if isinstance(v, bytes)] if found.jobs else []
    counts["notifications to personal ntfy topics"] = sum(
        str(json.loads(v).get("queue", "")).count(":") > 0 for v in jobs
    )
    counts["webhook deduplication keys"] = len(found.webhook_seen)
    failures = [k async for k in r.scan_iter(match=keys.auth_failures("*"), count=10_000)]
    counts["failed logins (client addresses)"] = len(failures)
    return {kind: n for kind, n in counts.items() if n}


@translated
async def drop_the_rest(store: Store) -> None:
    """What erasure keeps for a mid-event erasure but a purge removes: every token, mail
    record, late arrival's details, deduplication key and failed-login address."""
    keys = store.keys
    found = await stored_keys(store)
    gone = [keys.tokens, keys.token_owner, keys.revoked, keys.mail_queue, keys.extra_participants]
    gone.append(keys.auth_recent)
    gone += [k for k in found.hashes if k.endswith(":mail")] + found.webhook_seen
    gone += [answers.text(k) async for k in store.redis.scan_iter(keys.auth_failures("*"))]
    await store.redis.delete(*gone)


@translated
async def exports_written(store: Store) -> dict[str, dict[str, str]]:
    raw = answers.fields(await store.redis.hgetall(store.keys.exports))
    return {path: json.loads(value) for path, value in sorted(raw.items())}


async def _wait(client: aioredis.Redis, flags: tuple[str, ...], seconds: float = 120) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        info = await client.info("persistence")
        if not any(int(info.get(flag, 0)) for flag in flags):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"redis did not finish ({', '.join(flags)}) in {seconds:g} s")
        await asyncio.sleep(0.05)


@translated
async def rewrite_on_disk(store: Store, own: bool) -> list[str]:
    """Have Redis rewrite its append-only file (and its snapshot, when it keeps one) from
    what it holds now, and wait until it has: the old files, which still held every removed
    value, are replaced."""
    client = store.redis
    done: list[str] = []
    busy = ("aof_rewrite_in_progress", "aof_rewrite_scheduled", "rdb_bgsave_in_progress")
    if own:  # plain commands, nothing compressed: a grep over the folder means something
        await client.config_set("aof-use-rdb-preamble", "no")
    info = await client.info("persistence")
    if int(info.get("aof_enabled", 0)):
        await _wait(client, busy)
        await client.bgrewriteaof()
        await _wait(client, busy)
        status = (await client.info("persistence")).get("aof_last_bgrewrite_status")
        if status != "ok":
            raise RuntimeError(f"redis could not rewrite its append-only file ({status})")
        done.append("disk: the append-only file was rewritten and holds only what remains")
    save = await client.config_get("save")
    if any(save.values()):
        await _wait(client, busy)
        await client.bgsave()
        await _wait(client, busy)
        done.append("disk: the snapshot (dump.rdb) was written again")
    if not own:
        done.append(f"note: {EXTERNAL_NOTE}")
    return done


@translated
async def record_export(store: Store, path: str, kind: str, at: str) -> None:
    await store.redis.hset(store.keys.exports, path, json.dumps({"kind": kind, "at": at}))


@translated
async def mark_purged(store: Store, at: str, by: str) -> None:
    await store.redis.set(store.keys.purged, json.dumps({"at": at, "by": by}))


@translated
async def purged(store: Store) -> bool:
    return bool(await store.redis.exists(store.keys.purged))


@translated
async def first_entry_at(store: Store) -> float | None:
    """When this run's first audit entry was added (None: there is none yet)."""
    first = answers.stream(await store.redis.xrange(store.keys.audit, count=1))
    return received_at(first[0][0]) if first else None
