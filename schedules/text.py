"""Characters that have no place in a name: control characters (a line break, a tab, NUL)
and the invisible ones that reorder or hide text (bidirectional overrides and isolates such
as U+202E, zero-width characters, line and paragraph separators). `rota check` refuses a
name holding one (`unsafe_character`); anything Rota builds from names strips them
(`clean`), so a spoofed name cannot turn around on a page, a board, a mail or an export."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = (
    "\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_CONTROLS = {"\n": "LINE FEED (a line break)", "\r": "CARRIAGE RETURN", "\t": "TAB"}
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")


def unsafe_character(text: str) -> str | None:
    """The first unsafe character, described ("U+202E RIGHT-TO-LEFT OVERRIDE"), or None."""
    found = _UNSAFE.search(text)
    if found is None:
        return None
    char = found.group()
    what = _CONTROLS.get(char) or unicodedata.name(char, "CONTROL CHARACTER")
    return f"U+{ord(char):04X} {what}"


def clean(text: str) -> str:
    """The text without unsafe characters (a line break or tab becomes a space)."""
    return _UNSAFE.sub(lambda m: " " if m.group() in "\t\n\r\x0b\x0c" else "", text)


_HIDING = re.compile(f"[{_INVISIBLE}]")


def visible(value: object) -> object:
    """Text without the invisible characters that reorder or hide it (line breaks and tabs
    kept); anything else as it is. The pages' templates pass every value through it."""
    return _HIDING.sub("", value) if isinstance(value, str) else value
