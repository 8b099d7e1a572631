"""One normalised room event, whichever Jitsi sent it (JaaS webhooks or Prosody event_sync),
and the rules for times Rota can use: a webhook's clock is outside our control, and one stored
time in milliseconds or NaN would otherwise break every report that reads it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

import msgspec

_ENCODER = msgspec.json.Encoder()
Kind = Literal["room_created", "room_destroyed", "joined", "left"]
Source = Literal["jaas", "event_sync", "bbb"]  # bbb: getMeetingInfo's attendees compared
KINDS = frozenset(get_args(Kind))
SOURCES = frozenset(get_args(Source))
_TEXT = ("room", "key", "person", "email", "name", "connection", "reason")
_FLAGS = ("moderator", "breakout", "service")


class UnusableEvent(ValueError):
    """An event Rota cannot use. `reason` is short and stable (reports count by it); the
    message says exactly what was wrong."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class RoomEvent:
    source: Source
    kind: Kind
    room: str  # the bare, lower-case video room name
    at: float  # wall-clock Unix seconds, as Jitsi reports it
    key: str  # deduplication key
    person: str = ""  # context.user.id from our JWT: Rota's participant id
    email: str = ""
    name: str = ""
    connection: str = ""  # participantId / occupant JID: one per connection, new on reconnect
    reason: str = ""  # disconnectReason on a leave
    moderator: bool = False
    breakout: bool = False
    joined_at: float | None = None  # event_sync: when this occupant joined (on leave/destroy)
    service: bool = False  # a recorder, transcriber or phone gateway, not a person

    def to_json(self) -> bytes:
        # msgspec writes a dataclass in C: an eighth of json.dumps's cost per webhook. The text
        # is UTF-8, not \u-escaped (erasure searches for both forms, storage/erasure.py).
        return _ENCODER.encode(self)

    @classmethod
    def from_json(cls, text: str | bytes) -> RoomEvent:
        data: dict[str, Any] = json.loads(text)
        return cls(**data)


@dataclass(frozen=True)
class TimeWindow:
    """Wall-clock Unix seconds a room event may carry: around the event's span and around
    the moment the webhook was received."""

    span: tuple[float, float]  # the event's first start and last end, widened by a margin
    receipt: tuple[float, float]  # received at, minus the longest redelivery, plus clock skew

    def contains(self, value: float) -> bool:
        return any(low <= value <= high for low, high in (self.span, self.receipt))

    def describe(self) -> str:
        def iso(value: float) -> str:
            return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%MZ")

        return " or ".join(f"{iso(low)}–{iso(high)}" for low, high in (self.span, self.receipt))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_time(name: str, value: Any, window: TimeWindow, per_second: int = 1) -> None:
    """A time Rota can place: a finite number inside `window` (Unix seconds). `name` and
    `per_second` say how the sender wrote it (JaaS: `timestamp`, in milliseconds), so the
    message quotes the value as it was sent."""
    unit = "seconds" if per_second == 1 else "milliseconds"
    if not _number(value) or not math.isfinite(value):
        raise UnusableEvent("time is not a number", f"{name} {value!r} is not a number")
    if not window.contains(value):
        sent = value * per_second
        shown = int(sent) if float(sent).is_integer() else sent
        hint = (
            f" (a thousand times too large: Unix {unit} are expected)"
            if window.contains(value / 1000)
            else ""
        )
        raise UnusableEvent(
            "time outside the event",
            f"{name} {shown!r} is not a time near this event{hint}: expected Unix {unit} "
            f"for a moment in {window.describe()}",
        )


_FIELD = {  # where event_sync puts the time of each kind of event
    "joined": "joined_at",
    "left": "left_at",
    "room_created": "created_at",
    "room_destroyed": "destroyed_at",
}


def check_times(event: RoomEvent, window: TimeWindow) -> None:
    if event.source == "jaas":
        check_time("timestamp", event.at, window, per_second=1000)
    elif event.source == "bbb":
        check_time("at", event.at, window)
    else:
        check_time(_FIELD[event.kind], event.at, window)
    if event.joined_at is not None:
        check_time("joined_at", event.joined_at, window)


def stored_event(text: bytes | str, window: TimeWindow) -> RoomEvent:
    """A stored event read back for a report, or UnusableEvent: whatever is in the stream
    (an event stored before these checks existed, a hand edit), reports go on without it."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise UnusableEvent("not JSON", "the stored event is not JSON") from None
    if not isinstance(data, dict):
        raise UnusableEvent("not a room event", "the stored event is not a JSON object")
    if (
        data.get("source") not in SOURCES
        or data.get("kind") not in KINDS
        or not all(isinstance(data.get(f, ""), str) for f in _TEXT)
        or not all(isinstance(data.get(f, False), bool) for f in _FLAGS)
        or not isinstance(data.get("room"), str)
        or not isinstance(data.get("key"), str)
        or "at" not in data
    ):
        raise UnusableEvent("not a room event", "the stored event lacks fields or has wrong ones")
    try:
        event = RoomEvent(**data)
    except TypeError:
        raise UnusableEvent("not a room event", "the stored event has unknown fields") from None
    check_times(event, window)
    return event
