"""The running event in one process: loads or initialises the state in Redis, keeps `Live`
current, and applies organiser changes (stored before they are answered, then announced)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from orchestrator.errors import Conflict, NotFound, Refused, Unavailable
from orchestrator.event.live import Live
from orchestrator.event.plan_changes import moved_plan
from orchestrator.event.run_choice import chosen_run
from orchestrator.settings import Settings
from orchestrator.storage.erasure import was_erased, without_erased
from orchestrator.storage.store import Store, digest
from rooms.bbb import BbbConfig
from rooms.links import JitsiConfig
from schedules.agenda import changed_agendas
from schedules.clock import ClockState
from schedules.model import Programme
from schedules.newcomers import cells_of, checked_person
from schedules.plan import Plan
from schedules.planner import plan_rotation
from schedules.platform_sections import BBB_SECRET_ENV
from schedules.replan import Change, LateArrival, replan
from schedules.retimed import retimed
from schedules.timeline import delay, extend

log = logging.getLogger(__name__)


def _people(programme: Programme) -> list[str]:
    """Who gets a personal token: everyone but erased people's anonymous seats."""
    return [p.id for p in programme.participants if not p.anonymous]


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
        clock, new_run = await chosen_run(
            self.settings, self.store, programme, retimed(plan, programme) if plan else []
        )
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
        plan = moved_plan(live, participant, round_index, room)
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
        """Erase one person now (event/person_erasure.py); the anonymous seat's id."""
        from orchestrator.event.person_erasure import erase_person

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
