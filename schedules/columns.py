"""A roster's header row in the organiser's words: which column is which of Rota's fields, in
the six page languages, and which column is a keynote (by its title, id or start time). Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from schedules.header_words import HEADER_WORDS, KEYNOTE_WORDS
from schedules.schema import closest
from schedules.words import norm, squash

# Rota's own column names (the strict CSV), in the order `rota roster --write` writes them.
COLUMNS = (
    "id",
    "name",
    "email",
    "role",
    "team",
    "institution",
    "country",
    "timezone",
    "language",
    "preferences",
    "keynotes",
    "unavailable",
    "ntfy",
    "mode",
)
FIELDS = (*COLUMNS, "first_name", "last_name")  # a name may come in two columns
OWN = ""  # a column of the person's own, kept aside

_BY_WORD = {squash(w): f for f, words in HEADER_WORDS.items() for w in words}
_NAME_WORDS = {squash(w) for w in ("name", "nom", "naam", "nimi", "nome")}
_TIME = re.compile(
    r"(?<!\d)([01]?\d|2[0-3])\s*[:.h]\s*([0-5]\d)(?!\d)|(?<!\d)([01]?\d|2[0-3])\s*h(?![a-z])"
)


@dataclass(frozen=True)
class KeynoteRef:
    id: str
    title: str
    start: str  # local "HH:MM"


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as the sheet writes it (a merged group's label before it)
    field: str  # one of FIELDS, "keynote", or OWN
    keynote: str = ""  # for "keynote": its id
    how: str = ""  # how it was recognised: "word", "[roster]", "id", "title", "start time"


def field_of(header: str) -> str:
    """Rota's field the header names in any of the six languages, or ""."""
    key = squash(header.lstrip("#")) if not header.startswith("#") else ""
    return _BY_WORD.get(key, "")


def times_in(text: str) -> list[str]:
    found = []
    for match in _TIME.finditer(text.casefold()):
        hour, minute = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), "00")
        )
        found.append(f"{int(hour):02d}:{minute}")
    return found


def keynote_of(header: str, keynotes: Sequence[KeynoteRef]) -> tuple[list[KeynoteRef], str]:
    """The keynotes a header names, and how: by id (a word of it), by title, by start time."""
    words = norm(header).split()
    by_id = [k for k in keynotes if norm(k.id) in words or squash(k.id) == squash(header)]
    if by_id:
        return by_id, "id"
    by_title = [
        k for k in keynotes if len(squash(k.title)) >= 4 and squash(k.title) in squash(header)
    ]
    if by_title:
        return by_title, "title"
    times = times_in(header)
    by_time = [k for k in keynotes if k.start in times]
    return by_time, "start time" if by_time else ""


def looks_like_keynote(header: str) -> bool:
    return bool(times_in(header)) and any(w in squash(header) for w in KEYNOTE_WORDS)


def recognised(header: str, overrides: Mapping[str, str], keynotes: Sequence[KeynoteRef]) -> bool:
    """Whether a header cell is one Rota knows (to find the header row below a title)."""
    return bool(squash(header) in overrides or field_of(header) or keynote_of(header, keynotes)[0])


def read_header(
    headers: Sequence[str], overrides: Mapping[str, str], keynotes: Sequence[KeynoteRef]
) -> tuple[list[Column], list[str]]:
    """Each column's meaning, and the problems of the header row (as messages). `overrides`:
    `[roster] columns` keyed by `squash` of the header."""
    problems: list[str] = []
    columns: list[Column] = []
    ids = {k.id for k in keynotes}
    for index, header in enumerate(headers):
        if not header:
            columns.append(Column(index, header, OWN))
            continue
        key = squash(header)
        if key in overrides:
            meant = overrides[key]
            if meant in ids:
                columns.append(Column(index, header, "keynote", meant, "[roster]"))
            else:
                columns.append(Column(index, header, meant, how="[roster]"))
            continue
        field = field_of(header)
        if field:
            columns.append(Column(index, header, field, how="word"))
            continue
        found, how = keynote_of(header, keynotes)
        if len(found) == 1:
            columns.append(Column(index, header, "keynote", found[0].id, how))
            continue
        if len(found) > 1:
            problems.append(
                f"column {header!r} fits keynotes {', '.join(k.id for k in found)} (by their "
                f'{how}): name the one in [roster] columns = {{"{header}" = "{found[0].id}"}}'
            )
        elif looks_like_keynote(header):
            problems.append(
                f"column {header!r} looks like a keynote but names none of the programme's "
                f"({', '.join(f'{k.id} at {k.start}' for k in keynotes) or 'none'}): name it in "
                f'[roster] columns = {{"{header}" = "…"}}'
            )
        elif (
            not header.startswith("#")
            and (close := closest(norm(header), COLUMNS))
            and (_near(norm(header), close))
        ):
            problems.append(f"unknown column {norm(header)!r} (did you mean {close!r}?)")
        columns.append(Column(index, header, OWN))
    _first_and_last(columns)
    problems.extend(_doubles(columns))
    return columns, problems


def _near(word: str, known: str) -> bool:
    """A typo of one of Rota's own names (`prefrences`), not a column of the person's own."""
    import difflib

    return difflib.SequenceMatcher(None, word, known).ratio() >= 0.8


def _first_and_last(columns: list[Column]) -> None:
    """`Prénom` + `Nom`: beside a first-name column, a bare "name" word is the last name."""
    fields = {c.field for c in columns}
    if "first_name" in fields and "last_name" not in fields:
        for i, column in enumerate(columns):
            if (
                column.field == "name"
                and column.how == "word"
                and squash(column.header) in _NAME_WORDS
            ):
                columns[i] = Column(column.index, column.header, "last_name", how="word")


def _doubles(columns: list[Column]) -> list[str]:
    problems = []
    seen: dict[str, Column] = {}
    for column in columns:
        key = f"keynote:{column.keynote}" if column.field == "keynote" else column.field
        if column.field == OWN:
            continue
        first = seen.get(key)
        if first is None:
            seen[key] = column
        elif column.header == first.header and column.field in ("name", "first_name", "last_name"):
            continue  # a merged "Name" over two columns: their values are joined
        else:
            what = (
                f"keynote {column.keynote!r}" if column.field == "keynote" else f"the {_label(key)}"
            )
            problems.append(
                f"columns {first.header!r} and {column.header!r} both look like {what}: say "
                f'which one to use in [roster] columns (e.g. columns = {{"{column.header}" = ""}} '
                "keeps it as the person's own)"
            )
    if ("name" in seen) and ({"first_name", "last_name"} & set(seen)):
        other = seen.get("first_name") or seen["last_name"]
        problems.append(
            f"columns {seen['name'].header!r} and {other.header!r} both give the name: say which "
            f'in [roster] columns (e.g. columns = {{"{seen["name"].header}" = ""}})'
        )
    return problems


def _label(field: str) -> str:
    return {
        "email": "e-mail",
        "timezone": "time zone",
        "first_name": "first name",
        "last_name": "last name",
    }.get(field, field)
