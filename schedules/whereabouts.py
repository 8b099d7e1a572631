"""Where a participant should be at an instant: the answer behind every `/go` click.

A person's day is a list of places (their rounds and keynotes at live times). They are sent
to the place they are in, except in its last `lead` minutes, or during a changeover, when
they are already sent to the next one. Before the day, after it, and during a long break
they have nowhere to be (`None`): their own page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from schedules.plan import Plan
from schedules.timeline import Timeline


@dataclass(frozen=True)
class Place:
    kind: Literal["room", "keynote"]
    start: datetime  # live event time
    end: datetime
    room: str
    round: int | None = None
    team: str = ""
    keynote: str = ""

    def overlaps(self, other: Place) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Whereabouts:
    now: Place | None  # None: nowhere to be, their own page
    until: datetime | None  # when `now` may change (event time); None: not again today
    next: Place | None


def places(plan: Plan, timeline: Timeline, participant: str) -> list[Place]:
    """The person's day at live times. Attending a keynote takes a presenter out of their
    room while it runs; audience rounds that clash with it were already left out by the plan
    (after an extension they may clash: the keynote wins while it runs)."""
    keynotes = []
    for planned in plan.keynotes_of(participant):
        live = timeline.keynote(planned.id)
        if live is not None:
            keynotes.append(
                Place("keynote", live.start, live.end, planned.room, keynote=planned.id)
            )
    presenter = plan.team_of(participant) is not None
    rounds = []
    for live in timeline.rounds:
        slot = plan.room_in_round(participant, live.index)
        if slot is None:
            continue
        place = Place("room", live.start, live.end, slot.room, live.index, slot.team)
        if presenter and any(place.overlaps(k) for k in keynotes):
            continue
        rounds.append(place)
    return sorted(keynotes + rounds, key=lambda p: (p.start, p.kind != "keynote"))


def whereabouts(
    day: list[Place], at: datetime, lead: timedelta, changeover: timedelta
) -> Whereabouts:
    running = [p for p in day if p.start <= at < p.end]
    current = next((p for p in running if p.kind == "keynote"), running[0] if running else None)
    upcoming = [p for p in day if p.start > at and p is not current]
    following = upcoming[0] if upcoming else None
    window = lead + changeover
    now: Place | None
    if current is not None and current.end - at > lead:
        now = current
    elif following is not None and following.start - at <= window:
        now = following
    else:
        now = current
    after = [p for p in upcoming if p is not now]
    moments = [t for p in day for t in (p.start - window, p.end - lead, p.end) if t > at]
    return Whereabouts(now, min(moments) if moments else None, after[0] if after else None)
