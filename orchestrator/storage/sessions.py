"""Organiser sessions for the board: after logging in with the organiser token, a random
session id in an HttpOnly, SameSite=Strict cookie. Sessions live in Redis (every process
knows them) under a hash of the id, each with its own anti-forgery token and a fingerprint
of the organiser token it was made with: a new token ends every older session."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from orchestrator.storage import replies as answers
from orchestrator.storage.outage import translated
from orchestrator.storage.store import Store

COOKIE = "rota_board"
LIFETIME_SECONDS = 12 * 3600
ENDED = "sessions-ended"  # the pub/sub message: every process closes its board streams


@dataclass(frozen=True)
class Session:
    id: str
    csrf: str


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def fingerprint(organiser_token: str) -> str:
    """A keyed digest of the organiser token: says which token a session belongs to without
    storing anything that would help guess it."""
    return hmac.new(organiser_token.encode(), b"rota board session", hashlib.sha256).hexdigest()


@translated
async def create(store: Store, token_fingerprint: str) -> Session:
    session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
    await store.redis.set(
        store.keys.session(_digest(session.id)),
        json.dumps({"csrf": session.csrf, "token": token_fingerprint}),
        ex=LIFETIME_SECONDS,
    )
    return session


@translated
async def find(store: Store, session_id: str | None, token_fingerprint: str) -> Session | None:
    """The session, if it exists and was made with the current organiser token."""
    if not session_id or len(session_id) > 100:
        return None
    key = store.keys.session(_digest(session_id))
    raw = await store.redis.get(key)
    if raw is None:
        return None
    record = json.loads(raw)
    if not hmac.compare_digest(str(record.get("token", "")), token_fingerprint):
        await store.redis.delete(key)  # made with an organiser token no longer in force
        return None
    return Session(session_id, record["csrf"])


@translated
async def end(store: Store, session_id: str) -> None:
    await store.redis.delete(store.keys.session(_digest(session_id)))


async def _all(store: Store) -> list[str]:
    pattern = store.keys.session("*")
    return [answers.text(k) async for k in store.redis.scan_iter(match=pattern, count=1000)]


@translated
async def count(store: Store) -> int:
    return len(await _all(store))


@translated
async def end_all(store: Store) -> int:
    """End every board session, and tell every process to close its board streams."""
    found = await _all(store)
    ended = int(await store.redis.delete(*found)) if found else 0
    await store.publish(ENDED)
    return ended


def csrf_ok(session: Session, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf.encode(), (given or "").encode())
