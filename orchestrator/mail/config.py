"""The `[mail]` section as a typed record: checked by the programme's own schema
(schedules/sections.py), so this refuses exactly what `rota check` refuses."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from orchestrator.errors import SetupError
from orchestrator.settings import Secret
from schedules.model import Programme
from schedules.schema import Context, key_path
from schedules.sections import section_problems

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True)
class MailConfig:
    host: str
    port: int
    security: str  # starttls | tls | none
    sender: str  # the From: header
    reply_to: str = ""
    username: str = ""
    password: Secret = field(default_factory=lambda: Secret(""), repr=False)
    remind_minutes: tuple[int, ...] = (1440, 15)
    per_second: float = 5.0
    ca_file: Path | None = None
    timeout: float = 30.0

    @property
    def contact(self) -> str:
        """The organisers' address as people see it in the message."""
        return parseaddr(self.reply_to or self.sender)[1]

    @property
    def domain(self) -> str:
        return parseaddr(self.sender)[1].rpartition("@")[2] or "rota.invalid"

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.ca_file is not None:
            context.load_verify_locations(cafile=str(self.ca_file))
        return context

    @classmethod
    def from_section(
        cls, section: Mapping[str, Any], environ: Mapping[str, str], base: Path | None
    ) -> MailConfig:
        context = Context(environ, base)
        problems = section_problems("mail", section, context)
        if problems:
            raise SetupError(f"[mail] {problems[0]}")
        security = str(section.get("security", "starttls"))
        password_env = str(section.get("password_env", ""))
        ca_file = str(section.get("ca_file", ""))
        return cls(
            host=str(section["host"]),
            port=int(section.get("port", DEFAULT_PORTS[security])),
            security=security,
            sender=str(section["from"]),
            reply_to=str(section.get("reply_to", "")),
            username=str(section.get("username", "")),
            password=Secret(environ.get(password_env, "") if password_env else ""),
            remind_minutes=tuple(int(m) for m in section.get("remind_minutes", (1440, 15))),
            per_second=float(section.get("per_second", 5.0)),
            ca_file=key_path(ca_file, context) if ca_file else None,
        )


def mail_config(programme: Programme, environ: Mapping[str, str]) -> MailConfig | None:
    """The programme's mail settings, or None when it has no [mail] section."""
    section = programme.sections.get("mail")
    if section is None:
        return None
    base = programme.source.parent if programme.source else None
    return MailConfig.from_section(section, environ, base)
