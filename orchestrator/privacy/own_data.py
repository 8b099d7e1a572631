"""A person's own data (GDPR art. 15, 17 and 20): everything Rota stores about one participant,
gathered from the programme, the plan and every Redis record that names them, and nothing
about anyone else (`rota person --export`, GET /api/v1/participants/{id}/export); and its
erasure, mid-event, leaving an anonymous seat so nobody else moves (`rota person --erase`,
POST /api/v1/participants/{id}/erase).
docs/privacy.md says what is stored where."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from orchestrator.errors import NotFound
from orchestrator.event.live import Live
from orchestrator.presence.attendance import (
    in_event_time,
    keynote_report,
    person_intervals,
    round_report,
    rows_json,
)
from orchestrator.storage.checkins import CheckinStore
from orchestrator.storage.notifications import NotificationStore
from orchestrator.storage.score_store import ScoreStore
from orchestrator.storage.store import Store, received_at
from rooms.events import RoomEvent
from schedules.agenda import agenda

log = logging.getLogger(__name__)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def _own_room_event(raw: bytes, pid: str) -> dict[str, Any] | None:
    try:
        event = RoomEvent.from_json(raw)
    except (ValueError, TypeError):
        return None
    return asdict(event) if event.person == pid else None


async def _personal_notifications(store: Store, pid: str) -> list[dict[str, Any]]:
    """Deliveries made for this person alone (their own ntfy topic's pushes)."""
    jobs = await NotificationStore(store).every_job()
    found = [job.to_dict() for job in jobs if job.queue.endswith(f":{pid}")]
    return sorted(found, key=lambda j: str(j["id"]))


def _own(rows: list[dict[str, Any]], pid: str) -> list[dict[str, Any]]:
    return [row for row in rows if row["participant"] == pid]


async def export_person(live: Live, store: Store, pid: str) -> dict[str, Any]:
    """Everything stored about `pid` as one JSON-ready dictionary."""
    person = live.programme.participant_by_id.get(pid)
    if person is None:
        raise NotFound(f"unknown participant {pid!r}")
    tz = live.programme.event.tz
    raw_events = await store.room_events()
    events = in_event_time(live, raw_events).events
    moves = [
        {"at": _iso(received_at(entry_id)), **fields}
        for entry_id, fields in await store.audit_after("0-0", 10_000_000)
        if fields.get("participant") == pid and fields.get("kind") != "go"
    ]
    clicks = await store.clicks()
    marks = await store.marks()
    keynotes = {}
    for keynote in live.timeline.keynotes:
        rows = keynote_report(live, events, keynote.id, clicks, marks)
        keynotes[keynote.id] = _own(rows_json(rows, tz), pid)
    rounds = {
        str(r.index): _own(round_report(live, events, r.index, clicks, marks), pid)
        for r in live.timeline.rounds
    }
    scores = ScoreStore(store)
    return {
        "participant": {
            **{k: v for k, v in asdict(person).items() if k != "unavailable"},
            "unavailable": sorted(person.unavailable),
        },
        "event": live.programme.event.id,
        "token": live.token_of.get(pid),
        "link": live.link(pid) if pid in live.token_of else None,
        "agenda": [
            {**asdict(item), "start": item.start.isoformat(), "end": item.end.isoformat()}
            for item in agenda(live.programme, live.plan, pid)
        ],
        "moves": moves,
        "clicks": [c for c in clicks if c.get("participant") == pid],
        "presence_marks": [
            {"slot": m.item, "room": m.room, "source": m.source, "at": _iso(m.at)}
            for m in marks
            if m.person == pid
        ],
        "checkins_flagged": [  # at a door of a room the plan did not have them in
            {"slot": f.item, "room": f.room, "at": f.at, "expected": f.expected}
            for f in await CheckinStore(store).flagged()
            if f.participant == pid
        ],
        "room_events": [
            {"received": _iso(received), **own}
            for received, raw in raw_events
            if (own := _own_room_event(raw, pid)) is not None
        ],
        "presence": [
            {"room": i.room, "start": _iso(i.start), "end": _iso(i.end)}
            for i in person_intervals(live, events)
            if i.person == pid
        ],
        "attendance": {"keynotes": keynotes, "rounds": rounds},
        "scores_given": [s.to_dict() for s in await scores.scores() if s.juror == pid],
        "ratings_given": [f.to_dict() for f in await scores.feedback() if f.person == pid],
        "mail": {
            k: json.loads(v)
            for k, v in (await store.mail_records()).items()
            if k.endswith(f":{pid}")
        },
        "notifications": await _personal_notifications(store, pid),
        "broadcasts_received": [
            {"id": i, "message": m} for i, m in reversed(await store.recent_broadcasts(10_000))
        ],
    }
