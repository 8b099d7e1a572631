"""The roster read as people keep it: a workbook or CSV (sheets.py), its header in the
organiser's words (columns.py), each row's values too (row_reader.py), `[roster]` saying what
is meant where a guess would not do; every row then checked by `check_person`
(person_rules.py), the strict CSV's own rules."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from schedules.columns import COLUMNS, FIELDS, OWN, Column, KeynoteRef, read_header, recognised
from schedules.model import Participant
from schedules.person_rules import check_person
from schedules.problems import Problem
from schedules.row_reader import EMPTY, Reading, RosterConfig, RowReader
from schedules.schema import closest, listing
from schedules.sheets import Grid, decode, read_grid
from schedules.words import squash

__all__ = ["COLUMNS", "Known", "Roster", "RosterConfig", "decode", "load_roster", "read_roster"]


@dataclass(frozen=True)
class Roster:
    participants: tuple[Participant, ...]
    problems: list[Problem]
    lines: dict[str, int] = field(default_factory=dict)  # participant id -> line or row
    where: str = ""  # the file (and sheet) that lines are in
    reading: Reading | None = None


def load_roster(
    path: Path,
    *,
    teams: Sequence[str],
    keynotes: Collection[str],
    rounds: int | None,
    broken: Sequence[str] = (),
    team_names: Mapping[str, str] = EMPTY,
    keynote_refs: Sequence[KeynoteRef] = (),
    config: RosterConfig | None = None,
) -> Roster:
    """`rounds` None: the rotation is broken (already reported), so round numbers go unchecked.
    `broken`: ids the programme declares but refused (reported there); a reference that is
    close to one of them is that same mistake, so it is not reported again. `team_names` and
    `keynote_refs` let the organiser's words name them; `config` is `[roster]`."""
    config = config or RosterConfig()
    grid, problems = read_grid(path, config.sheet)
    if grid is None:
        return Roster((), problems, where=str(path))
    known = Known(teams, keynotes, rounds, broken, team_names, keynote_refs)
    return read_roster(grid, known, config)


def _header_row(grid: Grid, overrides: Mapping[str, str], refs: Sequence[KeynoteRef]) -> int:
    """The index in `grid.rows` of the header: the first of the first rows with two cells Rota
    knows (a title row above it is skipped), else the first row that is not empty."""
    filled = [i for i, (_, cells) in enumerate(grid.rows) if any(cells)]
    for i in filled[:10]:
        texts = _texts(grid, i)
        if sum(recognised(t, overrides, refs) for t in texts if t) >= 2:
            return i
    return filled[0] if filled else -1


def _texts(grid: Grid, i: int) -> list[str]:
    """A row's header texts: a cell inside a merged range takes the range's value, and a label
    merged over several columns in the row above comes before each of its sub-headers
    (`Keynotes` over `10:00` and `11:00`: `Keynotes 10:00`, `Keynotes 11:00`)."""
    number, cells = grid.rows[i]
    by_number = dict(grid.rows)
    texts = list(cells)
    for first_row, first_col, last_row, last_col in grid.merged:
        top = by_number.get(first_row, ())
        label = top[first_col] if first_col < len(top) else ""
        if first_row <= number <= last_row:
            for c in range(first_col, last_col + 1):
                if c < len(texts) and not texts[c]:
                    texts[c] = label
        elif last_row == number - 1 and last_col > first_col and label:
            for c in range(first_col, min(last_col + 1, len(texts))):
                texts[c] = f"{label} {texts[c]}".strip()
    return texts


@dataclass(frozen=True)
class Known:
    """What the programme declares that a roster's rows refer to (see `load_roster`)."""

    teams: Sequence[str]
    keynotes: Collection[str]
    rounds: int | None
    broken: Sequence[str] = ()
    team_names: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    keynote_refs: Sequence[KeynoteRef] = ()


