"""Presence marks of every source for the running event (schedules/evidence.py is the model):
`sent` derived from the `/go` click log, `webhook` from the room events' intervals,
`confirmed` and `checked-in` as recorded. Nothing here runs on `/go`'s path."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from orchestrator.errors import Conflict
from orchestrator.event.live import Live
from orchestrator.storage.store import Store
from rooms.presence import Interval
from schedules.evidence import Mark, Window, item_key, sent_marks
from schedules.whereabouts import Place


def windows(live: Live) -> list[Window]:
    """Each slot's `/go` window per room: from the lead and changeover before it to its end."""
    before = live.lead + live.changeover
    found = []
    for item in live.timeline.rounds:
        for slot in live.plan.round(item.index).rooms:
            found.append(Window(item.key, slot.room, item.start - before, item.end))
    for item in live.timeline.keynotes:
        room = next(k.room for k in live.plan.keynotes if k.id == item.id)
        found.append(Window(item.key, room, item.start - before, item.end))
    return found


def sent(live: Live, clicks: Iterable[dict[str, Any]]) -> list[Mark]:
    """`sent` marks from stored clicks (wall times mapped to event time)."""
    converted = []
    for click in clicks:
        try:
            wall = datetime.fromtimestamp(float(click["wall"]), UTC)
            converted.append((str(click["participant"]), str(click["to"]), live.event_now(wall)))
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            continue  # a click that cannot be placed in time says nothing
    return sent_marks(converted, windows(live))


def heard(live: Live, spans: Iterable[Interval]) -> list[Mark]:
    """`webhook` marks: anybody the platform reported in a slot's room during the slot."""
    found: dict[str, Mark] = {}
    by_room: dict[str, list[Interval]] = {}
    for span in spans:
        by_room.setdefault(span.room, []).append(span)
    for window in windows(live):
        start, end = window.opens + live.lead + live.changeover, window.end
        for span in by_room.get(window.room, []):
            if span.clipped(start.timestamp(), end.timestamp()) > 0:
                mark = Mark(window.item, window.room, span.person, "webhook", span.start)
                found.setdefault(mark.field, mark)
    return list(found.values())


def place_item(place: Place) -> str:
    return item_key(place.kind, place.round, place.keynote)


def reports_presence(live: Live, room: str) -> bool:
    """Whether the platform says who is in `room` (a Jitsi or BigBlueButton room; keynote
    rooms not declared in [[rooms]] too; public meet.jit.si on the real day reports nobody)."""
    declared = live.programme.room_by_id.get(room)
    reported = declared is None or declared.reports_presence
    return reported and not (live.jitsi_in_tab and not live.is_bbb(room))


CONFIRM_AFTER = timedelta(minutes=1)  # event time: "I'm here" is offered a minute in


async def confirm(live: Live, store: Store, participant: str, at: datetime) -> tuple[Mark, bool]:
    """Record that the person says they are in their room now: once per slot (True when this
    press recorded it). Conflict when they have no such room now."""
    place = live.stay(participant, at).now
    if place is None:
        raise Conflict("nothing to confirm: you are not expected in a room now")
    if reports_presence(live, place.room):
        raise Conflict("this room reports who is in it by itself: nothing to confirm")
    mark = Mark(place_item(place), place.room, participant, "confirmed", time.time())
    return mark, await store.mark(mark)
