"""The live day: each round and keynote at its live time, what is happening at an instant,
and the boundaries at which Rota acts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from schedules.clock import ClockState, Shift, minutes
from schedules.plan import Plan

ItemKind = Literal["round", "keynote"]
BoundaryKind = Literal[
    "round.warning",
    "round.started",
    "round.wrapup",
    "round.ended",
    "keynote.started",
    "keynote.ended",
    "event.ended",
]
WARNING = timedelta(minutes=2)
WRAPUP = timedelta(minutes=5)
# Boundaries due at one instant happen in this order: what ends, ends before what starts
# (round.ended:N before round.started:N+1), warnings after both, and the day's end last.
AT_ONE_INSTANT: dict[str, int] = {
    "round.ended": 0,
    "keynote.ended": 1,
    "round.wrapup": 2,
    "round.started": 3,
    "keynote.started": 4,
    "round.warning": 5,
    "event.ended": 9,
}


@dataclass(frozen=True)
class LiveItem:
    key: str  # "round-3" or "keynote-k1"
    kind: ItemKind
    index: int  # round number; 0 for keynotes
    id: str  # the keynote id; "" for rounds
    start: datetime  # event time
    end: datetime

    def running(self, at: datetime) -> bool:
        return self.start <= at < self.end


def _live(
    clock: ClockState,
    kind: ItemKind,
    index: int,
    item_id: str,
    start: datetime,
    end: datetime,
    key: str,
) -> LiveItem:
    """A planned round or keynote at its live time: moved by the clock's shift for its key."""
    shift = clock.shift_of(key)
    return LiveItem(
        key, kind, index, item_id, start + minutes(shift.start), end + minutes(shift.end)
    )


@dataclass(frozen=True)
class Boundary:
    id: str  # stable across re-arming: "round.started:r3"
    kind: BoundaryKind
    item: str
    at: datetime  # event time
    ends: datetime  # when the item it belongs to is over (a missed boundary after it: skipped)


@dataclass(frozen=True)
class Current:
    kind: Literal["before", "round", "changeover", "after"]
    round: int | None
    keynotes: tuple[str, ...]


@dataclass(frozen=True)
class Timeline:
    rounds: tuple[LiveItem, ...]
    keynotes: tuple[LiveItem, ...]

    @classmethod
    def build(cls, plan: Plan, clock: ClockState) -> Timeline:
        rounds = tuple(
            _live(clock, "round", r.index, "", r.start, r.end, f"round-{r.index}")
            for r in plan.rounds
        )
        keynotes = tuple(
            _live(clock, "keynote", 0, k.id, k.start, k.end, f"keynote-{k.id}")
            for k in plan.keynotes
        )
        return cls(rounds, keynotes)

    @property
    def items(self) -> tuple[LiveItem, ...]:
        return self.rounds + self.keynotes

    @property
    def starts(self) -> datetime:
        return min(i.start for i in self.items)

    @property
    def ends(self) -> datetime:
        return max(i.end for i in self.items)

    def round_at(self, at: datetime) -> LiveItem | None:
        return next((r for r in self.rounds if r.running(at)), None)

    def keynote(self, keynote_id: str) -> LiveItem | None:
        return next((k for k in self.keynotes if k.id == keynote_id), None)

    def current(self, at: datetime) -> Current:
        keynotes = tuple(k.id for k in self.keynotes if k.running(at))
        running = self.round_at(at)
        if running:
            return Current("round", running.index, keynotes)
        if at < self.rounds[0].start:
            return Current("before", None, keynotes)
        if at >= self.rounds[-1].end:
            return Current("after", None, keynotes)
        upcoming = next(r for r in self.rounds if r.start > at)
        return Current("changeover", upcoming.index, keynotes)

    def boundaries(self) -> list[Boundary]:
        """Every boundary of the day in the order it happens (`AT_ONE_INSTANT` within one
        instant): the order transitions are fired in, and so notified in."""
        found: list[Boundary] = []
        grace = timedelta(minutes=1)
        for r in self.rounds:
            n = r.index
            found += [
                Boundary(f"round.warning:{n}", "round.warning", r.key, r.start - WARNING, r.end),
                Boundary(f"round.started:{n}", "round.started", r.key, r.start, r.end),
                Boundary(
                    f"round.wrapup:{n}", "round.wrapup", r.key, max(r.end - WRAPUP, r.start), r.end
                ),
                Boundary(f"round.ended:{n}", "round.ended", r.key, r.end, r.end + grace),
            ]
        for k in self.keynotes:
            found += [
                Boundary(f"keynote.started:{k.id}", "keynote.started", k.key, k.start, k.end),
                Boundary(f"keynote.ended:{k.id}", "keynote.ended", k.key, k.end, k.end + grace),
            ]
        found.append(Boundary("event.ended", "event.ended", "", self.ends, self.ends + grace))
        return sorted(found, key=lambda b: (b.at, AT_ONE_INSTANT[b.kind], b.id))


class ClockError(Exception):
    """An organiser's clock change that cannot apply now; the message says why."""


def delay(clock: ClockState, timeline: Timeline, now: datetime, by: float) -> ClockState:
    """Everything whose live start is still ahead moves `by` minutes (negative: earlier, but
    never into the past); what is running keeps its end."""
    if by == 0:
        raise ClockError("a delay of 0 minutes changes nothing")
    ahead = [item for item in timeline.items if item.start > now]
    if not ahead:
        raise ClockError("nothing is left to start: the day is over")
    if by < 0 and min(item.start for item in ahead) + minutes(by) < now:
        raise ClockError(
            f"cannot bring the next start forward by {-by:g} minutes: it would be in the past"
        )
    shifts = dict(clock.shifts)
    for item in ahead:
        old = shifts.get(item.key, Shift())
        shifts[item.key] = Shift(old.start + by, old.end + by)
    return replace(
        clock, shifts=shifts, delay_minutes=clock.delay_minutes + by, version=clock.version + 1
    )


def extend(clock: ClockState, timeline: Timeline, now: datetime, by: float) -> ClockState:
    """The running round ends `by` minutes later and every later round moves with it.
    Keynotes keep their time: a speaker's slot does not follow a team round."""
    if by <= 0:
        raise ClockError("a round can only be extended by a positive number of minutes")
    running = timeline.round_at(now)
    if running is None:
        raise ClockError("no round is running now")
    shifts = dict(clock.shifts)
    old = shifts.get(running.key, Shift())
    shifts[running.key] = Shift(old.start, old.end + by)
    for item in timeline.rounds:
        if item.start >= running.end:
            later = shifts.get(item.key, Shift())
            shifts[item.key] = Shift(later.start + by, later.end + by)
    return replace(clock, shifts=shifts, version=clock.version + 1)
