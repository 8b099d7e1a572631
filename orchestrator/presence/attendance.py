"""Presence and attendance rebuilt from the stored room-event stream: the same stream always
gives the same report, before or after a restart. Webhook times are wall-clock; they are mapped
through the event clock, so a rehearsal's attendance reads in programme time. A stored event
that cannot be used (a time in milliseconds, NaN, not JSON) is left out and counted, so one bad
entry never breaks a report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from orchestrator.event.live import Live
from orchestrator.presence.sources import heard, reports_presence, sent
from orchestrator.webhooks.window import event_span, receipt_window
from rooms.events import RoomEvent, UnusableEvent, stored_event
from rooms.presence import AttendanceRow, Interval, Roster, attendance, intervals, occupancy
from schedules.evidence import SOURCES, Mark, Source, summarise
from schedules.tabular import csv_text


def roster_of(live: Live) -> Roster:
    people = live.programme.participants
    return Roster(
        ids=frozenset(p.id for p in people),
        by_email={p.email.lower(): p.id for p in people if p.email},
        by_name={p.name.casefold(): p.id for p in people},
    )


@dataclass(frozen=True)
class StoredEvents:
    """The room events a report can use, and how many it left out, by reason."""

    events: list[RoomEvent]
    ignored: Counter[str] = field(default_factory=Counter)

    def ignored_json(self) -> dict[str, Any]:
        return {"count": sum(self.ignored.values()), "reasons": dict(sorted(self.ignored.items()))}


def in_event_time(live: Live, raw: list[tuple[float, bytes]]) -> StoredEvents:
    """Stored events (each with the time it was received) with `at` (and `joined_at`) in
    event time, rooms named by Rota's ids; events in rooms that are not this event's are
    dropped, events that cannot be used are counted as ignored."""
    rooms = live.room_of_name()
    clock = live.clock
    span = event_span(live)

    def convert(wall: float) -> float:
        return clock.event_time(datetime.fromtimestamp(wall, UTC)).timestamp()

    events = []
    ignored: Counter[str] = Counter()
    for received, item in raw:
        window = receipt_window(span, received)
        try:
            event = stored_event(item, window)
            room = rooms.get(event.room)
            if room is None:
                continue
            events.append(
                replace(
                    event,
                    room=room,
                    at=convert(event.at),
                    joined_at=convert(event.joined_at) if event.joined_at is not None else None,
                )
            )
        except UnusableEvent as exc:
            ignored[exc.reason] += 1
        except (ValueError, OverflowError, OSError):  # a time the clock cannot map
            ignored["time outside the event"] += 1
    return StoredEvents(events, ignored)


def person_intervals(live: Live, events: list[RoomEvent]) -> list[Interval]:
    """A connection still open is counted up to now; one whose leave never came, up to the
    end of its slot plus the grace period (flagged `no-leave`)."""
    now = live.event_now().timestamp()
    grace = timedelta(minutes=live.jitsi.grace_minutes)
    ends: dict[str, list[float]] = {}
    for rnd in live.timeline.rounds:
        for slot in live.plan.round(rnd.index).rooms:
            ends.setdefault(slot.room, []).append(rnd.end.timestamp())
    for keynote in live.timeline.keynotes:
        room = next(k.room for k in live.plan.keynotes if k.id == keynote.id)
        ends.setdefault(room, []).append(keynote.end.timestamp())

    def open_until(room: str, start: float) -> float:
        """A leave that never came: the end of the slot the person joined, plus grace."""
        later = [e for e in ends.get(room, []) if e > start]
        return min((min(later) if later else start) + grace.total_seconds(), max(now, start))

    return intervals(events, roster_of(live), open_until)


def live_counts(live: Live, events: list[RoomEvent], at: datetime) -> dict[str, set[str]]:
    """Room id -> people in it now (an open connection, or an interval covering `at`)."""
    return occupancy(events, roster_of(live), at.timestamp())


def keynote_evidence(live: Live, keynote_id: str, events: list[RoomEvent]) -> tuple[Source, ...]:
    """The presence sources that make a person attend a keynote: its own `evidence` where the
    programme gives one; by default webhook time over the threshold where its room's platform
    reports presence and a feed delivered anything, and otherwise every source there is (sent,
    confirmed, checked-in), so a day on links or public meet.jit.si still has attendance."""
    details = live.programme.keynote_by_id[keynote_id]
    if details.evidence_chosen:
        return details.evidence
    room = next(k.room for k in live.plan.keynotes if k.id == keynote_id)
    if events and reports_presence(live, room):
        return details.evidence
    return SOURCES


def keynote_report(
    live: Live,
    events: list[RoomEvent],
    keynote_id: str,
    clicks: list[dict[str, Any]],
    recorded: Iterable[Mark] = (),
) -> list[AttendanceRow]:
    """Who attended: webhook time over the keynote's threshold, or a presence source its
    `evidence` counts (sent from `clicks`, confirmed and checked-in from `recorded`)."""
    planned = next(k for k in live.plan.keynotes if k.id == keynote_id)
    item = live.timeline.keynote(keynote_id)
    assert item is not None
    details = live.programme.keynote_by_id[keynote_id]
    evidence = keynote_evidence(live, keynote_id, events)
    by_person: dict[str, list[Interval]] = {}
    for interval in person_intervals(live, events):
        if interval.room == planned.room:
            by_person.setdefault(interval.person, []).append(interval)
    window_start, window_end = item.start.timestamp(), item.end.timestamp()
    marks = [*sent(live, clicks), *recorded]
    summary = summarise(marks, planned.room, item.key)
    names = {p.id: (p.name, p.institution) for p in live.programme.participants}
    feed = "webhook" in evidence and bool(events) and reports_presence(live, planned.room)
    return attendance(
        by_person,
        planned.audience,
        names,
        window_start,
        window_end,
        details.threshold,
        summary.people,
        counted=feed or any(s in evidence for s in summary.counts),
        evidence=evidence,
    )


def round_report(
    live: Live,
    events: list[RoomEvent],
    index: int,
    clicks: list[dict[str, Any]] | None = None,
    recorded: Iterable[Mark] = (),
) -> list[dict[str, Any]]:
    """Plan against reality: for each person placed in round `index`, minutes in the assigned
    room and in other rooms, and the strongest presence source seen in the assigned room. In
    a room that reports nobody (a plain link, public meet.jit.si on the real day), a click on
    the link, a confirmation or a check-in is what puts a person in it (the row's `evidence`
    says which); without any their status is unknown, never "absent"."""
    item = live.timeline.rounds[index - 1]
    start, end = item.start.timestamp(), item.end.timestamp()
    spans = person_intervals(live, events)
    marks = [*sent(live, clicks or []), *recorded, *heard(live, spans)]
    rows = []
    for slot in live.plan.round(index).rooms:
        team = next(t for t in live.plan.teams if t.id == slot.team)
        best = summarise(marks, slot.room, item.key).people
        feed = reports_presence(live, slot.room)
        for pid, role in [(m, "presenter") for m in team.members] + [
            (a, "audience") for a in slot.audience
        ]:
            mine = [i for i in spans if i.person == pid]
            here = sum(i.clipped(start, end) for i in mine if i.room == slot.room) / 60
            elsewhere = sum(i.clipped(start, end) for i in mine if i.room != slot.room) / 60
            length = (end - start) / 60
            if here >= length / 2:
                status = "in-room"
            elif here > 0:
                status = "partial"
            elif best.get(pid) in ("confirmed", "checked-in") or (
                best.get(pid) == "sent" and not feed
            ):  # where the platform reports nobody, following the link counts too
                status = "in-room"
            elif elsewhere > 0:
                status = "elsewhere"
            elif events and feed:
                status = "absent"
            else:
                status = "unknown"  # no presence feed: nothing is known, not "absent"
            rows.append(
                {
                    "participant": pid,
                    "role": role,
                    "room": slot.room,
                    "team": slot.team,
                    "minutes_in_room": round(here, 1),
                    "minutes_elsewhere": round(elsewhere, 1),
                    "status": status,
                    "evidence": best.get(pid, ""),
                }
            )
    return rows


def keynote_presence(
    live: Live,
    events: list[RoomEvent],
    keynote_id: str,
    clicks: list[dict[str, Any]],
    recorded: Iterable[Mark],
) -> dict[str, object]:
    """A keynote's presence by source, from every source, and `attended_by`: the sources that
    make a person attend (keynote_evidence), so a report says what its figures rest on."""
    planned = next(k for k in live.plan.keynotes if k.id == keynote_id)
    key = f"keynote-{keynote_id}"
    marks = [*sent(live, clicks), *recorded, *heard(live, person_intervals(live, events))]
    summary: dict[str, object] = summarise(marks, planned.room, key).to_dict()
    return {**summary, "attended_by": list(keynote_evidence(live, keynote_id, events))}


def room_presence(
    live: Live,
    events: list[RoomEvent],
    index: int,
    clicks: list[dict[str, Any]],
    recorded: Iterable[Mark],
) -> list[dict[str, Any]]:
    """Per room of round `index`: its audience's presence by source ("12 confirmed, 15 sent")."""
    item = live.timeline.rounds[index - 1]
    marks = [*sent(live, clicks), *recorded, *heard(live, person_intervals(live, events))]
    found = []
    for slot in live.plan.round(index).rooms:
        members = next((set(t.members) for t in live.plan.teams if t.id == slot.team), set())
        audience = [m for m in marks if m.person not in members]
        found.append(
            {
                "room": slot.room,
                "expected_audience": len(slot.audience),
                "presence": summarise(audience, slot.room, item.key).to_dict(),
            }
        )
    return found


