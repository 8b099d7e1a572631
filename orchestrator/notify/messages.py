"""What a notification says: the event record built from an outbox entry, its title and
sentence for people, and each person's own ntfy message at a round's warning."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from orchestrator.event.live import Live
from orchestrator.language.i18n import translator
from orchestrator.storage.notify_records import Event


def message_id(entry_id: str, queue: str) -> str:
    """Stable per event and subscriber: the receiver's key for dropping repeats."""
    return "msg_" + hashlib.sha256(f"{entry_id}|{queue}".encode()).hexdigest()[:24]


def describe(live: Live, kind: str, data: dict[str, Any]) -> tuple[str, str]:
    """A title and a sentence for people (chat channels)."""
    tz = live.programme.event.tz

    def clock(iso: str | None) -> str:
        return datetime.fromisoformat(iso).astimezone(tz).strftime("%H:%M") if iso else ""

    title = live.programme.event.title
    n = data.get("round")
    start, end = clock(data.get("start")), clock(data.get("end"))
    keynote = live.programme.keynote_by_id.get(str(data.get("keynote", "")))
    talk = f"“{keynote.title}”" if keynote else str(data.get("keynote", ""))
    words = {
        "round.warning": f"Round {n} starts at {start}",
        "round.started": f"Round {n} has started ({start}–{end})",
        "round.wrapup": f"Round {n}: time to wrap up (ends {end})",
        "round.ended": f"Round {n} has ended",
        "keynote.started": f"Keynote {talk} has started",
        "keynote.ended": f"Keynote {talk} has ended",
        "event.ended": "The day is over",
        "broadcast": str(data.get("message", "")),
        "award.announced": f"{data.get('name', '')}: "
        + ", ".join(str(t.get("name", "")) for t in data.get("teams", [])),
        "test": "A test notification from Rota",
    }
    return title, words.get(kind, kind)


def new_event(live: Live, kind: str, data: dict[str, Any]) -> Event:
    title, text = describe(live, kind, data)
    return Event(kind, datetime.now(UTC), live.programme.event.id, data, text, title)


@dataclass(frozen=True)
class Personal:
    """One person's message at a round's warning, for their own ntfy topic."""

    person: str
    topic: str
    title: str
    text: str
    link: str
    label: str

    def event(self, shared: Event) -> Event:
        data = {**shared.data, "link": self.link, "label": self.label}
        return Event(shared.type, shared.timestamp, shared.event, data, self.text, self.title)


PERSONAL = ("round.warning", "agenda.changed")  # what personal (ntfy) subscribers are sent


def personal_ntfy(live: Live, kind: str, data: dict[str, Any]) -> list[Personal]:
    """At a round's warning: each person with an ntfy topic and a place in that round gets
    where to go, in their language, with the local time named, and their /go link. After a
    move or replan: each person whose places changed is told so, with their link."""
    if kind == "agenda.changed":
        return _changed_ntfy(live, data)
    n = data.get("round")
    found = []
    for person in live.programme.participants:
        if not person.ntfy or person.id not in live.token_of:
            continue
        place = next(
            (p for p in live.days.get(person.id, []) if p.kind == "room" and p.round == n), None
        )
        if place is None:
            continue
        t = translator(live.programme.language_of(person))
        event_time = place.start.astimezone(live.programme.event.tz).strftime("%H:%M")
        own = place.start.astimezone(live.programme.tz_of(person)).strftime("%H:%M")
        when = event_time if own == event_time else f"{event_time} ({t('your_time', time=own)})"
        team = live.programme.team_by_id.get(place.team)
        where = f"{live.programme.room_name(place.room)} — {team.name if team else place.team}"
        found.append(
            Personal(
                person=person.id,
                topic=person.ntfy,
                title=live.programme.event.title,
                text=t("ntfy_round", n=n, time=when, place=where),
                link=live.link(person.id),
                label=t("join"),
            )
        )
    return found


def _changed_ntfy(live: Live, data: dict[str, Any]) -> list[Personal]:
    found = []
    for pid in data.get("participants", []):
        person = live.programme.participant_by_id.get(pid)
        if person is None or not person.ntfy or pid not in live.token_of:
            continue
        t = translator(live.programme.language_of(person))
        found.append(
            Personal(
                person=pid,
                topic=person.ntfy,
                title=live.programme.event.title,
                text=t("ntfy_changed"),
                link=live.link(pid),
                label=t("join"),
            )
        )
    return found
