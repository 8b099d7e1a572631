"""Join links for Jitsi: a plain room URL, or one carrying a personal JWT.

Token modes (the `[jitsi]` section's `tokens`): `none`; `hs256` for a self-hosted Jitsi with
`authentication = "token"` (app id from the programme, app secret from the environment); `jaas`
for Jitsi as a Service (RS256 with the private key whose file the programme names). Claims follow
shared protocol notes: `context.user.id` is Rota's participant id — that is how webhooks come
back to the roster."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import jwt

from schedules.platform_sections import JITSI_SECRET_ENV
from schedules.schema import Context, key_path
from schedules.sections import section_problems

DEFAULT_DOMAIN = "meet.jit.si"
JAAS_DOMAIN = "8x8.vc"
Mode = Literal["none", "hs256", "jaas"]
MODES: tuple[Mode, ...] = ("none", "hs256", "jaas")


def _mode(value: str) -> Mode:
    """The `tokens` setting, already checked against MODES by the section's schema."""
    return next(m for m in MODES if m == value)


class JitsiConfigError(Exception):
    pass


@dataclass(frozen=True)
class JitsiConfig:
    domain: str = DEFAULT_DOMAIN
    prefix: str = "rota"
    tokens: Mode = "none"
    app_id: str = ""
    kid: str = ""  # JaaS: "vpaas-magic-cookie-<id>/<key id>"
    secret: str = ""  # HS256 app secret (from the environment)
    private_key: str = ""  # JaaS: PEM text (read from the file the programme names)
    grace_minutes: float = 15.0  # tokens stay valid this long after their slot ends
    scheme: str = "https"  # "http" only for a Jitsi on this machine (a local test install)

    def __repr__(self) -> str:  # never show the secret or the key
        return (
            f"JitsiConfig(domain={self.domain!r}, tokens={self.tokens!r}, app_id={self.app_id!r})"
        )

    @classmethod
    def from_section(
        cls,
        section: Mapping[str, Any] | None,
        environ: Mapping[str, str] | None = None,
        base: Path | None = None,
    ) -> JitsiConfig:
        """The configuration from the checked section; the checks are the programme's own
        (schedules/sections.py), so this refuses exactly what `rota check` refuses."""
        problems = section_problems("jitsi", section, Context(environ or {}, base))
        if problems:
            raise JitsiConfigError(f"[jitsi] {problems[0]}")
        values = {**dict(section or {})}
        mode = _mode(str(values.get("tokens", "none")))
        config = cls(
            domain=str(values.get("domain", JAAS_DOMAIN if mode == "jaas" else DEFAULT_DOMAIN)),
            prefix=str(values.get("prefix", "rota")),
            tokens=mode,
            app_id=str(values.get("app_id", "")),
            kid=str(values.get("kid", "")),
            grace_minutes=float(values.get("grace_minutes", 15)),
            scheme=str(values.get("scheme", "https")),
        )
        if mode == "hs256":
            return replace(config, secret=(environ or {})[JITSI_SECRET_ENV])
        if mode == "jaas":
            pem = key_path(str(values["private_key"]), Context(None, base))
            return replace(config, private_key=pem.read_text(encoding="utf-8"))
        return config


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str = ""
    institution: str = ""

    @property
    def display(self) -> str:
        return f"{self.name} ({self.institution})" if self.institution else self.name


def mint(
    config: JitsiConfig,
    person: Person,
    room: str,
    *,
    moderator: bool,
    now: datetime,
    ends: datetime,
    starts: datetime | None = None,
) -> str:
    """A token for one person in one room for one slot: `nbf` at the slot's start less the
    grace period (a token minted ahead for the next place opens nothing before then; without
    a start, 30 s in the past: Prosody allows no skew), `exp` at the slot's end plus the grace
    period. `room` is that room, never `*`."""
    grace = timedelta(minutes=config.grace_minutes)
    opens = starts - grace if starts is not None else now - timedelta(seconds=30)
    user: dict[str, Any] = {
        "id": person.id,
        "name": person.display,
        "email": person.email,
        "avatar": "",
    }
    claims: dict[str, Any] = {
        "room": room,
        "nbf": int(opens.timestamp()),
        "exp": int((ends + grace).timestamp()),
    }
    if config.tokens == "jaas":
        user["moderator"] = "true" if moderator else "false"
        claims.update(
            aud="jitsi",
            iss="chat",
            sub=config.app_id,
            context={
                "user": user,
                "features": {
                    "recording": False,
                    "livestreaming": False,
                    "transcription": False,
                    "outbound-call": False,
                },
            },
        )
        return jwt.encode(
            claims, config.private_key, algorithm="RS256", headers={"kid": config.kid, "typ": "JWT"}
        )
    user["moderator"] = moderator
    claims.update(aud="jitsi", iss=config.app_id, sub=config.domain, context={"user": user})
    return jwt.encode(claims, config.secret, algorithm="HS256", headers={"typ": "JWT"})


# Public Jitsi servers run by 8x8 for everyone (docs/operations.md, "Choosing your video
# platform"): since May 2023 meet.jit.si cuts meetings embedded in another site after 5
# minutes, and since August 2023 a meeting there starts only once a moderator has signed in
# with Google, Facebook or GitHub (jitsi/jitsi-meet#13753, jitsi/lib-jitsi-meet#2404). It
# sends no webhooks: Rota sees nobody in its rooms.
PUBLIC_DOMAINS = frozenset({"meet.jit.si"})


def public_jitsi(config: JitsiConfig) -> bool:
    """Rooms on public meet.jit.si: fine for a rehearsal; on the real day they are opened in
    a tab of their own, never embedded, and someone must sign in to start each."""
    return config.tokens == "none" and config.domain.lower().rstrip(".") in PUBLIC_DOMAINS


def origin(config: JitsiConfig) -> str:
    """Where the Jitsi pages and `external_api.js` come from (for the page's CSP)."""
    return f"{config.scheme}://{config.domain}"


def embed_room(config: JitsiConfig, room: str) -> str:
    """The `roomName` the IFrame API wants: JaaS rooms live under the app id."""
    return f"{config.app_id}/{room}" if config.tokens == "jaas" else room


def external_api(config: JitsiConfig) -> str:
    if config.tokens == "jaas":
        return f"{origin(config)}/{quote(config.app_id)}/external_api.js"
    return f"{origin(config)}/external_api.js"


def room_url(config: JitsiConfig, room: str, token: str = "") -> str:
    if config.tokens == "jaas":
        base = f"{origin(config)}/{quote(config.app_id)}/{quote(room)}"
    else:
        base = f"{origin(config)}/{quote(room)}"
    return f"{base}?jwt={token}" if token else base
