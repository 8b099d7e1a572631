"""The event clock: programme time ↔ wall time, rehearsal speed, delays and extensions.

Programme time is the time the plan was made for. The live time of each round or keynote is its
programme time plus its own shifts, kept per item so that "delay" (everything not yet started
moves) and "extend" (the running round ends later and what follows moves) mean exactly that.
Wall time is mapped through an anchor and a speed, which is how a rehearsal runs a day in
minutes: event = anchor_event + (wall − anchor_wall) × speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Shift:
    start: float = 0.0  # minutes
    end: float = 0.0


@dataclass(frozen=True)
class ClockState:
    anchor_wall: datetime
    anchor_event: datetime
    speed: float = 1.0
    delay_minutes: float = 0.0  # the sum of every delay, as organisers see it
    shifts: dict[str, Shift] = field(default_factory=dict)  # "round-3", "keynote-k1" -> its shift
    version: int = 0

    @classmethod
    def real_time(cls) -> ClockState:
        epoch = datetime(2000, 1, 1, tzinfo=UTC)
        return cls(anchor_wall=epoch, anchor_event=epoch, speed=1.0)

    @classmethod
    def rehearsal(cls, event_start: datetime, wall_start: datetime, speed: float) -> ClockState:
        return cls(anchor_wall=wall_start, anchor_event=event_start, speed=speed)

    @property
    def is_real(self) -> bool:
        """The real day: event time is wall time (delays are shifts, not a new anchor)."""
        return self.speed == 1 and self.anchor_event == self.anchor_wall

    def event_time(self, wall: datetime) -> datetime:
        return self.anchor_event + (wall - self.anchor_wall) * self.speed

    def wall_time(self, event: datetime) -> datetime:
        return self.anchor_wall + (event - self.anchor_event) / self.speed

    def shift_of(self, key: str) -> Shift:
        return self.shifts.get(key, Shift())

    def to_dict(self) -> dict[str, Any]:
        return {
            "anchor_wall": self.anchor_wall.isoformat(),
            "anchor_event": self.anchor_event.isoformat(),
            "speed": self.speed,
            "delay_minutes": self.delay_minutes,
            "shifts": {k: [s.start, s.end] for k, s in self.shifts.items()},
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClockState:
        return cls(
            anchor_wall=datetime.fromisoformat(data["anchor_wall"]),
            anchor_event=datetime.fromisoformat(data["anchor_event"]),
            speed=float(data["speed"]),
            delay_minutes=float(data.get("delay_minutes", 0)),
            shifts={k: Shift(float(v[0]), float(v[1])) for k, v in data.get("shifts", {}).items()},
            version=int(data.get("version", 0)),
        )


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)
