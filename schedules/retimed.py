"""What moved in time between a stored plan and the programme now: a corrected date or a
new start must re-arm the day from the programme, and the organiser is told what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from schedules.model import Programme
from schedules.plan import Plan

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Retimed:
    name: str  # "round 1", "keynote 'k1'"
    before: Span | None  # None: the item is new
    after: Span | None  # None: the item is gone

    def shift(self, tz: ZoneInfo) -> timedelta | None:
        """How far the whole item moved by the clock (a day is a day, also across a
        daylight-saving change), when it kept its length."""
        if self.before is None or self.after is None:
            return None
        start, end = (_local(self.after[i], tz) - _local(self.before[i], tz) for i in (0, 1))
        return start if start == end else None


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def retimed(plan: Plan, programme: Programme) -> list[Retimed]:
    """Every round and keynote whose times differ between the plan and the programme."""
    old: dict[str, Span] = {f"round {r.index}": (r.start, r.end) for r in plan.rounds}
    old |= {f"keynote {k.id!r}": (k.start, k.end) for k in plan.keynotes}
    new: dict[str, Span] = {f"round {s.index}": (s.start, s.end) for s in programme.rotation.slots}
    new |= {f"keynote {k.id!r}": (k.start, k.end) for k in programme.keynotes}
    return [
        Retimed(name, old.get(name), new.get(name))
        for name in dict.fromkeys([*old, *new])
        if old.get(name) != new.get(name)
    ]


def _span(delta: timedelta) -> str:
    sign = "-" if delta < timedelta(0) else "+"
    minutes = round(abs(delta.total_seconds()) / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{mins} min"] if mins else []
    return sign + " ".join(parts or ["0 min"])


def _when(span: Span, tz: ZoneInfo) -> str:
    start, end = (moment.astimezone(tz) for moment in span)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def describe(changes: list[Retimed], tz: ZoneInfo, most: int = 3) -> str:
    """One line: everything moved by the same span (a corrected date), or the items."""
    shifts = {c.shift(tz) for c in changes}
    first = changes[0]
    if len(shifts) == 1 and None not in shifts and first.before and first.after:
        shift = next(iter(shifts))
        assert shift is not None
        return (
            f"{'everything' if len(changes) > 1 else first.name} moved by {_span(shift)} "
            f"({first.name} was {_when(first.before, tz)}, now {_when(first.after, tz)}, "
            f"{tz.key})"
        )
    words = []
    for change in changes[:most]:
        if change.before is None:
            words.append(f"{change.name} is new")
        elif change.after is None:
            words.append(f"{change.name} is gone")
        else:
            words.append(
                f"{change.name} was {_when(change.before, tz)}, now {_when(change.after, tz)}"
            )
    more = f" and {len(changes) - most} more" if len(changes) > most else ""
    return "; ".join(words) + more + f" ({tz.key})"
