"""One normalised room event, whichever Jitsi sent it (JaaS webhooks or Prosody event_sync)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["room_created", "room_destroyed", "joined", "left"]


@dataclass(frozen=True)
class RoomEvent:
    source: Literal["jaas", "event_sync"]
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

    def to_json(self) -> str:
        # Every field is a plain value: no need for asdict's deep copies (measured: a seventh
        # of a webhook's cost).
        return json.dumps(self.__dict__, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> RoomEvent:
        data: dict[str, Any] = json.loads(text)
        return cls(**data)
