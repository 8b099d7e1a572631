"""What a participant's page shows, as data. The server's first render and every live update
come from this one function, so they cannot disagree: the place, its project, until when, the
next place with the moment the page really moves there, and the agenda.

Times and dates are written here, in the person's language and time zone (Babel's short time
format: one format per language). A date is added whenever the person's day differs from the
event's or the moment is not today for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time

from orchestrator.event.live import Live
from orchestrator.language.i18n import babel_locale, resolve, translator
from orchestrator.presence.sources import CONFIRM_AFTER, reports_presence
from orchestrator.storage.store import stream_order
from rooms.links import embed_room
from schedules.agenda import AgendaItem, agenda
from schedules.campus import campus_address
from schedules.whereabouts import Place


@lru_cache(maxsize=8192)
def _clock(moment: datetime, zone: str, language: str) -> str:
    return format_time(moment, "short", tzinfo=ZoneInfo(zone), locale=babel_locale(language))


@lru_cache(maxsize=2048)
def _day(day: date, language: str) -> str:
    return format_skeleton("MMMEd", day, locale=babel_locale(language))


@dataclass(frozen=True)
class Words:
    """Times and dates for one person: their zone, their language, their today."""

    language: str
    zone: ZoneInfo
    event_zone: ZoneInfo
    today: date  # the person's own date at the event's "now"

    @classmethod
    def of(cls, live: Live, participant: str, at: datetime) -> Words:
        person = live.programme.participant_by_id[participant]
        zone = live.programme.tz_of(person)
        return cls(
            resolve(live.programme.language_of(person)),
            zone,
            live.programme.event.tz,
            at.astimezone(zone).date(),
        )

    def dated(self, moment: datetime) -> bool:
        mine = moment.astimezone(self.zone).date()
        return mine != self.today or mine != moment.astimezone(self.event_zone).date()

    def time(self, moment: datetime) -> str:
        return _clock(moment, self.zone.key, self.language)

    def when(self, moment: datetime, dated: bool = False) -> str:
        """ "10:35", or "Thu, Mar 27, 10:35" when the date is needed (or asked for)."""
        clock = self.time(moment)
        if not (dated or self.dated(moment)):
            return clock
        return f"{_day(moment.astimezone(self.zone).date(), self.language)}, {clock}"

    def span(self, start: datetime, end: datetime) -> str:
        return f"{self.when(start)}–{self.time(end)}"


def walk_text(language: str, onsite: str, minutes: int) -> str:
    """Where to walk, and what to do at the door: scan its code to be counted there."""
    if not onsite:
        return ""
    t = translator(language)
    return f"{t('walk', place=onsite, minutes=minutes)}. {t('walk_scan')}"


def bbb_tab(live: Live, place: Place, participant: str) -> str:
    """A BigBlueButton room opened in the named tab (BBB's joins need their own window
    unless the server allows session-less joins: `[bbb] embed`)."""
    if not live.is_bbb(place.room) or (live.bbb is not None and live.bbb.embed):
        return ""
    return live.link(participant)


def bbb_embed(live: Live, place: Place, participant: str) -> str:
    """The frame's address for a BigBlueButton room with `[bbb] embed = true`."""
    if not live.is_bbb(place.room) or live.bbb is None or not live.bbb.embed:
        return ""
    return live.link(participant)


def place_json(
    live: Live, place: Place, participant: str, words: Words, dated: bool = False
) -> dict[str, Any]:
    team = live.programme.team_by_id.get(place.team)
    keynote = live.programme.keynote_by_id.get(place.keynote)
    person = live.programme.participant_by_id[participant]
    onsite = campus_address(live.programme, person, place.room)  # walk there, no video
    minutes = live.programme.event.walking_minutes
    return {
        "kind": place.kind,
        "room": place.room,
        "room_name": live.programme.room_name(place.room),
        "round": place.round,
        "team": place.team,
        "team_name": team.name if team else "",
        "project": team.project if team else "",
        "keynote": place.keynote,
        "title": keynote.title_in(words.language) if keynote else "",
        "start": place.start.isoformat(),
        "end": place.end.isoformat(),
        "start_wall": live.clock.wall_time(place.start).isoformat(),
        "end_wall": live.clock.wall_time(place.end).isoformat(),
        "start_text": words.when(place.start, dated),
        "end_text": words.when(place.end),
        "join": live.join_url(place, participant),
        # opened in the named tab, not embedded: a link room's own link; a BigBlueButton
        # room's personal /go link (each click signs a fresh join URL)
        "link": "" if onsite else (live.link_of(place.room) or bbb_tab(live, place, participant)),
        "bbb_embed": "" if onsite else bbb_embed(live, place, participant),
        # "I'm here" where the platform does not report presence, offered a minute in
        "confirm_wall": None
        if reports_presence(live, place.room)
        else live.clock.wall_time(place.start + CONFIRM_AFTER).isoformat(),
        "jitsi_room": ""
        if onsite or live.is_bbb(place.room)
        else embed_room(live.jitsi, live.room_names[place.room]),
        "onsite": onsite,
        "walk": walk_text(words.language, onsite, minutes),
        "jwt": live.jwt(place, participant),
        "label": live.describe(place, participant),
    }


