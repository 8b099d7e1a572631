"""The day over time, for the report: presence per room every five minutes by source, and
each keynote's audience minute by minute. From the intervals and marks `rota attendance` and
the API count (presence/attendance.py, presence/sources.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from orchestrator.event.live import Live
from orchestrator.presence.attendance import keynote_evidence
from orchestrator.presence.sources import reports_presence
from orchestrator.reports import report_charts as draw
from orchestrator.reports.report_page import Chart
from rooms.events import RoomEvent
from rooms.presence import Interval
from schedules.evidence import Mark, Source, summarise
from schedules.timeline import LiveItem

STEP = timedelta(minutes=5)  # presence through the day, sampled every five minutes
MARKED: tuple[Source, ...] = ("checked-in", "confirmed", "sent")  # other than the webhooks


def _name(live: Live, item: LiveItem) -> str:
    if item.kind == "round":
        return f"Round {item.index}"
    return live.programme.keynote_by_id[item.id].title


def _hhmm(live: Live, at: datetime) -> str:
    return at.astimezone(live.programme.event.tz).strftime("%H:%M")


def _slots(live: Live) -> dict[str, list[tuple[LiveItem, frozenset[str]]]]:
    """Room -> the rounds and keynotes it hosts, each with the presenters there (who are not
    its audience), in time order."""
    found: dict[str, list[tuple[LiveItem, frozenset[str]]]] = {}
    members = {t.id: frozenset(t.members) for t in live.plan.teams}
    for item in live.timeline.rounds:
        for slot in live.plan.round(item.index).rooms:
            found.setdefault(slot.room, []).append((item, members.get(slot.team, frozenset())))
    for item in live.timeline.keynotes:
        room = next(k.room for k in live.plan.keynotes if k.id == item.id)
        found.setdefault(room, []).append((item, frozenset()))
    return {room: sorted(items, key=lambda s: s[0].start) for room, items in found.items()}


def presence_chart(
    live: Live, events: list[RoomEvent], spans: Sequence[Interval], marks: Sequence[Mark]
) -> Chart:
    """Every five minutes, per room: the audience in it by the webhooks (the intervals
    `rota attendance` counts; blank where the platform reports nobody), and for the slot
    then running the people each other source saw in it (the counts of
    /api/v1/rounds/N/attendance `rooms[].presence`)."""
    slots = _slots(live)
    items = [item for hosted in slots.values() for item, _ in hosted]
    first, last = min(i.start for i in items), max(i.end for i in items)
    times = [first + STEP * k for k in range(int((last - first) / STEP) + 1)]
    by_room: dict[str, list[Interval]] = {}
    for span in spans:
        by_room.setdefault(span.room, []).append(span)
    by_slot: dict[tuple[str, str], list[Mark]] = {}  # each mark read once, not once a slot
    for mark in marks:
        by_slot.setdefault((mark.room, mark.item), []).append(mark)
    rows = []
    panels = []
    for room, hosted in slots.items():
        reported = bool(events) and reports_presence(live, room)
        counts = {
            item.key: summarise(
                [m for m in by_slot.get((room, item.key), []) if m.person not in members],
                room,
                item.key,
            ).counts
            for item, members in hosted
        }
        lines: dict[str, list[float | None]] = {s: [] for s in ("webhook", *MARKED)}
        for at in times:
            now = next(((i, m) for i, m in hosted if i.running(at)), None)
            members = now[1] if now else frozenset()
            stamp = at.timestamp()
            inside = {s.person for s in by_room.get(room, []) if s.start <= stamp < s.end}
            webhook = len(inside - members) if reported else None
            marked = [counts[now[0].key].get(s, 0) if now else None for s in MARKED]
            lines["webhook"].append(webhook)
            for source, value in zip(MARKED, marked, strict=True):
                lines[source].append(value)
            rows.append(
                (
                    _hhmm(live, at),
                    live.programme.room_name(room),
                    _name(live, now[0]) if now else "",
                    webhook,
                    *marked,
                )
            )
        shown = {s: v for s, v in lines.items() if any(x for x in v)} or {
            "webhook": lines["webhook"]
        }
        panels.append((live.programme.room_name(room), shown))
    tz = live.programme.event.tz
    caption = ""
    if len(panels) > draw.PANELS:  # a big day: the busiest rooms drawn, every room tabled
        peak = {
            name: max((v or 0 for vs in lines.values() for v in vs), default=0)
            for name, lines in panels
        }
        busiest = set(sorted(peak, key=lambda n: -peak[n])[: draw.PANELS])
        caption = f" Drawn: the {draw.PANELS} busiest of {len(panels)} rooms; all in the table."
        panels = [p for p in panels if p[0] in busiest]
    return Chart(
        "presence",
        "Presence through the day, per room",
        "Every five minutes: the audience in the room by the video platform (webhook; blank "
        "where the platform reports nobody) and, for the round or keynote then running, the "
        "people each other source saw there (checked in at the door, pressed “I'm here”, "
        "followed their link). Presenters are not counted. Shaded: the rounds (R1, R2, …) "
        "and keynotes the room hosted." + caption,
        ("time", "room", "slot", "webhook", *MARKED),
        tuple(rows),
        draw.room_lines(
            [t.astimezone(tz) for t in times],
            panels,
            {
                live.programme.room_name(room): [
                    (
                        i.start.astimezone(tz),
                        i.end.astimezone(tz),
                        f"R{i.index}" if i.kind == "round" else _name(live, i),
                    )
                    for i, _ in hosted
                ]
                for room, hosted in slots.items()
            },
        ),
    )


def _event_at(live: Live, mark: Mark) -> float:
    """A mark's moment in event time: `sent` and `webhook` marks are, recorded ones carry
    the wall time of the press or the scan."""
    if mark.source in ("sent", "webhook"):
        return mark.at
    return live.event_now(datetime.fromtimestamp(mark.at, UTC)).timestamp()


def keynote_time_chart(
    live: Live, events: list[RoomEvent], spans: Sequence[Interval], marks: Sequence[Mark]
) -> Chart:
    """Minute by minute, per keynote: the people in its room by the webhooks where its
    room reports presence, otherwise the people its counted sources had seen by then."""
    rows = []
    lines = []
    planned = {k.id: k for k in live.plan.keynotes}
    for item in live.timeline.keynotes:
        room = planned[item.id].room
        evidence = keynote_evidence(live, item.id, events)
        by_feed = "webhook" in evidence and bool(events) and reports_presence(live, room)
        here = [s for s in spans if s.room == room]
        arrived = sorted(
            _event_at(live, m)
            for m in marks
            if m.room == room
            and m.item == item.key
            and m.source in evidence
            and m.source != "webhook"
        )
        minutes = list(range(int((item.end - item.start) / timedelta(minutes=1)) + 1))
        values: list[float] = []
        for minute in minutes:
            at = item.start + timedelta(minutes=minute)
            stamp = at.timestamp()
            if by_feed:
                present = len({s.person for s in here if s.start <= stamp < s.end})
            else:
                present = sum(1 for a in arrived if a <= stamp)
            values.append(present)
            rows.append(
                (
                    live.programme.keynote_by_id[item.id].title,
                    minute,
                    _hhmm(live, at),
                    present,
                    "webhook" if by_feed else " ".join(s for s in evidence if s != "webhook"),
                )
            )
        lines.append((live.programme.keynote_by_id[item.id].title, minutes, values))
    return Chart(
        "keynote-minutes",
        "Keynote attendance, minute by minute",
        "People in each keynote's room at each minute (by the video platform), or where its "
        "room reports nobody, the people its counted sources had seen by then.",
        ("keynote", "minute", "time", "present", "counted by"),
        tuple(rows),
        draw.keynote_lines(lines),
    )
