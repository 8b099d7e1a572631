"""Read the roster CSV as spreadsheets export it: BOM, `;` or `,`, CRLF line ends."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from schedules.model import LANGUAGES, ROLES, Participant
from schedules.problems import Problem, Severity
from schedules.schema import closest, listing
from schedules.text import unsafe_character

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
REQUIRED = ("id", "name", "role")
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
MODES = ("online", "onsite")
NTFY_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Roster:
    participants: tuple[Participant, ...]
    problems: list[Problem]
    lines: dict[str, int] = field(default_factory=dict)  # participant id -> CSV line


def _valid_tz(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return not name.startswith(("/", "."))


def decode(raw: bytes, name: str) -> tuple[str | None, Problem | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(
            name,
            line,
            f'not UTF-8 text (byte {raw[exc.start]:#04x}); export the roster as "CSV UTF-8"',
        )


def load_roster(
    path: Path,
    *,
    teams: Sequence[str],
    keynotes: Collection[str],
    rounds: int | None,
    broken: Sequence[str] = (),
) -> Roster:
    """`rounds` None: the rotation is broken (already reported), so round numbers go unchecked.
    `broken`: ids the programme declares but refused (reported there); a reference that is
    close to one of them is that same mistake, so it is not reported again."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Roster((), [Problem(name, 1, f"cannot read the roster: {exc.strerror or exc}")])
    text, problem = decode(raw, name)
    if text is None:
        return Roster((), [problem] if problem else [])
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[Problem] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return Roster((), [Problem(name, 1, "the roster is empty: it needs a header row")])
    meant: set[str] = set()
    for column in header:
        if column and column not in COLUMNS and not column.startswith("#"):
            close = closest(column, COLUMNS)
            meant.add(close)
            hint = (
                f"did you mean {close!r}?"
                if close
                else "to keep a column of your own, start its name with #"
            )
            problems.append(Problem(name, 1, f"unknown column {column!r} ({hint})"))
    for column in REQUIRED:
        if column not in header and column not in meant:
            problems.append(Problem(name, 1, f"missing column `{column}`"))
    if any(p.severity == "error" for p in problems):
        return Roster((), problems)

    known_teams = dict.fromkeys(teams)  # ordered for messages, quick to look up
    people: list[Participant] = []
    lines: dict[str, int] = {}
    start_line = 1
    for row in reader:
        line = start_line + 1
        start_line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(
                Problem(
                    name,
                    line,
                    f"{len(row)} cells but the header has {len(header)} (a stray `{delimiter}`?)",
                )
            )
            continue
        cells = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        person = _person(cells, name, line, problems, known_teams, keynotes, rounds, broken)
        if person is None:
            continue
        if person.id in lines:
            problems.append(
                Problem(
                    name,
                    line,
                    f"duplicate participant id {person.id!r} (first at line {lines[person.id]})",
                )
            )
            continue
        lines[person.id] = line
        people.append(person)
    return Roster(tuple(people), problems, lines)


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
    if not all(c.isalnum() or c in "-_." for c in pid) or not pid.isascii():
        error(f"participant id {pid!r} may hold only letters, digits, -, _ and .")
        return None
    role = cells.get("role", "").lower()
    if role not in ROLES:
        error(f"{pid!r}: unknown role {role!r} (use {', '.join(ROLES)})")
        return None
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
    elif team:
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
