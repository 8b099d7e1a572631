"""Presence with its source, pure: every sign that a person was in a room during one slot
says where it came from, and a room's or keynote's presence is summarised by source.

Sources, weakest first (`STRENGTH`):
- `sent`: the person followed `/go` to that room in that slot (derived from the click log);
- `confirmed`: they pressed "I'm here" on their own page;
- `checked-in`: they scanned the code at an on-site room's door;
- `webhook`: the video platform (Jitsi, JaaS) reported them in the room.

A slot is a timeline item's key ("round-3", "keynote-k1"). A mark is recorded once per person,
room, slot and source; summaries count people, not marks, and say which source is the
strongest one that has anybody ("12 confirmed, 15 sent" rather than a false 0)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Source = Literal["sent", "confirmed", "checked-in", "webhook"]
SOURCES: tuple[Source, ...] = ("sent", "confirmed", "checked-in", "webhook")  # weakest first
STRENGTH: dict[Source, int] = {s: i for i, s in enumerate(SOURCES)}
DEFAULT_EVIDENCE: tuple[Source, ...] = ("webhook",)  # a keynote's threshold, as before sources
RECORDED: tuple[Source, ...] = ("confirmed", "checked-in")  # stored marks (the rest derived)


def source_of(value: str) -> Source:
    """`value` as a Source; ValueError names the sources for anything else."""
    for source in SOURCES:
        if source == value:
            return source
    raise ValueError(f"unknown presence source {value!r} (sources: {', '.join(SOURCES)})")


@dataclass(frozen=True, order=True)
class Mark:
    """One presence signal: `person` was in `room` during slot `item`, by `source`."""

    item: str  # "round-3" or "keynote-k1"
    room: str
    person: str
    source: Source
    at: float = field(default=0.0, compare=False)  # when it was seen (Unix seconds)

    @property
    def field(self) -> str:
        """Its key in the store: once per person, room, slot and source."""
        return f"{self.item}|{self.room}|{self.person}|{self.source}"

    @classmethod
    def parse(cls, key: str, at: float = 0.0) -> Mark:
        item, room, person, source = key.split("|")
        return cls(item, room, person, source_of(source), at)


def item_key(kind: str, round_index: int | None, keynote: str) -> str:
    """The slot a place belongs to, as the timeline names it."""
    return f"keynote-{keynote}" if kind == "keynote" else f"round-{round_index}"


@dataclass(frozen=True)
class Summary:
    """A room's presence in one slot: for each source the people it saw, and each person's
    strongest source."""

    people: dict[str, Source]  # person -> their strongest source
    counts: dict[Source, int]  # source -> people it saw (a person may count under several)

    @property
    def strongest(self) -> Source | None:
        """The strongest source that saw anybody (None: nobody was seen)."""
        return next((s for s in reversed(SOURCES) if self.counts.get(s)), None)

    def text(self) -> str:
        """ "12 confirmed, 15 sent": the strongest source first; "" when nobody was seen."""
        return ", ".join(f"{self.counts[s]} {s}" for s in reversed(SOURCES) if self.counts.get(s))

    def to_dict(self) -> dict[str, object]:
        return {
            "counts": {s: self.counts.get(s, 0) for s in SOURCES},
            "strongest": self.strongest,
            "text": self.text(),
        }


def summarise(
    marks: Iterable[Mark],
    room: str,
    item: str,
    counted: Iterable[Source] = SOURCES,
    people: Iterable[str] | None = None,
) -> Summary:
    """The presence in `room` during slot `item`, by source, from the sources in `counted`
    (and among `people` only, when given: e.g. the audience without the presenters)."""
    allowed = set(counted)
    among = None if people is None else set(people)
    seen: dict[Source, set[str]] = {}
    best: dict[str, Source] = {}
    for mark in marks:
        if mark.room != room or mark.item != item or mark.source not in allowed:
            continue
        if among is not None and mark.person not in among:
            continue
        seen.setdefault(mark.source, set()).add(mark.person)
        if mark.person not in best or STRENGTH[mark.source] > STRENGTH[best[mark.person]]:
            best[mark.person] = mark.source
    return Summary(best, {s: len(p) for s, p in seen.items()})


def strongest(marks: Iterable[Mark], counted: Iterable[Source] = SOURCES) -> dict[str, Source]:
    """Person -> their strongest source among `counted`, whatever the room and slot."""
    allowed = set(counted)
    best: dict[str, Source] = {}
    for mark in marks:
        if mark.source in allowed and (
            mark.person not in best or STRENGTH[mark.source] > STRENGTH[best[mark.person]]
        ):
            best[mark.person] = mark.source
    return best


@dataclass(frozen=True)
class Window:
    """When `/go` sends people to `room` for slot `item`: from `opens` (the lead and the
    changeover before it starts) to its end."""

    item: str
    room: str
    opens: datetime
    end: datetime


def sent_marks(
    clicks: Iterable[tuple[str, str, datetime]], windows: Sequence[Window]
) -> list[Mark]:
    """`sent` marks from `/go` clicks (person, room it led to, event time). A click counts
    for the slot in that room whose window holds it; where two windows of one room overlap
    (the next slot's lead), the later slot wins, as `/go` then already sends there."""
    by_room: dict[str, list[Window]] = {}
    for window in sorted(windows, key=lambda w: w.opens):
        by_room.setdefault(window.room, []).append(window)
    opens = {room: [w.opens for w in ws] for room, ws in by_room.items()}
    found: dict[str, Mark] = {}
    for person, room, at in clicks:
        candidates = by_room.get(room)
        if not candidates:
            continue
        i = bisect.bisect_right(opens[room], at) - 1
        while i >= 0 and not at < candidates[i].end:
            i -= 1
        if i < 0 or at < candidates[i].opens:
            continue
        window = candidates[i]
        mark = Mark(window.item, room, person, "sent", at.timestamp())
        found.setdefault(mark.field, mark)  # the first click of the slot
    return list(found.values())
