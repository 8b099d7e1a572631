"""Organiser sessions for the board: after logging in with the organiser token, a random
session id in an HttpOnly, SameSite=Strict cookie. Sessions live in Redis (every process
knows them) under a hash of the id, each with its own anti-forgery token."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from orchestrator.storage.store import Store

COOKIE = "rota_board"
LIFETIME_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Session:
    id: str
    csrf: str


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def create(store: Store) -> Session:
    session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
    await store.redis.set(
        store.keys.session(_digest(session.id)),
        json.dumps({"csrf": session.csrf}),
        ex=LIFETIME_SECONDS,
    )
    return session


async def find(store: Store, session_id: str | None) -> Session | None:
    if not session_id or len(session_id) > 100:
        return None
    raw = await store.redis.get(store.keys.session(_digest(session_id)))
    if raw is None:
        return None
    return Session(session_id, json.loads(raw)["csrf"])


async def end(store: Store, session_id: str) -> None:
    await store.redis.delete(store.keys.session(_digest(session_id)))


def csrf_ok(session: Session, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf.encode(), (given or "").encode())
