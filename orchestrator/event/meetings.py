"""BigBlueButton meetings at the service's edge: created just in time, joined with a URL
signed per person and click, and watched for who is in them.

One meeting per room and event; its id is the room's hard-to-guess video name, so presence
flows exactly as Jitsi's does (`Live.room_of_name`). An empty BBB meeting expires after five
minutes, so it is created when the first item that uses it is about to begin (the leader's
meeting_poller), by any `/go` that finds none known, and again when it vanished. `create` is
idempotent (`duplicateWarning` with the same createTime), so two processes creating at once
is harmless; a createTime is trusted for `ttl` seconds, then asked for again.

The leader polls `getMeetingInfo` for each meeting in use, at most one call per meeting per
interval, backing off on errors; joins and leaves between two looks become room events
(`source = "bbb"`), stored like webhooks, so boards, presenter pages and attendance read
them with no change. A problem is one line for the board and the log (one for the whole
server when the server itself is at fault, else one per room), and never holds the secret."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from orchestrator.event.live import Live
from rooms.bbb import (
    Attendee,
    BbbClient,
    BbbConfig,
    BbbError,
    Meeting,
    Role,
    attendance_changes,
    hint,
    join_url,
)
from schedules.whereabouts import Place

log = logging.getLogger(__name__)
GONE = ("notFound", "invalidMeetingIdentifier")  # the meeting is not (or no longer) there
EARLY = timedelta(minutes=1)  # event time: meetings exist this long before people are sent


def meeting_of(live: Live, room: str) -> Meeting:
    keynote = next((k for k in live.programme.keynotes if k.room == room), None)
    declared = live.programme.room_by_id.get(room)
    name = declared.name if declared else (keynote.title if keynote else room)
    return Meeting(
        live.room_names[room],
        name,
        live.programme.event.id,
        room,
        logout_url=f"{live.base_url}/left",
    )


def role_of(live: Live, participant: str, place: Place) -> Role:
    """MODERATOR for the organisers and, in a round, the team presenting in that room."""
    person = live.programme.participant_by_id[participant]
    presenting = place.kind == "room" and person.role == "presenter" and person.team == place.team
    return "MODERATOR" if person.role == "organiser" or presenting else "VIEWER"


def rooms_in_use(live: Live, wall: float) -> set[str]:
    """The BigBlueButton rooms with an item now or about to begin (people are sent `lead`
    before a round, and the meeting should be there a minute before that)."""
    at = live.event_now(datetime.fromtimestamp(wall, UTC))
    early = live.lead + live.changeover + EARLY
    used: set[str] = set()
    for planned, item in zip(live.plan.rounds, live.timeline.rounds, strict=False):
        if item.start - early <= at < item.end:
            used.update(slot.room for slot in planned.rooms if live.is_bbb(slot.room))
    for keynote in live.plan.keynotes:
        talk = live.timeline.keynote(keynote.id)
        if talk and talk.start - early <= at < talk.end and live.is_bbb(keynote.room):
            used.add(keynote.room)
    return used


class Meetings:
    """createTimes known to this process, and the per-click join URL."""

    def __init__(self, config: BbbConfig, http: httpx.AsyncClient, ttl: float = 5.0) -> None:
        self.config = config
        self.client = BbbClient(config, http)
        self.ttl = ttl
        self._known: dict[str, tuple[str, float]] = {}  # meeting id -> (createTime, when)
        self._pending: dict[str, asyncio.Future[str]] = {}
        self.problems: dict[str, str] = {}  # room id ("": the server) -> the board's line
        self.on_problem: list[Callable[[], None]] = []

    def note(self, meeting_id: str, create_time: str) -> None:
        self._known[meeting_id] = (create_time, time.monotonic())

    def forget(self, meeting_id: str) -> None:
        self._known.pop(meeting_id, None)

    def problem(self, room: str, name: str, error: BbbError) -> str:
        """Record the board's line for a failed call, and return it for the log."""
        where = "" if server_wide(error.key) else room
        shown = line(name if where else "", error)
        if self.problems.get(where) != shown:
            self.problems[where] = shown
            for channel_sync in self.on_problem:
                channel_sync()
        return shown

    def solved(self, room: str) -> None:
        """A call for `room` succeeded: its line, and the server's, are gone."""
        gone = [self.problems.pop(key, None) for key in (room, "")]
        if any(g is not None for g in gone):
            for channel_sync in self.on_problem:
                channel_sync()

    async def create_time(self, live: Live, room: str) -> str:
        """The meeting's createTime, creating it when none is known (or known too long)."""
        meeting = meeting_of(live, room)
        known = self._known.get(meeting.meeting_id)
        if known is not None and time.monotonic() - known[1] < self.ttl:
            return known[0]
        pending = self._pending.get(meeting.meeting_id)
        if pending is None:  # one create per meeting at a time, however many clicks wait
            pending = asyncio.ensure_future(self._create(meeting))
            self._pending[meeting.meeting_id] = pending
            pending.add_done_callback(lambda _: self._pending.pop(meeting.meeting_id, None))
        return await asyncio.shield(pending)

    async def _create(self, meeting: Meeting) -> str:
        try:
            created = await self.client.create(meeting)
        except BbbError as exc:
            self.problem(meeting.room, meeting.name, exc)
            raise
        self.note(meeting.meeting_id, created)
        self.solved(meeting.room)
        return created

    async def join(self, live: Live, participant: str, place: Place) -> str:
        """A fresh signed join URL for this person in this room now; BbbError when the
        meeting cannot be made."""
        created = await self.create_time(live, place.room)
        person = live.programme.participant_by_id[participant]
        return join_url(
            self.config,
            live.room_names[place.room],
            full_name=person.name,
            user_id=person.id,
            role=role_of(live, participant, place),
            create_time=created,
        )


