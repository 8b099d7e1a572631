"""The one JSON body reader for every endpoint: a size limit before reading, then a depth and
a number limit before Python's parser sees the text, so a hostile body gets a plain 400 (or
413) instead of a RecursionError or the interpreter's own message about digits."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from aiohttp import web

from orchestrator.errors import Refused, TooLarge

MAX_BYTES = 64 * 1024
MAX_DEPTH = 32  # Rota's own bodies nest 3 deep; Jitsi's 4
MAX_DIGITS = 40  # an integer or a float's text; 1e308 is 5

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]")


def depth(body: bytes) -> int:
    """How deeply the JSON text nests (brackets inside strings do not count)."""
    skeleton = _NOT_BRACKETS.sub(b"", _STRINGS.sub(b"", body))
    return max(accumulate(1 if c in b"[{" else -1 for c in skeleton), default=0)


def _number(text: str) -> float | int:
    if len(text) > MAX_DIGITS:
        raise Refused(f"a number in the body is longer than {MAX_DIGITS} characters")
    return float(text) if any(c in text for c in ".eE") else int(text)


def _constant(name: str) -> None:
    raise Refused(f"{name} is not a number in JSON")


def decode(body: bytes) -> dict[str, Any]:
    """A JSON object from `body`, or Refused saying what is wrong with it."""
    opening = body.count(b"{") + body.count(b"[")  # an upper bound, counted in C
    if opening > MAX_DEPTH and depth(body) > MAX_DEPTH:  # (webhooks open 2 or 3)
        raise Refused(f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(
            body or b"null", parse_int=_number, parse_float=_number, parse_constant=_constant
        )
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Refused("the body must be JSON") from None
    if not isinstance(data, dict):
        raise Refused("the body must be a JSON object")
    return data


async def read_bytes(request: web.Request, limit: int = MAX_BYTES) -> bytes:
    """The raw body (webhook signatures are checked over these bytes), at most `limit`."""
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"the body is over {limit // 1024} KiB")
    body = await request.content.read(limit + 1)
    if len(body) > limit:
        raise TooLarge(f"the body is over {limit // 1024} KiB")
    return body


async def read_json(request: web.Request, limit: int = MAX_BYTES) -> dict[str, Any]:
    return decode(await read_bytes(request, limit))
