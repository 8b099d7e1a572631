"""Fan-out: an outbox entry becomes one job per interested subscriber (and, at
`round.warning`, one per person with an ntfy topic on a personal subscriber). The jobs, their
queues and the entry's acknowledgement are written in one transaction, so a crash cannot fan
out twice or lose an entry; an entry read by a crashed process is claimed by another after
`CLAIM_IDLE_MS`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable

from orchestrator.event.live import Live
from orchestrator.notify.messages import PERSONAL, message_id, new_event, personal_ntfy
from orchestrator.storage.notifications import NotificationStore, OutboxEntry
from orchestrator.storage.notify_records import Event, Job, Subscriber

CLAIM_IDLE_MS = 15_000


def job(sub: Subscriber, queue: str, url: str | None, event: Event, entry: str, now: float) -> Job:
    return Job(message_id(entry, queue), sub.id, queue, url, event, entry, created=now)


def jobs_for(
    live: Live, entry: OutboxEntry, event: Event, subscribers: Iterable[Subscriber], now: float
) -> list[Job]:
    """The jobs one outbox entry makes (pure: no I/O)."""
    found = []
    for sub in subscribers:
        if not sub.wants(entry.type):
            continue
        if not sub.personal:
            if entry.type != "agenda.changed":  # names people: for their own pushes only
                found.append(job(sub, sub.id, None, event, entry.id, now))
        elif entry.type in PERSONAL:
            for own in personal_ntfy(live, entry.type, entry.data):
                queue, url = f"{sub.id}:{own.person}", f"{sub.url}/{own.topic}"
                found.append(job(sub, queue, url, own.event(event), entry.id, now))
    return found


async def fan_out(
    store: NotificationStore,
    live: Callable[[], Live],
    consumer: str,
    subscribers: Callable[[], Awaitable[dict[str, Subscriber]]],
) -> int:
    """Read the outbox once (waiting briefly for news) and fan out what was there, to the
    subscribers as they are after the read."""
    entries = await store.read_outbox(consumer, CLAIM_IDLE_MS)
    if not entries:
        return 0
    subs = list((await subscribers()).values())
    for entry in entries:
        now = time.time()
        current = live()
        event = new_event(current, entry.type, entry.data)
        await store.enqueue(jobs_for(current, entry, event, subs, now), now, ack=entry.id)
    return len(entries)
