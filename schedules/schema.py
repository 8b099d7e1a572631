"""Table schemas: one description per programme section, read by both the unknown-key check and
the value checks, so a section is one declaration and every table is checked the same way.

A `Table` lists its `Field`s (type, required, default, allowed values, bounds) and any `rules`
(pure functions for what depends on several keys, the environment or a file beside the
programme). `validate` applies one schema to one table and returns the values that passed plus
the problems, each tied to a key so the loader can give its line. A key that failed is left out
of the values, so nothing downstream reports the same cause twice.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

Problems = list[tuple[str, str]]  # (key, message); key "" means the table itself


@dataclass(frozen=True)
class Context:
    """What rules may look at besides the table: the environment (None: not known, so checks
    that need it are skipped) and the programme's folder (for files it names)."""

    environ: Mapping[str, str] | None = None
    base: Path | None = None


def key_path(name: str, context: Context) -> Path:
    """A file the programme names, relative to the programme's folder."""
    path = Path(name)
    return context.base / path if context.base is not None and not path.is_absolute() else path


Rule = Callable[[Mapping[str, Any], Context], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]  # str, int, float, bool, list; TIME for local times
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    bound: str = ""  # the message when out of bounds; may use {key}, {value}, {id}
    items: type | tuple[type, ...] | None = None  # for lists: the type of each element


ID = Field(str, required=True)  # an entry's id, in every section that has entries


@dataclass(frozen=True)
class Table:
    name: str
    fields: Mapping[str, Field]
    array: bool = False  # [[name]] (many tables) rather than [name]
    required: bool = False
    rules: tuple[Rule, ...] = ()
    label: str = field(default="", compare=False)  # e.g. "room" for messages about one entry

    @property
    def header(self) -> str:
        return f"[[{self.name}]]" if self.array else f"[{self.name}]"


TIME = (str, datetime)  # a local time: "2025-03-27T09:00" or a TOML local date-time

_KIND_NAMES: dict[Any, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    list: "a list",
    dict: "a table",
    bool: "true or false",
    TIME: 'a time like "2025-03-27T09:00"',
}


_ITEMS_NAMES: dict[Any, str] = {
    str: "texts",
    int: "whole numbers",
    float: "numbers",
    dict: "tables",
    TIME: 'times like "2025-03-27T09:00"',
}


def kind_name(kind: type | tuple[type, ...]) -> str:
    return _KIND_NAMES.get(kind, getattr(kind, "__name__", str(kind)))


def one_of(choices: Iterable[str]) -> str:
    """`a, b or c`, as a sentence lists alternatives."""
    items = list(choices)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def closest(word: str, known: Iterable[str]) -> str:
    """The known word `word` is most likely a typo of, or ""."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return close[0] if close else ""


def suggestion(word: str, known: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for a near miss, else nothing."""
    close = closest(word, known)
    return f" (did you mean {close!r}?)" if close else ""


def listing(ids: Iterable[str], limit: int = 10) -> str:
    """Up to `limit` ids, then how many more: `t1, t2, … and 5 more`."""
    items = list(ids)
    if not items:
        return "none"
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def plural(count: int, word: str, words: str = "") -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def _typed(value: Any, kind: type | tuple[type, ...]) -> tuple[bool, Any]:
    if isinstance(value, bool) and kind is not bool:
        return False, value
    if kind is float and isinstance(value, int):
        return True, float(value)
    return isinstance(value, kind), value


def validate(
    schema: Table, table: Mapping[str, Any], context: Context, entry_id: str = ""
) -> tuple[dict[str, Any], Problems]:
    """The values of `table` that passed (defaults filled in) and every problem, by key."""
    problems: Problems = []
    values: dict[str, Any] = {}
    failed = False
    misspelt = set()  # a required key written wrongly: its unknown-key message is enough
    for key in table:
        if key not in schema.fields:
            misspelt.add(closest(key, schema.fields))
            problems.append(
                (
                    key,
                    f"unknown key {key!r} in {schema.header}" + suggestion(key, schema.fields),
                )
            )
    for key, spec in schema.fields.items():
        if key not in table:
            if spec.required:
                if key not in misspelt:
                    problems.append(("", f"missing `{key}` in {schema.header}"))
                failed = True
            elif spec.default is not None:
                values[key] = spec.default
            continue
        message = _value_problem(key, table[key], spec, entry_id)
        if message:
            problems.append((key, message))
            failed = True
        else:
            values[key] = _typed(table[key], spec.kind)[1]
    if not failed:  # rules read several keys: only once each of them is right
        for rule in schema.rules:
            problems.extend(rule(values, context))
    return values, problems


def _value_problem(key: str, raw: Any, spec: Field, entry_id: str) -> str:
    ok, value = _typed(raw, spec.kind)  # messages show the value as written
    if not ok:
        return f"`{key}` must be {kind_name(spec.kind)}, not {raw!r}"
    if spec.items is not None and not all(_typed(v, spec.items)[0] for v in value):
        wrong = next(v for v in value if not _typed(v, spec.items)[0])
        return f"`{key}` must be a list of {_ITEMS_NAMES[spec.items]}, not {wrong!r}"
    if spec.choices and value not in spec.choices:
        return f"`{key}` must be {one_of(spec.choices)}, not {value!r}"
    low = spec.minimum is not None and value < spec.minimum
    high = spec.maximum is not None and value > spec.maximum
    if low or high:
        if spec.bound:
            return spec.bound.format(key=key, value=raw, id=entry_id)
        if spec.maximum is None:
            return f"`{key}` must be at least {spec.minimum:g}, not {raw}"
        return f"`{key}` must be between {spec.minimum:g} and {spec.maximum:g}, not {raw}"
    return ""
