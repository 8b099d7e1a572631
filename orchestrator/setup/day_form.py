"""The day as the setup form holds it (every value as typed), and the programme TOML it
becomes. Nothing is checked here: a value that is not a number is written as text, so the
programme's own schema (schedules/sections.py) refuses it with the words `rota check` uses.
Each TOML line remembers the form field it came from, so a problem at `file:line` is shown
next to that field."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

ROOM_KINDS = ("jitsi", "link", "bbb", "onsite")
AUDIENCES = ("registered", "everyone")
BLANK_ROWS = {"rooms": 2, "teams": 2, "keynotes": 1, "breaks": 2}
MAX_ROWS = 500  # per list: a form is not where a thousand rooms are typed


@dataclass
class RoomRow:
    name: str = ""
    seats: str = ""
    kind: str = "jitsi"  # a Jitsi room, a link (Zoom, Teams, …), BigBlueButton, on campus
    where: str = ""  # the link, or the place on campus
    id: str = ""  # kept from a served programme (links, the roster name it); else made


@dataclass
class TeamRow:
    name: str = ""
    project: str = ""
    room: str = ""  # the room's name
    id: str = ""  # kept from a served programme (links, the roster name it); else made


@dataclass
class KeynoteRow:
    title: str = ""
    start: str = ""  # HH:MM on the day
    minutes: str = ""
    room: str = ""  # the room's name
    audience: str = "registered"
    id: str = ""  # kept from a served programme (links, the roster name it); else made


@dataclass
class BreakRow:
    after: str = ""  # after this round
    minutes: str = ""


@dataclass
class DayForm:
    event_id: str = ""
    title: str = ""
    date: str = ""
    timezone: str = "Europe/Berlin"
    language: str = "en"
    start: str = "09:00"
    round_minutes: str = "30"
    rounds: str = "4"
    changeover_minutes: str = "0"
    jury_per_team: str = "0"
    min_audience: str = "0"
    bbb_url: str = ""
    rooms: list[RoomRow] = field(default_factory=list)
    teams: list[TeamRow] = field(default_factory=list)
    keynotes: list[KeynoteRow] = field(default_factory=list)
    breaks: list[BreakRow] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> DayForm:
        raw = json.loads(text)
        plain = {f.name: str(raw.get(f.name, f.default)) for f in fields(cls) if f.name in raw}
        plain = {k: v for k, v in plain.items() if k not in ROWS}
        day = cls()
        for name, value in plain.items():
            setattr(day, name, value)
        for name, row in ROWS.items():
            setattr(day, name, [_row(row, item) for item in raw.get(name, [])][:MAX_ROWS])
        return day

    def shown(self) -> DayForm:
        """The form as the page shows it: the rows there are, and a few blank ones to fill
        (no script needed to add a room)."""
        copy = DayForm.from_json(self.to_json())
        for name, row in ROWS.items():
            getattr(copy, name).extend(row() for _ in range(BLANK_ROWS[name]))
        return copy


ROWS: dict[str, Callable[[], Any]] = {
    "rooms": RoomRow,
    "teams": TeamRow,
    "keynotes": KeynoteRow,
    "breaks": BreakRow,
}
SINGLE = tuple(
    f.name for f in fields(DayForm) if f.name not in ROWS and f.name != "event_id"
)  # the form's one-value fields


def _row(kind: Callable[[], Any], raw: Any) -> Any:
    row = kind()
    if isinstance(raw, Mapping):
        for f in fields(row):
            if f.name in raw:
                setattr(row, f.name, str(raw[f.name])[:2000])
    return row


def from_post(form: Mapping[str, Any], event_id: str) -> DayForm:
    """The form's fields (`rooms-0-name`, …); rows left wholly blank are dropped."""

    def text(name: str) -> str:
        return str(form.get(name, "")).strip()[:2000]

    day = DayForm(event_id=event_id)
    for name in SINGLE:
        setattr(day, name, text(name))
    for name, kind in ROWS.items():
        rows = getattr(day, name)
        for i in range(MAX_ROWS):
            prefix = f"{name}-{i}-"
            if not any(key.startswith(prefix) for key in form):
                break
            row = kind()
            for f in fields(row):
                setattr(row, f.name, text(prefix + f.name))
            blank = kind()
            typed = [f.name for f in fields(row) if f.name != "id"]
            if any(getattr(row, name) not in ("", getattr(blank, name)) for name in typed):
                rows.append(row)
    if not day.event_id:
        day.event_id = slug(day.title)
    return day


def slug(title: str) -> str:
    """An event id from its title (letters, digits, -): the Redis keys' namespace."""
    words = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:40].strip("-")
    return words or "day"


def _number(raw: str) -> str:
    """A whole number as TOML, or the text as typed (the schema says what is wrong)."""
    return raw if re.fullmatch(r"-?\d{1,9}", raw) else _text(raw)


def _text(raw: str) -> str:
    return json.dumps(raw, ensure_ascii=False)  # a TOML basic string: JSON's escapes hold


