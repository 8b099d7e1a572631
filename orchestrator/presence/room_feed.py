"""What the board and the presenter pages watch, read incrementally from Redis.

While anybody watches, one loop per process reads only what is new on the room-event stream
(presence) and on the audit stream (the organisers' journal), twice a second. Presence is then
recomputed from this process's copy, not re-read whole from Redis on every look."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orchestrator.errors import StorageUnavailable
from orchestrator.event.live import Live
from orchestrator.event.service import Service
from orchestrator.presence.attendance import StoredEvents, in_event_time, live_counts
from orchestrator.presence.sources import sent
from orchestrator.storage.store import Store, received_at, stream_order
from rooms.events import RoomEvent
from schedules.evidence import Mark

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5
JOURNAL_KEEP = 200
READ_COUNT = 5000


QUIET = ("go", "feedback", "presence")  # clicks, audience ratings, "I'm here": not news


@dataclass(frozen=True)
class JournalEntry:
    id: str  # the audit stream's id: also the board's SSE event id
    fields: dict[str, str]

    @property
    def at(self) -> float:
        return int(self.id.split("-")[0]) / 1000


def journal_entry(entry_id: str, fields: dict[str, str]) -> JournalEntry | None:
    """The organisers' view of an audit entry; batches of `/go` clicks are not news."""
    if fields.get("kind") in QUIET:
        return None
    return JournalEntry(entry_id, fields)


class RoomFeed:
    def __init__(self, service: Service, store: Store) -> None:
        self.service = service
        self.store = store
        self.raw: list[tuple[float, bytes]] = []  # (received at, stored event)
        self.last_event_id = "0-0"
        self.last_event_wall: float | None = None  # when the newest room event arrived
        self.journal: deque[JournalEntry] = deque(maxlen=JOURNAL_KEEP)
        self.last_journal_id = "0-0"
        self.watchers = 0
        self.version = 0  # bumped whenever something new was read
        self.listeners: list[Callable[[list[JournalEntry]], None]] = []
        self._events_cache: tuple[tuple[int, int, int], StoredEvents] | None = None
        self._occupancy: tuple[tuple[int, int, int], dict[str, set[str]]] | None = None
        self.clicks: list[dict[str, Any]] = []  # every /go click of the audit stream
        self.recorded: list[Mark] = []  # confirmed, checked-in
        self._marks: tuple[tuple[int, int, int], list[Mark]] | None = None
        self._primed = False
        self._wake = asyncio.Event()
        self._polling = asyncio.Lock()  # the loop and a request may poll at once

    def attach(self) -> None:
        self.watchers += 1
        self._wake.set()

    def detach(self) -> None:
        self.watchers = max(0, self.watchers - 1)

    def stored(self, live: Live) -> StoredEvents:
        """The stored room events in event time, converted once per change."""
        key = (self.version, live.clock.version, id(live))
        if self._events_cache is None or self._events_cache[0] != key:
            self._events_cache = (key, in_event_time(live, self.raw))
        return self._events_cache[1]

    def events(self, live: Live) -> list[RoomEvent]:
        return self.stored(live).events

    def occupancy(self, live: Live) -> dict[str, set[str]]:
        """Who is in each room now; recomputed only when new events came or the clock or
        plan changed (between those, nobody's presence changes)."""
        key = (self.version, live.clock.version, id(live))
        if self._occupancy is None or self._occupancy[0] != key:
            self._occupancy = (key, live_counts(live, self.events(live), live.event_now()))
        return self._occupancy[1]

    def marks(self, live: Live) -> list[Mark]:
        """Presence marks other than the webhooks: `sent` (from the clicks) and the recorded
        ones; worked out again only when something new was read or the plan or clock changed."""
        key = (self.version, live.clock.version, id(live))
        if self._marks is None or self._marks[0] != key:
            self._marks = (key, [*sent(live, self.clicks), *self.recorded])
        return self._marks[1]

    def _presence(self, entries: list[tuple[str, dict[str, str]]]) -> bool:
        """Clicks and presence marks from audit entries; True when there were any."""
        found = False
        for entry_id, fields in entries:
            kind = fields.get("kind")
            try:
                if kind == "go":
                    self.clicks.extend(json.loads(fields["clicks"]))
                elif kind == "presence":
                    self.recorded.append(Mark.parse(fields["mark"], received_at(entry_id)))
                else:
                    continue
            except (KeyError, ValueError):  # not one of ours: nothing to count
                continue
            found = True
        return found

    async def journal_since(self, after: str) -> list[JournalEntry]:
        """Entries after a board's Last-Event-ID, read from Redis: a board that was away
        longer than this process's memory still misses nothing."""
        found: list[JournalEntry] = []
        start = after
        while True:
            batch = await self.store.audit_after(start, 1000)
            for entry_id, fields in batch:
                item = journal_entry(entry_id, fields)
                if item is not None:
                    found.append(item)
            if len(batch) < 1000:
                return found
            start = batch[-1][0]

    async def poll(self) -> bool:
        """Read what is new; True when anything was. One poll at a time: two reading from
        the same last id would both append the same entries."""
        async with self._polling:
            return await self._poll()

    async def _poll(self) -> bool:
        store = self.store
        changed = False
        while True:
            batch = await store.room_events_after(self.last_event_id, READ_COUNT)
            if not batch:
                break
            self.raw.extend((received_at(entry_id), event) for entry_id, event in batch)
            self.last_event_id = batch[-1][0]
            self.last_event_wall = received_at(self.last_event_id)
            changed = True
            if len(batch) < READ_COUNT:
                break
        if not self._primed:  # the journal starts from its recent tail, not from the beginning
            tail = await store.audit_tail(JOURNAL_KEEP * 4)
            for entry_id, fields in tail:
                item = journal_entry(entry_id, fields)
                if item is not None:
                    self.journal.append(item)
            if tail:
                self.last_journal_id = tail[-1][0]
            start = "0-0"  # clicks and marks: every one so far, up to the journal's position
            end = stream_order(self.last_journal_id)
            while end > (0, 0):
                entries = await store.audit_after(start, READ_COUNT)
                self._presence([e for e in entries if stream_order(e[0]) <= end])
                if len(entries) < READ_COUNT or stream_order(entries[-1][0]) >= end:
                    break
                start = entries[-1][0]
            self._primed = True
            return True
        fresh = []
        journal = await store.audit_after(self.last_journal_id, 1000)
        changed = self._presence(journal) or changed
        for entry_id, fields in journal:
            item = journal_entry(entry_id, fields)
            if item is not None:
                fresh.append(item)
        if journal:
            self.last_journal_id = journal[-1][0]
        if fresh:
            self.journal.extend(fresh)
            for channel_sync in self.listeners:
                channel_sync(fresh)
            changed = True
        if changed:
            self.version += 1
        return changed

    def seconds_since_feed(self) -> float | None:
        return None if self.last_event_wall is None else time.time() - self.last_event_wall

    async def run(self, on_change: Callable[[], None]) -> None:
        while True:
            if self.watchers == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 5.0)
                continue
            try:
                if await self.poll():
                    on_change()
            except StorageUnavailable as exc:
                log.debug("watch: redis unavailable (%s)", exc)
            await asyncio.sleep(POLL_SECONDS)
