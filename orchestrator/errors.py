"""Rota's error model: what went wrong, said once, mapped to HTTP in one place (`answer`).

    RotaError                 anything Rota refuses or cannot do (500 if it ever escapes)
    ├── Refused          400  the request is understood but not acceptable; the reason says why
    │   └── TooLarge     413  the body is over its size limit
    ├── Unauthorised     401  no or wrong credentials (a `WWW-Authenticate` challenge)
    ├── Forbidden        403  credentials fine, this request is not allowed (cross-site)
    ├── NotFound         404  no such participant, keynote, round, subscriber, delivery
    ├── TooSlow          408  the request's body did not arrive in time (the connection closes)
    ├── Conflict         409  the thing is in a state where this does not apply
    ├── TooMany          429  slow down; `Retry-After` when known
    ├── Unavailable      503  not now (not started, Redis away); `Retry-After` when known
    │   └── StorageUnavailable  Redis cannot be reached or refused the command
    └── SetupError            a bad configuration found at start-up or by the CLI: printed as
                              one line and the command exits 1; never an HTTP answer

storage/ raises `StorageUnavailable` instead of redis-py's errors (storage/outage.py), so no
other module imports redis: a handler that meets it answers 503 with `Retry-After: 5`
(organisers' tools and Jitsi's webhook senders retry on 503, nothing was acknowledged), and
the background loops catch it and log the outage once, not per request.

The pure packages keep their own results, mapped here too: `schedules` raises `ClockError`
and `PlanningError` (a change that cannot apply: 400) and `ScoreRefused` (with its own
status: 400, 403, 404 or 409), `rooms` raises `MalformedWebhook` (400)
and `WebhookRejected` (401). Every error answer is JSON `{"error": reason}`; the reason is
written for the person who sent the request and never carries Python internals.

`edge/guard.guard` wraps every route's handler (`guard_routes`, in `create_app`) and turns the
errors in `MAPPED` (RotaError and the table `DOMAIN_ERRORS`) into answers here; `/go`, the
hot path, answers its own (see web/go.py)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from rooms.webhooks import MalformedWebhook, WebhookRejected
from schedules.problems import PlanningError
from schedules.scoring import ScoreRefused
from schedules.timeline import ClockError

log = logging.getLogger(__name__)


class RotaError(Exception):
    """Base of every error Rota raises on purpose; `reason` is shown to the sender."""

    status = 500

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        return {"Retry-After": str(max(1, round(self.retry_after)))}


class Refused(RotaError):
    status = 400


class TooLarge(Refused):
    status = 413


class Unauthorised(RotaError):
    status = 401

    def __init__(self, reason: str, *, challenge: str | None = None) -> None:
        super().__init__(reason)
        self.challenge = challenge  # `WWW-Authenticate`, for a bearer-token endpoint

    def headers(self) -> dict[str, str]:
        found = super().headers()
        return {**found, "WWW-Authenticate": self.challenge} if self.challenge else found


class Forbidden(RotaError):
    status = 403


class NotFound(RotaError):
    status = 404


class TooSlow(RotaError):
    status = 408


class Conflict(RotaError):
    status = 409


class TooMany(RotaError):
    status = 429


class Unavailable(RotaError):
    status = 503


REDIS_RETRY_AFTER = 5.0
REDIS_AWAY = (
    "Rota's storage (Redis) cannot be reached just now; nothing was changed. Retry shortly."
)


class StorageUnavailable(Unavailable):
    """What storage/ raises for any redis-py error: the sender reads `REDIS_AWAY`; `str()`
    (for the logs) is redis-py's own message, e.g. "Error 111 connecting to …"."""

    def __init__(self, detail: str) -> None:
        super().__init__(REDIS_AWAY, retry_after=REDIS_RETRY_AFTER)
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


class SetupError(RotaError):
    """A configuration Rota cannot run with; the message names the file or variable."""


_BY_STATUS: dict[int, type[RotaError]] = {
    400: Refused,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
}


# The one list of the errors Rota's pure packages raise, with the error of this tree each
# one is answered as; `from_domain` and `MAPPED` both read it.
DOMAIN_ERRORS: dict[type[Exception], type[RotaError]] = {
    ClockError: Refused,
    PlanningError: Refused,  # its reasons, one after another
    MalformedWebhook: Refused,
    WebhookRejected: Unauthorised,
    ScoreRefused: Refused,  # or the error of its own status (403, 404, 409)
}


def from_domain(exc: Exception) -> RotaError | None:
    """The pure packages' errors, in this tree (None for anything else: a bug, a 500)."""
    if isinstance(exc, RotaError):
        return exc
    kind = next((to for raised, to in DOMAIN_ERRORS.items() if isinstance(exc, raised)), None)
    if kind is None:
        return None
    if isinstance(exc, ScoreRefused):
        kind = _BY_STATUS.get(exc.status, kind)
    return kind("; ".join(exc.reasons) if isinstance(exc, PlanningError) else str(exc))


def response(error: RotaError) -> web.Response:
    return web.json_response({"error": error.reason}, status=error.status, headers=error.headers())


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# what `answer` turns into an HTTP answer; anything else is a bug (a 500, logged by aiohttp)
MAPPED: tuple[type[Exception], ...] = (RotaError, *DOMAIN_ERRORS)


def answer(request: web.Request, exc: Exception) -> web.Response:
    """The one place an error becomes an HTTP answer (`exc` is one of `MAPPED`)."""
    error = from_domain(exc)
    assert error is not None
    if isinstance(exc, StorageUnavailable):
        log.debug("%s %s: redis unavailable (%s)", request.method, request.path, exc)
    elif error.status >= 500:
        log.error("%s %s: %s", request.method, request.path, error.reason)
    return response(error)
