"""Where a key stands in a TOML file.

tomllib gives values but no positions; organisers need `file:line` in every message, so this
scans the text for table headers and `key =` lines. It understands what programme files use
(tables, arrays of tables, plain and quoted keys), which is all the positions are needed for.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-.]+)\s*=""")


def _split_dotted(name: str) -> list[str]:
    return [part.strip().strip("\"'") for part in name.split(".")]


def key_lines(text: str) -> dict[Path, int]:
    """Map each table, array element and key to its 1-based line number."""
    lines: dict[Path, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    current: Path = ()
    in_multiline = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if in_multiline:
            if stripped.count('"""') % 2 == 1 or stripped.count("'''") % 2 == 1:
                in_multiline = False
            continue
        if not stripped or stripped.startswith("#"):
            continue
        header = _HEADER.match(raw)
        if header and not _KEY.match(raw):
            names = tuple(_split_dotted(header.group(2)))
            if header.group(1) == "[[":
                index = counts.get(names, 0)
                counts[names] = index + 1
                current = (*names, index)
            else:
                current = names
            lines.setdefault(current, number)
            continue
        key = _KEY.match(raw)
        if key:
            path = (*current, *_split_dotted(key.group(1)))
            lines.setdefault(path, number)
            rest = raw[key.end() :]
            if rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1:
                in_multiline = True
    return lines


def line_of(lines: dict[Path, int], path: Path) -> int:
    """The line of `path`, or of its nearest enclosing table, or 1."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1
