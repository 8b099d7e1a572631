"""The records the notification store keeps (storage/notifications.py): a subscriber, one
notification (`Event`), a delivery job for one subscriber's queue and one attempt's outcome.
They live here, below notify/, so that storage never imports the features built on it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from fnmatch import fnmatch
from typing import Any, Literal

Status = Literal["pending", "delivered", "failed"]


@dataclass(frozen=True)
class Subscriber:
    id: str
    url: str
    kind: str
    events: tuple[str, ...] = ("*",)  # patterns: "round.*", "broadcast"
    secret: str = ""  # webhook: "whsec_…"
    source: str = "api"  # "programme" or "api"
    disabled: str = ""  # why it was disabled ("410 Gone"); empty while active
    personal: bool = False  # ntfy: each participant's own topic, not one channel

    def wants(self, event_type: str) -> bool:
        return not self.disabled and any(fnmatch(event_type, p) for p in self.events)

    def to_json(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Subscriber:
        data = json.loads(raw)
        data["events"] = tuple(data.get("events", ("*",)))
        return cls(**data)

    def public(self) -> dict[str, Any]:
        """As the API lists it: never the secret."""
        shown = {k: v for k, v in self.__dict__.items() if k != "secret"}
        return {**shown, "events": list(self.events), "has_secret": bool(self.secret)}


@dataclass(frozen=True)
class Event:
    """One notification: what Rota tells the world, before it is shaped for a subscriber."""

    type: str  # "round.started", "broadcast", …
    timestamp: datetime
    event: str  # the event's id (the programme's)
    data: dict[str, Any] = field(default_factory=dict)
    text: str = ""  # one sentence for people (chat kinds)
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "timestamp": self.timestamp.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        return cls(
            str(data["type"]),
            datetime.fromisoformat(data["timestamp"]),
            str(data["event"]),
            dict(data.get("data") or {}),
            str(data.get("text", "")),
            str(data.get("title", "")),
        )


@dataclass(frozen=True)
class Job:
    id: str  # the `webhook-id`: the same on every retry
    subscriber: str
    queue: str  # the subscriber's id, or "subscriber:person" for personal ntfy topics
    url: str | None  # a personal topic's URL; None: the subscriber's own
    event: Event
    entry: str  # the outbox entry it came from
    created: float
    attempts: int = 0
    status: Status = "pending"
    next_at: float = 0.0
    last: str = ""  # "ok", or why the last attempt failed
    last_status: int | None = None
    last_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """As stored and listed: the outbox entry's id travels inside the event."""
        found = {k: v for k, v in self.__dict__.items() if k not in ("event", "entry")}
        return {**found, "event": {**self.event.to_dict(), "entry": self.entry}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, raw: str | bytes) -> Job:
        data = json.loads(raw)
        event = data.pop("event")
        return cls(
            id=data["id"],
            subscriber=data["subscriber"],
            queue=data["queue"],
            url=data.get("url"),
            event=Event.from_dict(event),
            entry=str(event.get("entry", "")),
            created=float(data.get("created", 0)),
            attempts=int(data.get("attempts", 0)),
            status=data.get("status", "pending"),
            next_at=float(data.get("next_at", 0)),
            last=str(data.get("last", "")),
            last_status=data.get("last_status"),
            last_at=data.get("last_at"),
        )

    def public(self) -> dict[str, Any]:
        """As the API lists it: a personal topic's URL is left out."""
        return {k: v for k, v in self.to_dict().items() if k != "url" or not v}

    def tried(self, outcome: Outcome, at: float) -> Job:
        return replace(
            self,
            attempts=self.attempts + 1,
            last="ok" if outcome.ok else outcome.error,
            last_status=outcome.status,
            last_at=at,
        )


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    error: str = ""
    retry_after: float | None = None
    gone: bool = False
