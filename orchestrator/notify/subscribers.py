"""Who is notified: subscribers from the programme's `[[notify]]` tables and from the API,
each checked before it is stored."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from orchestrator.errors import Refused, SetupError
from orchestrator.notify.signing import new_secret
from orchestrator.notify.ssrf import check
from orchestrator.storage.notify_records import Subscriber
from schedules.message_sections import NTFY_DEFAULT
from schedules.schema import Context
from schedules.sections import section_problems


def programme_subscribers(
    section: Any, environ: Mapping[str, str], allow_private: bool
) -> list[Subscriber]:
    """`[[notify]]` tables as subscribers. The checks are the programme's own
    (schedules/sections.py: `rota check` refuses the same); errors say which entry."""
    if section is None:
        return []
    if not isinstance(section, list) or not all(isinstance(e, dict) for e in section):
        raise SetupError("[[notify]] must be an array of tables")
    found = []
    for n, entry in enumerate(section, start=1):
        problems = section_problems("notify", entry, Context(environ))
        if problems:
            raise SetupError(f"[[notify]] #{n}: {problems[0]}")
        kind = str(entry.get("kind", "webhook"))
        url = str(entry.get("url", NTFY_DEFAULT if kind == "ntfy" else ""))
        events = entry.get("events", ["*"])
        found.append(
            Subscriber(
                id=str(entry.get("id", f"programme-{n}")),
                url=url.rstrip("/") if kind == "ntfy" else url,
                kind=kind,
                events=tuple(events),
                secret=environ.get(str(entry.get("secret_env", "")), "")
                if entry.get("secret_env")
                else "",
                source="programme",
                personal=kind == "ntfy" and bool(entry.get("personal", True)),
            )
        )
    return found


async def from_api(
    url: str,
    kind: str,
    events: tuple[str, ...],
    secret: str,
    personal: bool,
    allow_private: bool,
) -> Subscriber:
    """A subscriber from the API's body (parsed by event/api_bodies.Subscriber: a kind of the
    [[notify]] schema, the fields typed); a webhook without a secret gets a new one."""
    await check(url, allow_private)
    secret = secret or (new_secret() if kind == "webhook" else "")
    if kind == "webhook" and not secret.startswith("whsec_"):
        raise Refused("`secret` must be a whsec_… secret")
    return Subscriber(
        id=f"sub_{uuid.uuid4().hex[:12]}",
        url=url,
        kind=kind,
        events=events,
        secret=secret,
        source="api",
        personal=kind == "ntfy" and personal,
    )
