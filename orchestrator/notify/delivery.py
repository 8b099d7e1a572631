"""Delivery: a queue's head is tried; on success it is removed; on failure it stays (the queue
waits: each subscriber gets the day in order) and is retried with back-off and jitter,
`Retry-After` honoured, until `max_attempts`, then moved to the dead letters. `410 Gone`
disables the subscriber. Whichever process holds a queue's lock delivers it; a retry carries
the same `webhook-id` (at least once)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace

import httpx

from orchestrator.errors import StorageUnavailable
from orchestrator.notify.kinds import build
from orchestrator.notify.retries import next_delay, retry_after
from orchestrator.notify.ssrf import UnsafeURL, check_shape
from orchestrator.settings import Settings
from orchestrator.storage.notifications import NotificationStore
from orchestrator.storage.notify_records import Job, Outcome, Subscriber

log = logging.getLogger(__name__)
LOCK_MS = 6_000  # a queue's lock lease: a dead sender's queue waits at most this long
RENEW_SECONDS = LOCK_MS / 3000  # a living sender renews its lease this often while it works

Subscribers = Callable[[], Awaitable[dict[str, Subscriber]]]


async def attempt(client: httpx.AsyncClient, sub: Subscriber, job: Job) -> Outcome:
    """One HTTP request for the job; the URL is checked again (a name may change its
    answer: the client's `ssrf.PinnedTransport` connects to the address it checked) and
    redirects are never followed."""
    request = build(sub, job.event, job.id, int(time.time()), job.url or "")
    try:
        check_shape(request.url)
        response = await client.post(request.url, content=request.body, headers=request.headers)
    except UnsafeURL as exc:
        return Outcome(False, error=exc.reason)
    except httpx.HTTPError as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:300])
    status = response.status_code
    if 200 <= status < 300:
        return Outcome(True, status)
    hint = retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
    return Outcome(False, status, error=f"HTTP {status}", retry_after=hint, gone=status == 410)


class Deliverer:
    """Delivers queues, one task per queue, for this process."""

    def __init__(
        self,
        store: NotificationStore,
        settings: Settings,
        client: httpx.AsyncClient,
        subscribers: Subscribers,
        on_disabled: Callable[[], None],
    ) -> None:
        self.store = store
        self.settings = settings
        self.client = client
        self.subscribers = subscribers
        self.on_disabled = on_disabled

    async def drain(self, queue: str) -> None:
        """Deliver one queue in order until it is empty or its head must wait."""
        store = self.store
        token = f"{self.settings.instance}:{uuid.uuid4().hex[:8]}"
        if not await store.lock(queue, token, LOCK_MS):
            return
        drainer = asyncio.current_task()
        assert drainer is not None
        keeper = asyncio.create_task(self._keep_lock(queue, token, drainer))
        try:
            while await self._deliver_head(queue):
                pass
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            await store.unlock(queue, token)

    async def _keep_lock(self, queue: str, token: str, drainer: asyncio.Task[None]) -> None:
        """Renew a queue's short lease while `drainer` delivers (an attempt may take up to
        the delivery timeout). A sender that dies stops renewing, and another process takes
        the queue over within `LOCK_MS`; one that finds its lease gone stops delivering, so
        two never deliver one queue at once (at least once: the next sends the same id)."""
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            try:
                kept = await self.store.renew_lock(queue, token, LOCK_MS)
            except StorageUnavailable:
                continue  # Redis away: try again; a lapsed lease shows as not kept
            if not kept:
                log.warning("lost the lease on notification queue %s; leaving it", queue)
                drainer.cancel()
                return

    async def _deliver_head(self, queue: str) -> bool:
        """Try the queue's head; True to go on with the next one."""
        store = self.store
        head = await store.head(queue)
        if head is None:
            return not await store.done_if_empty(queue)
        job = await store.job(head)
        if job is None:
            await store.drop_head(queue)
            return True
        if job.next_at > time.time():
            await store.mark_due(queue, job.next_at)
            return False
        sub = (await self.subscribers()).get(job.subscriber)
        if sub is None or sub.disabled:
            why = "subscriber removed" if sub is None else f"disabled: {sub.disabled}"
            await store.finish(replace(job, last=why, status="failed"))
            return True
        outcome = await attempt(self.client, sub, job)
        job = job.tried(outcome, time.time())
        if outcome.ok:
            await store.finish(replace(job, status="delivered"))
            return True
        log.info("delivery %s to %s failed: %s", job.id, queue, outcome.error)
        if outcome.gone:
            await store.put_subscriber(replace(sub, disabled="410 Gone"))
            self.on_disabled()
            await store.finish(replace(job, status="failed"))
            return True
        if job.attempts >= self.settings.notify_max_attempts:
            await store.finish(replace(job, status="failed"))
            return True
        delay = next_delay(job.attempts, outcome.retry_after, self.settings.notify_backoff_scale)
        job = replace(job, next_at=time.time() + delay)
        await store.save(job)
        await store.mark_due(queue, job.next_at)
        return False
