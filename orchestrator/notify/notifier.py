"""Outbound notifications: the outbox stream read through a consumer group, fanned out into one
queue per subscriber, each queue delivered in order by whichever process holds its lock.

- Fan-out: an outbox entry becomes one job per interested subscriber (and, at
  `round.warning`, one per person with an ntfy topic); the jobs, their queues and the
  acknowledgement are written in one transaction, so a crash cannot fan out twice or lose an
  entry (one read by a crashed process is claimed by another after `CLAIM_IDLE_MS`).
- Delivery: a queue's head is tried; on success it is removed; on failure it stays (the
  queue waits: each subscriber gets the day in order) and is retried with back-off and
  jitter, `Retry-After` honoured, until `max_attempts`, then moved to the dead letters. `410
  Gone` disables the subscriber. Queues are independent tasks: a slow or dead subscriber
  delays nobody else, and transitions only ever append to the outbox.
- At least once: a retry carries the same `webhook-id` (one per event and subscriber)."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import json
import logging
import random
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from redis.exceptions import RedisError, ResponseError

from orchestrator.errors import Conflict, NotFound, Refused, SetupError
from orchestrator.i18n import translator
from orchestrator.live import Live
from orchestrator.notify.kinds import KINDS, Event, Subscriber, build
from orchestrator.notify.signing import new_secret
from orchestrator.notify.ssrf import UnsafeURL, check
from orchestrator.service import Service
from orchestrator.settings import Settings
from orchestrator.storage.store import Store
from schedules.schema import Context
from schedules.sections import NTFY_DEFAULT, section_problems

log = logging.getLogger(__name__)
GROUP = "notify"
CLAIM_IDLE_MS = 15_000
LOCK_MS = 6_000  # a queue's lock lease: a dead sender's queue waits at most this long
RENEW_SECONDS = LOCK_MS / 3000  # a living sender renews its lease this often while it works
BACKOFF = (5, 300, 1800, 7200, 18000, 36000)  # seconds after attempt 1, 2, … (Standard Webhooks)
RECENT = 1000
SUBS_TTL = 1.0  # seconds a delivery may use this process's copy of the subscribers

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# Done with a queue only if nothing was added meanwhile (fan-out adds and marks due at once).
_IDLE = """
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) return 1 end
return 0
"""


def programme_subscribers(
    section: Any, environ: Mapping[str, str], allow_private: bool
) -> list[Subscriber]:
    """`[[notify]]` tables as subscribers. The checks are the programme's own
    (schedules/sections.py: `rota check` refuses the same); errors say which entry."""
    if section is None:
        return []
    if not isinstance(section, list) or not all(isinstance(e, dict) for e in section):
        raise SetupError("[[notify]] must be an array of tables")
    found = []
    for n, entry in enumerate(section, start=1):
        problems = section_problems("notify", entry, Context(environ))
        if problems:
            raise SetupError(f"[[notify]] #{n}: {problems[0]}")
        kind = str(entry.get("kind", "webhook"))
        url = str(entry.get("url", NTFY_DEFAULT if kind == "ntfy" else ""))
        events = entry.get("events", ["*"])
        found.append(
            Subscriber(
                id=str(entry.get("id", f"programme-{n}")),
                url=url.rstrip("/") if kind == "ntfy" else url,
                kind=kind,
                events=tuple(events),
                secret=environ.get(str(entry.get("secret_env", "")), "")
                if entry.get("secret_env")
                else "",
                source="programme",
                personal=kind == "ntfy" and bool(entry.get("personal", True)),
            )
        )
    return found


def message_id(entry_id: str, queue: str) -> str:
    """Stable per event and subscriber: the receiver's key for dropping repeats."""
    return "msg_" + hashlib.sha256(f"{entry_id}|{queue}".encode()).hexdigest()[:24]


