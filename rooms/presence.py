"""Presence, pure: a noisy, duplicated, out-of-order stream of joins and leaves becomes
per-person intervals per room, live occupancy, and attendance an organiser can sign.

A person is the token's `context.user.id` (Rota's participant id); failing that their e-mail,
then their display name matched against the roster; otherwise a guest. Connections (JaaS
`participantId`, Prosody occupant JID) are not people: a reconnect is a new connection, and a
person's intervals in one room are merged when the gap is under a minute."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rooms.events import RoomEvent
from schedules.evidence import DEFAULT_EVIDENCE, Source

MERGE_GAP = 60.0  # seconds: a shorter gap in one room is a reconnect
LOST_DELAY = 60.0  # a leave with disconnectReason "unknown" arrives about this late


@dataclass(frozen=True)
class Interval:
    person: str
    room: str
    start: float
    end: float
    flags: frozenset[str] = frozenset()

    @property
    def seconds(self) -> float:
        return max(self.end - self.start, 0.0)

    def clipped(self, start: float, end: float) -> float:
        return max(min(self.end, end) - max(self.start, start), 0.0)


@dataclass(frozen=True)
class Roster:
    """Who can be matched: participant ids, and their e-mails and names."""

    ids: frozenset[str]
    by_email: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)

    def resolve(self, event: RoomEvent) -> str:
        if event.person in self.ids:
            return event.person
        if event.email and event.email.lower() in self.by_email:
            return self.by_email[event.email.lower()]
        if event.name and event.name.casefold() in self.by_name:
            return self.by_name[event.name.casefold()]
        label = event.name or event.email or event.person or event.connection or "unknown"
        return f"guest:{label}"


def unique(events: Iterable[RoomEvent]) -> list[RoomEvent]:
    """Duplicates removed (first delivery wins), in the order they happened."""
    seen: set[str] = set()
    kept = []
    for event in events:
        if event.key not in seen:
            seen.add(event.key)
            kept.append(event)
    order = {"room_created": 0, "joined": 1, "left": 2, "room_destroyed": 3}
    return sorted(kept, key=lambda e: (e.at, order[e.kind]))


def intervals(
    events: Iterable[RoomEvent], roster: Roster, open_until: Callable[[str, float], float]
) -> list[Interval]:
    """`open_until(room, joined_at)` closes a connection whose leave never came (flagged)."""
    open_: dict[tuple[str, str], tuple[str, float]] = {}  # (room, connection) -> (person, start)
    known: dict[str, str] = {}  # connection -> person, for leaves that lack the person
    raw: list[Interval] = []
    for event in unique(events):
        if event.service:
            continue
        slot = (event.room, event.connection)
        if event.kind == "joined":
            if slot in open_:
                continue
            person = roster.resolve(event)
            known[event.connection] = person
            open_[slot] = (person, event.at)
        elif event.kind == "left":
            flags = set()
            end = event.at
            if event.reason == "unknown":
                end -= LOST_DELAY
                flags.add("connection-lost")
            if slot in open_:
                person, start = open_.pop(slot)
            elif event.joined_at is not None:  # event_sync leaves carry their join time
                person = known.get(event.connection) or roster.resolve(event)
                start = event.joined_at
                flags.add("join-missing")
            else:
                continue
            raw.append(Interval(person, event.room, start, max(end, start), frozenset(flags)))
        elif event.kind == "room_destroyed":
            for (room, connection), (person, start) in list(open_.items()):
                if room == event.room:
                    del open_[(room, connection)]
                    raw.append(
                        Interval(
                            person,
                            room,
                            start,
                            max(event.at, start),
                            frozenset({"closed-at-room-end"}),
                        )
                    )
    for (room, _), (person, start) in open_.items():
        raw.append(
            Interval(
                person, room, start, max(open_until(room, start), start), frozenset({"no-leave"})
            )
        )
    return merge(raw)


def merge(raw: list[Interval]) -> list[Interval]:
    """One person's intervals in one room with gaps under a minute become one."""
    merged: list[Interval] = []
    for interval in sorted(raw, key=lambda i: (i.person, i.room, i.start)):
        last = merged[-1] if merged else None
        if (
            last
            and last.person == interval.person
            and last.room == interval.room
            and interval.start - last.end < MERGE_GAP
        ):
            flags = last.flags | interval.flags | {"reconnected"}
            merged[-1] = Interval(
                last.person, last.room, last.start, max(last.end, interval.end), frozenset(flags)
            )
        else:
            merged.append(interval)
    return merged


def occupancy(events: Iterable[RoomEvent], roster: Roster, at: float) -> dict[str, set[str]]:
    """Who is in each room at `at` (people, not connections)."""
    present: dict[str, set[str]] = {}
    for interval in intervals(
        [e for e in events if e.at <= at], roster, open_until=lambda room, start: float("inf")
    ):
        if interval.start <= at < interval.end:
            present.setdefault(interval.room, set()).add(interval.person)
    return present


@dataclass(frozen=True)
class AttendanceRow:
    participant: str
    name: str
    institution: str
    expected: bool
    first_join: float | None
    last_leave: float | None
    minutes: float
    share: float
    status: str  # attended | partial | absent | guest | unknown (no presence feed)
    evidence: str  # the strongest presence source seen (schedules/evidence.py), or ""
    flags: tuple[str, ...]


def attendance(
    person_intervals: dict[str, list[Interval]],
    expected: Iterable[str],
    names: dict[str, tuple[str, str]],
    start: float,
    end: float,
    threshold: float,
    marked: Mapping[str, Source],
    counted: bool = True,
    evidence: Iterable[Source] = DEFAULT_EVIDENCE,
) -> list[AttendanceRow]:
    """A row per expected attendee and per unexpected joiner, for the window [start, end).
    `marked` is each person's strongest presence source other than the webhooks (sent,
    confirmed, checked-in); those in `evidence` make a person attend, as webhook time over the
    threshold does when `webhook` is in it. Without any counted source (`counted` false)
    nobody is "absent": their status is unknown."""
    counts = set(evidence)
    window = max(end - start, 1.0)
    expected_set = set(expected)
    # only time inside the window counts: a room shared by an earlier or later session
    # brings nobody into this one
    inside = {
        person
        for person, spans in person_intervals.items()
        if any(i.clipped(start, end) > 0 for i in spans)
    }
    rows = []
    for person in sorted(expected_set | inside):
        spans = [i for i in person_intervals.get(person, []) if i.clipped(start, end) > 0]
        seconds = sum(i.clipped(start, end) for i in spans)
        share = min(seconds / window, 1.0)
        guest = person.startswith("guest:") or person not in names
        if guest:
            status = "guest"
        elif ("webhook" in counts and share >= threshold) or marked.get(person) in counts:
            status = "attended"
        elif not counted:
            status = "unknown"
        elif seconds > 0:
            status = "partial"
        else:
            status = "absent"
        source = "webhook" if spans else marked.get(person, "")
        flags = sorted(
            {f for i in spans for f in i.flags}
            | ({"unexpected"} if person not in expected_set else set())
        )
        name, institution = names.get(person, (person.removeprefix("guest:"), ""))
        rows.append(
            AttendanceRow(
                person,
                name,
                institution,
                person in expected_set,
                min((max(i.start, start) for i in spans), default=None),
                max((min(i.end, end) for i in spans), default=None),
                round(seconds / 60, 1),
                round(share, 3),
                status,
                source,
                tuple(flags),
            )
        )
    return rows
