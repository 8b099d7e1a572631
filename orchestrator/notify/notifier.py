"""Outbound notifications, put together: the outbox is read through a consumer group and fanned
out into one queue per subscriber (notify/fanout.py); each queue is delivered in order by
whichever process holds its lock (notify/delivery.py). Queues are independent tasks: a slow or
dead subscriber delays nobody else, and transitions only ever append to the outbox. The
organiser API's operations (add, remove, test, redeliver, list) are here too."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx

from orchestrator.errors import Conflict, NotFound, StorageUnavailable
from orchestrator.event.service import Service
from orchestrator.notify import subscribers as subscriber_config
from orchestrator.notify.delivery import Deliverer
from orchestrator.notify.fanout import fan_out, job
from orchestrator.notify.messages import new_event
from orchestrator.settings import Settings
from orchestrator.storage.notifications import NotificationStore
from orchestrator.storage.notify_records import Job, Subscriber
from orchestrator.storage.store import Store

log = logging.getLogger(__name__)
SUBS_TTL = 1.0  # seconds a delivery may use this process's copy of the subscribers


class Notifier:
    def __init__(
        self, service: Service, store: Store, settings: Settings, client: httpx.AsyncClient
    ) -> None:
        self.service = service
        self.store = NotificationStore(store)
        self.settings = settings
        self.consumer = settings.instance
        self.running: dict[str, asyncio.Task[None]] = {}
        self.dead_count = 0
        self.on_dead_count: list[Callable[[int], None]] = []
        self._subs: tuple[float, dict[str, Subscriber]] | None = None
        self.deliverer = Deliverer(
            self.store, settings, client, self._recent_subscribers, self._forget
        )

    # -- subscribers -----------------------------------------------------------------------
    def _forget(self) -> None:
        self._subs = None

    async def sync_programme(self, subscribers: list[Subscriber]) -> None:
        """The programme's subscribers, as declared (keeping a 410's disabling)."""
        stored = await self.subscribers()
        for sub in subscribers:
            old = stored.get(sub.id)
            if old is not None and old.disabled and old.url == sub.url:
                sub = replace(sub, disabled=old.disabled)
            await self.store.put_subscriber(sub)
        self._forget()

    async def subscribers(self) -> dict[str, Subscriber]:
        found = await self.store.subscribers()
        self._subs = (time.monotonic(), found)
        return found

    async def _recent_subscribers(self) -> dict[str, Subscriber]:
        """Deliveries may use a copy up to `SUBS_TTL` old (another process's change reaches
        them that late; this process's own changes at once)."""
        if self._subs is not None and time.monotonic() - self._subs[0] < SUBS_TTL:
            return self._subs[1]
        return await self.subscribers()

    async def add(
        self, url: str, kind: str, events: tuple[str, ...], secret: str, personal: bool
    ) -> tuple[Subscriber, str]:
        """From the API; the secret is shown once, here (made up when not given)."""
        allowed = self.settings.notify_allow_private
        sub = await subscriber_config.from_api(url, kind, events, secret, personal, allowed)
        await self.store.put_subscriber(sub)
        self._forget()
        return sub, sub.secret

    async def remove(self, sub_id: str) -> bool:
        self._forget()
        return await self.store.remove_subscriber(sub_id)

    async def test(self, sub_id: str) -> str:
        sub = (await self.subscribers()).get(sub_id)
        if sub is None:
            raise NotFound("unknown subscriber")
        entry, now = f"test-{uuid.uuid4().hex}", time.time()
        event = new_event(self.service.require_live(), "test", {})
        await self.store.enqueue([job(sub, sub.id, None, event, entry, now)], now)
        return entry

    async def agenda_changed(self, participants: list[str], version: int) -> None:
        """After a move or replan: a personal push to each person whose places changed."""
        if participants:
            data = {"participants": participants, "plan_version": version}
            await self.store.add_to_outbox("agenda.changed", data)

    # -- deliveries ------------------------------------------------------------------------
    async def redeliver(self, job_id: str) -> Job:
        found = await self.store.job(job_id)
        if found is None:
            raise NotFound("unknown delivery")
        if found.status != "failed":
            raise Conflict(f"delivery {job_id} is {found.status}, not failed")
        sub = (await self.subscribers()).get(found.subscriber)
        if sub is None or sub.disabled:
            raise Conflict("its subscriber is removed or disabled")
        again = replace(found, status="pending", attempts=0, next_at=0.0)
        await self.store.requeue(again, time.time())
        return again

    async def deliveries(self, status: str, limit: int = 200) -> list[dict[str, Any]]:
        return [j.public() for j in await self.store.jobs(status, limit)]

    # -- the loop --------------------------------------------------------------------------
    async def run(self) -> None:
        await self.store.ensure_group()
        while True:
            try:
                await fan_out(
                    self.store, self.service.require_live, self.consumer, self.subscribers
                )
                for queue in await self.store.due_queues(time.time()):
                    if queue not in self.running or self.running[queue].done():
                        self.running[queue] = asyncio.create_task(self.deliverer.drain(queue))
                self.dead_count = await self.store.dead_count()
                for callback in self.on_dead_count:
                    callback(self.dead_count)
            except StorageUnavailable as exc:  # a lost group is made again by read_outbox
                log.debug("notifier: redis unavailable (%s)", exc)
                await asyncio.sleep(0.5)

    async def stop(self) -> None:
        for task in self.running.values():
            task.cancel()
        for task in self.running.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