def describe(live: Live, kind: str, data: dict[str, Any]) -> tuple[str, str]:
    """A title and a sentence for people (chat channels)."""
    tz = live.programme.event.tz

    def clock(iso: str | None) -> str:
        return datetime.fromisoformat(iso).astimezone(tz).strftime("%H:%M") if iso else ""

    title = live.programme.event.title
    n = data.get("round")
    start, end = clock(data.get("start")), clock(data.get("end"))
    keynote = live.programme.keynote_by_id.get(str(data.get("keynote", "")))
    talk = f"“{keynote.title}”" if keynote else str(data.get("keynote", ""))
    words = {
        "round.warning": f"Round {n} starts at {start}",
        "round.started": f"Round {n} has started ({start}–{end})",
        "round.wrapup": f"Round {n}: time to wrap up (ends {end})",
        "round.ended": f"Round {n} has ended",
        "keynote.started": f"Keynote {talk} has started",
        "keynote.ended": f"Keynote {talk} has ended",
        "event.ended": "The day is over",
        "broadcast": str(data.get("message", "")),
        "award.announced": f"{data.get('name', '')}: "
        + ", ".join(str(t.get("name", "")) for t in data.get("teams", [])),
        "test": "A test notification from Rota",
    }
    return title, words.get(kind, kind)


PERSONAL = ("round.warning", "agenda.changed")  # what personal (ntfy) subscribers are sent


