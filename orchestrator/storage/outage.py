"""redis-py's errors stay inside storage/: every store's public coroutine raises
`StorageUnavailable` instead (orchestrator/errors.py: a 503 with `Retry-After`), redis-py's
error chained as its cause, so no module outside storage imports redis to catch it (the
import contracts in pyproject.toml check it).

A lost or slow connection is the outage the loops ride out and log once; a command Redis
refuses (out of memory, a read-only replica, a bug of ours) is logged here as well, since it
will not go away by waiting."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from orchestrator.errors import StorageUnavailable

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type)


def translated(call: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """`call`, raising `StorageUnavailable` where redis-py raised."""

    @functools.wraps(call)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await call(*args, **kwargs)
        except RedisError as exc:
            if not isinstance(exc, RedisConnectionError | RedisTimeoutError):
                log.warning("redis refused %s: %s", call.__qualname__, exc)
            raise StorageUnavailable(str(exc) or type(exc).__name__) from exc

    return guarded


def translating(cls: C) -> C:
    """A store class whose public coroutine methods are all `translated`."""
    for name, value in list(vars(cls).items()):
        if not name.startswith("_") and inspect.iscoroutinefunction(value):
            setattr(cls, name, translated(value))
    return cls
