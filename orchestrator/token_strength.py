"""Whether an organiser token is hard to guess: long enough, with enough distinct
characters, and not made of obvious words and runs ("password", "organiser", "0123…",
"qwerty"). A short, hand-made list on purpose: it refuses the tokens people type when asked
for one, and says why; a random token (`openssl rand -base64 24`) always passes."""

from __future__ import annotations

import re

MIN_LENGTH = 24
MIN_DISTINCT = 10
MIN_LEFT = 12  # characters left once the obvious words and runs are taken out

OBVIOUS = (
    "password", "passwort", "passw0rd", "secret", "geheim", "changeme", "letmein",
    "welcome", "organiser", "organizer", "organisator", "admin", "administrator",
    "token", "rota", "board", "event", "conference", "test", "demo", "example",
    "qwerty", "qwertz", "azerty", "asdf", "iloveyou", "monkey", "dragon", "master",
    "default", "login", "user", "root", "hello",
)  # fmt: skip
_WORDS = re.compile("|".join(sorted(OBVIOUS, key=len, reverse=True)))
ADVICE = "(for example: openssl rand -base64 24)"


def _without_runs(text: str) -> str:
    """Drop runs of three or more characters that repeat or count up or down by one."""
    kept: list[str] = []
    i = 0
    while i < len(text):
        j = i + 1
        if j < len(text):
            step = ord(text[j]) - ord(text[i])
            if step in (-1, 0, 1):
                while j + 1 < len(text) and ord(text[j + 1]) - ord(text[j]) == step:
                    j += 1
                if j - i >= 2:
                    i = j + 1
                    continue
        kept.append(text[i])
        i += 1
    return "".join(kept)


def weakness(token: str) -> str | None:
    """Why this token is too easy to guess, in one sentence; None when it is fine."""
    if len(token) < MIN_LENGTH:
        return f"is {len(token)} characters long; it needs at least {MIN_LENGTH} {ADVICE}."
    distinct = len(set(token))
    if distinct < MIN_DISTINCT:
        return (
            f"has only {distinct} different characters; it needs at least {MIN_DISTINCT} {ADVICE}."
        )
    plain = re.sub(r"[^0-9a-z]", "", token.casefold())
    left = _without_runs(_WORDS.sub("", plain))
    if len(left) < MIN_LEFT:
        return (
            "is made of obvious words and runs (like 'password', 'organiser', '1234'); "
            f"choose a random one {ADVICE}."
        )
    return None