def read_roster(grid: Grid, known: Known, config: RosterConfig | None = None) -> Roster:
    """The people of one sheet, every problem of every row, and how each value was read."""
    config = config or RosterConfig()
    keynote_refs = known.keynote_refs
    where = grid.where
    problems: list[Problem] = []
    reading = Reading(where)
    overrides = {squash(k): v for k, v in config.columns.items()}
    at = _header_row(grid, overrides, keynote_refs)
    if at < 0:
        return Roster(
            (), [Problem(where, 1, "the roster is empty: it needs a header row")], where=where
        )
    header_number = grid.rows[at][0]
    reading.header_row = header_number
    columns, messages = read_header(_texts(grid, at), overrides, keynote_refs)
    reading.columns = columns
    problems.extend(Problem(where, header_number, m) for m in messages)
    problems.extend(_unknown_overrides(where, header_number, columns, config, keynote_refs))
    fields = {c.field for c in columns}
    if "name" not in fields and not {"first_name", "last_name"} & fields:
        problems.append(
            Problem(where, header_number, "missing column `name` (or `First name` and `Last name`)")
        )
    if "id" not in fields:
        if "email" in fields:
            reading.ids_from = "email"
        else:
            problems.append(
                Problem(
                    where,
                    header_number,
                    "missing column `id` (or an e-mail column to make ids from)",
                )
            )
    reading.role_rule = "role" not in fields
    if any(p.severity == "error" for p in problems):
        return Roster((), problems, where=where, reading=reading)

    row_reader = RowReader(
        where, grid, columns, config, known.teams, known.team_names, keynote_refs, problems, reading
    )
    known_teams = dict.fromkeys(known.teams)  # ordered for messages, quick to look up
    people: list[Participant] = []
    lines: dict[str, int] = {}
    width = len(columns)
    label = "line" if grid.delimiter else "row"
    headerless: dict[int, int] = {}  # a sheet's column without a header -> its first value's row
    for number, cells in grid.rows[at + 1 :]:
        if not any(cells):
            continue
        if grid.delimiter and any(cells[width:]):
            problems.append(
                Problem(
                    where,
                    number,
                    f"{len(cells)} cells but the header has {width} (a stray `{grid.delimiter}`?)",
                )
            )
            continue
        for index, cell in enumerate(cells):
            if cell and (index >= width or not columns[index].header):
                headerless.setdefault(index, number)
        read = row_reader.row(number, cells)
        if read is None:
            continue
        strict, own = read
        said: list[Problem] = []  # the whole row is checked even when its role is refused
        person = check_person(
            strict, where, number, said, known_teams, known.keynotes, known.rounds, known.broken
        )
        refused = f"{strict['id']!r}: unknown role "  # already said, with what to write
        problems.extend(p for p in said if not p.message.startswith(refused))
        if person is None:
            continue
        if own:
            person = replace(person, own=own)
        if person.id in lines:
            first = f"first at {label} {lines[person.id]}"
            message = (
                f"the e-mail {person.email!r} is given twice ({first}): one row per person"
                if reading.ids_from == "email"
                else f"duplicate participant id {person.id!r} ({first})"
            )
            problems.append(Problem(where, number, message))
            continue
        lines[person.id] = number
        reading.rows.append(number)
        people.append(person)
    problems.extend(row_reader.guesses())
    problems.extend(
        Problem(
            where,
            number,
            f"column {_letter(index)} has no header, so its values are not "
            "read: give it a header to keep them as the person's own",
            "warning",
        )
        for index, number in headerless.items()
    )
    return Roster(tuple(people), problems, lines, where, reading)


def _letter(index: int) -> str:
    """A column's letter as a spreadsheet names it (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unknown_overrides(
    where: str, line: int, columns: list[Column], config: RosterConfig, refs: Sequence[KeynoteRef]
) -> list[Problem]:
    problems = []
    headers = {squash(c.header) for c in columns}
    ids = [k.id for k in refs]
    for header, meant in config.columns.items():
        if squash(header) not in headers:
            problems.append(
                Problem(
                    where,
                    line,
                    f"[roster] columns names {header!r}, but the sheet has no such column",
                    "warning",
                )
            )
        elif meant not in (*FIELDS, OWN, *ids):
            hint = closest(meant, (*FIELDS, *ids))
            problems.append(
                Problem(
                    where,
                    line,
                    f"[roster] columns: {header!r} = {meant!r} is none of Rota's "
                    f"columns or keynotes"
                    + (
                        f" (did you mean {hint!r}?)"
                        if hint
                        else f" (columns: {', '.join(FIELDS)}; keynotes: {listing(ids)}; "
                        '"" for the person\'s own)'
                    ),
                )
            )
    return problems
