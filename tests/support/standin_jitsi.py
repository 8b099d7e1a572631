"""A stand-in for Jitsi as a Service: it signs webhooks as JaaS does (HMAC-SHA256 over
`t.body`, keyed with the `whsec_` secret as shown) and posts them to a running Rota."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx

APP_ID = "vpaas-magic-cookie-c2824d584eac4489a1e32e4e164d5a3c"
# the secret of JaaS's own signature example (tests/fixtures/jitsi/jaas-signature-example.json)
JAAS_SECRET = "whsec_9635df66714a4cf088ee9d0979dd3bf6"
JAAS_ENV = {"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET}
SYNC_TOKEN = "event-sync-bearer-token-0123456789"
WEBHOOK_ENV = {**JAAS_ENV, "ROTA_EVENT_SYNC_TOKEN": SYNC_TOKEN}  # JaaS webhooks and event sync


def sign(secret: str, body: bytes, t: int | None = None) -> str:
    t = int(time.time()) if t is None else t
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).digest()
    return f"t={t},v1={base64.b64encode(digest).decode()}"


class JaasStandIn:
    def __init__(self, http: httpx.AsyncClient, base_url: str, secret: str) -> None:
        self.http = http
        self.url = f"{base_url}/webhooks/jaas"
        self.secret = secret
        self.sent: list[dict[str, Any]] = []

    def envelope(
        self, event_type: str, room: str, at: float, data: dict[str, Any], key: str | None = None
    ) -> dict[str, Any]:
        return {
            "idempotencyKey": key or str(uuid.uuid4()),
            "customerId": APP_ID.removeprefix("vpaas-magic-cookie-"),
            "appId": APP_ID,
            "eventType": event_type,
            "sessionId": str(uuid.uuid4()),
            "timestamp": int(at * 1000),
            "fqn": f"{APP_ID}/{room}",
            "data": data,
        }

    async def post(
        self, envelope: dict[str, Any], *, signature: str | None = None
    ) -> httpx.Response:
        body = json.dumps(envelope, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Jaas-Signature": signature or sign(self.secret, body),
        }
        response = await self.http.post(self.url, content=body, headers=headers)
        self.sent.append(envelope)
        return response

    async def joined(
        self,
        room: str,
        at: float,
        pid: str,
        name: str,
        connection: str,
        key: str | None = None,
        jid: str = "",
    ) -> dict[str, Any]:
        envelope = self.envelope(
            "PARTICIPANT_JOINED",
            room,
            at,
            {
                "id": pid,
                "name": name,
                "email": "",
                "participantId": connection,
                "participantJid": jid or f"{connection}-jid@8x8.vc",
                "moderator": "false",
            },
            key,
        )
        response = await self.post(envelope)
        assert response.status_code == 200, response.text
        return envelope

    async def left(
        self,
        room: str,
        at: float,
        pid: str,
        name: str,
        connection: str,
        reason: str = "left",
        key: str | None = None,
    ) -> dict[str, Any]:
        envelope = self.envelope(
            "PARTICIPANT_LEFT",
            room,
            at,
            {
                "id": pid,
                "name": name,
                "participantId": connection,
                "participantJid": f"{connection}-jid@8x8.vc",
                "disconnectReason": reason,
            },
            key,
        )
        response = await self.post(envelope)
        assert response.status_code == 200, response.text
        return envelope