def arrival(live: Live, participant: str, at: datetime, place: Place) -> datetime | None:
    """The moment the page really moves to `place`: the first later moment at which it is
    where the person's embedded video should be (gaps, breaks and delays included)."""
    moment = live.stay(participant, at).until
    while moment is not None:
        answer = live.stay(participant, moment)
        if answer.now == place:
            return moment
        moment = answer.until
    return None


def page_view(live: Live, participant: str, at: datetime) -> dict[str, Any]:
    """Everything the page shows that does not tick; the page counts down by itself from the
    wall times given (`move_wall`, `until_wall`, `next.start_wall`)."""
    words = Words.of(live, participant, at)
    t = translator(words.language)
    day = live.days.get(participant, [])
    stay = live.stay(participant, at)
    now, following = stay.now, stay.next
    phase = "day"
    if day and now is None and at < day[0].start:
        phase = "before"
    elif not day or (now is None and at >= day[-1].end):
        phase = "after"
    move = arrival(live, participant, at, following) if following is not None else None
    if phase == "after":
        headline = t("done")
    elif phase == "before" and following is not None:
        headline = t("day_starts", place=live.describe(following, participant))
    elif now is None:
        headline = t("nothing_now")
    else:
        headline = live.describe(now, participant)
    until = ""
    if now is not None:
        until = t("until", time=words.when(now.end))
    elif following is not None and move is not None:  # before the day: when it begins
        until = t("day_begins_at" if phase == "before" else "nothing_until", time=words.when(move))
    return {
        "phase": phase,
        "language": words.language,
        "zone": words.zone.key,
        "headline": headline,
        "until": until,
        "until_wall": live.clock.wall_time(stay.until).isoformat() if stay.until else None,
        "now": place_json(live, now, participant, words) if now else None,
        "next": place_json(live, following, participant, words, dated=phase == "before")
        if following
        else None,
        "move_wall": live.clock.wall_time(move).isoformat() if move else None,
        "move_text": words.when(move) if move else "",
        "agenda": agenda_rows(live, participant, words, at),
    }


BROADCAST_MINUTES = 120  # event time: a broadcast is shown on a freshly opened page this long


def fresh_broadcasts(
    live: Live, entries: list[tuple[str, str]], at: datetime
) -> list[dict[str, str]]:
    """Broadcasts (stream id, message) sent within the last BROADCAST_MINUTES of event time,
    newest first; those of an earlier run lie before it on this run's clock and are left out."""
    shown: list[dict[str, str]] = []
    for entry_id, message in entries:
        wall = datetime.fromtimestamp(int(entry_id.split("-")[0]) / 1000, UTC)
        sent = live.clock.event_time(wall)
        if timedelta(0) <= at - sent <= timedelta(minutes=BROADCAST_MINUTES):
            shown.append({"id": entry_id, "message": message})
    return sorted(shown, key=lambda b: stream_order(b["id"]), reverse=True)


def agenda_rows(live: Live, participant: str, words: Words, at: datetime) -> list[dict[str, Any]]:
    """The planned agenda at live times (delays and extensions applied)."""
    t = translator(words.language)
    live_times = {i.key: i for i in live.timeline.items}
    rows: list[dict[str, Any]] = []
    for item in agenda(live.programme, live.plan, participant):
        key = f"keynote-{item.keynote}" if item.kind == "keynote" else f"round-{item.round}"
        start, end = live_times[key].start, live_times[key].end
        rows.append(
            {
                "when": words.span(start, end),
                "what": agenda_what(item, t),
                "where": item.where,
                "link": item.link,
                "project": item.project,
                "past": end <= at,
            }
        )
    return rows


def agenda_what(item: AgendaItem, t: Callable[..., str]) -> str:
    """An agenda line's "what", the room left to its own column: "Round 1: Team Lisbon"."""
    if item.kind == "keynote":
        return item.title if item.plenary else f"{t('keynote')}: {item.title}"
    if item.kind == "away":
        return f"{t('round', n=item.round)}: {t('away')}"
    if item.kind == "presenting":
        return f"{t('round', n=item.round)}: {t('presenting', room=item.room_name)}"
    return f"{t('round', n=item.round)}: {item.team_name}"
