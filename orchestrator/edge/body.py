"""The one JSON body reader for every endpoint: a size limit before reading, a depth limit
before the parser sees the text, and msgspec's parser (in C: a webhook's body is decoded in a
few microseconds, docs/benchmarks.md), so a hostile body gets a plain 400 (or 413) instead of
a RecursionError or a parser's own message."""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any, TypeVar

import msgspec
from aiohttp import web

from orchestrator.errors import Refused, TooLarge

MAX_BYTES = 64 * 1024
MAX_DEPTH = 32  # Rota's own bodies nest 3 deep; Jitsi's 4

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]")
_CONSTANT = re.compile(rb"[:\[,]\s*-?(NaN|Infinity)\b")
_ANY: msgspec.json.Decoder[Any] = msgspec.json.Decoder()
T = TypeVar("T")


def depth(body: bytes) -> int:
    """How deeply the JSON text nests (brackets inside strings do not count)."""
    skeleton = _NOT_BRACKETS.sub(b"", _STRINGS.sub(b"", body))
    return max(accumulate(1 if c in b"[{" else -1 for c in skeleton), default=0)


def decode_as(body: bytes, decoder: msgspec.json.Decoder[T]) -> T:
    """`body` decoded by `decoder` (a JSON object into a msgspec Struct, say), or Refused
    saying what is wrong with it."""
    opening = body.count(b"{") + body.count(b"[")  # an upper bound, counted in C
    if opening > MAX_DEPTH and depth(body) > MAX_DEPTH:  # (webhooks open 2 or 3)
        raise Refused(f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        return decoder.decode(body or b"null")
    except msgspec.ValidationError as exc:  # (every field Rota decodes into is Any)
        if "out of range" in str(exc):
            raise Refused("a number in the body is out of range") from None
        raise Refused("the body must be a JSON object") from None
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        constant = _CONSTANT.search(body)  # (looked for only once the parser has refused)
        if constant:
            raise Refused(f"{constant[1].decode()} is not a number in JSON") from None
        raise Refused("the body must be JSON") from None


def decode(body: bytes) -> dict[str, Any]:
    """A JSON object from `body`, or Refused saying what is wrong with it."""
    data = decode_as(body, _ANY)
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
