"""When a failed delivery job is tried again (its record, `Job`, is storage/notify_records.py):
Standard Webhooks' back-off with jitter, a server's `Retry-After` honoured."""

from __future__ import annotations

import email.utils
import random
from datetime import UTC, datetime

BACKOFF = (5, 300, 1800, 7200, 18000, 36000)  # seconds after attempt 1, 2, … (Standard Webhooks)
MAX_HINT = 86_400.0  # a Retry-After beyond a day is read as a day


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def next_delay(attempts: int, hint: float | None, scale: float = 1.0, jitter: float = 0.2) -> float:
    """Seconds before the next attempt after `attempts` failed ones: the back-off step with
    ±`jitter`, never sooner than the server asked (up to a day)."""
    base = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)] * scale
    delay = base * random.uniform(1 - jitter, 1 + jitter)
    if hint is not None:
        delay = max(delay, min(hint, MAX_HINT))
    return delay
