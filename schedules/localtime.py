"""Local times around daylight-saving changes: a wall-clock time that never happens (the
clocks jump over it) or happens twice (they go back over it) cannot say when an item starts,
and an item that spans a change is as long as planned but ends at another clock reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTE = timedelta(minutes=1)
SEARCH = 24 * 60  # no time zone changes its clocks by more than a day


def valid_timezone(name: str) -> bool:
    """Whether `name` is an IANA time zone (never a path: `/etc/…`, `../…`)."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _offsets(moment: datetime, tz: ZoneInfo) -> tuple[timedelta | None, timedelta | None]:
    return (
        moment.replace(tzinfo=tz, fold=0).utcoffset(),
        moment.replace(tzinfo=tz, fold=1).utcoffset(),
    )


def exists(moment: datetime, tz: ZoneInfo) -> bool:
    """Whether the naive local time happens on that day (it is not in a gap)."""
    aware = moment.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == moment


def once(moment: datetime, tz: ZoneInfo) -> bool:
    """Whether the naive local time happens exactly once."""
    before, after = _offsets(moment, tz)
    return exists(moment, tz) and before == after


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


@dataclass(frozen=True)
class Ambiguity:
    """A local time in a gap or a fold, with the nearest times that happen once."""

    kind: str  # "gap" or "fold"
    before: datetime  # the nearest earlier local time that happens once
    after: datetime  # the nearest later one

    def message(self, moment: datetime, tz: ZoneInfo) -> str:
        written = moment.isoformat(timespec="minutes" if not moment.second else "seconds")
        start = self.before + MINUTE  # where the gap or fold begins
        nearest = f"{_hhmm(self.before)} and {_hhmm(self.after)}"
        if self.kind == "gap":
            return (
                f"{written} does not exist in {tz.key}: that night the clocks jump from "
                f"{_hhmm(start)} to {_hhmm(self.after)}; the nearest valid times are {nearest}"
            )
        first, second = (moment.replace(tzinfo=tz, fold=f).isoformat() for f in (0, 1))
        return (
            f"{written} happens twice in {tz.key}: that night the clocks go back from "
            f"{_hhmm(self.after)} to {_hhmm(start)}; the nearest times that happen once are "
            f"{nearest}, or write the offset: "
            f"{first} (the first) or {second} (the second)"
        )


def ambiguity(moment: datetime, tz: ZoneInfo) -> Ambiguity | None:
    """None for a local time that happens once; else what is wrong and the nearest ones."""
    if once(moment, tz):
        return None
    base = moment.replace(second=0, microsecond=0)
    before = next(base - i * MINUTE for i in range(1, SEARCH) if once(base - i * MINUTE, tz))
    after = next(base + i * MINUTE for i in range(1, SEARCH) if once(base + i * MINUTE, tz))
    return Ambiguity("gap" if not exists(moment, tz) else "fold", before, after)


def clock_changes(start: datetime, end: datetime, tz: ZoneInfo) -> list[tuple[str, str]]:
    """The clock changes in (start, end], each as the clock's reading just before and just
    after it, e.g. ("02:00", "03:00") in spring in Europe/Berlin."""
    changes = []
    offset = start.astimezone(tz).utcoffset()
    at = start
    while at < end:  # quarter-hour steps (clocks change on the hour), then to the minute
        step = min(at + 15 * MINUTE, end)
        new = step.astimezone(tz).utcoffset()
        if new != offset and offset is not None:
            moment = at
            while moment.astimezone(tz).utcoffset() == offset:
                moment += MINUTE
            before = moment.astimezone(UTC).replace(tzinfo=None) + offset
            changes.append((_hhmm(before), _hhmm(moment.astimezone(tz))))
            offset = new
        at = step
    return changes
