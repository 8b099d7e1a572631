"""`rota check --online` for BigBlueButton: one create and one end of a test meeting, so a
wrong url or secret is found before the day, not at the first round."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

import httpx

from rooms.bbb import BbbClient, BbbConfig, BbbError, Meeting, hint
from schedules.model import Programme


async def prove(programme: Programme, environ: Mapping[str, str]) -> tuple[str, bool]:
    """The line to print, and whether the server accepted Rota's calls (ROTA_BBB_SECRET is
    in `environ`)."""
    config = BbbConfig.from_section(programme.sections.get("bbb"), environ)
    assert config is not None  # checked by `rota check` before
    meeting = Meeting(
        f"rota-check-{programme.event.id}-{secrets.token_hex(4)}",
        "Rota check",
        programme.event.id,
        "check",
        expire_minutes=1,
    )
    async with httpx.AsyncClient(follow_redirects=False) as http:
        client = BbbClient(config, http, timeout=10)
        try:
            await client.create(meeting)
            await client.end(meeting.meeting_id)
        except BbbError as exc:
            return f"BigBlueButton {config.url}: {exc}. {hint(exc.key)}".strip(), False
    return (
        f"BigBlueButton {config.url}: ok — a test meeting was created and ended "
        f"(checksum {config.checksum})",
        True,
    )
