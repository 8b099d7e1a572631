"""The day's tables read into the model: [rotation] into its rounds, [[rooms]] (and each room's
platform), [[teams]], [[keynotes]], each id checked once; what clashes in time (a keynote for
everyone over a round, two keynotes in one room) and a clock change during an item, said at
its line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schedules.day_sections import KEYNOTES, ROOMS, ROTATION, TEAMS
from schedules.evidence import DEFAULT_EVIDENCE, SOURCES
from schedules.localtime import clock_changes
from schedules.model import Keynote, Platform, Room, Rotation, Team
from schedules.programme_reader import Reader, declared, entries, is_identifier, section_of
from schedules.schema import Table, closest, listing
from schedules.tomlpos import Path as KeyPath
from schedules.tomlpos import line_of


def read_rotation(r: Reader, tz: ZoneInfo | None) -> Rotation | None:
    path: KeyPath = ("rotation",)
    if "rotation" not in r.data:
        if "rotation" not in r.misnamed:
            r.report((), "missing section [rotation]")
        return None
    table = section_of(r.data, ROTATION)
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


def _checked_entries(
    r: Reader, schema: Table, kind: str, seen: dict[str, int]
) -> Iterator[tuple[KeyPath, dict[str, Any], dict[str, Any], str]]:
    """Each entry of an array section as written and as its schema checked it, with its path
    and id; one whose id has other characters or is taken by an earlier one (`seen`: id -> its
    line) is said at the id's line and left out."""
    for i, table in enumerate(entries(r.data, schema)):
        path: KeyPath = (schema.name, i)
        values = r.table(schema, path, table)
        entry_id = values.get("id", "")
        if entry_id and not is_identifier(entry_id):
            r.report(
                (*path, "id"), f"{kind} id {entry_id!r} may hold only letters, digits, - and _"
            )
        elif entry_id in seen:
            r.report(
                (*path, "id"), f"duplicate {kind} id {entry_id!r} (first at line {seen[entry_id]})"
            )
        else:
            yield path, table, values, entry_id


def read_rooms(r: Reader) -> list[Room]:
    rooms: list[Room] = []
    seen: dict[str, int] = {}
    for path, _, values, room_id in _checked_entries(r, ROOMS, "room", seen):
        if room_id:
            seen[room_id] = line_of(r.lines, (*path, "id"))
            rooms.append(_room(room_id, values, _platform(r, path, values)))
    _check_shared_links(r, rooms)
    return rooms


def _platform(r: Reader, path: KeyPath, values: dict[str, Any]) -> Platform:
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


def _check_shared_links(r: Reader, rooms: list[Room]) -> None:
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


def read_teams(r: Reader) -> list[Team]:
    teams: list[Team] = []
    room_ids = declared(r.data, ROOMS)
    seen: dict[str, int] = {}
    room_users: dict[str, str] = {}
    for path, _, values, team_id in _checked_entries(r, TEAMS, "team", seen):
        room = values.get("room", "")
        if room and room not in room_ids and not closest(room, declared(r.data, ROOMS, False)):
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
    elif not teams and entries(r.data, TEAMS) == []:
        r.report(("teams",), "no usable team")
    return teams


def read_keynotes(
    r: Reader, tz: ZoneInfo | None, teams: list[Team], rotation: Rotation | None
) -> list[Keynote]:
    keynotes: list[Keynote] = []
    team_rooms = {t.room: t.id for t in teams}
    seen: dict[str, int] = {}
    for path, table, values, keynote_id in _checked_entries(r, KEYNOTES, "keynote", seen):
        room = values.get("room", "")
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
    r: Reader,
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


def clock_change_notes(
    r: Reader, rotation: Rotation | None, keynotes: list[Keynote], tz: ZoneInfo | None
) -> None:
    """A round or keynote during which the clocks change lasts as planned, but its end reads
    an hour off from what its start suggests: said once, at its line."""
    if tz is None:
        return
    index = {k.get("id"): i for i, k in enumerate(entries(r.data, KEYNOTES))}
    items: list[tuple[str, KeyPath, datetime, datetime]] = []
    if rotation is not None:
        key = "starts" if "starts" in section_of(r.data, ROTATION) else "start"
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
