"""The roster read as people keep it: a workbook or CSV (sheets.py), its header in the
organiser's words (columns.py), its values too (words.py), `[roster]` saying what is meant
where a guess would not do; every row then checked by `_person`, the strict CSV's own rules."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from schedules.columns import COLUMNS, FIELDS, OWN, Column, KeynoteRef, read_header, recognised
from schedules.model import LANGUAGES, ROLES, Participant
from schedules.problems import Problem, Severity
from schedules.schema import closest, listing
from schedules.sheets import Grid, decode, read_grid
from schedules.text import unsafe_character
from schedules.words import (
    CANONICAL,
    country_code,
    country_zones,
    language_code,
    language_name,
    norm,
    read_mode,
    read_zone,
    role_word,
    split_list,
    squash,
    yes_no,
)

__all__ = ["COLUMNS", "Known", "Roster", "RosterConfig", "decode", "load_roster", "read_roster"]
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
MODES = ("online", "onsite")
NTFY_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
VALUE_FIELDS = ("role", "team", "timezone", "language", "mode")  # what [roster] values may say
LABELS = {
    "role": "Role",
    "team": "Team",
    "timezone": "Time zone",
    "language": "Language",
    "mode": "Mode",
}
_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class RosterConfig:
    """The `[roster]` section: which sheet, what a column is (`columns`: header → field, keynote
    id, or "" for the person's own), what a value means (`values`: field → written → meant)."""

    sheet: str = ""
    columns: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass
class Reading:
    """How the roster was read, for `rota roster`'s preview: each column, each distinct value
    and what it became, how many times, and which of those were guesses."""

    where: str
    header_row: int = 0
    columns: list[Column] = field(default_factory=list)
    ids_from: str = ""  # "email" when ids were made from the e-mail
    role_rule: bool = False  # no role column: presenters are those with a team
    # (field, as written) -> (what it became, how: "by city", "a guess", …) -> how many times
    values: dict[tuple[str, str], Counter[tuple[str, str]]] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)  # the rows read as people

    def saw(self, key: str, written: str, meant: str, how: str = "") -> None:
        self.values.setdefault((key, written), Counter())[(meant, how)] += 1


@dataclass(frozen=True)
class Roster:
    participants: tuple[Participant, ...]
    problems: list[Problem]
    lines: dict[str, int] = field(default_factory=dict)  # participant id -> line or row
    where: str = ""  # the file (and sheet) that lines are in
    reading: Reading | None = None


