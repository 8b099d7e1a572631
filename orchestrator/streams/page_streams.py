"""Server-sent events for participant pages: each process tells its own clients where to go.

One ticker per process wakes at the earliest moment any connected person's place may change
(or when the plan, clock or a transition says so), works out each connected person's place
once, and queues a `move` only to those whose place changed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from orchestrator.errors import StorageUnavailable
from orchestrator.event.live import Live
from orchestrator.event.service import Service
from orchestrator.metrics import Metrics
from orchestrator.presence.room_feed import RoomFeed
from orchestrator.storage.store import stream_order
from orchestrator.views.board_view import presenter_room
from orchestrator.views.page_view import Words, fresh_broadcasts, page_view
from orchestrator.views.page_view import place_json as page_place
from schedules.whereabouts import Place, Whereabouts

log = logging.getLogger(__name__)
QUEUE_LIMIT = 64  # a client this far behind is dropped; its browser reconnects
RECENT_BROADCASTS = 50
JOIN_WAKE = 0.25  # seconds: pages connecting within this share one wake-up of the hub


V = TypeVar("V")


@dataclass
class SegmentTable(Generic[V]):
    """Per person, something that holds for one Live and one time segment: every plan,
    clock or token change makes a new Live, and a new segment may change any page."""

    live: Live | None = None
    segment: int = -1
    table: dict[str, V] = field(default_factory=dict)

    def of(self, live: Live, segment: int) -> dict[str, V]:
        """The table for `live` and `segment`, emptied first when it held another's."""
        if self.live is not live or self.segment != segment:
            self.live, self.segment, self.table = live, segment, {}
        return self.table

    def get(self, live: Live, segment: int) -> dict[str, V]:
        """The table if it is for `live` and `segment`, else an empty one (left as it is)."""
        return self.table if self.live is live and self.segment == segment else {}


@dataclass(eq=False)
class Client:
    participant: str
    token: str = ""  # the link it was opened with: a page whose link was revoked is closed
    queue: asyncio.Queue[tuple[str, str, str]] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )
    last: str = ""
    last_room: str = ""
    closed: bool = False

    def send(self, event: str, data: str, event_id: str = "") -> None:
        """Queue an event; `event_id` (optional) is what the browser sends back as
        Last-Event-ID when it reconnects."""
        if self.closed:
            return
        try:
            self.queue.put_nowait((event, data, event_id))
        except asyncio.QueueFull:
            self.closed = True  # too slow: the stream ends, the browser reconnects
            with contextlib.suppress(asyncio.QueueFull):
                self.queue.get_nowait()
                self.queue.put_nowait(("bye", "{}", ""))


def place_json(live: Live, place: Place | None, token: str, participant: str) -> dict[str, Any]:
    """A place as the API's participant list gives it (the page has `page_view`)."""
    if place is None:
        return {"kind": "page", "join": f"{live.base_url}/p/{token}"}
    return page_place(live, place, participant, Words.of(live, participant, live.event_now()))


def whereabouts_json(live: Live, participant: str, where: Whereabouts) -> dict[str, Any]:
    token = live.token_of.get(participant, "")
    return {
        "now": place_json(live, where.now, token, participant),
        "next": place_json(live, where.next, token, participant) if where.next else None,
        "until": where.until.isoformat() if where.until else None,
        "until_wall": live.clock.wall_time(where.until).isoformat() if where.until else None,
    }


def page_key(live: Live, participant: str, at: datetime) -> str:
    """What the page shows, as JSON, without the server's time: equal keys mean nothing
    changed."""
    return json.dumps(page_view(live, participant, at))


def broadcast_json(message: dict[str, Any]) -> str:
    return json.dumps({"message": message.get("message", ""), "id": message.get("id")})


def stamped(key: str) -> str:
    """The move as sent: with the server's wall time, so pages count down by its clock."""
    return f'{key[:-1]}, "server_now": "{datetime.now(UTC).isoformat()}"}}'


