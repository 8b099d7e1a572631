"""What every process holds in memory during the event, so `/go` needs no Redis round-trip.

Rebuilt whole whenever the plan, the clock or the tokens change (a pub/sub message says so);
the hot path only reads it."""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from orchestrator.language.i18n import translator
from rooms.bbb import BbbConfig
from rooms.links import JitsiConfig, Person, mint, public_jitsi, room_url
from rooms.names import room_name
from schedules.campus import campus_address
from schedules.clock import ClockState
from schedules.model import Participant, Programme
from schedules.plan import Plan
from schedules.timeline import Timeline
from schedules.whereabouts import Place, Whereabouts, places, whereabouts


@dataclass(frozen=True, slots=True)
class Redirect:
    """What `/go/{token}` answers during one time segment, worked out once: where to, which
    counter, and the start of the click's audit entry (JSON, closed by the wall time)."""

    location: str
    target: str  # "room", "keynote" or "page": the metric label
    click: str  # '{"participant": …, "to": …, "wall": ' as json.dumps writes it
    # A BigBlueButton room: /go signs a fresh join URL (orchestrator/event/meetings.py) and falls
    # back to `location` (the person's page) when the server cannot be reached
    bbb: Place | None = None
    participant: str = ""


def _click_prefix(participant: str, to: str) -> str:
    return json.dumps({"participant": participant, "to": to, "wall": 0})[: -len("0}")]