def _ids(rows: list[Any], prefix: str) -> list[str]:
    """Each row's id: its own when it has a usable one, else prefix + its number (unused)."""
    own = [r.id if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", r.id) else "" for r in rows]
    taken = {i for i in own if i}
    chosen: list[str] = []
    for number, given in enumerate(own, start=1):
        made = f"{prefix}{number}"
        while not given and made in taken:
            made += "x"
        chosen.append(given or made)
        taken.add(chosen[-1])
    return chosen


def _round_starts(day: DayForm) -> list[str] | None:
    """Each round's start with the breaks in between, or None when the numbers are not all
    readable (then `start` and `rounds` are written, and checked, as typed)."""
    try:
        first = datetime.fromisoformat(f"{day.date}T{day.start}")
        minutes, rounds = int(day.round_minutes), int(day.rounds)
        changeover = int(day.changeover_minutes or 0)
        pauses = {int(b.after): int(b.minutes) for b in day.breaks}
    except ValueError:
        return None
    if not 0 < rounds <= 200:
        return None
    starts, moment = [], first
    for index in range(1, rounds + 1):
        starts.append(f"{moment:%Y-%m-%dT%H:%M}")
        moment += timedelta(minutes=minutes + changeover + pauses.get(index, 0))
    return starts


def programme_toml(day: DayForm, roster: str = "", kept: str = "") -> tuple[str, dict[int, str]]:
    """The programme, and for each line the form field it came from; `kept`: sections the
    form does not write, as they were added to the published programme by hand."""
    lines: list[str] = ["# Written by Rota's setup page (/board/setup); `rota check` reads it."]
    where: dict[int, str] = {}

    def put(line: str, name: str = "") -> None:
        lines.append(line)
        if name:
            where[len(lines)] = name

    rooms = day.rooms
    ids = {"rooms": _ids(rooms, "r"), "teams": _ids(day.teams, "t")}
    ids["keynotes"] = _ids(day.keynotes, "k")
    room_ids = {r.name: ids["rooms"][i] for i, r in reversed(list(enumerate(rooms)))}
    kinds = {r.kind for r in rooms}
    jitsi = "jitsi" in kinds or not kinds
    bbb = "bbb" in kinds or bool(day.bbb_url)
    put("[event]")
    put(f"id = {_text(day.event_id or slug(day.title))}")
    put(f"title = {_text(day.title)}", "title")
    put(f"timezone = {_text(day.timezone)}", "timezone")
    put(f"language = {_text(day.language)}", "language")
    if roster:
        put(f"roster = {_text(roster)}", "roster")
    put("")
    put("[rotation]", "rotation")
    starts = _round_starts(day) if day.breaks else None
    if starts is not None:
        put("starts = [" + ", ".join(_text(s) for s in starts) + "]", "breaks")
    else:
        put(f"start = {_text(f'{day.date}T{day.start}')}", "start")
    put(f"round_minutes = {_number(day.round_minutes)}", "round_minutes")
    put(f"rounds = {_number(day.rounds)}", "rounds")
    put(f"changeover_minutes = {_number(day.changeover_minutes or '0')}", "changeover_minutes")
    put(f"min_audience = {_number(day.min_audience or '0')}", "min_audience")
    put(f"jury_per_team = {_number(day.jury_per_team or '0')}", "jury_per_team")
    if jitsi and not re.search(r"^\s*\[jitsi\]", kept, re.MULTILINE):  # as set up by hand
        put("")
        put("[jitsi]")
        put('domain = "meet.jit.si"')
    if bbb:
        put("")
        put("[bbb]", "bbb_url")
        put(f"url = {_text(day.bbb_url)}", "bbb_url")
    for i, room in enumerate(rooms):
        row = f"rooms-{i}"
        put("")
        put("[[rooms]]", row)
        put(f"id = {_text(ids['rooms'][i])}", row)
        put(f"name = {_text(room.name)}", f"{row}-name")
        put(f"capacity = {_number(room.seats)}", f"{row}-seats")
        if room.kind == "link":  # an empty link: the schema's own "needs a host" message
            put(f"url = {_text(room.where or 'https://')}", f"{row}-where")
        elif room.kind == "onsite":
            put(f"onsite = {_text(room.where)}", f"{row}-where")
        elif room.kind not in ROOM_KINDS or (jitsi and bbb):
            put(f"platform = {_text(room.kind)}", f"{row}-kind")
    for i, team in enumerate(day.teams):
        row = f"teams-{i}"
        put("")
        put("[[teams]]", row)
        put(f"id = {_text(ids['teams'][i])}", row)
        put(f"name = {_text(team.name)}", f"{row}-name")
        if team.project:
            put(f"project = {_text(team.project)}", f"{row}-project")
        put(f"room = {_text(room_ids.get(team.room, team.room))}", f"{row}-room")
    for i, keynote in enumerate(day.keynotes):
        row = f"keynotes-{i}"
        put("")
        put("[[keynotes]]", row)
        put(f"id = {_text(ids['keynotes'][i])}", row)
        put(f"title = {_text(keynote.title)}", f"{row}-title")
        put(f"start = {_text(f'{day.date}T{keynote.start}')}", f"{row}-start")
        put(f"minutes = {_number(keynote.minutes)}", f"{row}-minutes")
        put(f"room = {_text(room_ids.get(keynote.room, keynote.room))}", f"{row}-room")
        put(f"audience = {_text(keynote.audience)}", f"{row}-audience")
    text = "\n".join(lines) + "\n"
    return (text + "\n" + kept if kept else text), where
