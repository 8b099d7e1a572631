"""Failed authentication per client, counted in Redis so every process agrees: a fixed window
that starts at a client's first failure. Once a client has used up its failures, it is refused
(even with the right token: otherwise a refusal would tell a guesser which guess was right)
until the window ends. Successes are never counted or delayed. Counting and deciding are one
Lua step (storage/scripts.py THROTTLE), so a burst of guesses gets no more than the limit."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from orchestrator.storage import replies as answers
from orchestrator.storage.outage import translated, translating
from orchestrator.storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailedLogins:
    client: str
    count: int


@dataclass(frozen=True)
@translating
class AuthFailures:
    store: Store
    allowed: int
    window_seconds: float

    async def attempt(self, client: str, wrong: bool) -> int:
        """Count a wrong token (a right one only looks); the seconds this client must wait
        before its attempt is heard, 0 when it is heard now."""
        keys = self.store.keys
        window_ms = max(1, int(self.window_seconds * 1000))
        count, ttl_ms = await self.store.throttle(
            keys=[keys.auth_failures(client), keys.auth_recent],
            args=["1" if wrong else "0", window_ms, client],
        )
        if wrong and int(count) == self.allowed:
            log.warning("a client failed the organiser token %d times: refused for a while", count)
        refused = int(count) > self.allowed if wrong else int(count) >= self.allowed
        if not refused or int(ttl_ms) <= 0:
            return 0
        return max(1, math.ceil(int(ttl_ms) / 1000))


@translated
async def recent_failures(store: Store) -> list[FailedLogins]:
    """The clients whose window of failed logins is still open, most failures first."""
    async with store.redis.pipeline(transaction=False) as pipe:
        pipe.time()
        pipe.hgetall(store.keys.auth_recent)
        (seconds, micros), listed = await pipe.execute()
    now_ms = int(seconds) * 1000 + int(micros) // 1000
    found = []
    for client, value in listed.items():
        count, _, until = answers.text(value).partition(":")
        if until.isdigit() and int(until) > now_ms:
            found.append(FailedLogins(answers.text(client), int(count)))
    return sorted(found, key=lambda f: (-f.count, f.client))