@dataclass(frozen=True)
class Live:
    programme: Programme
    plan: Plan
    clock: ClockState
    timeline: Timeline
    jitsi: JitsiConfig
    room_names: dict[str, str]  # room id -> video room name
    token_owner: dict[str, str]  # token -> participant id
    token_of: dict[str, str]  # participant id -> token
    revoked: frozenset[str]
    days: dict[str, list[Place]]  # participant id -> their day at live times
    lead: timedelta
    changeover: timedelta
    base_url: str
    salt: str
    # Every moment at which anybody's place may change, sorted: between two of them every
    # answer is constant. Answers are kept per segment, and the warm-up task fills the next
    # segment before it begins, so a boundary's rush of clicks finds them ready.
    moments: tuple[datetime, ...] = ()
    wall_moments: tuple[float, ...] = ()  # the same moments as Unix time (the clock is linear)
    wall_span: tuple[float, float] = (0.0, 0.0)  # the event's first start and last end, Unix
    bbb: BbbConfig | None = None  # [bbb]: the BigBlueButton server (rooms/bbb.py)
    built: datetime = field(default_factory=lambda: datetime.now(UTC))
    _answers: dict[int, dict[str, Whereabouts]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _stays: dict[int, dict[str, Whereabouts]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _urls: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _jwts: dict[tuple[str, str, datetime], str] = field(
        default_factory=dict, compare=False, repr=False
    )
    _links: dict[tuple[str, str, datetime], str] = field(
        default_factory=dict, compare=False, repr=False
    )
    _redirects: dict[int, dict[str, Redirect]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(
        cls,
        programme: Programme,
        plan: Plan,
        clock: ClockState,
        tokens: dict[str, str],
        revoked: set[str],
        salt: str,
        lead_minutes: float,
        base_url: str,
        jitsi: JitsiConfig,
        bbb: BbbConfig | None = None,
    ) -> Live:
        timeline = Timeline.build(plan, clock)
        seats = {p.id for p in programme.participants if p.anonymous}
        tokens = {p: t for p, t in tokens.items() if p not in seats}  # a seat has no link
        rooms = {r.id for r in programme.rooms} | {k.room for k in programme.keynotes}
        fixed = {r.id: r.jitsi_name for r in programme.rooms if r.jitsi_name}
        names = {
            r: fixed.get(r) or room_name(programme.event.id, r, salt, jitsi.prefix)
            for r in sorted(rooms)
        }
        days = {p.id: places(plan, timeline, p.id) for p in programme.participants}
        lead = timedelta(minutes=lead_minutes)
        changeover = timedelta(minutes=programme.rotation.changeover_minutes)
        window = lead + changeover
        moments = sorted(
            {
                t
                for i in timeline.items
                for t in (i.start - window, i.start - changeover, i.start, i.end - lead, i.end)
            }
        )
        return cls(
            programme,
            plan,
            clock,
            timeline,
            jitsi,
            names,
            {t: p for p, t in tokens.items()},
            dict(tokens),
            frozenset(revoked),
            days,
            lead,
            changeover,
            base_url,
            salt,
            tuple(moments),
            tuple(clock.wall_time(m).timestamp() for m in moments),
            (
                clock.wall_time(timeline.starts).timestamp(),
                clock.wall_time(timeline.ends).timestamp(),
            ),
            bbb,
        )

    def rebuilt(
        self,
        *,
        programme: Programme | None = None,
        plan: Plan | None = None,
        clock: ClockState | None = None,
        tokens: dict[str, str] | None = None,
        revoked: set[str] | None = None,
    ) -> Live:
        return Live.build(
            programme or self.programme,
            plan or self.plan,
            clock or self.clock,
            self.token_of if tokens is None else tokens,
            set(self.revoked) if revoked is None else revoked,
            self.salt,
            self.lead / timedelta(minutes=1),
            self.base_url,
            self.jitsi,
            self.bbb,
        )

    def event_now(self, wall: datetime | None = None) -> datetime:
        return self.clock.event_time(wall or datetime.now(UTC))

    def participant(self, token: str) -> Participant | None:
        pid = self.token_owner.get(token)
        return self.programme.participant_by_id.get(pid) if pid else None

    def segment(self, at: datetime) -> int:
        return bisect.bisect_right(self.moments, at)

    def _answer(
        self,
        tables: dict[int, dict[str, Whereabouts]],
        participant: str,
        at: datetime,
        lead: timedelta,
    ) -> Whereabouts:
        """The answer for `at`, worked out once per time segment and kept."""
        table = tables.setdefault(self.segment(at), {})
        answer = table.get(participant)
        if answer is None:
            answer = table[participant] = whereabouts(
                self.days.get(participant, []), at, lead, self.changeover
            )
        return answer

    def where(self, participant: str, at: datetime) -> Whereabouts:
        return self._answer(self._answers, participant, at, self.lead)

    def stay(self, participant: str, at: datetime) -> Whereabouts:
        """Where the person's embedded video should be: like `where`, but a room is kept to
        its very end (no early lead), so a page never leaves a presentation before it ends."""
        return self._answer(self._stays, participant, at, timedelta(0))

    def redirect(self, token: str, wall: float) -> Redirect | None:
        """Where `/go/{token}` leads at `wall` (Unix time); None for a token nobody holds.
        The answer is constant within a time segment, so after the first click (or the
        warm-up) it is one bisect and two dictionary look-ups."""
        segment = bisect.bisect_right(self.wall_moments, wall)
        table = self._redirects.get(segment)
        if table is None:
            table = self._redirects.setdefault(segment, {})
        found = table.get(token)
        if found is None:
            participant = self.token_owner.get(token)
            if participant is None or participant not in self.programme.participant_by_id:
                return None
            at = self.event_now(datetime.fromtimestamp(wall, UTC))
            found = table[token] = self._redirect(token, participant, at)
        return found

    def _redirect(self, token: str, participant: str, at: datetime) -> Redirect:
        place = self.where(participant, at).now
        person = self.programme.participant_by_id[participant]
        if place is None:
            return Redirect(self.page_url(token), "page", _click_prefix(participant, "page"))
        if campus_address(self.programme, person, place.room):  # on foot, sent there all the same
            return Redirect(self.page_url(token), "page", _click_prefix(participant, place.room))
        if self.is_bbb(place.room):
            click = _click_prefix(participant, place.room)
            return Redirect(self.page_url(token), place.kind, click, place, participant)
        return Redirect(
            self.join_url(place, participant), place.kind, _click_prefix(participant, place.room)
        )

    def warm(self, segment: int, participants: list[str]) -> None:
        """Work out answers for `segment` ahead of time (boundaries/go_answers.py)."""
        if not self.moments or segment > len(self.moments):
            return
        at = self.moments[segment - 1] if segment > 0 else self.moments[0] - timedelta(days=1)
        table = self._redirects.setdefault(segment, {})
        for participant in participants:
            token = self.token_of.get(participant)
            if token is not None and token not in table:
                table[token] = self._redirect(token, participant, at)

    def forget_before(self, segment: int) -> None:
        for table in (self._answers, self._stays, self._redirects):
            for old in [s for s in table if s < segment - 1]:
                del table[old]

    def is_bbb(self, room: str) -> bool:
        """A BigBlueButton meeting: joined with a URL signed per person and per click."""
        return self.programme.platform_of(room) == "bbb"

    @property
    def jitsi_in_tab(self) -> bool:
        """The real day on public meet.jit.si: its rooms are opened in the named tab like link
        rooms (an embedded meeting there is cut after 5 minutes) and report nobody. A rehearsal
        still embeds them."""
        return self.clock.is_real and public_jitsi(self.jitsi)

    def declared_link(self, room: str) -> str:
        """The plain link of a room on another platform, as the programme gives it."""
        declared = self.programme.room_by_id.get(room)
        return declared.url if declared is not None else ""

    def needs_sign_in(self, room: str) -> bool:
        """A Jitsi room on public meet.jit.si: it starts only once a moderator signs in."""
        declared = self.programme.room_by_id.get(room)
        own_platform = declared is not None and (declared.linked or bool(declared.onsite))
        return public_jitsi(self.jitsi) and not own_platform and not self.is_bbb(room)

    def link_of(self, room: str) -> str:
        """Where a room opens in a tab of its own: a link room's link, or on the real day a
        public meet.jit.si room's address; "" for a room that is embedded."""
        link = self.declared_link(room)
        if link or not self.jitsi_in_tab:
            return link
        declared = self.programme.room_by_id.get(room)
        if (declared is not None and declared.onsite) or self.is_bbb(room):
            return ""
        url = self._urls.get(room)
        if url is None:
            url = self._urls[room] = room_url(self.jitsi, self.room_names[room])
        return url

    def join_url(self, place: Place, participant: str) -> str:
        """The room's URL: a link room's own link as written; a Jitsi room's, with tokens
        configured, with this person's token for this slot (minted once and kept: RS256
        signing costs about a millisecond)."""
        link = self.link_of(place.room)
        if link:
            return link
        if self.is_bbb(place.room):  # signed afresh at each click: through the personal link
            return self.link(participant)
        if self.jitsi.tokens == "none":
            url = self._urls.get(place.room)
            if url is None:
                url = self._urls[place.room] = room_url(self.jitsi, self.room_names[place.room])
            return url
        key = (participant, place.room, place.start)
        url = self._links.get(key)
        if url is None:
            url = self._links[key] = room_url(
                self.jitsi, self.room_names[place.room], self.jwt(place, participant)
            )
        return url

    def jwt(self, place: Place, participant: str) -> str:
        """This person's token for this slot ("" without tokens or in a link room), minted
        once and kept."""
        if self.jitsi.tokens == "none" or self.link_of(place.room) or self.is_bbb(place.room):
            return ""
        key = (participant, place.room, place.start)
        token = self._jwts.get(key)
        if token is None:
            token = self._jwts[key] = self._mint(place, participant)
        return token

    def _mint(self, place: Place, participant: str) -> str:
        person = self.programme.participant_by_id[participant]
        moderator = person.role == "organiser" or (
            place.kind == "room" and person.role == "presenter" and person.team == place.team
        )
        return mint(
            self.jitsi,
            Person(person.id, person.name, person.email, person.institution),
            self.room_names[place.room],
            moderator=moderator,
            now=datetime.now(UTC),
            ends=self.clock.wall_time(place.end),
            starts=self.clock.wall_time(place.start),
        )

    def room_of_name(self) -> dict[str, str]:
        """video room name -> room id, for webhooks"""
        return {name: room for room, name in self.room_names.items()}

    def describe(self, place: Place | None, participant: str) -> str:
        """The place in the person's language, as their page and its live updates show it."""
        person = self.programme.participant_by_id.get(participant)
        t = translator(self.programme.language_of(person) if person else "en")
        if place is None:
            return t("nothing_now")
        room = self.programme.room_name(place.room)
        if place.kind == "keynote":
            keynote = self.programme.keynote_by_id[place.keynote]
            title = keynote.title_in(self.programme.language_of(person) if person else "en")
            if keynote.plenary:
                return f"{title} — {room}"
            return f"{t('keynote')}: {title} — {room}"
        team = self.programme.team_by_id.get(place.team)
        return f"{t('round', n=place.round)}: {room} — {team.name if team else place.team}"

    def page_url(self, token: str) -> str:
        return f"/p/{token}"

    def link(self, participant: str) -> str:
        return f"{self.base_url}/go/{self.token_of[participant]}"
