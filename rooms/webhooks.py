"""Inbound Jitsi webhooks: verify, then normalise into RoomEvents. No HTTP here."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import msgspec

from rooms.events import Kind, RoomEvent

JAAS_TOLERANCE = 300  # seconds between the signature's `t` and our clock
SERVICE_MARKERS = ("recorder.", "transcriber.", "jigasi", "jibri")
JAAS_KINDS: dict[str, Kind] = {
    "ROOM_CREATED": "room_created",
    "ROOM_DESTROYED": "room_destroyed",
    "PARTICIPANT_JOINED": "joined",
    "PARTICIPANT_LEFT": "left",
}
EVENT_SYNC_KINDS: dict[str, Kind] = {
    "room/created": "room_created",
    "room/destroyed": "room_destroyed",
    "occupant/joined": "joined",
    "occupant/left": "left",
}


class JaasBody(msgspec.Struct):
    """The fields of a JaaS webhook that Rota reads; the decoder skips the rest. Each is
    checked by `parse_jaas`, not by the decoder, so an odd value in a field Rota does not
    need (a number for a name, say) is tolerated rather than refused."""

    eventType: Any = None
    idempotencyKey: Any = None
    fqn: Any = None
    timestamp: Any = None
    data: Any = None


JAAS_BODY = msgspec.json.Decoder(JaasBody)


class WebhookRejected(Exception):
    """Not from Jitsi (401): a missing, forged or stale signature, or a wrong bearer token."""


class MalformedWebhook(Exception):
    """Signed, but not a payload we can read (400)."""


def verify_jaas(
    header: str | None, body: bytes, secret: str, now: float, tolerance: float = JAAS_TOLERANCE
) -> None:
    """`X-Jaas-Signature: t=<unix>,v1=<base64>`: HMAC-SHA256 keyed with the secret as shown
    in the console (`whsec_…` included) over `t` + "." + the raw body; several v1 may be given."""
    if not header or not secret:
        raise WebhookRejected("missing signature")
    timestamp = None
    signatures = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            timestamp = value
        elif name == "v1" and value:
            signatures.append(value)
    if timestamp is None or not timestamp.isdigit() or not signatures:
        raise WebhookRejected("malformed signature header")
    if abs(now - int(timestamp)) > tolerance:
        raise WebhookRejected("signature timestamp outside the tolerance")
    expected = _jaas_mac(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, s.encode()) for s in signatures):
        raise WebhookRejected("signature does not match")


def _jaas_mac(secret: str, timestamp: str, body: bytes) -> bytes:
    # hmac.digest: OpenSSL's one-shot HMAC, a third of hmac.new's cost per webhook
    return base64.b64encode(
        hmac.digest(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    )


def jaas_signature(secret: str, body: bytes, timestamp: int) -> str:
    """The header JaaS would send (the rehearsal's simulated presence signs like JaaS)."""
    return f"t={timestamp},v1={_jaas_mac(secret, str(timestamp), body).decode()}"


def bearer_ok(header: str | None, token: str) -> bool:
    if not header or not token:
        return False
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _service(*names: str) -> bool:
    joined = " ".join(n.lower() for n in names if n)
    return any(marker in joined for marker in SERVICE_MARKERS)


def parse_jaas(body: JaasBody) -> RoomEvent | None:
    """A RoomEvent, or None for an event type Rota does not use (answered 2xx and ignored).
    `body` is what `JAAS_BODY` decoded (the service's body reader limits size and depth)."""
    kind = JAAS_KINDS.get(body.eventType) if isinstance(body.eventType, str) else None
    if kind is None:
        return None
    key, fqn, stamp = body.idempotencyKey, body.fqn, body.timestamp
    if (
        not isinstance(key, str)
        or not key
        or not isinstance(fqn, str)
        or "/" not in fqn
        or not isinstance(stamp, int | float)
        or isinstance(stamp, bool)
    ):
        raise MalformedWebhook("missing idempotencyKey, fqn or timestamp")
    payload: Mapping[str, Any] = body.data if isinstance(body.data, dict) else {}
    jid = _text(payload.get("participantJid"))
    return RoomEvent(
        source="jaas",
        kind=kind,
        room=fqn.split("/", 1)[1].lower(),
        at=float(stamp) / 1000,
        key=f"jaas:{key}",
        person=_text(payload.get("id")),
        email=_text(payload.get("email")),
        name=_text(payload.get("name")),
        connection=_text(payload.get("participantId")) or jid,
        reason=_text(payload.get("disconnectReason")),
        moderator=_truthy(payload.get("moderator")),
        breakout=_truthy(payload.get("isBreakout")),
        service=bool(jid) and _service(jid),
    )


def parse_event_sync(path: str, data: Mapping[str, Any]) -> list[RoomEvent]:
    """`path` is e.g. "occupant/joined". A room/destroyed also closes every occupant it lists,
    which reconciles leaves that Prosody failed to deliver."""
    kind = EVENT_SYNC_KINDS.get(path)
    if kind is None:
        raise MalformedWebhook(f"unknown event_sync path {path!r}")
    room = _text(data.get("room_name")).lower()
    if not room:
        raise MalformedWebhook("missing room_name")
    breakout = _truthy(data.get("is_breakout"))
    if kind in ("room_created", "room_destroyed"):
        stamp = data.get("destroyed_at" if kind == "room_destroyed" else "created_at")
        if not isinstance(stamp, int | float) or isinstance(stamp, bool):
            raise MalformedWebhook("missing created_at/destroyed_at")
        events = [
            RoomEvent(
                "event_sync",
                kind,
                room,
                float(stamp),
                key=f"es:{kind}:{data.get('room_jid', room)}:{stamp}",
                breakout=breakout,
            )
        ]
        if kind == "room_destroyed":
            for occupant in data.get("all_occupants") or []:
                if isinstance(occupant, dict) and isinstance(occupant.get("left_at"), int | float):
                    events.append(_occupant("left", room, data, occupant, breakout))
        return events
    occupant = data.get("occupant")
    if not isinstance(occupant, dict):
        raise MalformedWebhook("missing occupant")
    return [_occupant(kind, room, data, occupant, breakout)]


def _occupant(
    kind: Kind, room: str, data: Mapping[str, Any], occupant: dict[str, Any], breakout: bool
) -> RoomEvent:
    joined = occupant.get("joined_at")
    left = occupant.get("left_at")
    at = left if kind == "left" else joined
    if not isinstance(at, int | float) or isinstance(at, bool):
        raise MalformedWebhook("missing joined_at/left_at")
    jid = _text(occupant.get("occupant_jid"))
    return RoomEvent(
        source="event_sync",
        kind=kind,
        room=room,
        at=float(at),
        key=f"es:{kind}:{data.get('room_jid', room)}:{jid}:{joined}:{left}",
        person=_text(occupant.get("id")),
        email=_text(occupant.get("email")),
        name=_text(occupant.get("name")),
        connection=jid,
        breakout=breakout,
        joined_at=float(joined) if isinstance(joined, int | float) else None,
        service=_service(jid, _text(occupant.get("name"))),
    )
