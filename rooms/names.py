"""Video room names: lower-case, hard to guess, stable once made. Each room's random part is
its own (a keyed digest of the room id under the event's secret salt), so one room's link
tells nothing about another's: with `tokens = "none"` a room name is the only key to it."""

from __future__ import annotations

import hashlib
import hmac
import re

_UNSAFE = re.compile(r"[^a-z0-9-]+")
ROOM_PART = 16  # hex digits of each room's own random part (64 bits)


def room_part(salt: str, room: str) -> str:
    return hmac.new(salt.encode(), room.encode(), hashlib.sha256).hexdigest()[:ROOM_PART]


def room_name(event: str, room: str, salt: str, prefix: str = "rota") -> str:
    parts = [prefix, event, room, room_part(salt, room) if salt else ""]
    return "-".join(_UNSAFE.sub("-", p.lower()).strip("-") for p in parts if p)
