"""A delivery job (one event for one subscriber's queue) as a typed record, and the retry
timing: Standard Webhooks' back-off with jitter, a server's `Retry-After` honoured."""

from __future__ import annotations

import email.utils
import json
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from orchestrator.notify.kinds import Event

BACKOFF = (5, 300, 1800, 7200, 18000, 36000)  # seconds after attempt 1, 2, … (Standard Webhooks)
MAX_HINT = 86_400.0  # a Retry-After beyond a day is read as a day
Status = Literal["pending", "delivered", "failed"]


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


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def next_delay(attempts: int, hint: float | None, scale: float = 1.0, jitter: float = 0.2) -> float:
    """Seconds before the next attempt after `attempts` failed ones: the back-off step with
    ±`jitter`, never sooner than the server asked (up to a day)."""
    base = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)] * scale
    delay = base * random.uniform(1 - jitter, 1 + jitter)
    if hint is not None:
        delay = max(delay, min(hint, MAX_HINT))
    return delay
