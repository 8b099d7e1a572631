"""Load and validate a programme (TOML) and its roster (CSV): every problem at once, with lines."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from schedules.model import (
    LANGUAGES,
    Event,
    Keynote,
    Participant,
    Programme,
    Room,
    Rotation,
    Team,
    utc,
)
from schedules.problems import Problem, ProgrammeError, Severity
from schedules.roster import Roster, load_roster
from schedules.scoring import read_awards, read_scoring
from schedules.tomlpos import Path as KeyPath
from schedules.tomlpos import key_lines, line_of

KNOWN_SECTIONS = {
    "event",
    "rotation",
    "rooms",
    "teams",
    "keynotes",
    "jitsi",
    "notify",
    "scoring",
    "awards",
}


def valid_timezone(name: str) -> bool:
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass
class _Reader:
    """Typed access to the TOML data that records a problem, with its line, instead of raising."""

    file: str
    data: dict[str, Any]
    lines: dict[KeyPath, int]
    problems: list[Problem] = field(default_factory=list)

    def report(self, path: KeyPath, message: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(self.file, line_of(self.lines, path), message, severity))

    def value(
        self,
        table: dict[str, Any],
        path: KeyPath,
        key: str,
        kind: type,
        default: Any = None,
        required: bool = False,
    ) -> Any:
        where = ".".join(str(p) for p in (*path, key))
        if key not in table:
            if required:
                self.report(path, f"missing `{key}` in {_describe(path)}")
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.report((*path, key), f"`{where}` must be {_KIND_NAMES[kind]}, not {value!r}")
            return default
        return value

    def local_time(
        self, table: dict[str, Any], path: KeyPath, key: str, tz: ZoneInfo | None
    ) -> datetime | None:
        raw = table.get(key)
        if raw is None:
            self.report(path, f"missing `{key}` in {_describe(path)}")
            return None
        if isinstance(raw, datetime):
            moment = raw
        else:
            try:
                moment = datetime.fromisoformat(str(raw))
            except ValueError:
                self.report(
                    (*path, key), f'`{key}` = {raw!r} is not a time like "2025-03-27T09:00"'
                )
                return None
        if moment.tzinfo is None:
            if tz is None:
                return None  # the time zone error is already reported
            moment = moment.replace(tzinfo=tz)
        return utc(moment)


_KIND_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    list: "a list",
    dict: "a table",
    bool: "true or false",
}


def _describe(path: KeyPath) -> str:
    if not path:
        return "the programme"
    if len(path) >= 2 and isinstance(path[1], int):
        return f"[[{path[0]}]] number {path[1] + 1}"
    return f"[{'.'.join(str(p) for p in path)}]"


def check_programme(path: str | Path) -> tuple[Programme | None, list[Problem]]:
    """Read and validate; returns the programme (None when there are errors) and all problems."""
    path = Path(path)
    name = str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, 1, f"cannot read the programme: {exc.strerror or exc}")]
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                name,
                1,
                f"not UTF-8 text (byte {raw_bytes[exc.start]:#04x} at "
                f"offset {exc.start}); save the file as UTF-8",
            )
        ]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [_toml_problem(name, exc)]
    reader = _Reader(name, data, key_lines(text))
    programme = _build(reader, path)
    errors = [p for p in reader.problems if p.severity == "error"]
    return (None if errors else programme), sorted(reader.problems)


def load_programme(path: str | Path) -> Programme:
    """The programme, or ProgrammeError with every problem when it has errors."""
    programme, problems = check_programme(path)
    if programme is None:
        raise ProgrammeError(problems)
    return programme


def _toml_problem(name: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    line = getattr(exc, "lineno", None)
    if line is None and "(at line " in message:
        try:
            line = int(message.split("(at line ")[1].split(",")[0])
        except (IndexError, ValueError):
            line = 1
    message = message.split(" (at line ")[0]
    return Problem(name, line or 1, f"not valid TOML: {message}")


def _build(r: _Reader, path: Path) -> Programme | None:
    data = r.data
    for key in data:
        if key not in KNOWN_SECTIONS:
            r.report((key,), f"unknown section `{key}` ignored", "warning")
    event_table = _table(r, ("event",), required=True)
    event_id = r.value(event_table, ("event",), "id", str, "", required=True)
    title = r.value(event_table, ("event",), "title", str, event_id)
    tz_name = r.value(event_table, ("event",), "timezone", str, "", required=True)
    language = r.value(event_table, ("event",), "language", str, "en")
    roster_name = r.value(event_table, ("event",), "roster", str, "")
    if event_id and not _is_identifier(event_id):
        r.report(("event", "id"), f"event id {event_id!r} may hold only letters, digits, - and _")
    tz: ZoneInfo | None = None
    if tz_name:
        if valid_timezone(tz_name):
            tz = ZoneInfo(tz_name)
        else:
            r.report(
                ("event", "timezone"),
                f'unknown time zone {tz_name!r} (use a name like "Europe/Berlin")',
            )
    if language not in LANGUAGES:
        r.report(
            ("event", "language"),
            f"unsupported language {language!r} (supported: {', '.join(LANGUAGES)})",
        )

    rotation = _rotation(r, tz)
    rooms = _rooms(r)
    teams = _teams(r, rooms)
    keynotes = _keynotes(r, tz, teams, rotation)
    scoring = read_scoring(r)
    awards = read_awards(r, scoring)

    participants: tuple[Participant, ...] = ()
    roster_path: Path | None = None
    if roster_name:
        roster_path = path.parent / roster_name
        roster = load_roster(
            roster_path,
            teams={t.id for t in teams},
            keynotes={k.id: k for k in keynotes},
            rounds=rotation.rounds if rotation else 0,
        )
        r.problems.extend(roster.problems)
        participants = roster.participants
        if participants or not roster.problems:  # an unreadable roster says so once, no more
            _check_people(r, roster_path, roster, teams, keynotes, rotation)
        if scoring is not None and not any(p.role == "jury" for p in participants):
            r.report(("scoring",), "[scoring] is set but the roster has no jury members", "warning")
    else:
        r.report(("event",), "no `roster` given: the programme has no participants", "warning")

    if tz is None or rotation is None or not event_id:
        return None
    sections = {k: v for k, v in data.items() if k in ("jitsi", "notify")}
    return Programme(
        event=Event(event_id, title, tz_name, language),
        rotation=rotation,
        rooms=tuple(rooms),
        teams=tuple(teams),
        keynotes=tuple(keynotes),
        participants=participants,
        sections=MappingProxyType(sections),
        source=path,
        roster=roster_path,
        scoring=scoring,
        awards=awards,
    )


def _is_identifier(value: str) -> bool:
    return bool(value) and all(c.isalnum() or c in "-_" for c in value) and value.isascii()


def _table(r: _Reader, path: KeyPath, required: bool = False) -> dict[str, Any]:
    table = r.data.get(path[0])
    if table is None:
        if required:
            r.report((), f"missing section [{path[0]}]")
        return {}
    if not isinstance(table, dict):
        r.report(path, f"`{path[0]}` must be a table [{path[0]}]")
        return {}
    return table


def _array(r: _Reader, name: str) -> list[dict[str, Any]]:
    items = r.data.get(name, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        r.report((name,), f"`{name}` must be written as [[{name}]] tables")
        return []
    return items


def _rotation(r: _Reader, tz: ZoneInfo | None) -> Rotation | None:
    path: KeyPath = ("rotation",)
    table = _table(r, path, required=True)
    if not table:
        return None
    minutes = r.value(table, path, "round_minutes", int, 0, required=True)
    rounds = r.value(table, path, "rounds", int, 0)
    changeover = r.value(table, path, "changeover_minutes", int, 0)
    min_audience = r.value(table, path, "min_audience", int, 0)
    jury_per_team = r.value(table, path, "jury_per_team", int, 0)
    ok = True
    if minutes <= 0:
        r.report(
            (*path, "round_minutes"),
            f"rounds must last at least one minute (round_minutes = {minutes})",
        )
        ok = False
    if changeover < 0:
        r.report(
            (*path, "changeover_minutes"),
            f"changeover_minutes = {changeover} would make rounds overlap",
        )
        ok = False
    for key, value in (("min_audience", min_audience), ("jury_per_team", jury_per_team)):
        if value < 0:
            r.report((*path, key), f"`{key}` cannot be negative")
    starts: list = []
    if "starts" in table:
        raw = r.value(table, path, "starts", list, [])
        for item in raw:
            moment = r.local_time({"starts": item}, path, "starts", tz)
            if moment is None:
                ok = False
            starts.append(moment)
        if "rounds" in table and rounds != len(raw):
            r.report((*path, "rounds"), f"rounds = {rounds} but `starts` lists {len(raw)} times")
        length = timedelta(minutes=max(minutes, 0))
        for i in range(1, len(starts)):
            if starts[i - 1] and starts[i] and starts[i] < starts[i - 1] + length:
                r.report(
                    (*path, "starts"),
                    f"round {i + 1} starts before round {i} ends (rounds overlap)",
                )
                ok = False
    else:
        if "rounds" not in table:
            r.report(path, "missing `rounds` in [rotation]")
            ok = False
        elif rounds <= 0:
            r.report((*path, "rounds"), f"there must be at least one round (rounds = {rounds})")
            ok = False
        first = r.local_time(table, path, "start", tz)
        if first is None:
            ok = False
        else:
            step = timedelta(minutes=minutes + changeover)
            starts = [first + i * step for i in range(max(rounds, 0))]
    if not ok or tz is None or not starts:
        return None
    return Rotation(tuple(starts), minutes, changeover, min_audience, jury_per_team)


def _rooms(r: _Reader) -> list[Room]:
    rooms: list[Room] = []
    seen: dict[str, int] = {}
    for i, table in enumerate(_array(r, "rooms")):
        path: KeyPath = ("rooms", i)
        room_id = r.value(table, path, "id", str, "", required=True)
        name = r.value(table, path, "name", str, room_id)
        capacity = r.value(table, path, "capacity", int, 0, required=True)
        if room_id and not _is_identifier(room_id):
            r.report((*path, "id"), f"room id {room_id!r} may hold only letters, digits, - and _")
        if room_id in seen:
            r.report(
                (*path, "id"), f"duplicate room id {room_id!r} (first at line {seen[room_id]})"
            )
            continue
        if "capacity" in table and capacity <= 0:
            r.report((*path, "capacity"), f"room {room_id!r} needs a capacity above 0")
        if room_id:
            seen[room_id] = line_of(r.lines, (*path, "id"))
            rooms.append(Room(room_id, name, capacity))
    return rooms


def _teams(r: _Reader, rooms: list[Room]) -> list[Team]:
    teams: list[Team] = []
    room_ids = {room.id for room in rooms}
    seen: dict[str, int] = {}
    room_users: dict[str, str] = {}
    for i, table in enumerate(_array(r, "teams")):
        path: KeyPath = ("teams", i)
        team_id = r.value(table, path, "id", str, "", required=True)
        name = r.value(table, path, "name", str, team_id)
        project = r.value(table, path, "project", str, "")
        room = r.value(table, path, "room", str, "", required=True)
        if team_id and not _is_identifier(team_id):
            r.report((*path, "id"), f"team id {team_id!r} may hold only letters, digits, - and _")
        if team_id in seen:
            r.report(
                (*path, "id"), f"duplicate team id {team_id!r} (first at line {seen[team_id]})"
            )
            continue
        if room and room not in room_ids:
            r.report((*path, "room"), f"team {team_id!r} uses unknown room {room!r}")
        elif room in room_users:
            r.report(
                (*path, "room"), f"teams {room_users[room]!r} and {team_id!r} share room {room!r}"
            )
        if team_id:
            seen[team_id] = line_of(r.lines, (*path, "id"))
            room_users.setdefault(room, team_id)
            teams.append(Team(team_id, name, room, project))
    if not teams and "teams" in r.data:
        r.report(("teams",), "no usable team")
    elif "teams" not in r.data:
        r.report((), "no [[teams]]: there is nobody to present")
    return teams


def _keynotes(
    r: _Reader, tz: ZoneInfo | None, teams: list[Team], rotation: Rotation | None
) -> list[Keynote]:
    keynotes: list[Keynote] = []
    team_rooms = {t.room: t.id for t in teams}
    seen: dict[str, int] = {}
    for i, table in enumerate(_array(r, "keynotes")):
        path: KeyPath = ("keynotes", i)
        keynote_id = r.value(table, path, "id", str, "", required=True)
        title = r.value(table, path, "title", str, keynote_id)
        speaker = r.value(table, path, "speaker", str, "")
        minutes = r.value(table, path, "minutes", int, 0, required=True)
        room = r.value(table, path, "room", str, "", required=True)
        threshold = r.value(table, path, "threshold", float, 0.75)
        start = r.local_time(table, path, "start", tz)
        if keynote_id in seen:
            r.report(
                (*path, "id"),
                f"duplicate keynote id {keynote_id!r} (first at line {seen[keynote_id]})",
            )
            continue
        if keynote_id and not _is_identifier(keynote_id):
            r.report(
                (*path, "id"), f"keynote id {keynote_id!r} may hold only letters, digits, - and _"
            )
        if "minutes" in table and minutes <= 0:
            r.report((*path, "minutes"), f"keynote {keynote_id!r} must last at least a minute")
        if room in team_rooms:
            r.report(
                (*path, "room"),
                f"keynote {keynote_id!r} is in room {room!r}, which team {team_rooms[room]!r} uses",
            )
        if not 0 < threshold <= 1:
            r.report((*path, "threshold"), f"threshold is a share between 0 and 1, not {threshold}")
        if not keynote_id or start is None or minutes <= 0:
            continue
        keynote = Keynote(keynote_id, title, start, minutes, room, speaker, threshold)
        if rotation is not None:
            first, last = rotation.slots[0].start, rotation.slots[-1].end
            if keynote.start < first or keynote.end > last:
                r.report(
                    (*path, "start"),
                    f"keynote {keynote_id!r} ({_hhmm(keynote.start, tz)}–"
                    f"{_hhmm(keynote.end, tz)}) lies outside the event "
                    f"({_hhmm(first, tz)}–{_hhmm(last, tz)})",
                )
        for other in keynotes:
            if other.room == room and other.start < keynote.end and keynote.start < other.end:
                r.report(
                    (*path, "start"),
                    f"keynotes {other.id!r} and {keynote_id!r} overlap in room {room!r}",
                )
        seen[keynote_id] = line_of(r.lines, (*path, "id"))
        keynotes.append(keynote)
    return keynotes


def _hhmm(moment: datetime, tz: ZoneInfo | None) -> str:
    return moment.astimezone(tz).strftime("%H:%M") if tz else moment.isoformat()


def _check_people(
    r: _Reader,
    roster_path: Path,
    roster: Roster,
    teams: list[Team],
    keynotes: list[Keynote],
    rotation: Rotation | None,
) -> None:
    """Checks that need both files: presence of presenters, keynote clashes."""
    participants = roster.participants
    presenting = {p.team for p in participants if p.role == "presenter"}
    tables = r.data.get("teams", [])
    for team in teams:
        if team.id not in presenting:
            index = next(j for j, t in enumerate(tables) if t.get("id") == team.id)
            r.report(
                ("teams", index, "id"),
                f"team {team.id!r} has no presenters in the roster",
                "warning",
            )
    by_id = {k.id: k for k in keynotes}
    for person in participants:
        chosen = [by_id[k] for k in person.keynotes if k in by_id]
        for a_index, a in enumerate(chosen):
            for b in chosen[a_index + 1 :]:
                if a.start < b.end and b.start < a.end:
                    r.problems.append(
                        Problem(
                            str(roster_path),
                            roster.lines.get(person.id, 1),
                            f"{person.id!r} attends keynotes {a.id!r} and {b.id!r}, which overlap",
                        )
                    )
        if person.role == "presenter" and rotation is not None:
            for keynote in chosen:
                clash = [s.index for s in rotation.slots if s.overlaps(keynote.start, keynote.end)]
                if clash:
                    r.problems.append(
                        Problem(
                            str(roster_path),
                            roster.lines.get(person.id, 1),
                            f"presenter {person.id!r} attends keynote {keynote.id!r}, "
                            f"which overlaps rounds {', '.join(map(str, clash))} "
                            f"of team {person.team!r}: "
                            "they are sent to the keynote then",
                            "warning",
                        )
                    )
