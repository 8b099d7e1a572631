"""The running event in one process: loads or initialises the state in Redis, keeps `Live`
current, and applies organiser changes (stored before they are answered, then announced)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from orchestrator.errors import Conflict, NotFound, Refused, SetupError, Unavailable
from orchestrator.event.live import Live
from orchestrator.settings import Settings
from orchestrator.storage.erasure import was_erased, without_erased
from orchestrator.storage.store import Store, digest
from rooms.bbb import BbbConfig
from rooms.links import JitsiConfig
from schedules.agenda import changed_agendas
from schedules.campus import move_problem
from schedules.clock import ClockState
from schedules.model import Programme
from schedules.newcomers import cells_of, checked_person
from schedules.plan import Plan, RoomSlot
from schedules.planner import plan_rotation
from schedules.platform_sections import BBB_SECRET_ENV
from schedules.quality import quality
from schedules.replan import Change, Departure, LateArrival, RoomLost, TeamDropout, replan
from schedules.retimed import Retimed, describe, retimed
from schedules.roster import COLUMNS
from schedules.timeline import delay, extend

log = logging.getLogger(__name__)


def describe_run(clock: ClockState) -> str:
    """How a run reads in messages: the real day, or a rehearsal at its speed and start."""
    if clock.is_real:
        return "the real day at the programme's own times"
    first = clock.wall_time(clock.anchor_event)
    return f"a rehearsal at {clock.speed:g}× (round 1 at {first:%H:%M} UTC on {first:%Y-%m-%d})"


def _people(programme: Programme) -> list[str]:
    """Who gets a personal token: everyone but erased people's anonymous seats."""
    return [p.id for p in programme.participants if not p.anonymous]


def run_matches(stored: ClockState, speed: float) -> bool:
    """Whether the stored run is the one asked for when no new start is given."""
    if speed == 1:
        return stored.is_real
    return not stored.is_real and stored.speed == speed


class RunMismatch(SetupError):
    """The store holds another run than the one asked for: `rota serve` stops and says how
    to go on (`--resume` or `--fresh`)."""

    def __init__(self, stored: ClockState, speed: float) -> None:
        asked = (
            "the real day at the programme's own times"
            if speed == 1
            else f"a rehearsal at {speed:g}×"
        )
        super().__init__(
            f"the data folder holds {describe_run(stored)}, but you asked for {asked}. "
            "Add --resume to carry on with the stored run, or --fresh to start "
            + ("the real day from the programme's own times" if speed == 1 else "a new run")
            + " (the previous run's records are archived, nothing is deleted, and personal "
            "links stay the same)."
        )


def parse_start(value: str, programme: Programme, now: datetime) -> datetime:
    """`now`, or an ISO time (local to the event when it has no offset)."""
    if value == "now":
        return now
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=programme.event.tz)
    return moment.astimezone(UTC)