def _iso(value: float | None, tz: tzinfo) -> str:
    """Event time in the event's zone, to the second."""
    if value is None:
        return ""
    return datetime.fromtimestamp(value, UTC).astimezone(tz).isoformat(timespec="seconds")


def rows_json(rows: list[AttendanceRow], tz: tzinfo) -> list[dict[str, Any]]:
    return [
        {
            **asdict(r),
            "first_join": _iso(r.first_join, tz),
            "last_leave": _iso(r.last_leave, tz),
            "flags": list(r.flags),
        }
        for r in rows
    ]


def rows_csv(rows: list[AttendanceRow], tz: tzinfo) -> str:
    header = [
        "participant",
        "name",
        "institution",
        "expected",
        "first_join",
        "last_leave",
        "minutes",
        "share",
        "status",
        "evidence",
        "flags",
    ]
    return csv_text(
        [
            header,
            *(
                [
                    r.participant,
                    r.name,
                    r.institution,
                    "yes" if r.expected else "no",
                    _iso(r.first_join, tz),
                    _iso(r.last_leave, tz),
                    f"{r.minutes:.1f}",
                    f"{r.share:.3f}",
                    r.status,
                    r.evidence,
                    " ".join(r.flags),
                ]
                for r in rows
            ),
        ]
    )
