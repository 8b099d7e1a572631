"""The rehearsal's dice: a number fixed by its inputs, so every process plays the same day."""

from __future__ import annotations

import hashlib


def chance(*parts: object) -> float:
    """A number in [0, 1) fixed by its inputs."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
