"""The plan: who is in which room in every round, and at which keynote. The JSON is a contract."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class RoomSlot:
    room: str
    team: str
    audience: tuple[str, ...]


@dataclass(frozen=True)
class PlannedRound:
    index: int
    start: datetime
    end: datetime
    rooms: tuple[RoomSlot, ...]


@dataclass(frozen=True)
class PlannedKeynote:
    id: str
    start: datetime
    end: datetime
    room: str
    audience: tuple[str, ...]


@dataclass(frozen=True)
class Unassigned:
    round: int
    participant: str
    reason: str  # "keynote k1", "unavailable", "departed", ...


@dataclass(frozen=True)
class TeamEntry:
    id: str
    room: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class PersonEntry:
    id: str
    role: str
    institution: str


@dataclass(frozen=True)
class EventInfo:
    id: str
    title: str
    timezone: str


@dataclass(frozen=True)
class Plan:
    event: EventInfo
    teams: tuple[TeamEntry, ...]
    participants: tuple[PersonEntry, ...]
    rounds: tuple[PlannedRound, ...]
    keynotes: tuple[PlannedKeynote, ...]
    unassigned: tuple[Unassigned, ...]
    stats: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    version: int = 1
    seed: int = 0

    @cached_property
    def _where(self) -> dict[tuple[str, int], RoomSlot]:
        return {
            (pid, rnd.index): slot
            for rnd in self.rounds
            for slot in rnd.rooms
            for pid in slot.audience
        }

    @cached_property
    def _team_of_member(self) -> dict[str, TeamEntry]:
        return {m: team for team in self.teams for m in team.members}

    @cached_property
    def _slot_of_team(self) -> dict[tuple[str, int], RoomSlot]:
        return {(slot.team, rnd.index): slot for rnd in self.rounds for slot in rnd.rooms}

    @cached_property
    def _keynotes_of(self) -> dict[str, tuple[PlannedKeynote, ...]]:
        found: dict[str, list[PlannedKeynote]] = {}
        for keynote in self.keynotes:
            for pid in keynote.audience:
                found.setdefault(pid, []).append(keynote)
        return {pid: tuple(ks) for pid, ks in found.items()}

    @cached_property
    def _unassigned_of(self) -> dict[str, tuple[Unassigned, ...]]:
        found: dict[str, list[Unassigned]] = {}
        for entry in self.unassigned:
            found.setdefault(entry.participant, []).append(entry)
        return {pid: tuple(entries) for pid, entries in found.items()}

    def room_in_round(self, participant: str, round_index: int) -> RoomSlot | None:
        """The room an audience member sits in, or a presenter's own room, in a round."""
        team = self._team_of_member.get(participant)
        if team is not None:
            return self._slot_of_team.get((team.id, round_index))
        return self._where.get((participant, round_index))

    def team_of(self, participant: str) -> TeamEntry | None:
        return self._team_of_member.get(participant)

    def keynotes_of(self, participant: str) -> tuple[PlannedKeynote, ...]:
        return self._keynotes_of.get(participant, ())

    def unassigned_of(self, participant: str) -> tuple[Unassigned, ...]:
        """The rounds in which `participant` has no seat, and why (an index: a page's agenda
        is worked out per person, and a 5,000-person plan lists tens of thousands)."""
        return self._unassigned_of.get(participant, ())

    def round(self, index: int) -> PlannedRound:
        return self.rounds[index - 1]

    def with_version(self, version: int) -> Plan:
        return replace(self, version=version)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "seed": self.seed,
            "event": {
                "id": self.event.id,
                "title": self.event.title,
                "timezone": self.event.timezone,
            },
            "teams": [{"id": t.id, "room": t.room, "members": list(t.members)} for t in self.teams],
            "participants": [
                {"id": p.id, "role": p.role, "institution": p.institution}
                for p in self.participants
            ],
            "rounds": [
                {
                    "index": r.index,
                    "start": _iso(r.start),
                    "end": _iso(r.end),
                    "rooms": [
                        {"room": s.room, "team": s.team, "audience": list(s.audience)}
                        for s in r.rooms
                    ],
                }
                for r in self.rounds
            ],
            "keynotes": [
                {
                    "id": k.id,
                    "start": _iso(k.start),
                    "end": _iso(k.end),
                    "room": k.room,
                    "audience": list(k.audience),
                }
                for k in self.keynotes
            ],
            "unassigned": [
                {"round": u.round, "participant": u.participant, "reason": u.reason}
                for u in self.unassigned
            ],
            "stats": self.stats,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        event = data["event"]
        return cls(
            event=EventInfo(event["id"], event.get("title", event["id"]), event["timezone"]),
            teams=tuple(TeamEntry(t["id"], t["room"], tuple(t["members"])) for t in data["teams"]),
            participants=tuple(
                PersonEntry(p["id"], p["role"], p.get("institution", ""))
                for p in data["participants"]
            ),
            rounds=tuple(
                PlannedRound(
                    r["index"],
                    _parse(r["start"]),
                    _parse(r["end"]),
                    tuple(RoomSlot(s["room"], s["team"], tuple(s["audience"])) for s in r["rooms"]),
                )
                for r in data["rounds"]
            ),
            keynotes=tuple(
                PlannedKeynote(
                    k["id"], _parse(k["start"]), _parse(k["end"]), k["room"], tuple(k["audience"])
                )
                for k in data["keynotes"]
            ),
            unassigned=tuple(
                Unassigned(u["round"], u["participant"], u["reason"]) for u in data["unassigned"]
            ),
            stats=data.get("stats", {}),
            version=data.get("version", 1),
            seed=data.get("seed", 0),
        )


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