class PageStreams:
    def __init__(
        self, service: Service, metrics: Metrics, room_feed: RoomFeed, feed_configured: bool
    ) -> None:
        self.service = service
        self.metrics = metrics
        self.room_feed = room_feed
        self.feed_configured = feed_configured
        self.clients: dict[str, weakref.WeakSet[Client]] = {}
        self.presenters: weakref.WeakSet[Client] = weakref.WeakSet()
        # moves for the next moment, worked out ahead: participant -> key
        self._prepared: SegmentTable[str] = SegmentTable()
        # this segment's page and end of stay: participant -> (key, until)
        self._current: SegmentTable[tuple[str, datetime | None]] = SegmentTable()
        self._wake = asyncio.Event()
        self._waking: asyncio.TimerHandle | None = None
        # the newest broadcasts, (stream id, message) newest first: read from Redis once at
        # start, then kept from pub/sub, so a connecting page's replay reads no Redis (a
        # thousand pages reconnecting at once would otherwise make a thousand reads)
        self.recent: list[tuple[str, str]] = []
        self._recent_loaded = False

    def add(self, participant: str, token: str = "") -> Client:
        client = Client(participant, token)
        live = self.service.require_live()
        client.last = page_key(live, participant, live.event_now())
        client.send("move", stamped(client.last))
        if live.plan.team_of(participant) is not None:
            self.presenters.add(client)
            self.room_feed.attach()
            self._send_room(live, client, self.room_feed.occupancy(live), live.event_now())
        self._replay(live, client)
        self.clients.setdefault(participant, weakref.WeakSet()).add(client)
        self.metrics.sse_clients.inc()
        self._wake_soon()  # its next move is worked out ahead with everybody else's
        return client

    def remove(self, client: Client) -> None:
        client.closed = True
        if client in self.presenters:
            self.presenters.discard(client)
            self.room_feed.detach()
        group = self.clients.get(client.participant)
        if group is not None:
            group.discard(client)
            if not group:
                del self.clients[client.participant]
        self.metrics.sse_clients.dec()

    def _send_room(
        self, live: Live, client: Client, present: dict[str, set[str]], now: datetime
    ) -> None:
        counted = self.feed_configured and self.room_feed.last_event_wall is not None
        room = presenter_room(live, client.participant, present, now, counted)
        body = json.dumps(room)
        if body != client.last_room:
            client.last_room = body
            client.send("room", body)

    def close_all(self) -> None:
        for group in list(self.clients.values()):
            for client in list(group):
                client.send("bye", "{}")
                client.closed = True

    def refresh(self) -> None:
        self._wake.set()

    def close_revoked(self) -> None:
        """Close the pages opened with a link that no longer answers (revoked, or its person
        erased): they must not get another move, room link or broadcast."""
        live = self.service.require_live()
        for participant, group in list(self.clients.items()):
            current = live.token_of.get(participant)
            for client in list(group):
                if client.token and client.token != current:
                    client.send("bye", "{}")
                    client.closed = True

    def broadcast(self, message: dict[str, Any]) -> None:
        self._remember([(str(message.get("id") or ""), str(message.get("message", "")))])
        self._send_all("broadcast", broadcast_json(message))

    def _remember(self, entries: list[tuple[str, str]]) -> None:
        known = dict(self.recent)
        known.update((i, m) for i, m in entries if i)
        newest = sorted(known.items(), key=lambda e: stream_order(e[0]), reverse=True)
        self.recent = newest[:RECENT_BROADCASTS]

    async def load_recent(self) -> None:
        """Once, at start (again after a failure): what was broadcast before this process."""
        if not self._recent_loaded:
            self._remember(await self.service.store.recent_broadcasts(RECENT_BROADCASTS))
            self._recent_loaded = True

    def _replay(self, live: Live, client: Client) -> None:
        """The broadcasts a (re)connecting page may have missed while it was away, oldest
        first; the page shows each id once, so one it already has is dropped there."""
        for shown in reversed(fresh_broadcasts(live, self.recent, live.event_now())):
            client.send("broadcast", broadcast_json(shown))

    def _send_all(self, event: str, data: str) -> None:
        for group in list(self.clients.values()):
            for client in list(group):
                client.send(event, data)

    def _tick(self) -> datetime | None:
        """Send moves to those whose place changed; return the next moment (event time) at
        which anybody connected may move. A person's page and the end of their stay are
        constant within a time segment, so each is worked out once per segment (or taken
        from `_prepare`'s table): a wake-up costs a look-up per connected person, not a page
        each (with 5,000 pages connecting, every connection woke the page_streams, and working out
        every page at each wake-up made connecting quadratic)."""
        live = self.service.require_live()
        now = live.event_now()
        segment = live.segment(now)
        current = self._current.of(live, segment)
        ready = self._prepared.get(live, segment)
        soonest: datetime | None = None
        for participant, group in list(self.clients.items()):
            if not group:
                continue
            known = current.get(participant)
            if known is None:
                key = ready.get(participant) or page_key(live, participant, now)
                known = current[participant] = (key, live.stay(participant, now).until)
            key, until = known
            sent = ""
            for client in list(group):
                if client.last != key:
                    client.last = key
                    sent = sent or stamped(key)
                    client.send("move", sent)
            if until is not None and (soonest is None or until < soonest):
                soonest = until
        if self.presenters:
            present = self.room_feed.occupancy(live)
            for client in list(self.presenters):
                self._send_room(live, client, present, now)
        return soonest

    async def _prepare(self, at: datetime) -> None:
        """Work out everybody's move for moment `at` before it comes, a slice at a time so
        /go keeps answering meanwhile; at the boundary only the sending is left. The table
        is kept when a wake-up cancels this (a page connected, say): the next run adds only
        those not in it yet."""
        live = self.service.require_live()
        table = self._prepared.of(live, live.segment(at))
        for i, participant in enumerate([p for p in self.clients if p not in table]):
            table[participant] = page_key(live, participant, at)
            if i % 100 == 99:
                await asyncio.sleep(0)
                if self.service.live is not live:
                    return

    def _wake_soon(self) -> None:
        """A wake-up shortly, shared by everything that asks meanwhile (pages connecting)."""
        if self._waking is None:
            self._waking = asyncio.get_running_loop().call_later(JOIN_WAKE, self._woken)

    def _woken(self) -> None:
        self._waking = None
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.load_recent()
            except (StorageUnavailable, OSError):
                log.warning("recent broadcasts not read yet: Redis unavailable")
            self._wake.clear()
            moment = self._tick()
            timeout = 30.0
            preparing = None
            if moment is not None:
                wall = self.service.require_live().clock.wall_time(moment)
                timeout = min(timeout, max((wall - datetime.now(UTC)).total_seconds(), 0) + 0.002)
                preparing = asyncio.create_task(self._prepare(moment))
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
            finally:
                if preparing is not None and not preparing.done():
                    preparing.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await preparing