class Service:
    def __init__(self, settings: Settings, programme: Programme, store: Store) -> None:
        self.settings = settings
        self.base_programme = programme
        self.store = store
        self.live: Live | None = None
        # Told who has other places after a move or replan (and the plan's new version).
        self.on_agenda_changed: list[Callable[[list[str], int], Awaitable[None]]] = []
        self.jitsi = JitsiConfig.from_section(
            programme.sections.get("jitsi"),
            {"ROTA_JITSI_SECRET": settings.jitsi_secret.reveal()},
            base=programme.source.parent if programme.source else None,
        )
        self.bbb = BbbConfig.from_section(
            programme.sections.get("bbb"), {BBB_SECRET_ENV: settings.bbb_secret.reveal()}
        )

    # -- start-up ------------------------------------------------------------------------
    async def start(self, toml: bytes, roster: bytes) -> Live:
        programme = await self._programme_with_extras()
        plan = await self.store.load_plan()
        clock, new_run = await self._clock(programme, retimed(plan, programme) if plan else [])
        changed = await self.store.programme_digest() != digest(toml, roster)
        begun = clock.event_time(datetime.now(UTC)) >= programme.starts
        if plan is None or (changed and (new_run or not begun)):
            if plan is not None:
                log.warning("the programme changed before the event began: planning again")
            fresh = plan_rotation(programme, seed=self.settings.seed)
            version = await self.store.save_plan(fresh, plan.version if plan else 0)
            await self.store.save_programme(toml, roster)
            plan = await self.store.load_plan() if version == 0 else fresh.with_version(version)
        elif changed:
            log.warning(
                "the programme file changed after the event began; keeping the stored "
                "plan v%s (use the replan API for changes on the day)",
                plan.version,
            )
        assert plan is not None
        await self.store.ensure_tokens(_people(programme))
        self.live = Live.build(
            programme,
            plan,
            clock,
            await self.store.tokens(),
            await self.store.revoked_tokens(),
            await self.store.room_salt(),
            self.settings.lead_minutes,
            self.settings.base_url,
            self.jitsi,
            self.bbb,
        )
        return self.live

    async def _programme_with_extras(self) -> Programme:
        """The programme plus late arrivals added on the day (kept in Redis)."""
        stored = await self.store.extra_participants()
        programme = await without_erased(self.store, self.base_programme)
        if not stored:
            return programme
        extra = []
        for fields in stored:  # checked again: a record may predate the checks
            person, _ = checked_person(cells_of(fields), programme)
            if person is None:
                log.warning("a stored late arrival fails the roster's checks: left out")
            else:
                extra.append(person)
        known = {p.id for p in extra}
        people = tuple(p for p in programme.participants if p.id not in known)
        return replace(programme, participants=people + tuple(extra))

    async def _clock(self, programme: Programme, moves: list[Retimed]) -> tuple[ClockState, bool]:
        """The run to serve, and whether it is a new one. An explicit `--start-at` starts a
        new rehearsal run; otherwise the stored run is carried on only when it is the one
        asked for (the real day at speed 1, or a rehearsal at the same speed), so a rehearsal
        can never leak into the real day; and a stored real day whose programme times have
        changed (a corrected date, a new start) is armed again from the programme."""
        settings = self.settings
        stored = await self.store.load_clock()
        start_at = settings.start_at
        why = ""
        if start_at is None and settings.speed != 1 and (stored is None or settings.fresh):
            start_at = "now"
        if start_at is not None:
            wall = parse_start(start_at, programme, datetime.now(UTC))
            clock = ClockState.rehearsal(programme.starts, wall, settings.speed)
            clock = replace(clock, version=(stored.version + 1) if stored else 0)
            await self.store.reset_run()
            log.info(
                "rehearsal at %g×: the first round starts at %s",
                settings.speed,
                wall.isoformat(),
            )
        elif stored is None:
            clock = ClockState.real_time()
            log.info("the real day: speed 1 at the programme's own times")
        elif settings.resume or run_matches(stored, settings.speed):
            # (also with --fresh: a unit file that keeps it must not archive the day it serves)
            why = "" if settings.resume else await self._stale(programme, stored, moves)
            if not why:
                log.info("carrying on with the stored run (%s)", describe_run(stored))
                return stored, False
            clock = replace(ClockState.real_time(), version=stored.version + 1)
            await self.store.reset_run()
            log.warning(
                "%s: the day is armed again from the programme (the stored run's records "
                "are archived, nothing is deleted; personal links stay the same)",
                why,
            )
        elif settings.fresh:
            clock = replace(ClockState.real_time(), version=stored.version + 1)
            await self.store.reset_run()
            log.info(
                "the real day from the programme's own times; the previous run (speed %g) "
                "is archived",
                stored.speed,
            )
        else:
            raise RunMismatch(stored, settings.speed)
        await self.store.save_clock(clock, None)
        # a new run: the board's journal starts again from here
        entry = {"kind": "run.started", "speed": f"{clock.speed:g}"}
        await self.store.audit([{**entry, "why": why} if why else entry])
        return clock, True

    async def _stale(self, programme: Programme, stored: ClockState, moves: list[Retimed]) -> str:
        """Why the stored real day no longer follows the programme ("" when it does): its
        times changed, or it is marked ended while the programme's day lies ahead. A change
        of times once the day has really begun is left to the replan API."""
        if not stored.is_real:
            return ""
        fired = await self.store.fired()
        now = datetime.now(UTC)
        ended = fired.get("event.ended", {}).get("at")
        if ended and datetime.fromisoformat(ended) < programme.starts and not moves:
            start = programme.starts.astimezone(programme.event.tz)
            return (
                f"the stored run is marked ended, but the programme's day lies ahead "
                f"({start:%Y-%m-%d %H:%M}, {programme.event.timezone})"
            )
        if not moves:
            return ""
        ran = any(record.get("status") == "fired" for record in fired.values())
        if ran and now >= programme.starts and "event.ended" not in fired:
            return ""  # the day is running: its records are real
        return "the programme's times changed since the stored run was made: " + describe(
            moves, programme.event.tz
        )

    # -- reloads (another process changed something) -----------------------------------
    async def reload(self, what: str) -> None:
        live = self.require_live()
        if what == "plan":
            programme = await self._programme_with_extras()
            plan = await self.store.load_plan()
            if plan is not None and plan.version != live.plan.version:
                await self.store.ensure_tokens(_people(programme))
                self.live = live.rebuilt(
                    programme=programme, plan=plan, tokens=await self.store.tokens()
                )
        elif what == "clock":
            clock = await self.store.load_clock()
            if clock is not None and clock.to_dict() != live.clock.to_dict():
                self.live = live.rebuilt(clock=clock)
        elif what == "tokens":
            self.live = live.rebuilt(
                tokens=await self.store.tokens(), revoked=await self.store.revoked_tokens()
            )

    async def reload_all(self) -> None:
        """After a lost connection: messages may have been missed."""
        for what in ("plan", "clock", "tokens"):
            await self.reload(what)

    def require_live(self) -> Live:
        if self.live is None:
            raise Unavailable("the event has not started yet", retry_after=1)
        return self.live

    async def _announce(self, kind: str, **data: Any) -> None:
        """Every process, this one included, reacts through pub/sub (see listener.py)."""
        await self.store.publish(kind, origin=self.settings.instance, **data)

    # -- organiser changes -----------------------------------------------------------------
    async def change_clock(self, action: str, minutes: float, by: str = "organiser") -> ClockState:
        for _ in range(3):
            live = self.require_live()
            now = live.event_now()
            # a ClockError (a change that does not apply) is answered 400 by orchestrator.errors
            clock = (delay if action == "delay" else extend)(
                live.clock, live.timeline, now, minutes
            )
            if await self.store.save_clock(clock, live.clock.version):
                self.live = live.rebuilt(clock=clock)
                await self.store.audit(
                    [{"kind": f"clock.{action}", "minutes": str(minutes), "by": by}]
                )
                await self._announce("clock-changed", version=clock.version)
                return clock
            await self.reload("clock")  # someone else changed it first: recompute from theirs
        raise Refused("the clock is changing under us; try again")

    async def move(
        self, participant: str, round_index: int, room: str, by: str = "organiser"
    ) -> Plan:
        live = self.require_live()
        person = live.programme.participant_by_id.get(participant)
        if person is None:
            raise Refused(f"unknown participant {participant!r}")
        if not person.planned:
            raise Refused(f"{participant} is {person.role}; only audience and jury move")
        if not 1 <= round_index <= len(live.plan.rounds):
            raise Refused(f"round must be from 1 to {len(live.plan.rounds)}")
        live_round = live.timeline.rounds[round_index - 1]
        if live_round.end <= live.event_now():
            raise Refused(f"round {round_index} is over")
        rnd = live.plan.round(round_index)
        target = next((s for s in rnd.rooms if s.room == room), None)
        if target is None:
            raise Refused(f"no team presents in room {room!r} in round {round_index}")
        capacity = live.programme.room_by_id[room].capacity
        if participant not in target.audience and len(target.audience) >= capacity:
            raise Refused(f"room {room!r} is full ({capacity} seats) in round {round_index}")
        if problem := move_problem(live.programme, person, room, target.audience):
            raise Refused(f"{problem} in round {round_index}")
        seen = {
            s.team
            for r in live.plan.rounds
            if r.index != round_index
            for s in r.rooms
            if participant in s.audience
        }
        if target.team in seen:
            raise Refused(f"{participant} already sees team {target.team} in another round")
        rooms = tuple(
            RoomSlot(s.room, s.team, tuple(sorted({*s.audience, participant})))
            if s.room == room
            else RoomSlot(s.room, s.team, tuple(a for a in s.audience if a != participant))
            for s in rnd.rooms
        )
        rounds = tuple(
            replace(r, rooms=rooms) if r.index == round_index else r for r in live.plan.rounds
        )
        unassigned = tuple(
            u
            for u in live.plan.unassigned
            if not (u.participant == participant and u.round == round_index)
        )
        plan = replace(live.plan, rounds=rounds, unassigned=unassigned)
        plan = replace(plan, stats=quality(live.programme, plan))
        saved = await self._save_plan(plan, live)
        await self.store.audit(
            [
                {
                    "kind": "move",
                    "participant": participant,
                    "round": str(round_index),
                    "room": room,
                    "by": by,
                }
            ]
        )
        return saved

    async def replan(self, change: Change) -> tuple[Plan, list[str]]:
        live = self.require_live()
        now = live.event_now()
        begun = [r.index for r in live.timeline.rounds if r.start <= now]
        frozen_before = (max(begun) + 1) if begun else 1
        if frozen_before > len(live.plan.rounds):
            raise Refused("every round has begun: nothing is left to replan")
        if isinstance(change, LateArrival) and await was_erased(self.store, change.participant.id):
            raise Conflict(
                f"{change.participant.id!r} belonged to a person who was erased: "
                "give the late arrival another id"
            )
        # a PlanningError says why this change cannot be planned (400, orchestrator.errors)
        result = replan(live.plan, change, frozen_before=frozen_before, programme=live.programme)
        if isinstance(change, LateArrival):
            await self.store.save_extra_participant(
                change.participant.id, change.participant.__dict__
            )
            await self.store.ensure_tokens([change.participant.id])
        self.live = live.rebuilt(programme=result.programme, tokens=await self.store.tokens())
        saved = await self._save_plan(result.plan, live)
        await self.store.audit(
            [
                {
                    "kind": "replan",
                    "change": type(change).__name__,
                    "moved": str(len(result.moved)),
                    "frozen_before": str(frozen_before),
                    "by": "organiser",
                }
            ]
        )
        return saved, list(result.moved)

    async def _save_plan(self, plan: Plan, based_on: Live) -> Plan:
        version = await self.store.save_plan(plan, based_on.plan.version)
        if version == 0:
            await self.reload("plan")
            raise Refused("the plan changed meanwhile; look again and retry")
        saved = plan.with_version(version)
        self.live = self.require_live().rebuilt(plan=saved)
        await self._announce("plan-changed", version=version)
        if self.on_agenda_changed:
            changed = changed_agendas(self.live.programme, based_on.plan, saved)
            for hook in self.on_agenda_changed:
                await hook(changed, version)
        return saved

    async def revoke(self, participant: str) -> str:
        live = self.require_live()
        person = live.programme.participant_by_id.get(participant)
        if person is None:
            raise NotFound(f"unknown participant {participant!r}")
        if person.anonymous:
            raise Conflict(f"{participant} is an erased person's seat: it has no link to replace")
        token = await self.store.revoke(participant)
        self.live = live.rebuilt(
            tokens=await self.store.tokens(), revoked=await self.store.revoked_tokens()
        )
        await self.store.audit([{"kind": "revoke", "participant": participant, "by": "organiser"}])
        await self._announce("tokens-changed")
        return token

    async def erase(self, participant: str) -> str:
        """Erase one person now (orchestrator/privacy/own_data.py); the anonymous seat's id."""
        from orchestrator.privacy.own_data import erase_person

        anon = await erase_person(self.require_live(), self.store, participant)
        await self.reload("plan")
        return anon

    async def broadcast(self, message: str, by: str = "organiser") -> str:
        entry_id = await self.store.add_broadcast(message, datetime.now(UTC).isoformat())
        await self.store.audit(
            [
                {
                    "kind": "broadcast",
                    "message": message,
                    "id": entry_id,
                    "by": by,
                    "people": str(len(self.require_live().token_of)),  # every personal page
                }
            ]
        )
        await self._announce("broadcast", message=message, id=entry_id)
        return entry_id


