"""The organisers' board as data: one tile per room, a tile per keynote, the clock and the
alerts (the journal's words: board_journal.py). A pure function of the live state and who is
present, so what the board shows can be tested without a browser and is the same in every
process."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from orchestrator.event.live import Live
from orchestrator.presence.door_codes import door_tile
from orchestrator.presence.sources import reports_presence
from orchestrator.views.board_journal import boundary_label
from schedules.evidence import Mark, summarise
from schedules.plan import RoomSlot
from schedules.timeline import WRAPUP, LiveItem

PRESENTER_GRACE = timedelta(minutes=1)  # event time: presenters may join a little late
EMPTY_GRACE = timedelta(minutes=3)  # event time: the audience walks over after the start


@dataclass(frozen=True)
class PresenceFeed:
    """What the board knows about the presence feed (Jitsi webhooks)."""

    configured: bool  # a webhook secret or event_sync token is set
    seconds_since: float | None  # since the newest room event arrived; None: never
    silence_seconds: float  # quiet this long while rooms are in session: an alert

    @property
    def live(self) -> bool:
        return self.configured and self.seconds_since is not None


GUEST = "guest:"  # rooms/presence.py: someone in a room who is not on the roster


def _alert(kind: str, severity: str, message: str, room: str = "") -> dict[str, str]:
    return {"kind": kind, "severity": severity, "message": message, "room": room}


def failed_login_alerts(failed: Iterable[tuple[str, int]]) -> list[dict[str, str]]:
    """One alert per address whose failed organiser logins are still counted: a guesser,
    or a shared address (conference Wi-Fi) that locks the organisers out for a while."""
    return [
        _alert("failed-logins", "warning", f"{n} failed login{'' if n == 1 else 's'} from {client}")
        for client, n in failed
    ]


def _shown_round(live: Live, now: datetime) -> LiveItem:
    current = live.timeline.current(now)
    if current.round is not None:
        return live.timeline.rounds[current.round - 1]
    return live.timeline.rounds[-1 if current.kind == "after" else 0]


def _plenary_now(live: Live, running: tuple[str, ...]) -> str | None:
    """The title of what everyone attends now, outside the rounds (the board's clock says it
    instead of "The day is over" during a closing lecture)."""
    found = [live.programme.keynote_by_id[k] for k in running]
    chosen = next((k for k in found if k.plenary), found[0] if found else None)
    return chosen.title if chosen else None


def snapshot(
    live: Live,
    present: dict[str, set[str]],
    now: datetime,
    feed: PresenceFeed,
    delivery_failures: int = 0,
    marks: Sequence[Mark] = (),
    flagged: Mapping[tuple[str, str], int] | None = None,
) -> dict[str, Any]:
    """`present`: who the webhooks put in each room now; `marks`: the other presence sources
    (sent, confirmed, checked-in), summarised per room with them; `flagged`: (slot, room) ->
    check-ins at a door by people not planned there (shown apart, never as attendance)."""
    wall = live.clock.wall_time
    tz = live.programme.event.tz

    def local(moment: datetime) -> str:  # event time, on the event's clock face
        return moment.astimezone(tz).strftime("%H:%M")

    current = live.timeline.current(now)
    item = _shown_round(live, now)
    running = item.running(now)
    counted = feed.live
    alerts: list[dict[str, str]] = []
    assigned_room: dict[str, str] = {}
    for slot in live.plan.round(item.index).rooms:
        for person in slot.audience:
            assigned_room[person] = slot.room
    members_of = {t.id: set(t.members) for t in live.plan.teams}
    for slot in live.plan.round(item.index).rooms:
        for person in members_of.get(slot.team, ()):
            assigned_room[person] = slot.room
    in_keynote = {p for k in live.plan.keynotes if k.id in current.keynotes for p in k.audience}
    following = next(
        (r for r in live.timeline.rounds if r.start > now and r.index != item.index), None
    )
    next_audience = (
        {s.room: len(s.audience) for s in live.plan.round(following.index).rooms}
        if following
        else {}
    )

    tiles = []
    for slot in live.plan.round(item.index).rooms:
        team = live.programme.team_by_id.get(slot.team)
        room = next(r for r in live.programme.rooms if r.id == slot.room)
        # a room on a plain link reports nobody: its webhook counts are unknown, never 0,
        # and raise no alert (its presence comes from the other sources)
        reported = counted and reports_presence(live, room.id)
        members = members_of.get(slot.team, set())
        everyone_here = present.get(slot.room, set())
        guests_here = {p for p in everyone_here if p.startswith(GUEST)}  # not on the roster
        here = everyone_here - guests_here
        audience_here = here - members
        presenters_here = here & members
        wrong_here = sorted(
            p for p in here if assigned_room.get(p, slot.room) != slot.room and p not in members
        )
        tile_alerts = []
        if running and reported:
            started = now - item.start
            if not presenters_here and members and started >= PRESENTER_GRACE:
                tile_alerts.append(
                    _alert("no-presenters", "critical", "No presenter in the room", slot.room)
                )
            if not here and slot.audience and started >= EMPTY_GRACE:
                tile_alerts.append(_alert("empty", "warning", "The room is empty", slot.room))
            if len(audience_here) > room.capacity:  # seats are for the audience only
                tile_alerts.append(
                    _alert(
                        "over-capacity",
                        "critical",
                        f"{len(audience_here)} in the audience, {room.capacity} seats",
                        slot.room,
                    )
                )
            if wrong_here:
                tile_alerts.append(
                    _alert(
                        "wrong-room",
                        "warning",
                        f"{len(wrong_here)} in the wrong room",
                        slot.room,
                    )
                )
        alerts.extend(tile_alerts)
        boundary = item.end if running or now >= item.end else item.start
        seen = presence(marks, here if reported else set(), slot.room, item.key, members)
        tiles.append(
            {
                "room": slot.room,
                "room_name": room.name,
                "capacity": room.capacity,
                "link": live.link_of(room.id),
                "presence": seen,
                "team": slot.team,
                "team_name": team.name if team else slot.team,
                "project": team.project if team else "",
                "round": item.index,
                "rounds": len(live.timeline.rounds),
                "phase": "running" if running else ("ended" if now >= item.end else "upcoming"),
                "boundary_wall": wall(boundary).isoformat(),
                "wrapup_wall": wall(item.end - WRAPUP).isoformat(),
                "expected_audience": len(slot.audience),
                "live_audience": len(audience_here) if reported else None,
                "guests": len(guests_here) if reported else None,
                "presenters_expected": len(members),
                "presenters_present": len(presenters_here) if reported else None,
                "wrong_room": len(wrong_here) if reported else None,
                "elsewhere": len(
                    [
                        p
                        for p in slot.audience
                        if reported and p not in here and p not in in_keynote and _seen(present, p)
                    ]
                ),
                "next_round": following.index if following else None,
                "next_expected": next_audience.get(slot.room) if following else None,
                "alerts": tile_alerts,
                **door_tile(live.programme, room, slot.audience, item.key, marks, flagged or {}),
            }
        )

    keynotes = []
    for k in live.timeline.keynotes:
        planned = next(p for p in live.plan.keynotes if p.id == k.id)
        details = live.programme.keynote_by_id[k.id]
        keynote_running = k.running(now)
        # only while it runs is whoever is in its room its audience: rooms can be shared
        reported = counted and keynote_running and reports_presence(live, planned.room)
        in_room = present.get(planned.room, set()) if reported else set()
        guests = {p for p in in_room if p.startswith(GUEST)}  # shown apart, never counted
        in_room = in_room - guests
        attending = len(in_room) if reported else None
        keynotes.append(
            {
                "id": k.id,
                "title": details.title,
                "room_name": live.programme.room_name(planned.room),
                "link": live.link_of(planned.room),
                "presence": presence(marks, in_room, planned.room, k.key),
                "phase": "running"
                if keynote_running
                else ("ended" if now >= k.end else "upcoming"),
                "start_wall": wall(k.start).isoformat(),
                "start_local": local(k.start),
                "end_local": local(k.end),
                "end_wall": wall(k.end).isoformat(),
                "boundary_wall": wall(k.end if keynote_running else k.start).isoformat(),
                "expected_audience": len(planned.audience),
                "live_audience": attending,
                "guests": len(guests) if reported else None,
                "everyone": details.plenary,
            }
        )

    in_session = running or bool(current.keynotes)
    if not feed.configured:
        alerts.append(
            _alert(
                "no-feed",
                "info",
                "No presence feed configured: live counts need Jitsi webhooks (docs/operations.md)",
            )
        )
    elif feed.seconds_since is None:
        if in_session:
            alerts.append(_alert("feed-silent", "warning", "No webhook received yet"))
    elif in_session and feed.seconds_since > feed.silence_seconds:
        alerts.append(
            _alert(
                "feed-silent",
                "critical",
                f"The webhook feed has been silent for {int(feed.seconds_since // 60)} min",
            )
        )
    if delivery_failures:
        alerts.append(
            _alert(
                "delivery-failed",
                "warning",
                f"{delivery_failures} notification deliveries failed (see /api/v1/notify)",
            )
        )
    upcoming = [b for b in live.timeline.boundaries() if b.at > now]

    return {
        "event": {"id": live.programme.event.id, "title": live.programme.event.title},
        "clock": {
            "event_time": now.isoformat(),
            "local_time": local(now),
            "timezone": tz.key,
            "phase": current.kind,
            "round": current.round,
            "plenary": _plenary_now(live, current.keynotes) if current.round is None else None,
            "day_over": now >= live.timeline.ends,
            "rounds": len(live.timeline.rounds),
            "delay_minutes": live.clock.delay_minutes,
            "speed": live.clock.speed,
            "next_boundary": upcoming[0].kind if upcoming else None,
            "next_boundary_label": boundary_label(live, upcoming[0].id) if upcoming else None,
            "next_boundary_wall": wall(upcoming[0].at).isoformat() if upcoming else None,
        },
        "feed": {"configured": feed.configured, "live": feed.live},
        "plan": plan_summary(live.plan.stats, live.plan.version),
        "tiles": tiles,
        "keynotes": keynotes,
        "strip": strip(live),
        "alerts": alerts,
    }


def plan_summary(stats: dict[str, Any], version: int) -> dict[str, Any]:
    """What the organiser reads about the plan on the board: its version and how good it is
    ("optimal (proven)", or how many wishes short of the best possible at most)."""
    best = stats.get("optimality") or {}
    prefs = stats.get("preferences") or {}
    return {
        "version": version,
        "wishes": best.get("text", ""),
        "met": prefs.get("met"),
        "bound": prefs.get("upper_bound"),
    }


def strip(live: Live) -> dict[str, Any]:
    """The day at a glance: rounds, the breaks between them, keynotes, each at its live time
    with the shift (delay, extension) it carries; the board draws the now-line itself."""
    wall = live.clock.wall_time
    tz = live.programme.event.tz
    planned = {f"round-{r.index}": r.start for r in live.plan.rounds} | {
        f"keynote-{k.id}": k.start for k in live.plan.keynotes
    }

    def entry(
        kind: str, label: str, start: datetime, end: datetime, key: str = ""
    ) -> dict[str, Any]:
        shift = (start - planned[key]) / timedelta(minutes=1) if key in planned else 0
        return {
            "kind": kind,
            "label": label,
            "start_wall": wall(start).isoformat(),
            "end_wall": wall(end).isoformat(),
            "start_local": start.astimezone(tz).strftime("%H:%M"),
            "end_local": end.astimezone(tz).strftime("%H:%M"),
            "shift_minutes": round(shift, 1),
        }

    items: list[dict[str, Any]] = []
    rounds = live.timeline.rounds
    for before, after in pairwise(rounds):
        if after.start - before.end > live.changeover:
            items.append(entry("break", "Break", before.end, after.start))
    items += [entry("round", f"Round {r.index}", r.start, r.end, r.key) for r in rounds]
    for k in live.timeline.keynotes:
        details = live.programme.keynote_by_id[k.id]
        kind = "plenary" if getattr(details, "audience", "") == "everyone" else "keynote"
        items.append(entry(kind, details.title, k.start, k.end, k.key))
    items.sort(key=lambda i: (i["start_wall"], i["kind"]))
    return {
        "start_wall": wall(live.timeline.starts).isoformat(),
        "end_wall": wall(live.timeline.ends).isoformat(),
        "items": items,
    }


def presence(
    marks: Iterable[Mark], here: set[str], room: str, item: str, members: Iterable[str] = ()
) -> dict[str, object]:
    """A room's presence this slot by source, presenters left out: the marks, and whoever the
    webhooks put in the room now."""
    left_out = set(members)
    heard = [Mark(item, room, p, "webhook") for p in here]
    return summarise(
        [m for m in [*marks, *heard] if m.person not in left_out], room, item
    ).to_dict()


def _seen(present: dict[str, set[str]], person: str) -> bool:
    return any(person in people for people in present.values())


def presenter_room(
    live: Live, participant: str, present: dict[str, set[str]], now: datetime, counted: bool
) -> dict[str, Any] | None:
    """What a presenter's page shows about their own room: round n of N, the wrap-up time,
    the live audience and the audience expected next. Nothing about other rooms."""
    team = live.plan.team_of(participant)
    if team is None:
        return None
    item = _shown_round(live, now)
    running = item.running(now)
    rounds = live.timeline.rounds

    def slot_in(index: int) -> RoomSlot | None:
        return next((s for s in live.plan.round(index).rooms if s.team == team.id), None)

    slot = slot_in(item.index)
    following = next((r for r in rounds if r.start > now and r.index != item.index), None)
    next_slot = slot_in(following.index) if following else None
    room = slot.room if slot else (next_slot.room if next_slot else "")
    here = {p for p in present.get(room, set()) - set(team.members) if not p.startswith(GUEST)}
    own = [r for r in rounds if slot_in(r.index) is not None]
    return {
        "team": team.id,
        # after the team's last round nothing is "current": the page says so, not "6 of 6"
        "done": not own or now >= own[-1].end,
        "room_name": live.programme.room_name(room) if room else "",
        "round": item.index,
        "rounds": len(rounds),
        "phase": "running" if running else ("ended" if now >= item.end else "upcoming"),
        "start_wall": live.clock.wall_time(item.start).isoformat(),
        "end_wall": live.clock.wall_time(item.end).isoformat(),
        "wrapup_wall": live.clock.wall_time(item.end - WRAPUP).isoformat(),
        "expected_audience": len(slot.audience) if slot else 0,
        "live_audience": len(here) if counted else None,
        "next_round": following.index if following else None,
        "next_expected": len(next_slot.audience) if next_slot else None,
        "next_start_wall": live.clock.wall_time(following.start).isoformat() if following else None,
        # public meet.jit.si: the meeting starts only once one of them signs in there
        "sign_in": bool(room) and live.needs_sign_in(room),
    }