def personal_ntfy(live: Live, kind: str, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """At a round's warning: each person with an ntfy topic and a place in that round gets
    where to go, in their language, with the local time named, and their /go link. After a
    move or replan: each person whose places changed is told so, with their link."""
    if kind == "agenda.changed":
        return _changed_ntfy(live, data)
    n = data.get("round")
    found = []
    for person in live.programme.participants:
        if not person.ntfy or person.id not in live.token_of:
            continue
        place = next(
            (p for p in live.days.get(person.id, []) if p.kind == "room" and p.round == n), None
        )
        if place is None:
            continue
        t = translator(live.programme.language_of(person))
        event_time = place.start.astimezone(live.programme.event.tz).strftime("%H:%M")
        own = place.start.astimezone(live.programme.tz_of(person)).strftime("%H:%M")
        when = event_time if own == event_time else f"{event_time} ({t('your_time', time=own)})"
        team = live.programme.team_by_id.get(place.team)
        where = f"{live.programme.room_name(place.room)} — {team.name if team else place.team}"
        found.append(
            (
                person.id,
                {
                    "topic": person.ntfy,
                    "title": live.programme.event.title,
                    "text": t("ntfy_round", n=n, time=when, place=where),
                    "link": live.link(person.id),
                    "label": t("join"),
                },
            )
        )
    return found


def _changed_ntfy(live: Live, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for pid in data.get("participants", []):
        person = live.programme.participant_by_id.get(pid)
        if person is None or not person.ntfy or pid not in live.token_of:
            continue
        t = translator(live.programme.language_of(person))
        found.append(
            (
                pid,
                {
                    "topic": person.ntfy,
                    "title": live.programme.event.title,
                    "text": t("ntfy_changed"),
                    "link": live.link(pid),
                    "label": t("join"),
                },
            )
        )
    return found


@dataclass
class Outcome:
    ok: bool
    status: int | None = None
    error: str = ""
    retry_after: float | None = None
    gone: bool = False


def retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class Notifier:
    def __init__(
        self, service: Service, store: Store, settings: Settings, client: httpx.AsyncClient
    ) -> None:
        self.service = service
        self.store = store
        self.keys = store.keys
        self.settings = settings
        self.client = client
        self.consumer = settings.instance
        self.running: dict[str, asyncio.Task[None]] = {}
        self.dead_count = 0
        self.on_dead_count: list[Any] = []
        self._subs: tuple[float, dict[str, Subscriber]] | None = None

    # -- subscribers -------------------------------------------------------------------
    async def sync_programme(self, subscribers: list[Subscriber]) -> None:
        """The programme's subscribers, as declared (keeping a 410's disabling)."""
        stored = await self.subscribers()
        for sub in subscribers:
            old = stored.get(sub.id)
            if old is not None and old.disabled and old.url == sub.url:
                sub = Subscriber(**{**sub.__dict__, "disabled": old.disabled})
            await self.store.redis.hset(self.keys.notify_subscribers, sub.id, sub.to_json())

    async def subscribers(self, fresh: bool = True) -> dict[str, Subscriber]:
        """All subscribers; deliveries may use a copy up to `SUBS_TTL` old (another
        process's change reaches them that late; this process's own changes at once)."""
        if not fresh and self._subs is not None and time.monotonic() - self._subs[0] < SUBS_TTL:
            return self._subs[1]
        raw = await self.store.redis.hgetall(self.keys.notify_subscribers)
        found = {k.decode(): Subscriber.from_json(v) for k, v in raw.items()}
        self._subs = (time.monotonic(), found)
        return found

    async def add(self, data: dict[str, Any]) -> tuple[Subscriber, str]:
        """From the API; the secret is shown once, here (made up when not given)."""
        kind = data.get("kind", "webhook")
        if kind not in KINDS:
            raise Refused(f"`kind` must be one of {', '.join(KINDS)}")
        url = data.get("url")
        if not isinstance(url, str):
            raise Refused("`url` must be a URL")
        await check(url, self.settings.notify_allow_private)
        events = data.get("events", ["*"])
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            raise Refused("`events` must be a list of event types or patterns")
        secret = data.get("secret") or (new_secret() if kind == "webhook" else "")
        if not isinstance(secret, str) or (kind == "webhook" and not secret.startswith("whsec_")):
            raise Refused("`secret` must be a whsec_… secret")
        sub = Subscriber(
            id=f"sub_{uuid.uuid4().hex[:12]}",
            url=url,
            kind=kind,
            events=tuple(events),
            secret=secret,
            source="api",
            personal=kind == "ntfy" and bool(data.get("personal")),
        )
        await self.store.redis.hset(self.keys.notify_subscribers, sub.id, sub.to_json())
        self._subs = None
        return sub, secret

    async def remove(self, sub_id: str) -> bool:
        self._subs = None
        return bool(await self.store.redis.hdel(self.keys.notify_subscribers, sub_id))

    async def test(self, sub_id: str) -> str:
        subs = await self.subscribers()
        if sub_id not in subs:
            raise NotFound("unknown subscriber")
        entry = f"test-{uuid.uuid4().hex}"
        await self._enqueue_many([(sub_id, sub_id, None, self._event("test", {}, entry))], entry)
        return entry

    # -- fan-out -------------------------------------------------------------------------
    async def ensure_group(self) -> None:
        with contextlib.suppress(ResponseError):  # BUSYGROUP: it exists already
            await self.store.redis.xgroup_create(self.keys.outbox, GROUP, id="0", mkstream=True)

    def _event(self, kind: str, data: dict[str, Any], entry_id: str) -> dict[str, Any]:
        live = self.service.require_live()
        title, text = describe(live, kind, data)
        return {
            "type": kind,
            "timestamp": datetime.now(UTC).isoformat(),
            "event": live.programme.event.id,
            "data": data,
            "title": title,
            "text": text,
            "entry": entry_id,
        }

    async def _enqueue_many(
        self,
        jobs: list[tuple[str, str, str | None, dict[str, Any]]],
        entry_id: str,
        ack: bool = False,
    ) -> None:
        now = time.time()
        async with self.store.redis.pipeline(transaction=True) as pipe:
            for sub_id, queue, url, event in jobs:
                job = {
                    "id": message_id(entry_id, queue),
                    "subscriber": sub_id,
                    "queue": queue,
                    "url": url,
                    "event": event,
                    "attempts": 0,
                    "status": "pending",
                    "next_at": 0,
                    "last": "",
                    "created": now,
                }
                pipe.set(self.keys.notify_job(job["id"]), json.dumps(job), nx=True)
                pipe.rpush(self.keys.notify_queue(queue), job["id"])
                pipe.zadd(self.keys.notify_due, {queue: now}, nx=True)
            if ack:
                pipe.xack(self.keys.outbox, GROUP, entry_id)
            await pipe.execute()

    async def read_outbox(self) -> None:
        redis = self.store.redis
        claimed = await redis.xautoclaim(
            self.keys.outbox, GROUP, self.consumer, CLAIM_IDLE_MS, "0-0", count=100
        )
        entries = list(claimed[1]) if claimed else []
        fresh = await redis.xreadgroup(
            GROUP, self.consumer, {self.keys.outbox: ">"}, count=100, block=300
        )
        for _, items in fresh or []:
            entries.extend(items)
        for entry_id, fields in entries:
            if fields is None:
                continue
            await self._fan_out_and_ack(entry_id.decode(), fields)

    async def _fan_out_and_ack(self, entry_id: str, fields: dict[bytes, bytes]) -> None:
        kind = fields.get(b"type", b"").decode()
        data = json.loads(fields.get(b"data", b"{}") or b"{}")
        event = self._event(kind, data, entry_id)
        jobs: list[tuple[str, str, str | None, dict[str, Any]]] = []
        live = self.service.require_live()
        for sub in (await self.subscribers()).values():
            if not sub.wants(kind):
                continue
            if sub.personal:
                if kind not in PERSONAL:
                    continue
                for person, personal in personal_ntfy(live, kind, data):
                    own = {
                        **event,
                        "text": personal["text"],
                        "title": personal["title"],
                        "data": {**data, "link": personal["link"], "label": personal["label"]},
                    }
                    jobs.append(
                        (sub.id, f"{sub.id}:{person}", f"{sub.url}/{personal['topic']}", own)
                    )
            elif kind != "agenda.changed":  # names people: for their own pushes only
                jobs.append((sub.id, sub.id, None, event))
        await self._enqueue_many(jobs, entry_id, ack=True)

    async def agenda_changed(self, participants: list[str], version: int) -> None:
        """After a move or replan: a personal push to each person whose places changed."""
        if participants:
            await self.store.redis.xadd(
                self.keys.outbox,
                {
                    "type": "agenda.changed",
                    "data": json.dumps({"participants": participants, "plan_version": version}),
                },
            )

    # -- delivery ------------------------------------------------------------------------
    def _delay(self, attempts: int, hint: float | None) -> float:
        base = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)] * self.settings.notify_backoff_scale
        delay = base * random.uniform(0.8, 1.2)
        if hint is not None:
            delay = max(delay, min(hint, 86_400.0))
        return delay

    async def attempt(self, sub: Subscriber, job: dict[str, Any]) -> Outcome:
        e = job["event"]
        event = Event(
            e["type"],
            datetime.fromisoformat(e["timestamp"]),
            e["event"],
            e["data"],
            e.get("text", ""),
            e.get("title", ""),
        )
        request = build(sub, event, job["id"], int(time.time()), job.get("url") or "")
        try:
            await check(request.url, self.settings.notify_allow_private)
        except UnsafeURL as exc:
            return Outcome(False, error=str(exc))
        try:
            response = await self.client.post(
                request.url, content=request.body, headers=request.headers
            )
        except httpx.HTTPError as exc:
            return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:300])
        status = response.status_code
        if 200 <= status < 300:
            return Outcome(True, status)
        return Outcome(
            False,
            status,
            error=f"HTTP {status}",
            retry_after=retry_after(response.headers.get("Retry-After"))
            if status in (429, 503)
            else None,
            gone=status == 410,
        )

    async def _save(self, job: dict[str, Any]) -> None:
        await self.store.redis.set(self.keys.notify_job(job["id"]), json.dumps(job))

    async def _finish(self, job: dict[str, Any], status: str) -> None:
        """Off the queue's head: delivered, or into the dead letters."""
        job["status"] = status
        async with self.store.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.keys.notify_job(job["id"]), json.dumps(job))
            pipe.lrem(self.keys.notify_queue(job["queue"]), 1, job["id"])
            if status == "delivered":
                pipe.lpush(self.keys.notify_recent, job["id"])
                pipe.ltrim(self.keys.notify_recent, 0, RECENT - 1)
            else:
                pipe.rpush(self.keys.notify_dead, job["id"])
            await pipe.execute()

    async def drain(self, queue: str) -> None:
        """Deliver one queue in order until it is empty or its head must wait."""
        redis, keys = self.store.redis, self.keys
        token = f"{self.consumer}:{uuid.uuid4().hex[:8]}"
        if not await redis.set(keys.notify_lock(queue), token, nx=True, px=LOCK_MS):
            return
        drainer = asyncio.current_task()
        assert drainer is not None
        keeper = asyncio.create_task(self._keep_lock(queue, token, drainer))
        try:
            while True:
                head = await redis.lindex(keys.notify_queue(queue), 0)
                if head is None:
                    if await redis.eval(_IDLE, 2, keys.notify_queue(queue), keys.notify_due, queue):
                        return
                    continue
                raw = await redis.get(keys.notify_job(head.decode()))
                if raw is None:
                    await redis.lpop(keys.notify_queue(queue))
                    continue
                job = json.loads(raw)
                if job["next_at"] > time.time():
                    await redis.zadd(keys.notify_due, {queue: job["next_at"]})
                    return
                sub = (await self.subscribers(fresh=False)).get(job["subscriber"])
                if sub is None or sub.disabled:
                    job["last"] = (
                        "subscriber removed" if sub is None else f"disabled: {sub.disabled}"
                    )
                    await self._finish(job, "failed")
                    continue
                outcome = await self.attempt(sub, job)
                job["attempts"] += 1
                job["last"] = "ok" if outcome.ok else outcome.error
                job["last_status"] = outcome.status
                job["last_at"] = time.time()
                if outcome.ok:
                    await self._finish(job, "delivered")
                    continue
                log.info("delivery %s to %s failed: %s", job["id"], queue, outcome.error)
                if outcome.gone:
                    disabled = Subscriber(**{**sub.__dict__, "disabled": "410 Gone"})
                    await redis.hset(keys.notify_subscribers, sub.id, disabled.to_json())
                    self._subs = None
                    await self._finish(job, "failed")
                    continue
                if job["attempts"] >= self.settings.notify_max_attempts:
                    await self._finish(job, "failed")
                    continue
                job["next_at"] = time.time() + self._delay(job["attempts"], outcome.retry_after)
                await self._save(job)
                await redis.zadd(keys.notify_due, {queue: job["next_at"]})
                return
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            await redis.eval(_RELEASE, 1, keys.notify_lock(queue), token)

    async def _keep_lock(self, queue: str, token: str, drainer: asyncio.Task[None]) -> None:
        """Renew a queue's short lease while `drainer` delivers (an attempt may take up to
        the delivery timeout). A sender that dies stops renewing, and another process takes
        the queue over within `LOCK_MS`; one that finds its lease gone stops delivering, so
        two never deliver one queue at once (at least once: the next sends the same id)."""
        lock = self.keys.notify_lock(queue)
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            try:
                kept = await self.store.redis.eval(_RENEW, 1, lock, token, LOCK_MS)
            except RedisError:
                continue  # Redis away: try again; a lapsed lease shows as not kept
            if not kept:
                log.warning("lost the lease on notification queue %s; leaving it", queue)
                drainer.cancel()
                return

    async def redeliver(self, job_id: str) -> dict[str, Any]:
        redis, keys = self.store.redis, self.keys
        raw = await redis.get(keys.notify_job(job_id))
        if raw is None:
            raise NotFound("unknown delivery")
        job = json.loads(raw)
        if job["status"] != "failed":
            raise Conflict(f"delivery {job_id} is {job['status']}, not failed")
        sub = (await self.subscribers()).get(job["subscriber"])
        if sub is None or sub.disabled:
            raise Conflict("its subscriber is removed or disabled")
        job.update(status="pending", attempts=0, next_at=0)
        async with redis.pipeline(transaction=True) as pipe:
            pipe.lrem(keys.notify_dead, 1, job_id)
            pipe.set(keys.notify_job(job_id), json.dumps(job))
            pipe.rpush(keys.notify_queue(job["queue"]), job_id)
            pipe.zadd(keys.notify_due, {job["queue"]: time.time()})
            await pipe.execute()
        return job

    async def deliveries(self, status: str, limit: int = 200) -> list[dict[str, Any]]:
        redis, keys = self.store.redis, self.keys
        if status == "failed":
            ids = await redis.lrange(keys.notify_dead, -limit, -1)
        elif status == "delivered":
            ids = await redis.lrange(keys.notify_recent, 0, limit - 1)
        else:
            ids = []
            for queue, _ in await redis.zrange(keys.notify_due, 0, -1, withscores=True):
                ids += await redis.lrange(keys.notify_queue(queue.decode()), 0, limit)
        found = []
        for job_id in ids[:limit]:
            raw = await redis.get(keys.notify_job(job_id.decode()))
            if raw is not None:
                job = json.loads(raw)
                found.append({k: v for k, v in job.items() if k != "url" or not v})
        return found

    async def run(self) -> None:
        await self.ensure_group()
        while True:
            try:
                await self.read_outbox()
                now = time.time()
                due = await self.store.redis.zrangebyscore(
                    self.keys.notify_due, "-inf", now, start=0, num=200
                )
                for raw in due:
                    queue = raw.decode()
                    if queue not in self.running or self.running[queue].done():
                        self.running[queue] = asyncio.create_task(self.drain(queue))
                self.dead_count = int(await self.store.redis.llen(self.keys.notify_dead))
                for callback in self.on_dead_count:
                    callback(self.dead_count)
            except RedisError as exc:
                if "NOGROUP" in str(exc):
                    await self.ensure_group()
                log.debug("notifier: redis unavailable (%s)", exc)
                await asyncio.sleep(0.5)

    async def stop(self) -> None:
        for task in self.running.values():
            task.cancel()
        for task in self.running.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
