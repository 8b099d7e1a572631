"""Load and validate a programme (TOML) and its roster (CSV): every problem at once, with lines."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from schedules.campus import online_seats
from schedules.columns import KeynoteRef
from schedules.day_sections import EVENT, KEYNOTES, ROOMS, ROSTER, ROTATION, TEAMS
from schedules.evidence import DEFAULT_EVIDENCE, SOURCES
from schedules.localtime import ambiguity, clock_changes, valid_timezone
from schedules.message_sections import NOTIFY, notify_warnings
from schedules.model import (
    Event,
    Keynote,
    Participant,
    Platform,
    Programme,
    Room,
    Rotation,
    Team,
    utc,
)
from schedules.problems import PlanningError, Problem, ProgrammeError, Severity
from schedules.roster import Roster, RosterConfig, load_roster
from schedules.schema import Context, Table, closest, listing, plural, suggestion, validate
from schedules.scoring import read_awards, read_scoring
from schedules.sections import SECTIONS
from schedules.tomlpos import Path as KeyPath
from schedules.tomlpos import key_lines, line_of


@dataclass
class _Reader:
    """Typed access to the TOML data that records a problem, with its line, instead of raising."""

    file: str
    data: dict[str, Any]
    lines: dict[KeyPath, int]
    context: Context = field(default_factory=Context)
    problems: list[Problem] = field(default_factory=list)
    misnamed: set[str] = field(default_factory=set)  # sections an unknown one was likely meant as
    roster: Roster | None = None  # as read, with how each value was read (`rota roster`)
    roster_path: Path | None = None

    def report(self, path: KeyPath, message: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(self.file, line_of(self.lines, path), message, severity))

    def table(self, schema: Table, path: KeyPath, table: dict[str, Any]) -> dict[str, Any]:
        """The values of one table that passed its schema; every problem reported at its line."""
        entry_id = table.get("id")
        values, problems = validate(
            schema, table, self.context, entry_id if isinstance(entry_id, str) else ""
        )
        for key, message in problems:
            self.report((*path, key) if key else path, _where(path, message))
        for key, spec in schema.fields.items():  # a wrong optional value: reported, then default
            if key not in values and key in table and spec.default is not None:
                values[key] = spec.default
        return values

    def local_time(self, raw: Any, path: KeyPath, tz: ZoneInfo | None) -> datetime | None:
        if isinstance(raw, datetime):
            moment = raw
        else:
            try:
                moment = datetime.fromisoformat(str(raw))
            except ValueError:
                self.report(path, f'`{path[-1]}` = {raw!r} is not a time like "2025-03-27T09:00"')
                return None
        if moment.tzinfo is None:
            if tz is None:
                return None  # the time zone error is already reported
            wrong = ambiguity(moment, tz)
            if wrong is not None:  # in a daylight-saving gap or fold: no one instant
                self.report(path, f"`{path[-1]}` = {wrong.message(moment, tz)}")
                return None
            moment = moment.replace(tzinfo=tz)
        return utc(moment)


def _where(path: KeyPath, message: str) -> str:
    """Name the entry of an array in messages that do not name it themselves."""
    if len(path) >= 2 and isinstance(path[1], int) and message.startswith("missing "):
        return f"{message} number {path[1] + 1}"
    return message


def check_programme(
    path: str | Path, environ: Mapping[str, str] | None = None
) -> tuple[Programme | None, list[Problem]]:
    """Read and validate; returns the programme (None when there are errors) and all problems.
    With `environ`, what the sections need from the environment (secrets named by
    `ROTA_JITSI_SECRET`, `secret_env`, …) is checked too, as `rota serve` needs it."""
    _, programme, problems = _read(Path(path), environ)
    return programme, problems


@dataclass(frozen=True)
class RosterInspection:
    """The roster as read, for `rota roster`: how each value was read, its problems, and how
    many problems the rest of the programme has."""

    roster: Roster | None
    keynotes: list[KeynoteRef]
    problems: list[Problem]  # the roster's, those that need the programme too among them
    others: list[Problem]
    path: Path | None = None


def inspect_roster(path: str | Path) -> RosterInspection:
    reader, _, problems = _read(Path(path), None)
    roster = reader.roster if reader else None
    where = {roster.where, str(reader.roster_path)} if roster and reader else set()
    return RosterInspection(
        roster,
        _keynote_refs(reader.data) if reader else [],
        [p for p in problems if p.file in where],
        [p for p in problems if p.file not in where],
        reader.roster_path if reader else None,
    )


def _read(
    path: Path, environ: Mapping[str, str] | None
) -> tuple[_Reader | None, Programme | None, list[Problem]]:
    name = str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        return None, None, [Problem(name, 1, f"cannot read the programme: {exc.strerror or exc}")]
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return (
            None,
            None,
            [
                Problem(
                    name,
                    1,
                    f"not UTF-8 text (byte {raw_bytes[exc.start]:#04x} at "
                    f"offset {exc.start}); save the file as UTF-8",
                )
            ],
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, None, [_toml_problem(name, exc)]
    reader = _Reader(name, data, key_lines(text), Context(environ, path.parent))
    programme = _build(reader, path)
    errors = [p for p in reader.problems if p.severity == "error"]
    return reader, (None if errors else programme), sorted(reader.problems)


def load_programme(path: str | Path, environ: Mapping[str, str] | None = None) -> Programme:
    """The programme, or ProgrammeError with every problem when it has errors."""
    programme, problems = check_programme(path, environ)
    if programme is None:
        raise ProgrammeError(problems)
    return programme


def planning_problems(programme: Programme, error: PlanningError) -> list[Problem]:
    """The planner's explanation as problems at the [rotation] line, for `check` and `plan`."""
    line = 1
    if programme.source is not None:
        try:
            text = programme.source.read_text(encoding="utf-8-sig")
        except OSError:
            text = ""
        line = line_of(key_lines(text), ("rotation",))
    name = str(programme.source or "programme")
    return [
        Problem(name, line, f"the rotation cannot be planned: {reason}") for reason in error.reasons
    ]


