"""Join links for the video platform. Until tokens are configured, a plain room URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

DEFAULT_DOMAIN = "meet.jit.si"


@dataclass(frozen=True)
class JitsiConfig:
    domain: str = DEFAULT_DOMAIN
    prefix: str = "rota"

    @classmethod
    def from_section(cls, section: dict[str, Any] | None) -> JitsiConfig:
        section = section or {}
        return cls(
            domain=str(section.get("domain", DEFAULT_DOMAIN)),
            prefix=str(section.get("prefix", "rota")),
        )


def room_url(config: JitsiConfig, room: str) -> str:
    return f"https://{config.domain}/{quote(room)}"
