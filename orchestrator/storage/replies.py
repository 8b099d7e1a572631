"""redis-py's answers, decoded at the store's edge. Rota's client answers bytes; redis-py
types its answers loosely (`bytes | str | None`, lists that may be None), so each read is
checked and decoded here once, and the rest of Rota sees `str` and typed records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redis.typing import EncodableT, FieldT

StreamEntry = tuple[str, dict[str, str]]  # (stream id, fields), decoded


def text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, str):
        return value
    raise TypeError(f"redis answered {type(value).__name__}, not text")


def maybe_text(value: object) -> str | None:
    return None if value is None else text(value)


def fields(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise TypeError(f"redis answered {type(raw).__name__}, not a hash")
    return {text(k): text(v) for k, v in raw.items()}


def texts(raw: object) -> list[str]:
    """A list or set of members."""
    if raw is None:
        return []
    if not isinstance(raw, list | set | tuple):
        raise TypeError(f"redis answered {type(raw).__name__}, not a list")
    return [text(v) for v in raw]


def stream(batch: object) -> list[tuple[str, dict[bytes, Any]]]:
    """Stream entries (XRANGE, XREVRANGE, one stream of XREADGROUP) with their ids decoded;
    entries whose fields are gone (deleted meanwhile) are left out."""
    if not batch:
        return []
    if not isinstance(batch, list):
        raise TypeError(f"redis answered {type(batch).__name__}, not stream entries")
    return [(text(entry_id), raw) for entry_id, raw in batch if isinstance(raw, dict)]


def decoded_stream(batch: object) -> list[StreamEntry]:
    return [(entry_id, fields(raw)) for entry_id, raw in stream(batch)]


def encodable(mapping: Mapping[str, str]) -> dict[FieldT, EncodableT]:
    """Fields for a write: redis-py's parameters are invariant dicts of its own unions."""
    return {k: v for k, v in mapping.items()}
