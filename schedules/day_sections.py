"""The sections of the day itself: [event], [rotation], [[rooms]], [[teams]], [[keynotes]], and
[roster] (how the roster's sheet is read), one schema each (schedules/schema.py)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from schedules.evidence import DEFAULT_EVIDENCE, SOURCES
from schedules.schema import ID, TIME, Context, Field, Table, one_of

LANGUAGES = (
    "de",
    "en",
    "fi",
    "fr",
    "nl",
    "pt",
)  # the pages' languages (schedules.model re-exports)


def _checkin_networks(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    for network in values["checkin_networks"]:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            yield (
                "checkin_networks",
                f'`checkin_networks`: {network!r} is not a network like "10.0.0.0/8"',
            )


EVENT = Table(
    "event",
    {
        "id": ID,
        "title": Field(str),
        "timezone": Field(str, required=True),
        "language": Field(str, default="en", choices=LANGUAGES),
        "roster": Field(str),
        "walking_minutes": Field(  # on campus: the time to walk between rooms (schedules/campus)
            int, default=5, minimum=0, maximum=120, bound="`{key}` must be 0 to 120, not {value}"
        ),
        "checkin_networks": Field(list, default=[], items=str),
    },
    required=True,
    rules=(_checkin_networks,),
)

ROTATION = Table(
    "rotation",
    {
        "start": Field(TIME),
        "starts": Field(list, items=TIME),
        "round_minutes": Field(
            int,
            required=True,
            minimum=1,
            bound="rounds must last at least one minute (round_minutes = {value})",
        ),
        "rounds": Field(
            int, minimum=1, bound="there must be at least one round (rounds = {value})"
        ),
        "changeover_minutes": Field(
            int,
            default=0,
            minimum=0,
            bound="changeover_minutes = {value} would make rounds overlap",
        ),
        "min_audience": Field(int, default=0, minimum=0, bound="`{key}` cannot be negative"),
        "jury_per_team": Field(int, default=0, minimum=0, bound="`{key}` cannot be negative"),
        "solve_seconds": Field((int, float), default=3, minimum=0, maximum=600),
    },
    required=True,
)

JITSI_ONLY = ("jitsi_name",)  # room options that only a Jitsi room can have
PLATFORMS = ("jitsi", "bbb")  # a room's `platform` when both [jitsi] and [bbb] are set


def room_link_problem(url: str) -> str:
    """Why a room's `url` cannot be a room on some platform, or "": people follow it from
    `/go` and a page opens it, so it must be https and name a host."""
    if any(char.isspace() or not char.isprintable() for char in url):
        return (
            "a room's link may not hold spaces or control characters, which no browser would "
            f"follow as written: remove them (url = {url!r})"
        )
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"a room's link must start with https:// (url = {url!r})"
    if not parts.hostname:
        return f"a room's link needs a host, like https://zoom.us/j/123 (url = {url!r})"
    if parts.username or parts.password:
        return f"a room's link may not hold a user name or password (url = {url!r})"
    if len(url) > 2000:
        return "a room's link is too long (2000 characters at most)"
    return ""


def _room_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    url = values.get("url", "")
    if url and (problem := room_link_problem(url)):
        yield "url", problem
    for key in JITSI_ONLY:
        if url and values.get(key):
            yield (
                key,
                f"`{key}` is a Jitsi option, but this room is a plain link (`url`): "
                "Rota sends people to the link as it is; keep one of the two",
            )
    if url and values.get("platform"):
        yield (
            "platform",
            "a room with `url` is a plain link on its own platform: drop `platform` or `url`",
        )
    if values.get("platform") == "bbb" and values.get("jitsi_name"):
        yield "jitsi_name", "`jitsi_name` is a Jitsi option, but this room is on BigBlueButton"


def _onsite_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    """An on-site room's `capacity` counts its seats; online seats need an online link."""
    if "onsite" in values and not values["onsite"].strip():
        yield "onsite", '`onsite` names where the room is, e.g. "Building A, room 2.14"'
    if values.get("onsite") and "capacity" not in values:
        yield "", "an on-site room needs `capacity`: its seats"
    if "online_capacity" in values and not (values.get("onsite") and values.get("url")):
        yield (
            "online_capacity",
            "`online_capacity` counts the online seats of an on-site room with a `url`",
        )


