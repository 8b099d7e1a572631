"""Self check-in at the door of an on-site room, pure: the short-lived codes a door screen
shows as a QR code, their check, and who may use them.

A code is `room.window.signature`: the window is the number of `seconds`-long spans since the
Unix epoch (wall time, so a screen and a phone agree however fast a rehearsal runs), and the
signature an HMAC-SHA256 of both with the event's server secret, cut to 128 bits. A code is good
in its own window and the one after (the time to point a camera and load a page); anything
else, or a signature that does not match (compared in constant time), is refused with a reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from schedules.campus import campus_address
from schedules.evidence import Mark, item_key
from schedules.model import Programme, Room
from schedules.whereabouts import Whereabouts

WINDOW_SECONDS = 15.0  # a door screen shows a new code this often
SIGNATURE_BYTES = 16


def window_of(wall: float, seconds: float) -> int:
    return int(wall // seconds)


def _signature(secret: bytes, room: str, window: int) -> str:
    digest = hmac.new(secret, f"checkin:{room}:{window}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:SIGNATURE_BYTES]).decode().rstrip("=")


def code_for(secret: bytes, room: str, window: int) -> str:
    return f"{room}.{window}.{_signature(secret, room, window)}"


Verdict = Literal["ok", "forged", "expired"]


@dataclass(frozen=True)
class Checked:
    verdict: Verdict
    room: str = ""
    window: int = 0


def check_code(secret: bytes, code: str, window: int, rooms: Sequence[str]) -> Checked:
    """Whether `code` was made with `secret` for a room of this event in `window` or the one
    before it. A code that is not ours (or names no room) is `forged`; one of ours that is
    older, or from a window not yet begun, is `expired`."""
    room, _, rest = code.partition(".")
    written, _, signature = rest.partition(".")
    if not (room and written.isdigit() and len(written) < 16 and signature):
        return Checked("forged")
    made = int(written)
    expected = _signature(secret, room, made)
    if not hmac.compare_digest(expected.encode(), signature.encode()) or room not in rooms:
        return Checked("forged")
    if made not in (window, window - 1):
        return Checked("expired", room, made)
    return Checked("ok", room, made)


def network_allowed(address: str, networks: Sequence[str]) -> bool:
    """Whether a client (as `edge/clients.py` names it: an address, or an IPv6 /64) is in one
    of the allowed networks; no networks: everyone."""
    if not networks:
        return True
    try:
        client = ipaddress.ip_network(address, strict=False)
    except ValueError:
        return False
    for text in networks:
        allowed = ipaddress.ip_network(text, strict=False)
        if client.version == allowed.version and client.subnet_of(allowed):  # type: ignore[arg-type]
            return True
    return False


@dataclass(frozen=True)
class Expected:
    """Where the plan has the person at the moment of a check-in, for one room: the slot
    (`round` or keynote) the check-in counts for, and whether they are planned there."""

    planned: bool
    slot: str  # "round-3", "keynote-awards" (as the timeline names it); "": nothing is on
    place: str  # the room they should be in instead, when not planned here ("" if none)


def expected(answers: Sequence[Whereabouts], room: str) -> Expected:
    """`answers`: the person's `/go` answer and their page's (which keeps them to the end of
    a place) at the moment of the check-in; planned when either has them in `room`."""
    for answer in answers:
        place = answer.now
        if place is not None and place.room == room:
            return Expected(True, item_key(place.kind, place.round, place.keynote), "")
    elsewhere = next((a.now for a in answers if a.now is not None), None)
    if elsewhere is None:
        return Expected(False, "", "")
    slot = item_key(elsewhere.kind, elsewhere.round, elsewhere.keynote)
    return Expected(False, slot, elsewhere.room)


def door_rooms(programme: Programme) -> list[str]:
    """The rooms with a door screen: those on campus."""
    return [r.id for r in programme.rooms if r.onsite]


def checkin_url(base_url: str, code: str) -> str:
    return f"{base_url}/checkin/{code}"


def seconds_left(wall: float, seconds: float) -> float:
    """Until the door screen's next code."""
    return seconds - (wall % seconds)


def door_tile(
    programme: Programme,
    room: Room,
    audience: Sequence[str],
    item: str,
    marks: Iterable[Mark],
    flagged: Mapping[tuple[str, str], int],
) -> dict[str, Any]:
    """What a board tile adds for a room on campus: where it is, its door screen, and this
    slot's check-ins: those planned there (`checked-in` marks), and apart those who are not."""
    if not room.onsite:
        return {}
    people = programme.participant_by_id
    return {
        "onsite": room.onsite,
        "checkin": f"/board/rooms/{room.id}/checkin",
        "onsite_expected": sum(
            1 for p in audience if p in people and campus_address(programme, people[p], room.id)
        ),
        "checked_in": len(
            {
                m.person
                for m in marks
                if m.source == "checked-in" and m.item == item and m.room == room.id
            }
        ),
        "checked_in_unplanned": flagged.get((item, room.id), 0),
    }
