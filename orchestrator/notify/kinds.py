"""What each kind of subscriber receives: pure functions from one event to one HTTP request
(body and headers). Signing follows Standard Webhooks (orchestrator/notify/signing.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from orchestrator.errors import SetupError
from orchestrator.notify.signing import signature
from orchestrator.storage.notify_records import Event, Subscriber


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict[str, str]


def envelope(event: Event) -> bytes:
    return json.dumps(
        {
            "type": event.type,
            "timestamp": event.timestamp.isoformat(),
            "event": event.event,
            "data": event.data,
        },
        separators=(",", ":"),
    ).encode()


def build(
    subscriber: Subscriber, event: Event, message_id: str, now: int, url: str = ""
) -> Request:
    """The request for this subscriber; `now` (Unix seconds) is this attempt's time."""
    headers = {"Content-Type": "application/json", "User-Agent": "Rota notifications"}
    target = url or subscriber.url
    kind = subscriber.kind
    if kind == "webhook":
        body = envelope(event)
        headers.update(
            {
                "webhook-id": message_id,
                "webhook-timestamp": str(now),
                "webhook-signature": signature(subscriber.secret, message_id, now, body),
            }
        )
        return Request(target, body, headers)
    text = event.text or event.type
    if kind == "slack":  # Slack incoming webhooks; Mattermost and Rocket.Chat accept it too
        payload: dict[str, Any] = {"text": text}
    elif kind == "discord":
        payload = {"content": text[:2000], "allowed_mentions": {"parse": []}}
    elif kind == "matrix":  # matrix-hookshot generic webhook
        payload = {"text": text, "username": "Rota"}
    elif kind == "teams":  # a Teams workflow ("Post to a channel when a webhook request…")
        payload = {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [
                            {
                                "type": "TextBlock",
                                "text": event.title or event.type,
                                "weight": "Bolder",
                                "wrap": True,
                            },
                            {"type": "TextBlock", "text": text, "wrap": True},
                        ],
                    },
                }
            ],
        }
    elif kind == "ntfy":  # JSON publishing to the server's root; the topic in the body
        base, _, topic = target.rpartition("/")
        payload = {"topic": topic, "title": event.title or "Rota", "message": text}
        link = event.data.get("link")
        if link:
            payload["click"] = link
            payload["actions"] = [
                {"action": "view", "label": event.data.get("label", "Go"), "url": link}
            ]
        target = base
    else:
        raise SetupError(f"unknown subscriber kind {kind!r}")
    return Request(target, json.dumps(payload).encode(), headers)