def _valid_tz(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return not name.startswith(("/", "."))


def email_id(email: str) -> str:
    """An id made from an e-mail address, the same at every import: its local part, made
    plain (`Émile.Dupont` → `emile.dupont`), and six hex digits of the whole address's hash, so
    two people called `info` at two universities differ."""
    address = email.strip().casefold()
    local = unicodedata.normalize("NFKD", address.split("@")[0]).encode("ascii", "ignore")
    base = re.sub(r"[^a-z0-9._-]+", "-", local.decode()).strip("-.")[:40] or "p"
    return f"{base}-{hashlib.sha256(address.encode()).hexdigest()[:6]}"


def load_roster(
    path: Path,
    *,
    teams: Sequence[str],
    keynotes: Collection[str],
    rounds: int | None,
    broken: Sequence[str] = (),
    team_names: Mapping[str, str] = _EMPTY,
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
    team_names: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
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

    row_reader = _RowReader(
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
        said: list[Problem] = []  # `_person` checks the whole row even when its role is refused
        person = _person(
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


@dataclass
class _RowReader:
    """One row's cells in the organiser's words → the strict CSV's cells for `_person`."""

    where: str
    grid: Grid
    columns: list[Column]
    config: RosterConfig
    teams: Sequence[str]
    team_names: Mapping[str, str]
    refs: Sequence[KeynoteRef]
    problems: list[Problem]
    reading: Reading
    first_guess: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)

    def said(self, key: str, written: str) -> str | None:
        """What `[roster] values` says `written` means, if it says (and so it is shown)."""
        table = self.config.values.get(key, {})
        for word, meant in table.items():
            if squash(word) == squash(written) or word == written:
                self.reading.saw(key, written, meant, "[roster]")
                return meant
        return None

    def error(self, number: int, message: str) -> None:
        self.problems.append(Problem(self.where, number, message))

    def guessed(self, key: str, written: str, meant: str, number: int) -> None:
        self.reading.saw(key, written, meant, "a guess")
        self.first_guess.setdefault((key, written), (number, meant))

    def guesses(self) -> list[Problem]:
        """One warning per guessed value, at its first row: nothing guessed silently."""
        return [
            Problem(
                self.where,
                number,
                f"{LABELS[key]} {written!r} read as {meant} (a guess): "
                f'confirm it, or say otherwise, in [roster] values = {{{key} = {{"{written}" = '
                f'"{meant}"}}}} (`rota roster` shows every reading)',
                "warning",
            )
            for (key, written), (number, meant) in self.first_guess.items()
        ]

    def row(
        self, number: int, cells: tuple[str, ...]
    ) -> tuple[dict[str, str], tuple[tuple[str, str], ...]] | None:
        by_field: dict[str, list[str]] = {}
        keynote_cells: list[tuple[Column, str]] = []
        own: list[tuple[str, str]] = []
        broken: set[str] = set()  # fields whose cell holds a formula error (said once)
        for column in self.columns:
            value = cells[column.index] if column.index < len(cells) else ""
            why = self.grid.errors.get((number, column.index))
            if why and column.header:
                self.error(number, f"column {column.header!r} holds {why}")
                broken.add(column.field)
            if column.field == "keynote":
                keynote_cells.append((column, value))
            elif column.field == OWN:
                if value and column.header:
                    own.append((column.header.lstrip("#").strip(), value))
            elif value:
                by_field.setdefault(column.field, []).append(value)
        get = {k: " ".join(v) for k, v in by_field.items()}
        name = get.get("name") or " ".join(
            p for p in (get.get("first_name", ""), get.get("last_name", "")) if p
        )
        email = get.get("email", "")
        if not name and not email:
            self.error(number, "a row with no name and no e-mail: fill them in, or delete the row")
            return None
        pid = get.get("id", "")
        if self.reading.ids_from == "email":
            if not email and "email" in broken:
                return None
            if not email:
                self.error(
                    number, f"{name!r} has no e-mail to make an id from: add it (or an `id` column)"
                )
                return None
            pid = email_id(email)
        strict = dict(get)
        strict.update(id=pid, name=name, email=email)
        team = self.team(number, get.get("team", ""))
        strict["team"] = team
        role = self.role(number, get.get("role", ""), bool(team), pid or name)
        strict["role"] = get.get("role", "") if role is None else role  # refused: said above
        strict["timezone"] = self.zone(number, get.get("timezone", ""), get.get("country", ""), pid)
        strict["language"] = self.language(number, get.get("language", ""), pid)
        strict["mode"] = self.mode(get.get("mode", ""))
        strict["preferences"] = " ".join(
            self.team(number, t, listed=True) for t in split_list(get.get("preferences", ""))
        )
        strict["unavailable"] = " ".join(re.split(r"[\s,;]+", get.get("unavailable", ""))).strip()
        strict["keynotes"] = " ".join(
            self.keynotes(number, get.get("keynotes", ""), keynote_cells, pid)
        )
        return strict, tuple(own)

    def team(self, number: int, written: str, listed: bool = False) -> str:
        if not written:
            return ""
        meant = self.said("team", written)
        if meant is not None:
            return meant
        if written in self.teams:
            self.reading.saw("team", written, written)
            return written
        key = norm(written)
        exact = [t for t in self.teams if key in (norm(t), norm(self.team_names.get(t, "")))]
        if len(exact) == 1:
            self.reading.saw("team", written, exact[0], "by its name")
            return exact[0]
        fits = [t for t in self.teams if _fits(key, norm(self.team_names.get(t, t)))]
        if len(fits) == 1:
            self.guessed("team", written, fits[0], number)
            return fits[0]
        if len(fits) > 1:
            self.error(
                number,
                f"team {written!r} fits {len(fits)} teams ({', '.join(fits)}): write "
                "the team's id or full name, or say which in [roster] values = "
                f'{{team = {{"{written}" = "{fits[0]}"}}}}',
            )
            return ""
        return written  # `_person` says it is unknown, listing the teams

    def role(self, number: int, written: str, has_team: bool, who: str) -> str | None:
        if not written and self.reading.role_rule:
            role = "presenter" if has_team else "audience"
            self.reading.saw("role", "(no role column)", role)
            return role
        meant = self.said("role", written)
        if meant is not None:
            return meant
        if written.lower() in CANONICAL:
            self.reading.saw("role", written, CANONICAL[written.lower()])
            return CANONICAL[written.lower()]
        kind = role_word(written)
        if kind is None:
            self.error(
                number,
                f"{who!r}: unknown role {written!r} (use {', '.join(ROLES)}, or say "
                f'what it means in [roster] values = {{role = {{"{written}" = "audience"}}}})',
            )
            return None
        if kind == "student":
            role = "presenter" if has_team else "audience"
            self.reading.saw("role", written, role, "with a team" if has_team else "without a team")
            return role
        if kind == "uncertain":
            self.guessed("role", written, "audience", number)
            return "audience"
        self.reading.saw("role", written, kind)
        return kind

    def zone(self, number: int, written: str, country: str, who: str) -> str:
        if not written:
            return ""
        meant = self.said("timezone", written)
        if meant is not None:
            return meant
        found = read_zone(written)
        if found.zone:
            self.reading.saw(
                "timezone", written, found.zone, "" if found.how == "zone" else f"by {found.how}"
            )
            return found.zone
        if found.choices:
            self.error(
                number,
                f"{who!r}: the time zone {written!r} is a country with several "
                f"({', '.join(found.choices)}): write the city, or say which in [roster] "
                f'values = {{timezone = {{"{written}" = "{found.choices[0]}"}}}}',
            )
            return ""
        hint = ""
        zones = country_zones(country_code(country)) if country else ()
        if len(zones) == 1:
            hint = (
                f"; the country {country!r} has one, {zones[0]}: [roster] values = "
                f'{{timezone = {{"{written}" = "{zones[0]}"}}}} says so'
            )
        self.error(
            number,
            f"{who!r}: unknown time zone {written!r} (write an IANA zone like "
            f'"Europe/Berlin", a large city or a country{hint})',
        )
        return ""

    def language(self, number: int, written: str, who: str) -> str:
        if not written:
            return ""
        meant = self.said("language", written)
        if meant is not None:
            return meant
        code = language_code(written)
        if code in LANGUAGES:
            self.reading.saw(
                "language", written, code, "" if written.lower() == code else "by its name"
            )
            return code
        what = (
            f"{language_name(code)} ({code}), which is not one of the pages' languages"
            if code
            else "not a language Rota knows"
        )
        self.error(
            number,
            f"{who!r}: the language {written!r} is {what} ({', '.join(LANGUAGES)}): "
            "say which page language to use in [roster] values = "
            f'{{language = {{"{written}" = "en"}}}}',
        )
        return ""

    def mode(self, written: str) -> str:
        if not written:
            return ""
        meant = self.said("mode", written)
        if meant is None:
            meant = read_mode(written) or written  # `_person` names a mode it cannot read
            self.reading.saw("mode", written, meant)
        return meant

    def keynotes(
        self, number: int, listed: str, marks: list[tuple[Column, str]], who: str
    ) -> list[str]:
        chosen: list[str] = []
        by_title = {squash(k.title): k.id for k in self.refs if k.title}
        for item in split_list(listed):
            chosen.append(by_title.get(squash(item), item))
        for column, value in marks:
            attends = yes_no(value)
            if attends is None:
                self.error(
                    number,
                    f"{who!r}: {value!r} under {column.header!r} is neither yes nor no "
                    "(write yes, x or 1 for those who attend; leave it empty otherwise)",
                )
                continue
            if value:
                self.reading.saw(
                    f"keynote:{column.keynote}",
                    value,
                    f"attends {column.keynote}" if attends else "does not attend",
                )
            if attends and column.keynote not in chosen:
                chosen.append(column.keynote)
        return chosen


def _fits(written: str, name: str) -> bool:
    """One begins the other at a word's end: `team 1` fits `team 1 digital youth work`, not
    `team 10 …`."""
    if not written or not name or written == name:
        return False
    short, long = sorted((written, name), key=len)
    return long.startswith(short) and not long[len(short)].isalnum()


def _person(
    cells: dict[str, str],
    name: str,
    line: int,
    problems: list[Problem],
    teams: Mapping[str, None],
    keynotes: Collection[str],
    rounds: int | None,
    broken: Sequence[str],
) -> Participant | None:
    def error(message: str, severity: Severity = "error") -> None:
        problems.append(Problem(name, line, message, severity))

    pid = cells.get("id", "")
    if not pid:
        error("empty participant id")
        return None
    # a row refused for its id or role still gets every other check: all its problems at once
    usable = True
    if not all(c.isalnum() or c in "-_." for c in pid) or not pid.isascii():
        error(f"participant id {pid!r} may hold only letters, digits, -, _ and .")
        usable = False
    role = cells.get("role", "").lower()
    if role not in ROLES:
        error(f"{pid!r}: unknown role {role!r} (use {', '.join(ROLES)})")
        usable = False
    if not cells.get("name"):
        error(f"{pid!r}: empty name")
    for column in ("name", "institution"):  # shown on pages, boards, mails and exports
        if what := unsafe_character(cells.get(column, "")):
            error(f"{pid!r}: the {column} holds a control or invisible character ({what})")
    email = cells.get("email", "")
    if email and not EMAIL.match(email):
        error(f"{pid!r}: malformed e-mail {email!r}")
    team = cells.get("team", "")
    if role == "presenter":
        if not team:
            error(f"presenter {pid!r} has no team")
        elif team not in teams and not closest(team, broken):
            error(f"presenter {pid!r} belongs to unknown team {team!r} (teams: {listing(teams)})")
    elif team and role in ROLES:
        error(f"{pid!r} is {role}, so their team {team!r} is ignored", "warning")
        team = ""
    tz = cells.get("timezone", "")
    if tz and not _valid_tz(tz):
        error(f"{pid!r}: unknown time zone {tz!r}")
        tz = ""
    language = cells.get("language", "").lower()
    if language and language not in LANGUAGES:
        error(f"{pid!r}: unsupported language {language!r} (supported: {', '.join(LANGUAGES)})")
        language = ""
    preferences = tuple(cells.get("preferences", "").split())
    for pref in preferences:
        if pref not in teams and not closest(pref, broken):
            error(f"{pid!r}: preference for unknown team {pref!r} (teams: {listing(teams)})")
    if len(set(preferences)) != len(preferences):
        error(f"{pid!r}: a team is listed twice in preferences", "warning")
    chosen = tuple(cells.get("keynotes", "").split())
    for keynote in chosen:
        if keynote not in keynotes and not closest(keynote, broken):
            error(f"{pid!r}: unknown keynote {keynote!r} (keynotes: {listing(keynotes)})")
    unavailable: set[int] = set()
    for item in cells.get("unavailable", "").split():
        if rounds is None:
            continue
        if not item.isdigit() or not 1 <= int(item) <= rounds:
            error(f"{pid!r}: unavailable round {item!r} is not a round number from 1 to {rounds}")
        else:
            unavailable.add(int(item))
    ntfy = cells.get("ntfy", "")
    if ntfy and not NTFY_TOPIC.match(ntfy):
        error(f"{pid!r}: ntfy topic {ntfy!r} may hold only letters, digits, - and _")
        ntfy = ""
    mode = cells.get("mode", "").lower() or "online"
    if mode not in MODES:
        error(f"{pid!r}: unknown mode {mode!r} (use online or onsite)")
        mode = "online"
    if not usable or role not in ROLES:  # (mypy: role is one of ROLES below)
        return None
    return Participant(
        id=pid,
        name=cells.get("name", "") or pid,
        role=role,
        email=email,
        team=team,
        institution=cells.get("institution", ""),
        country=cells.get("country", ""),
        timezone=tz,
        language=language,
        preferences=tuple(dict.fromkeys(p for p in preferences if p in teams)),
        keynotes=tuple(k for k in chosen if k in keynotes),
        unavailable=frozenset(unavailable),
        ntfy=ntfy,
        mode="onsite" if mode == "onsite" else "online",
    )
