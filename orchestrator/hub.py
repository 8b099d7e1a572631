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
from typing import Any

from schedules.whereabouts import Place, Whereabouts

from .live import Live
from .metrics import Metrics
from .service import Service

log = logging.getLogger(__name__)
QUEUE_LIMIT = 64  # a client this far behind is dropped; its browser reconnects


@dataclass(eq=False)
class Client:
    participant: str
    queue: asyncio.Queue[tuple[str, str]] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )
    last: str = ""
    closed: bool = False

    def send(self, event: str, data: str) -> None:
        if self.closed:
            return
        try:
            self.queue.put_nowait((event, data))
        except asyncio.QueueFull:
            self.closed = True  # too slow: the stream ends, the browser reconnects


def place_json(live: Live, place: Place | None, token: str, participant: str) -> dict[str, Any]:
    if place is None:
        return {"kind": "page", "join": f"{live.base_url}/p/{token}"}
    team = live.programme.team_by_id.get(place.team)
    keynote = live.programme.keynote_by_id.get(place.keynote)
    return {
        "kind": place.kind,
        "room": place.room,
        "room_name": live.programme.room_name(place.room),
        "round": place.round,
        "team": place.team,
        "team_name": team.name if team else "",
        "project": team.project if team else "",
        "keynote": place.keynote,
        "title": keynote.title if keynote else "",
        "start": place.start.isoformat(),
        "end": place.end.isoformat(),
        "start_wall": live.clock.wall_time(place.start).isoformat(),
        "end_wall": live.clock.wall_time(place.end).isoformat(),
        "join": live.join_url(place, participant),
        "label": live.describe(place, participant),
    }


def whereabouts_json(live: Live, participant: str, where: Whereabouts) -> dict[str, Any]:
    token = live.token_of.get(participant, "")
    return {
        "now": place_json(live, where.now, token, participant),
        "next": place_json(live, where.next, token, participant) if where.next else None,
        "until": where.until.isoformat() if where.until else None,
        "until_wall": live.clock.wall_time(where.until).isoformat() if where.until else None,
    }


class Hub:
    def __init__(self, service: Service, metrics: Metrics) -> None:
        self.service = service
        self.metrics = metrics
        self.clients: dict[str, weakref.WeakSet[Client]] = {}
        self._wake = asyncio.Event()

    def add(self, participant: str) -> Client:
        client = Client(participant)
        live = self.service.require_live()
        where = live.where(participant, live.event_now())
        client.last = json.dumps(whereabouts_json(live, participant, where))
        client.send("move", client.last)
        self.clients.setdefault(participant, weakref.WeakSet()).add(client)
        self.metrics.sse_clients.inc()
        self._wake.set()
        return client

    def remove(self, client: Client) -> None:
        client.closed = True
        group = self.clients.get(client.participant)
        if group is not None:
            group.discard(client)
            if not group:
                del self.clients[client.participant]
        self.metrics.sse_clients.dec()

    def close_all(self) -> None:
        for group in list(self.clients.values()):
            for client in list(group):
                client.send("bye", "{}")
                client.closed = True

    def refresh(self) -> None:
        self._wake.set()

    def transition(self, message: dict[str, Any]) -> None:
        self._send_all(
            "transition", json.dumps({"kind": message.get("kind"), "id": message.get("id")})
        )
        self._wake.set()

    def broadcast(self, message: dict[str, Any]) -> None:
        self._send_all(
            "broadcast",
            json.dumps({"message": message.get("message", ""), "id": message.get("id")}),
        )

    def _send_all(self, event: str, data: str) -> None:
        for group in list(self.clients.values()):
            for client in list(group):
                client.send(event, data)

    def _tick(self) -> datetime | None:
        """Send moves to those whose place changed; return the next moment to look again."""
        live = self.service.require_live()
        now = live.event_now()
        soonest: datetime | None = None
        for participant, group in list(self.clients.items()):
            if not group:
                continue
            where = live.where(participant, now)
            body = json.dumps(whereabouts_json(live, participant, where))
            for client in list(group):
                if client.last != body:
                    client.last = body
                    client.send("move", body)
            if where.until is not None and (soonest is None or where.until < soonest):
                soonest = where.until
        return live.clock.wall_time(soonest) if soonest else None

    async def run(self) -> None:
        while True:
            self._wake.clear()
            wake_at = self._tick()
            timeout = 30.0
            if wake_at is not None:
                timeout = min(timeout, max((wake_at - datetime.now(UTC)).total_seconds(), 0) + 0.01)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