def change_from_request(data: dict[str, Any], live: Live) -> Change:
    """The replan API's body: {"change": "late_arrival" | "departure" | "team_dropout" |
    "room_lost", ...}."""
    kind = data.get("change")
    if kind == "departure":
        return Departure(_text(data, "participant"))
    if kind == "team_dropout":
        return TeamDropout(_text(data, "team"))
    if kind == "room_lost":
        replacement = data.get("replacement")
        if replacement is not None and not isinstance(replacement, str):
            raise Refused("`replacement` must be a room id")
        return RoomLost(_text(data, "room"), replacement)
    if kind == "late_arrival":
        raw = data.get("participant")
        if isinstance(raw, str):
            person = live.programme.participant_by_id.get(raw)
            if person is None:
                raise Refused(f"unknown participant {raw!r}; send their details instead")
            return LateArrival(person)
        if not isinstance(raw, dict):
            raise Refused("`participant` must be an id or {id, name, role, ...}")
        fields = _participant_fields(raw)
        fields.setdefault("role", "audience")
        if fields["role"] not in ("audience", "jury"):
            raise Refused("a late arrival is audience or jury")
        if not fields.get("id") or not fields.get("name"):
            raise Refused("a late arrival needs an `id` and a `name`")
        person, errors = checked_person(cells_of(fields), live.programme)
        if person is None:  # the roster's own checks and messages
            raise Refused("; ".join(errors))
        return LateArrival(person)
    raise Refused("`change` must be one of late_arrival, departure, team_dropout, room_lost")


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise Refused(f"`{key}` is required")
    return value


_FIELDS = set(COLUMNS) - {"team"}  # a late arrival is audience or jury


def _participant_fields(raw: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _FIELDS:
            continue
        if key in ("preferences", "keynotes"):
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise Refused(f"`{key}` must be a list of ids")
            fields[key] = tuple(value)
        elif key == "unavailable":
            if not isinstance(value, list | tuple) or not all(isinstance(v, int) for v in value):
                raise Refused("`unavailable` must be a list of round numbers")
            fields[key] = frozenset(value)
        elif isinstance(value, str):
            if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
                raise Refused(f"`{key}` may not hold control characters")
            fields[key] = value.strip()
        else:
            raise Refused(f"`{key}` must be text")
    return fields
