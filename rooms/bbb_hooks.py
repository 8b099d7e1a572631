"""bbb-webhooks callbacks (optional, where the admin installed it): verified, then read
into the same room events the poller makes. No HTTP here.

A callback is a form-encoded POST `domain=…&event=[<json>]&timestamp=<ms>` to the URL Rota
registered with `hooks/create`, with `?checksum=<hex>` appended: the digest of the callback
URL as registered + the raw body + the shared secret (sha1 by default, the admin may pick
another; told apart by length), or instead `Authorization: Bearer <secret>`
(bigbluebutton/bbb-webhooks, src/out/webhooks/callback-emitter.js). A user's
`external-user-id` is the `userID` Rota joined them with; the meeting's `internal-meeting-id`
ends in its createTime. The connection key is the poller's (`bbb:<createTime>:<userID>`), so
a join seen by both is one stay in rooms/presence.py, never two."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qs

from rooms.events import Kind, RoomEvent
from rooms.webhooks import MalformedWebhook, WebhookRejected, bearer_ok

ALGORITHMS = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}
KINDS: dict[str, Kind] = {"user-joined": "joined", "user-left": "left"}


def verify_callback(
    callback_url: str, body: bytes, secret: str, checksum: str, authorization: str | None
) -> None:
    """WebhookRejected unless the checksum (or the bearer) proves the sender knows the
    secret; compared in constant time."""
    if not secret:
        raise WebhookRejected("no shared secret configured")
    if authorization is not None and bearer_ok(authorization, secret):
        return
    algorithm = ALGORITHMS.get(len(checksum))
    if algorithm is None:
        raise WebhookRejected("missing or malformed checksum")
    expected = hashlib.new(algorithm, callback_url.encode() + body + secret.encode())
    if not hmac.compare_digest(expected.hexdigest(), checksum.lower()):
        raise WebhookRejected("wrong checksum")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_callback(body: bytes) -> list[RoomEvent]:
    """The joins and leaves in one callback; other events (there are many) are ignored."""
    try:
        form = parse_qs(body.decode(), keep_blank_values=True, strict_parsing=False)
        events = json.loads(form["event"][0])
    except (UnicodeDecodeError, KeyError, IndexError, ValueError):
        raise MalformedWebhook("not a bbb-webhooks callback (event=[…])") from None
    if isinstance(events, dict):
        events = [events]
    if not isinstance(events, list):
        raise MalformedWebhook("`event` is not a list of events")
    found = []
    for item in events:
        data = item.get("data") if isinstance(item, dict) else None
        if not isinstance(data, dict) or data.get("id") not in KINDS:
            continue
        found.append(_event(KINDS[data["id"]], data))
    return found


def _event(kind: Kind, data: dict[str, Any]) -> RoomEvent:
    attributes = data.get("attributes")
    meeting = attributes.get("meeting") if isinstance(attributes, dict) else None
    user = attributes.get("user") if isinstance(attributes, dict) else None
    stamp = data.get("event", {}).get("ts") if isinstance(data.get("event"), dict) else None
    if not isinstance(meeting, dict) or not isinstance(user, dict):
        raise MalformedWebhook(f"{data['id']} without its meeting or user")
    if not isinstance(stamp, int | float) or isinstance(stamp, bool):
        raise MalformedWebhook(f"{data['id']} without event.ts")
    meeting_id = _text(meeting.get("external-meeting-id"))
    internal = _text(meeting.get("internal-meeting-id"))
    user_id = _text(user.get("external-user-id")) or _text(user.get("internal-user-id"))
    if not meeting_id or not user_id:
        raise MalformedWebhook(f"{data['id']} without external-meeting-id or a user id")
    create_time = internal.rpartition("-")[2]
    return RoomEvent(
        source="bbb",
        kind=kind,
        room=meeting_id.lower(),
        at=stamp / 1000,
        key=f"bbbhook:{internal}:{_text(user.get('internal-user-id'))}:{kind}:{stamp}",
        person=user_id,
        connection=f"bbb:{create_time}:{user_id}",
        moderator=user.get("role") == "MODERATOR",
    )
