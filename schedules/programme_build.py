"""The programme built from its checked parts: every section checked (unknown ones named with
a guess), the day's tables read, the roster loaded with what the programme declares, the checks
that need both files run, and the `Programme` made when nothing is in error."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from schedules.columns import KeynoteRef
from schedules.cross_checks import check_keynote_rooms, check_people, check_stranded_teams
from schedules.day_sections import EVENT, KEYNOTES, ROSTER, TEAMS
from schedules.day_tables import (
    clock_change_notes,
    read_keynotes,
    read_rooms,
    read_rotation,
    read_teams,
)
from schedules.localtime import valid_timezone
from schedules.message_sections import NOTIFY, notify_warnings
from schedules.model import Event, Participant, Programme
from schedules.programme_reader import Reader, declared, entries, is_identifier, section_of
from schedules.roster import RosterConfig, load_roster
from schedules.schema import Table, closest, suggestion, validate
from schedules.scoring import read_awards, read_scoring
from schedules.sections import SECTIONS

CORE = ("event", "rotation", "rooms", "teams", "keynotes", "scoring", "awards")  # read here


def build_programme(r: Reader, path: Path) -> Programme | None:
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
    event = r.table(EVENT, ("event",), section_of(data, EVENT))
    event_id = event.get("id", "")
    tz_name = event.get("timezone", "")
    if event_id and not is_identifier(event_id):
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

    rotation = read_rotation(r, tz)
    rooms = read_rooms(r)
    teams = read_teams(r)
    keynotes = read_keynotes(r, tz, teams, rotation)
    clock_change_notes(r, rotation, keynotes, tz)
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
            teams=declared(data, TEAMS),
            keynotes=declared(data, KEYNOTES),
            broken=declared(data, TEAMS, valid=False) + declared(data, KEYNOTES, valid=False),
            rounds=rotation.rounds if rotation else None,
            team_names=_team_names(data),
            keynote_refs=keynote_refs(data),
            config=_roster_config(r),
        )
        r.roster, r.roster_path = roster, roster_path
        r.problems.extend(roster.problems)
        participants = roster.participants
        if participants or not roster.problems:  # an unreadable roster says so once, no more
            check_people(r, roster_path, roster, teams, keynotes, rotation)
            check_keynote_rooms(r, rooms, keynotes, participants)
            check_stranded_teams(r, rooms, teams, participants)
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
    for table in entries(data, TEAMS):
        team_id, name = table.get("id"), table.get("name")
        if isinstance(team_id, str) and team_id:
            names[team_id] = name if isinstance(name, str) else team_id
    return names


def keynote_refs(data: dict[str, Any]) -> list[KeynoteRef]:
    """Each keynote's id, title and local start time, by which a roster's column names it."""
    refs = []
    for table in entries(data, KEYNOTES):
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


def _roster_config(r: Reader) -> RosterConfig:
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


def _check_section(r: Reader, schema: Table) -> None:
    """A section Rota's other packages read ([jitsi], [[notify]], …): checked here, by its
    schema, so `rota check` refuses what `rota serve` would."""
    if schema.name not in r.data:
        return
    if schema.array:
        for i, table in enumerate(entries(r.data, schema)):
            values = r.table(schema, (schema.name, i), table)
            if schema is NOTIFY:
                for key, message in notify_warnings(values):
                    r.report((schema.name, i, key), message, "warning")
    else:
        r.table(schema, (schema.name,), section_of(r.data, schema))