ROOMS = Table(
    "rooms",
    {
        "id": ID,
        "name": Field(str),
        "capacity": Field(
            int, required=True, minimum=1, bound="room {id!r} needs a capacity above 0"
        ),
        "url": Field(str, default=""),  # a plain link on any platform instead of a Jitsi room
        "jitsi_name": Field(str, default=""),  # a fixed Jitsi room name instead of a made one
        "platform": Field(str, choices=PLATFORMS),  # needed when both [jitsi] and [bbb] are set
        "onsite": Field(str),  # where the room is on campus (schedules/campus.py)
        "online_capacity": Field(
            int, minimum=1, bound="room {id!r} needs an online_capacity above 0"
        ),
    },
    array=True,
    rules=(_room_rules, _onsite_rules),
)

TEAMS = Table(
    "teams",
    {
        "id": ID,
        "name": Field(str),
        "project": Field(str, default=""),
        "room": Field(str, required=True),
    },
    array=True,
)

AUDIENCES = ("registered", "everyone")


def _keynote_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    for language, title in values["titles"].items():
        if language not in LANGUAGES:
            yield (
                "titles",
                f"`titles`: {language!r} is not a language Rota speaks ({', '.join(LANGUAGES)})",
            )
        elif not isinstance(title, str) or not title.strip():
            yield "titles", f"`titles`: the {language} title must be text"
    evidence = values["evidence"]
    wrong = [v for v in evidence if v not in SOURCES]
    if wrong:
        yield (
            "evidence",
            f"`evidence` lists presence sources ({one_of(SOURCES)}), not {wrong[0]!r}",
        )
    elif not evidence:
        yield "evidence", "`evidence` needs at least one presence source (" + one_of(SOURCES) + ")"
    elif len(set(evidence)) != len(evidence):
        yield "evidence", "`evidence` names a source twice"


KEYNOTES = Table(
    "keynotes",
    {
        "id": ID,
        "title": Field(str),
        "titles": Field(dict, default={}),  # the title in other languages: { pt = "…" }
        "speaker": Field(str, default=""),
        "start": Field(TIME, required=True),
        "minutes": Field(
            int, required=True, minimum=1, bound="keynote {id!r} must last at least a minute"
        ),
        "room": Field(str, required=True),
        "threshold": Field(
            float,
            default=0.75,
            minimum=0.01,
            maximum=1,
            bound="threshold is a share between 0 and 1, not {value}",
        ),
        "audience": Field(str, default="registered", choices=AUDIENCES),
        "evidence": Field(list, default=list(DEFAULT_EVIDENCE), items=str),
    },
    array=True,
    rules=(_keynote_rules,),
)


# --- [roster] (read by schedules/roster.py) ---------------------------------------------------

ROSTER_VALUES = ("role", "team", "timezone", "language", "mode")


def _roster_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    for header, meant in values["columns"].items():
        if not isinstance(meant, str):
            yield (
                "columns",
                (
                    f"`columns`: {header!r} must name a column as text (one of Rota's columns, a "
                    f'keynote id, or "" to keep it as the person\'s own), not {meant!r}'
                ),
            )
    for key, table in values["values"].items():
        if key not in ROSTER_VALUES:
            yield (
                "values",
                (f"`values` may say what a {one_of(ROSTER_VALUES)} means, not a {key!r}"),
            )
        elif not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            yield (
                "values",
                (f'`values.{key}` must be a table of texts, like {key} = {{"Lecturer" = "jury"}}'),
            )


ROSTER = Table(
    "roster",
    {
        "sheet": Field(str, default=""),  # a workbook's sheet; the first when not given
        "columns": Field(dict, default={}),  # header as written -> a field, keynote id or ""
        "values": Field(dict, default={}),  # field -> {value as written -> what it means}
    },
    rules=(_roster_rules,),
)