def day_over(programme: Programme, now: datetime) -> str | None:
    """None while the programme's day has not ended; else when it was, in words."""
    if now < programme.ends:
        return None
    tz = programme.event.tz
    start, end = programme.starts.astimezone(tz), programme.ends.astimezone(tz)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return (
        f"the day of this programme is over: it was {start:%Y-%m-%d} from {start:%H:%M} to "
        f"{until} ({programme.event.timezone})"
    )


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


CORE = ("event", "rotation", "rooms", "teams", "keynotes", "scoring", "awards")  # read here


def _build(r: _Reader, path: Path) -> Programme | None:
    data = r.data
    for key, value in data.items():
        schema = SECTIONS.get(key)
        if schema is None:
            r.report((key,), f"unknown section [{key}]" + suggestion(key, SECTIONS))
            r.misnamed.add(closest(key, SECTIONS))
        elif schema.array and not (
            isinstance(value, list) and all(isinstance(i, dict) for i in value)
        ):
            r.report((key,), f"`{key}` must be written as [[{key}]] tables")
        elif not schema.array and not isinstance(value, dict):
            r.report((key,), f"`{key}` must be a table [{key}]")
    if "event" not in data and "event" not in r.misnamed:
        r.report((), "missing section [event]")
    event = r.table(EVENT, ("event",), _section(data, EVENT))
    event_id = event.get("id", "")
    tz_name = event.get("timezone", "")
    if event_id and not _is_identifier(event_id):
        r.report(("event", "id"), f"event id {event_id!r} may hold only letters, digits, - and _")
        event_id = ""
    tz: ZoneInfo | None = None
    if tz_name:
        if valid_timezone(tz_name):
            tz = ZoneInfo(tz_name)
        else:
            r.report(
                ("event", "timezone"),
                f'unknown time zone {tz_name!r} (use a name like "Europe/Berlin")',
            )

    rotation = _rotation(r, tz)
    rooms = _rooms(r)
    teams = _teams(r)
    keynotes = _keynotes(r, tz, teams, rotation)
    _clock_change_notes(r, rotation, keynotes, tz)
    scoring = read_scoring(r)
    awards = read_awards(r, scoring)
    for name, schema in SECTIONS.items():
        if name not in CORE:
            _check_section(r, schema)

    participants: tuple[Participant, ...] = ()
    roster_path: Path | None = None
    roster_name = event.get("roster", "")
    if roster_name:
        roster_path = path.parent / roster_name
        roster = load_roster(  # ids as written: a team or keynote with a wrong value is no
            roster_path,  # reason to call the roster's references to it unknown as well
            teams=_declared(data, TEAMS),
            keynotes=_declared(data, KEYNOTES),
            broken=_declared(data, TEAMS, valid=False) + _declared(data, KEYNOTES, valid=False),
            rounds=rotation.rounds if rotation else None,
            team_names=_team_names(data),
            keynote_refs=_keynote_refs(data),
            config=_roster_config(r),
        )
        r.roster, r.roster_path = roster, roster_path
        r.problems.extend(roster.problems)
        participants = roster.participants
        if participants or not roster.problems:  # an unreadable roster says so once, no more
            _check_people(r, roster_path, roster, teams, keynotes, rotation)
            _check_keynote_rooms(r, rooms, keynotes, participants)
            _check_stranded_teams(r, rooms, teams, participants)
        if scoring is not None and not any(p.role == "jury" for p in participants):
            r.report(("scoring",), "[scoring] is set but the roster has no jury members", "warning")
    elif "event" in data:
        r.report(("event",), "no `roster` given: the programme has no participants", "warning")

    if tz is None or rotation is None or not event_id:
        return None
    sections = {k: v for k, v in data.items() if k in SECTIONS and k not in CORE}
    return Programme(
        event=Event(
            event_id,
            event.get("title", event_id),
            tz_name,
            event.get("language", "en"),
            event.get("walking_minutes", 5),
            tuple(event.get("checkin_networks", ())),
        ),
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


def _team_names(data: dict[str, Any]) -> dict[str, str]:
    names = {}
    for table in _entries(data, TEAMS):
        team_id, name = table.get("id"), table.get("name")
        if isinstance(team_id, str) and team_id:
            names[team_id] = name if isinstance(name, str) else team_id
    return names


def _keynote_refs(data: dict[str, Any]) -> list[KeynoteRef]:
    """Each keynote's id, title and local start time, by which a roster's column names it."""
    refs = []
    for table in _entries(data, KEYNOTES):
        keynote_id, title, start = table.get("id"), table.get("title"), table.get("start")
        if not isinstance(keynote_id, str) or not keynote_id:
            continue
        try:
            moment = start if isinstance(start, datetime) else datetime.fromisoformat(str(start))
        except ValueError:
            moment = None
        refs.append(
            KeynoteRef(
                keynote_id,
                title if isinstance(title, str) else "",
                moment.strftime("%H:%M") if moment else "",
            )
        )
    return refs


def _roster_config(r: _Reader) -> RosterConfig:
    """`[roster]` as checked by its schema (a wrong part is reported there and left out)."""
    if not isinstance(r.data.get("roster"), dict):
        return RosterConfig()
    _, problems = validate(ROSTER, r.data["roster"], r.context)
    values = r.data["roster"]
    wrong = {key for key, _ in problems}
    columns = values.get("columns", {}) if "columns" not in wrong else {}
    meanings = values.get("values", {}) if "values" not in wrong else {}
    sheet = values.get("sheet", "") if "sheet" not in wrong else ""
    return RosterConfig(
        sheet if isinstance(sheet, str) else "",
        {k: v for k, v in columns.items() if isinstance(v, str)}
        if isinstance(columns, dict)
        else {},
        {k: v for k, v in meanings.items() if isinstance(v, dict)}
        if isinstance(meanings, dict)
        else {},
    )


def _is_identifier(value: str) -> bool:
    return bool(value) and all(c.isalnum() or c in "-_" for c in value) and value.isascii()


def _section(data: dict[str, Any], schema: Table) -> dict[str, Any]:
    table = data.get(schema.name, {})
    return table if isinstance(table, dict) else {}


def _entries(data: dict[str, Any], schema: Table) -> list[dict[str, Any]]:
    items = data.get(schema.name, [])
    if isinstance(items, list) and all(isinstance(i, dict) for i in items):
        return items
    return []


def _declared(data: dict[str, Any], schema: Table, valid: bool = True) -> list[str]:
    """The ids as written (`valid`), or those refused for their characters (reported)."""
    ids = (t.get("id") for t in _entries(data, schema))
    written = dict.fromkeys(i for i in ids if isinstance(i, str) and i)
    return [i for i in written if _is_identifier(i) == valid]


def _check_section(r: _Reader, schema: Table) -> None:
    """A section Rota's other packages read ([jitsi], [[notify]], …): checked here, by its
    schema, so `rota check` refuses what `rota serve` would."""
    if schema.name not in r.data:
        return
    if schema.array:
        for i, table in enumerate(_entries(r.data, schema)):
            values = r.table(schema, (schema.name, i), table)
            if schema is NOTIFY:
                for key, message in notify_warnings(values):
                    r.report((schema.name, i, key), message, "warning")
    else:
        r.table(schema, (schema.name,), _section(r.data, schema))


def _rotation(r: _Reader, tz: ZoneInfo | None) -> Rotation | None:
    path: KeyPath = ("rotation",)
    if "rotation" not in r.data:
        if "rotation" not in r.misnamed:
            r.report((), "missing section [rotation]")
        return None
    table = _section(r.data, ROTATION)
    reported = len(r.problems)
    values = r.table(ROTATION, path, table)
    ok = len(r.problems) == reported  # a rotation with any wrong key is not built
    minutes = values.get("round_minutes", 0)
    ok = ok and minutes > 0
    starts: list[datetime | None] = []
    if "starts" in table and "start" in table:
        r.report((*path, "starts"), "give either `start` and `rounds`, or `starts`, not both")
        ok = False
    elif "starts" in table:
        raw = values.get("starts", [])
        starts = [r.local_time(item, (*path, "starts"), tz) for item in raw]
        if "rounds" in values and values["rounds"] != len(raw):
            r.report(
                (*path, "rounds"),
                f"rounds = {values['rounds']} but `starts` lists {len(raw)} times",
            )
        length = timedelta(minutes=max(minutes, 0))
        for i in range(1, len(starts)):
            before, this = starts[i - 1], starts[i]
            if before and this and this < before + length:
                r.report(
                    (*path, "starts"),
                    f"round {i + 1} starts before round {i} ends (rounds overlap)",
                )
                ok = False
    elif "start" not in table:
        r.report(path, "missing `start` (or `starts`) in [rotation]")
        ok = False
    else:
        if "rounds" not in table:
            r.report(path, "missing `rounds` in [rotation]")
            ok = False
        first = r.local_time(table["start"], (*path, "start"), tz) if "start" in values else None
        if first is not None and ok:
            step = timedelta(minutes=minutes + values["changeover_minutes"])
            starts = [first + i * step for i in range(values["rounds"])]
    if not ok or tz is None or not starts or any(s is None for s in starts):
        return None
    return Rotation(
        tuple(s for s in starts if s is not None),
        minutes,
        values["changeover_minutes"],
        values["min_audience"],
        values["jury_per_team"],
        float(values["solve_seconds"]),
    )


def _rooms(r: _Reader) -> list[Room]:
    rooms: list[Room] = []
    seen: dict[str, int] = {}
    for i, table in enumerate(_entries(r.data, ROOMS)):
        path: KeyPath = ("rooms", i)
        values = r.table(ROOMS, path, table)
        room_id = values.get("id", "")
        if room_id and not _is_identifier(room_id):
            r.report((*path, "id"), f"room id {room_id!r} may hold only letters, digits, - and _")
            continue
        if room_id in seen:
            r.report(
                (*path, "id"), f"duplicate room id {room_id!r} (first at line {seen[room_id]})"
            )
            continue
        if room_id:
            seen[room_id] = line_of(r.lines, (*path, "id"))
            rooms.append(_room(room_id, values, _platform(r, path, values)))
    _check_shared_links(r, rooms)
    return rooms


def _platform(r: _Reader, path: KeyPath, values: dict[str, Any]) -> Platform:
    """A room's platform: as it says, or the only one configured. With both [jitsi] and
    [bbb] a room without a link must say which; `platform = "bbb"` needs [bbb]."""
    both = "jitsi" in r.data and "bbb" in r.data
    chosen = values.get("platform", "")
    if values.get("url"):
        return "jitsi"
    if chosen == "bbb" and "bbb" not in r.data:
        r.report(
            (*path, "platform"),
            'platform = "bbb" needs a [bbb] section with the server\'s `url`',
        )
    elif not chosen and both:
        r.report(
            path,
            f'room {values.get("id")!r} needs `platform = "jitsi"` or `platform = "bbb"`: '
            "the programme configures both [jitsi] and [bbb]",
        )
    if chosen in ("jitsi", "bbb"):
        return "bbb" if chosen == "bbb" else "jitsi"
    return "bbb" if "bbb" in r.data and "jitsi" not in r.data else "jitsi"


def _check_shared_links(r: _Reader, rooms: list[Room]) -> None:
    """Two rooms on one link would put their people together: allowed, but said."""
    first: dict[str, int] = {}
    for i, room in enumerate(rooms):
        if not room.url:
            continue
        if room.url in first:
            other = rooms[first[room.url]]
            r.report(
                ("rooms", i, "url"),
                f"rooms {other.id!r} and {room.id!r} share the link {room.url}: their people "
                "will meet in one room",
                "warning",
            )
        else:
            first[room.url] = i


def _room(room_id: str, values: dict[str, Any], platform: Platform = "jitsi") -> Room:
    """`capacity` counts an on-site room's seats; with an online link, `online_capacity`
    (default: as many again) adds its online seats."""
    name, capacity = values.get("name", room_id), values.get("capacity", 0)
    url, jitsi_name = values.get("url", ""), values.get("jitsi_name", "")
    if not values.get("onsite"):
        return Room(room_id, name, capacity, url, jitsi_name, platform=platform)
    online = values.get("online_capacity", capacity) if url else 0
    return Room(
        room_id,
        name,
        capacity + online,
        url,
        jitsi_name,
        values["onsite"],
        capacity,
        platform,
    )


def _teams(r: _Reader) -> list[Team]:
    teams: list[Team] = []
    room_ids = _declared(r.data, ROOMS)
    seen: dict[str, int] = {}
    room_users: dict[str, str] = {}
    for i, table in enumerate(_entries(r.data, TEAMS)):
        path: KeyPath = ("teams", i)
        values = r.table(TEAMS, path, table)
        team_id = values.get("id", "")
        room = values.get("room", "")
        if team_id and not _is_identifier(team_id):
            r.report((*path, "id"), f"team id {team_id!r} may hold only letters, digits, - and _")
            continue
        if team_id in seen:
            r.report(
                (*path, "id"), f"duplicate team id {team_id!r} (first at line {seen[team_id]})"
            )
            continue
        if room and room not in room_ids and not closest(room, _declared(r.data, ROOMS, False)):
            r.report(
                (*path, "room"),
                f"team {team_id!r} uses unknown room {room!r} (rooms: {listing(room_ids)})",
            )
        elif room in room_users:
            r.report(
                (*path, "room"), f"teams {room_users[room]!r} and {team_id!r} share room {room!r}"
            )
        if team_id:
            seen[team_id] = line_of(r.lines, (*path, "id"))
            room_users.setdefault(room, team_id)
            teams.append(Team(team_id, values.get("name", team_id), room, values["project"]))
    if "teams" not in r.data:
        if "teams" not in r.misnamed:
            r.report((), "no [[teams]]: there is nobody to present")
    elif not teams and _entries(r.data, TEAMS) == []:
        r.report(("teams",), "no usable team")
    return teams


def _keynotes(
    r: _Reader, tz: ZoneInfo | None, teams: list[Team], rotation: Rotation | None
) -> list[Keynote]:
    keynotes: list[Keynote] = []
    team_rooms = {t.room: t.id for t in teams}
    seen: dict[str, int] = {}
    for i, table in enumerate(_entries(r.data, KEYNOTES)):
        path: KeyPath = ("keynotes", i)
        values = r.table(KEYNOTES, path, table)
        keynote_id = values.get("id", "")
        room = values.get("room", "")
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
            continue
        if room in team_rooms:
            r.report(
                (*path, "room"),
                f"keynote {keynote_id!r} is in room {room!r}, which team {team_rooms[room]!r} uses",
            )
        start = r.local_time(values["start"], (*path, "start"), tz) if "start" in values else None
        if not keynote_id or start is None or "minutes" not in values or not room:
            continue
        keynote = Keynote(
            keynote_id,
            values.get("title", keynote_id),
            start,
            values["minutes"],
            room,
            values["speaker"],
            values["threshold"],
            values["audience"],
            tuple(s for s in SOURCES if s in values["evidence"]) or DEFAULT_EVIDENCE,
            tuple(sorted((k, str(v)) for k, v in values["titles"].items())),
            "evidence" in table,
        )
        _keynote_clashes(r, (*path, "start"), keynote, keynotes, rotation, tz)
        seen[keynote_id] = line_of(r.lines, (*path, "id"))
        keynotes.append(keynote)
    return keynotes


def _keynote_clashes(
    r: _Reader,
    path: KeyPath,
    keynote: Keynote,
    earlier: list[Keynote],
    rotation: Rotation | None,
    tz: ZoneInfo | None,
) -> None:
    """A keynote for everyone takes everyone out of the rotation, so no round may run then
    (a break in `starts` makes room for it); nor may anything else that people attend."""
    if keynote.audience == "everyone" and rotation is not None:
        clash = [s for s in rotation.slots if s.overlaps(keynote.start, keynote.end)]
        if clash:
            rounds = ", ".join(
                f"{s.index} ({_hhmm(s.start, tz)}–{_hhmm(s.end, tz)})" for s in clash
            )
            r.report(
                path,
                f"keynote {keynote.id!r} ({_hhmm(keynote.start, tz)}–{_hhmm(keynote.end, tz)}) "
                f"is for everyone but overlaps {'round' if len(clash) == 1 else 'rounds'} "
                f"{rounds}; move it, or the rounds (a `starts` list allows a break)",
            )
    for other in earlier:
        if not (other.start < keynote.end and keynote.start < other.end):
            continue
        if other.room == keynote.room:
            r.report(
                path, f"keynotes {other.id!r} and {keynote.id!r} overlap in room {keynote.room!r}"
            )
        elif "everyone" in (other.audience, keynote.audience):
            plenary = other if other.audience == "everyone" else keynote
            r.report(
                path,
                f"keynotes {other.id!r} and {keynote.id!r} overlap, and {plenary.id!r} is "
                "for everyone",
            )


def _clock_change_notes(
    r: _Reader, rotation: Rotation | None, keynotes: list[Keynote], tz: ZoneInfo | None
) -> None:
    """A round or keynote during which the clocks change lasts as planned, but its end reads
    an hour off from what its start suggests: said once, at its line."""
    if tz is None:
        return
    index = {k.get("id"): i for i, k in enumerate(_entries(r.data, KEYNOTES))}
    items: list[tuple[str, KeyPath, datetime, datetime]] = []
    if rotation is not None:
        key = "starts" if "starts" in _section(r.data, ROTATION) else "start"
        items += [(f"round {s.index}", ("rotation", key), s.start, s.end) for s in rotation.slots]
    items += [
        (f"keynote {k.id!r}", ("keynotes", index[k.id], "start"), k.start, k.end) for k in keynotes
    ]
    for name, path, start, end in items:
        for before, after in clock_changes(start, end, tz):
            minutes = round((end - start).total_seconds() / 60)
            r.report(
                path,
                f"the clocks change during {name} ({before} becomes {after} in {tz.key}): it "
                f"still lasts {minutes} minutes, {_hhmm(start, tz)} to {_hhmm(end, tz)} by the "
                "clock",
                "warning",
            )


def _hhmm(moment: datetime, tz: ZoneInfo | None) -> str:
    return moment.astimezone(tz).strftime("%H:%M") if tz else moment.isoformat()


def _check_keynote_rooms(
    r: _Reader, rooms: list[Room], keynotes: list[Keynote], people: tuple[Participant, ...]
) -> None:
    """A keynote room listed with a capacity should hold the keynote's audience."""
    capacity = {room.id: room.capacity for room in rooms}
    index = {k.get("id"): i for i, k in enumerate(_entries(r.data, KEYNOTES))}
    for keynote in keynotes:
        if keynote.room not in capacity:
            continue
        expected = sum(1 for p in people if keynote.plenary or keynote.id in p.keynotes)
        if expected > capacity[keynote.room]:
            r.report(
                ("keynotes", index[keynote.id], "room"),
                f"keynote {keynote.id!r} expects {plural(expected, 'person', 'people')} but "
                f"room {keynote.room!r} holds {capacity[keynote.room]}",
                "warning",
            )


def _check_stranded_teams(
    r: _Reader, rooms: list[Room], teams: list[Team], people: tuple[Participant, ...]
) -> None:
    """A team in a room that is only on campus is seen only by people with `mode = onsite`:
    with none of them (but its own) it would present to an empty room, jury and all."""
    campus_only = {room.id for room in rooms if room.onsite and not online_seats(room)}
    index = {room.get("id"): i for i, room in enumerate(_entries(r.data, ROOMS))}
    for team in teams:
        if team.room in campus_only and not any(
            p.mode == "onsite" and p.team != team.id for p in people
        ):
            r.report(
                ("rooms", index[team.room], "onsite"),
                f"team {team.id!r} presents in room {team.room!r}, which is only on campus, "
                "but nobody else in the roster comes to campus (`mode = onsite`): it would "
                "have no audience and no jury all day. Give the people who come `mode = "
                "onsite` in the roster, or give the room a `url` for online seats",
                "warning",
            )


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
        chosen = [by_id[k] for k in person.keynotes if k in by_id]  # as registered
        for a_index, a in enumerate(chosen):
            for b in chosen[a_index + 1 :]:
                if a.start < b.end and b.start < a.end:
                    r.problems.append(
                        Problem(
                            roster.where or str(roster_path),
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
                            roster.where or str(roster_path),
                            roster.lines.get(person.id, 1),
                            f"presenter {person.id!r} attends keynote {keynote.id!r}, "
                            f"which overlaps rounds {', '.join(map(str, clash))} "
                            f"of team {person.team!r}: "
                            "they are sent to the keynote then",
                            "warning",
                        )
                    )
