"""The programme as typed, immutable data: what the loader produces and everything else reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal
from zoneinfo import ZoneInfo

from schedules.day_sections import LANGUAGES
from schedules.evidence import DEFAULT_EVIDENCE, Source
from schedules.scoring import Award, Scoring

Role = Literal["audience", "presenter", "jury", "organiser"]
Platform = Literal["jitsi", "bbb"]  # the platforms Rota drives itself (links are any other)
ROLES: tuple[Role, ...] = ("audience", "presenter", "jury", "organiser")
__all__ = ["LANGUAGES"]  # declared with the [event] schema; imported from here elsewhere


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    timezone: str
    language: str = "en"
    walking_minutes: int = 5  # on campus: the time to walk from room to room
    checkin_networks: tuple[str, ...] = ()  # on-site check-in only from these (empty: any)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Slot:
    """One round: a half-open interval [start, end) in UTC."""

    index: int
    start: datetime
    end: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Rotation:
    starts: tuple[datetime, ...]  # UTC, one per round
    round_minutes: int
    changeover_minutes: int = 0
    min_audience: int = 0
    jury_per_team: int = 0
    solve_seconds: float = 3.0  # the exact stage's budget (planner.py); 0: greedy only

    @property
    def rounds(self) -> int:
        return len(self.starts)

    @cached_property
    def slots(self) -> tuple[Slot, ...]:
        length = timedelta(minutes=self.round_minutes)
        return tuple(Slot(i + 1, s, s + length) for i, s in enumerate(self.starts))


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    capacity: int  # the audience it holds: seats on campus plus online seats
    url: str = ""  # a plain link on any platform (Zoom, Teams, Meet, …); "": a Jitsi room
    jitsi_name: str = ""  # a fixed Jitsi room name; "": Rota makes a hard-to-guess one
    onsite: str = ""  # where it is on campus ("Building A, room 2.14"); empty: online only
    seats: int = 0  # on campus: the seats in the room (the rest of `capacity` is online)
    platform: Platform = "jitsi"  # where a room without `url` lives: Jitsi or BigBlueButton

    @property
    def linked(self) -> bool:
        """A room on a plain link: no embed, no webhooks, people open it themselves."""
        return bool(self.url)

    @property
    def reports_presence(self) -> bool:
        """Whether the platform says who is in the room (Jitsi webhooks); elsewhere people
        confirm their presence themselves ("I'm here"), or check in at the door on campus."""
        return not (self.linked or self.onsite)


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    room: str
    project: str = ""


@dataclass(frozen=True)
class Keynote:
    id: str
    title: str
    start: datetime  # UTC
    minutes: int
    room: str
    speaker: str = ""
    threshold: float = 0.75
    audience: Literal["registered", "everyone"] = "registered"  # everyone: every person attends
    evidence: tuple[Source, ...] = DEFAULT_EVIDENCE  # presence sources that count (threshold)
    titles: tuple[tuple[str, str], ...] = ()  # (language, title): `titles = { pt = "…" }`

    def title_in(self, language: str) -> str:
        """The title in `language` when the programme gives one, else the title."""
        return dict(self.titles).get(language, self.title)

    # `evidence` written in the programme; else it follows the platform (presence/attendance.py)
    evidence_chosen: bool = False

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @property
    def plenary(self) -> bool:
        """For everyone (a closing lecture, an award ceremony): shown by its title alone."""
        return self.audience == "everyone"


@dataclass(frozen=True)
class Participant:
    id: str
    name: str
    role: Role
    email: str = ""
    team: str = ""
    institution: str = ""
    country: str = ""
    timezone: str = ""  # empty: the event's
    language: str = ""  # empty: the event's
    preferences: tuple[str, ...] = ()
    keynotes: tuple[str, ...] = ()
    unavailable: frozenset[int] = frozenset()
    ntfy: str = ""
    mode: Literal["online", "onsite"] = "online"  # onsite: on campus, in on-site rooms only
    anonymous: bool = False  # an erased person's seat: keeps their place, has no token or link
    own: tuple[tuple[str, str], ...] = ()  # the roster's other columns: (header, value), kept

    @property
    def planned(self) -> bool:
        """Audience and jury are placed in rooms; presenters sit in their own; organisers roam."""
        return self.role in ("audience", "jury")


@dataclass(frozen=True)
class Programme:
    event: Event
    rotation: Rotation
    rooms: tuple[Room, ...]
    teams: tuple[Team, ...]
    keynotes: tuple[Keynote, ...] = ()
    participants: tuple[Participant, ...] = ()
    sections: MappingProxyType[str, Any] = field(
        default_factory=lambda: MappingProxyType({})
    )  # the raw [jitsi], [[notify]] ... tables, read by the packages that own them
    source: Path | None = None
    roster: Path | None = None
    scoring: Scoring | None = None  # [scoring]: the jury's criteria; None without one
    awards: tuple[Award, ...] = ()

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def team_by_id(self) -> dict[str, Team]:
        return {t.id: t for t in self.teams}

    @cached_property
    def keynote_by_id(self) -> dict[str, Keynote]:
        return {k.id: k for k in self.keynotes}

    @cached_property
    def participant_by_id(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}

    def keynotes_of(self, person: Participant) -> tuple[str, ...]:
        """The keynotes a person attends: those they registered for, and every keynote for
        everyone (presenters and jury too)."""
        plenary = tuple(k.id for k in self.keynotes if k.plenary and k.id not in person.keynotes)
        return person.keynotes + plenary

    @property
    def default_platform(self) -> Platform:
        """Where a room without `url` or `platform` lives (a keynote room not declared in
        [[rooms]] too): BigBlueButton when only [bbb] is configured, else Jitsi."""
        return "bbb" if "bbb" in self.sections and "jitsi" not in self.sections else "jitsi"

    def platform_of(self, room_id: str) -> Platform | Literal["link"]:
        room = self.room_by_id.get(room_id)
        if room is None:
            return self.default_platform
        return "link" if room.url else room.platform

    def room_name(self, room_id: str) -> str:
        room = self.room_by_id.get(room_id)
        return room.name if room else room_id

    def tz_of(self, participant: Participant) -> ZoneInfo:
        return ZoneInfo(participant.timezone or self.event.timezone)

    def language_of(self, participant: Participant) -> str:
        return participant.language or self.event.language

    @property
    def starts(self) -> datetime:
        """The event's first item: a round, or a keynote before the rotation."""
        return min([self.rotation.slots[0].start, *(k.start for k in self.keynotes)])

    @property
    def ends(self) -> datetime:
        last = max(s.end for s in self.rotation.slots)
        return max([last, *(k.end for k in self.keynotes)])


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
