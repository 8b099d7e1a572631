"""Timed transitions, exactly once across processes.

One process at a time holds a leader lease in Redis (renewed; a fencing token is bumped each
time it changes hands). Only the leader arms APScheduler jobs, one per boundary, computed from
the plan and the clock held in Redis; APScheduler's maintainers say one scheduler per job store,
so each process has its own in-memory store and the lease makes only one of them active. A job
claims its boundary in Redis, atomically with its effects, before anything happens; losing the
claim is a normal outcome. A boundary missed while nobody led fires on recovery if its round is
still running, and is recorded as skipped otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from orchestrator.errors import StorageUnavailable
from orchestrator.event.live import Live
from orchestrator.event.service import Service
from orchestrator.metrics import Metrics
from orchestrator.storage.store import Claim, Store
from schedules.timeline import Boundary

log = logging.getLogger(__name__)


def arm_at(
    scheduler: AsyncIOScheduler,
    job_id: str,
    wall: datetime,
    func: Callable[..., Awaitable[Any]],
    args: list[Any],
) -> None:
    """One job at a wall-clock moment, replacing the job of that id (arming again moves it);
    a moment passed while the loop was busy still runs, late and once."""
    scheduler.add_job(
        func,
        "date",
        run_date=wall,
        args=args,
        id=job_id,
        replace_existing=True,
        misfire_grace_time=None,
        coalesce=True,
    )


def transition_data(live: Live, boundary: Boundary) -> dict[str, Any]:
    """The body of the transition as published and sent to the outbox."""
    data: dict[str, Any] = {
        "boundary": boundary.id,
        "at": boundary.at.isoformat(),
        "plan_version": live.plan.version,
    }
    item = next((i for i in live.timeline.items if i.key == boundary.item), None)
    if item is not None and item.kind == "round":
        rnd = live.plan.round(item.index)
        data.update(
            round=item.index,
            start=item.start.isoformat(),
            end=item.end.isoformat(),
            rooms=[
                {"room": s.room, "team": s.team, "audience": len(s.audience)} for s in rnd.rooms
            ],
        )
    elif item is not None:
        planned = next(k for k in live.plan.keynotes if k.id == item.id)
        data.update(
            keynote=item.id,
            room=planned.room,
            start=item.start.isoformat(),
            end=item.end.isoformat(),
            audience=len(planned.audience),
        )
    return data


class BoundaryScheduler:
    def __init__(self, service: Service, store: Store, metrics: Metrics) -> None:
        self.service = service
        self.store = store
        self.metrics = metrics
        self.settings = service.settings
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.holder: str | None = None  # "instance:fence" while we lead
        self._last_renewal = 0.0
        self._arming = asyncio.Lock()
        self._firing = asyncio.Lock()  # one boundary at a time, in the timeline's order
        # Other timed jobs the leader arms with the day's transitions (e-mail reminders).
        self.armers: list[Callable[[AsyncIOScheduler, Live], Awaitable[None]]] = []
        self._rearm = False  # arm (again) at the next chance: new leadership, a failed claim

    @property
    def leader(self) -> bool:
        return self.holder is not None

    def start(self) -> None:
        self.scheduler.start()

    async def stop(self) -> None:
        self.scheduler.remove_all_jobs()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        with contextlib.suppress(StorageUnavailable, OSError):
            if self.holder:
                await self.store.release_lease(self.holder)
            await self.store.drop_heartbeat(self.settings.instance)
        self.holder = None

    async def run(self) -> None:
        """The lease loop: renew while we lead, try to take over while we stand by."""
        ttl = self.settings.lease_seconds
        failing = False
        while True:
            try:
                if self.holder:
                    if await self.store.renew_lease(self.holder, ttl):
                        self._last_renewal = time.monotonic()
                    else:
                        self._lose("the lease was taken over")
                else:
                    fence = await self.store.acquire_lease(self.settings.instance, ttl)
                    if fence:
                        self.holder = f"{self.settings.instance}:{fence}"
                        self._last_renewal = time.monotonic()
                        self.metrics.leader.set(1)
                        log.info("leading (fence %s): arming the day's transitions", fence)
                        self._rearm = True
                if self.holder and self._rearm:
                    self._rearm = False
                    try:
                        await self.arm()
                    except BaseException:
                        self._rearm = True
                        raise
                await self.store.heartbeat(self.settings.instance, ttl * 2)
                if failing:
                    log.info("redis is reachable again")
                    failing = False
            except (StorageUnavailable, OSError) as exc:
                if not failing:
                    log.warning("redis unreachable (%s); retrying", exc)
                    failing = True
                if self.holder and time.monotonic() - self._last_renewal > ttl:
                    self._lose("the lease could not be renewed in time")
            await asyncio.sleep(ttl / 3)

    def _lose(self, why: str) -> None:
        log.warning("no longer leading: %s", why)
        self.holder = None
        self.metrics.leader.set(0)
        self.scheduler.remove_all_jobs()

    async def on_change(self) -> None:
        """The clock or the plan changed: the boundaries moved."""
        if self.leader:
            await self.arm()

    async def arm(self) -> None:
        """One job per instant at which boundaries are due, firing them in the timeline's
        order (round.ended:N before round.started:N+1, event.ended last): jobs of their own
        would run concurrently and reach the outbox, and so the subscribers, in any order.
        Boundaries already due fire now, in order, and are skipped if their item is over."""
        async with self._arming:
            live = self.service.require_live()
            fired = await self.store.fired()
            self.scheduler.remove_all_jobs()
            now = live.event_now()
            due: list[str] = []
            instants: dict[datetime, list[str]] = {}
            for boundary in live.timeline.boundaries():
                if boundary.id in fired:
                    continue
                if boundary.at <= now:
                    due.append(boundary.id)
                else:
                    instants.setdefault(boundary.at, []).append(boundary.id)
            if due:
                await self.fire_in_order(due, late=True)
            for at, ids in instants.items():
                arm_at(
                    self.scheduler,
                    f"at:{at.isoformat()}",
                    live.clock.wall_time(at),
                    self.fire_in_order,
                    [ids],
                )
            for armer in self.armers:
                await armer(self.scheduler, live)
            log.info(
                "armed %d transitions at %d instants (plan v%s, clock v%s)",
                sum(len(ids) for ids in instants.values()),
                len(instants),
                live.plan.version,
                live.clock.version,
            )

    async def fire_in_order(self, boundary_ids: list[str], late: bool = False) -> None:
        """One at a time, in order; the first that cannot be claimed stops the rest (they
        fire, in order, when the conductor arms again)."""
        outcome = "done"
        async with self._firing:
            for boundary_id in boundary_ids:
                outcome = await self.fire(boundary_id, late)
                if outcome != "done":
                    break
        if outcome == "moved" and not late:
            await self.arm()

    async def fire(self, boundary_id: str, late: bool = False) -> str:
        """ "done" (fired, skipped, or already claimed), "moved" (the clock moved: arm
        again) or "failed" (not leading, or Redis did not answer: armed again later)."""
        holder = self.holder
        if holder is None:
            return "failed"
        live = self.service.require_live()
        boundary = next((b for b in live.timeline.boundaries() if b.id == boundary_id), None)
        if boundary is None:
            return "done"
        now = live.event_now()
        if boundary.at > now:  # the clock moved since this job was armed
            return "moved"
        skipped = late and now >= boundary.ends
        record = Claim(
            "skipped" if skipped else "fired",
            boundary.at.isoformat(),
            time.time(),
            self.settings.instance,
            int(holder.rsplit(":", 1)[1]),
        )
        data = transition_data(live, boundary)
        try:
            outcome = await self.store.claim(
                holder, boundary.id, record, "" if skipped else boundary.kind, data
            )
        except (StorageUnavailable, OSError) as exc:
            log.warning("could not claim %s (%s); retrying when redis answers", boundary.id, exc)
            self._rearm = True  # the lease loop arms again once redis answers
            return "failed"
        if outcome == -1:
            self._lose("the fencing token moved on")
            return "failed"
        if outcome == 0:
            return "done"
        if skipped:
            log.info("skipped %s: it was missed and its round is over", boundary.id)
            self.metrics.transitions.labels(kind=boundary.kind, status="skipped").inc()
            return "done"
        self.metrics.transitions.labels(kind=boundary.kind, status="fired").inc()
        log.info("transition %s%s", boundary.id, " (late, on recovery)" if late else "")
        with contextlib.suppress(StorageUnavailable, OSError):
            await self.store.publish(
                "transition",
                kind=boundary.kind,
                id=boundary.id,
                data=data,
                wall=datetime.now(UTC).isoformat(),
            )
        return "done"
