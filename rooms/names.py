"""Video room names: lower-case, hard to guess (a random part per event), stable once made."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^a-z0-9-]+")


def room_name(event: str, room: str, salt: str, prefix: str = "rota") -> str:
    parts = [prefix, event, room, salt]
    return "-".join(_UNSAFE.sub("-", p.lower()).strip("-") for p in parts if p)
