"""Standard Webhooks signatures for what Rota sends: HMAC-SHA256 over `id.timestamp.body`,
keyed with the base64-decoded part of a `whsec_…` secret; `v1,<base64>`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verify(secret: str, message_id: str, timestamp: int, body: bytes, header: str) -> bool:
    expected = signature(secret, message_id, timestamp, body).encode()
    return any(hmac.compare_digest(expected, given.encode()) for given in header.split())
