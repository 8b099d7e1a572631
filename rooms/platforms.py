"""What the programme's video platforms will and will not do on the real day, as `rota check`
warnings (docs/operations.md, "Choosing your video platform"): rooms on public meet.jit.si,
and an event where nothing reports presence, so attendance rests on the other sources."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rooms.links import JitsiConfig, public_jitsi
from schedules.evidence import SOURCES
from schedules.model import Programme
from schedules.problems import Problem
from schedules.tomlpos import key_lines, line_of

FEED_SECRETS = ("ROTA_JAAS_WEBHOOK_SECRET", "ROTA_EVENT_SYNC_TOKEN")
SOURCE_WORDS = {
    "sent": "followed their link (sent)",
    "confirmed": 'pressed "I\'m here" (confirmed)',
    "checked-in": "checked in at the door (checked-in)",
    "webhook": "were seen by the video platform (webhook)",
}
CHOOSING = 'docs/operations.md, "Choosing your video platform"'


def jitsi_rooms(programme: Programme) -> list[str]:
    """Rooms held on Jitsi: declared rooms without a link, a campus place or BigBlueButton,
    and keynote rooms not declared in [[rooms]] (unless BigBlueButton is the default)."""
    jitsi = [r for r in programme.rooms if r.reports_presence and not _bbb(programme, r.id)]
    known = {r.id for r in programme.rooms}
    keynote_rooms = sorted(
        {k.room for k in programme.keynotes if k.room not in known and not _bbb(programme, k.room)}
    )
    return [r.name for r in jitsi] + keynote_rooms


def _bbb(programme: Programme, room: str) -> bool:
    return programme.platform_of(room) == "bbb"


def _listing(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def platform_problems(
    programme: Programme, jitsi: JitsiConfig, environ: Mapping[str, str]
) -> list[Problem]:
    """Warnings, at the [jitsi] line (or the first line): public meet.jit.si rooms, and no
    presence feed at all, naming what the attendance certificates will rest on."""
    source = programme.source or Path("programme.toml")
    try:
        lines = key_lines(source.read_text(encoding="utf-8-sig"))
    except OSError:
        lines = {}
    line = line_of(lines, ("jitsi",)) if "jitsi" in programme.sections else 1
    found: list[Problem] = []
    rooms = jitsi_rooms(programme)
    public = bool(rooms) and public_jitsi(jitsi)
    if public:
        found.append(
            Problem(
                str(source),
                line,
                f"{_listing(rooms)} {'is' if len(rooms) == 1 else 'are'} on public "
                "meet.jit.si: on the real day each opens in a tab of its own (meet.jit.si cuts "
                "embedded meetings after 5 minutes), starts only once someone signs in there "
                "with Google, Facebook or GitHub (presenters are told), and tells Rota nobody's "
                'presence; for the whole day use Jitsi as a Service ([jitsi] tokens = "jaas"), '
                "your own Jitsi, or your university's BigBlueButton, Zoom or Teams as room "
                f"links ({CHOOSING})",
                "warning",
            )
        )
    reporting = rooms and not public and any(environ.get(name) for name in FEED_SECRETS)
    polled = any(_bbb(programme, r.id) for r in programme.rooms)  # Rota asks the server
    if not (reporting or polled):
        why = (
            "public meet.jit.si reports nobody"
            if public
            else (
                f"no {' or '.join(FEED_SECRETS)} is set"
                if rooms
                else "no room is on a platform that reports presence"
            )
        )
        found.append(Problem(str(source), line, _no_feed(programme, why), "warning"))
    return found


def _no_feed(programme: Programme, why: str) -> str:
    """What attendance and its certificates will rest on without any presence feed."""
    others = [s for s in SOURCES if s != "webhook"]
    message = (
        f"no presence feed ({why}): the board counts people by the other sources, and "
        "attendance certificates will rest on who "
        + ", ".join(SOURCE_WORDS[s] for s in others[:-1])
        + f" or {SOURCE_WORDS[others[-1]]}"
    )
    blind = [k.id for k in programme.keynotes if k.evidence_chosen and k.evidence == ("webhook",)]
    if blind:
        message += (
            f"; keynote {_listing(blind)} counts webhook time only (its `evidence`), so nobody "
            "will get its attendance certificate"
        )
    return message