def hook_url(live: Live) -> str:
    """Where bbb-webhooks posts: its checksum covers this URL exactly as registered."""
    return f"{live.base_url}/webhooks/bbb"


SERVER_WIDE = frozenset({"checksumError", "unreachable", "not-xml", "unsafe-xml", "too-large"})


def server_wide(key: str) -> bool:
    """A fault of the server or of Rota's settings for it, not of one meeting."""
    return key in SERVER_WIDE or key.startswith("http-")


def line(room_name: str, error: BbbError) -> str:
    where = f" (meeting for {room_name})" if room_name else ""
    return f"{error}{where}. {hint(error.key)}".strip()


@dataclass
class _Watched:
    create_time: str = ""
    attendees: dict[str, Attendee] = field(default_factory=dict)
    needs_create: bool = True  # the next look at it is a create (just in time, or again)
    failures: int = 0
    due: float = 0.0  # monotonic: not asked again before this


class MeetingPoller:
    """The leader's look at every meeting in use: one call per meeting per interval."""

    def __init__(
        self,
        live: Callable[[], Live],
        meetings: Meetings,
        store: Callable[[str, bytes], Awaitable[bool]],
        leader: Callable[[], bool],
        interval: float = 5.0,
        longest: float = 60.0,
    ) -> None:
        self.live = live
        self.meetings = meetings
        self.store = store
        self.leader = leader
        self.interval = interval
        self.longest = longest
        self.watched: dict[str, _Watched] = {}

    async def run(self) -> None:
        while True:
            if self.leader():
                await self.tick(time.time())
            await asyncio.sleep(self.interval)

    async def tick(self, wall: float) -> None:
        live = self.live()
        used = rooms_in_use(live, wall)
        for room in used:
            self.watched.setdefault(room, _Watched())
        looks = [
            self._look(live, room, room in used, state, wall)
            for room, state in list(self.watched.items())
            if (room in used or state.attendees) and state.due <= time.monotonic()
        ]
        await asyncio.gather(*looks)
        for room in [r for r, s in self.watched.items() if r not in used and not s.attendees]:
            del self.watched[room]

    async def _look(self, live: Live, room: str, used: bool, state: _Watched, wall: float) -> None:
        meeting = meeting_of(live, room)
        try:
            if state.needs_create and used:
                state.create_time = await self.meetings.create_time(live, room)
                state.needs_create = False
                if self.meetings.config.webhooks:
                    await self._hook(live, meeting)
            else:
                await self._attendance(meeting, state, wall)
        except BbbError as exc:
            if exc.key in GONE:
                await self._vanished(meeting, state, wall)
                return
            state.failures += 1
            wait = min(self.interval * 2**state.failures, self.longest)
            state.due = time.monotonic() + wait
            shown = self.meetings.problem(room, meeting.name, exc)
            log.warning("%s (asking again in %g s)", shown, wait)
            return
        state.failures, state.due = 0, 0.0
        self.meetings.solved(room)

    async def _hook(self, live: Live, meeting: Meeting) -> None:
        """bbb-webhooks for this meeting run (hooks are per server, so a meeting created
        again is registered again); without them polling alone carries presence."""
        try:
            await self.meetings.client.hook(meeting.meeting_id, hook_url(live))
        except BbbError as exc:
            log.warning(
                "BigBlueButton, %s: no webhook registered (%s); polling carries on",
                meeting.name,
                exc.key,
            )

    async def _attendance(self, meeting: Meeting, state: _Watched, wall: float) -> None:
        info = await self.meetings.client.meeting_info(meeting.meeting_id)
        created = info.get("createTime")
        if created != state.create_time and state.attendees:  # re-created meanwhile
            await self._changes(meeting, state, [], wall)
        state.create_time = created
        self.meetings.note(meeting.meeting_id, created)
        await self._changes(meeting, state, list(info.attendees), wall)

    async def _vanished(self, meeting: Meeting, state: _Watched, wall: float) -> None:
        """Ended or expired: everyone in it has left; it is created again at the next look."""
        if state.create_time:
            log.warning(
                "BigBlueButton, %s: the meeting is gone (ended or expired); creating it again",
                meeting.name,
            )
        await self._changes(meeting, state, [], wall)
        self.meetings.forget(meeting.meeting_id)
        state.needs_create = True
        state.create_time = ""

    async def _changes(
        self, meeting: Meeting, state: _Watched, now: list[Attendee], wall: float
    ) -> None:
        current, events = attendance_changes(
            meeting.meeting_id, state.create_time, state.attendees, now, wall
        )
        for event in events:
            await self.store(event.key, event.to_json())
        state.attendees = current
