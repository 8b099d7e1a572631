"""The server's side of e-mail: a queue in Redis (invitations asked for through the API,
reminders, "your agenda changed") taken by whichever process is free, and the reminders
armed by the leader with the day's other timed jobs (orchestrator/boundaries/transitions.py)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from orchestrator.boundaries.transitions import arm_at
from orchestrator.event.live import Live
from orchestrator.event.service import Service
from orchestrator.mail.addresses import outdated
from orchestrator.mail.compose import Kind, compose
from orchestrator.mail.config import MailConfig
from orchestrator.mail.records import MailRecords
from orchestrator.mail.sender import Job, MailSender
from orchestrator.storage.store import Store

log = logging.getLogger(__name__)


def run_id(live: Live) -> str:
    """Reminders are once per run: a rehearsal's do not count for the real day."""
    return str(int(live.clock.anchor_wall.timestamp()))


def record_kind(job: dict[str, Any]) -> tuple[Kind, str]:
    """The message kind and the record kind (what "once" is counted by)."""
    kind = job["kind"]
    if kind == "reminder":
        return "reminder", f"reminder-{job['minutes']}@{job['run']}"
    if kind == "changed":
        return "changed", f"changed-v{job['version']}"
    return "invitation", "invitation"


def job_for(live: Live, config: MailConfig, base_url: str, job: dict[str, Any]) -> Job | None:
    person = live.programme.participant_by_id.get(job["participant"])
    if person is None or person.id not in live.token_of:
        return None
    kind, recorded = record_kind(job)
    return Job(
        recorded,
        person,
        lambda: compose(kind, live, person, base_url, config, datetime.now(UTC)),
        base_url,
        not live.clock.is_real,
    )


def reminders_due(live: Live, minutes: tuple[int, ...]) -> dict[datetime, list[tuple[str, int]]]:
    """Event time -> who is reminded then (and how many minutes ahead of their first item)."""
    due: dict[datetime, list[tuple[str, int]]] = defaultdict(list)
    for person in live.programme.participants:
        day = live.days.get(person.id, [])
        if not person.email or not day:
            continue
        for ahead in minutes:
            due[day[0].start - timedelta(minutes=ahead)].append((person.id, ahead))
    return dict(due)


class MailWorker:
    def __init__(
        self,
        service: Service,
        store: Store,
        config: MailConfig,
        backoff_scale: float = 1.0,
        in_rehearsal: bool = False,
    ) -> None:
        self.in_rehearsal = in_rehearsal  # a rehearsal sends no reminders unless asked to
        self.service = service
        self.store = store
        self.config = config
        self.records = MailRecords(store)
        self.sender = MailSender(config, self.records, backoff_scale)

    async def enqueue(self, jobs: list[dict[str, Any]]) -> int:
        await self.records.mail.enqueue(jobs)
        return len(jobs)

    async def invite(self, only: list[str] | None, resend: bool) -> tuple[int, int]:
        """Queue the invitations; those sent during a rehearsal or with a loopback address
        go again by themselves once this service has a public address (mail/addresses.py).
        The number queued, and how many of them are such resends."""
        live = self.service.require_live()
        people = [p.id for p in live.programme.participants if p.email]
        chosen = people if only is None else [p for p in people if p in set(only)]
        again = outdated(await self.records.all(), live.base_url).resent_by_itself
        queued = await self.enqueue(
            [
                {"kind": "invitation", "participant": p, "resend": resend or p in again}
                for p in chosen
            ]
        )
        return queued, len(again.intersection(chosen))

    def _quiet(self, live: Live) -> bool:
        return not live.clock.is_real and not self.in_rehearsal

    async def agenda_changed(self, participants: list[str], version: int) -> None:
        if self._quiet(self.service.require_live()):
            return
        await self.enqueue(
            [{"kind": "changed", "participant": p, "version": version} for p in participants]
        )

    async def run(self) -> None:
        while True:
            job = await self.records.mail.take(wait=1)
            if job is None:
                continue
            live = self.service.require_live()
            work = job_for(live, self.config, live.base_url, job)
            if work is None:
                continue
            [outcome] = await self.sender.deliver([work], resend=bool(job.get("resend")))
            if outcome.status == "failed":
                log.warning("an e-mail (%s) failed: see GET /api/v1/invitations", work.kind)

    async def arm_reminders(self, scheduler: AsyncIOScheduler, live: Live) -> None:
        """Called by the leader whenever it (re)arms the day: one job per moment at which
        anyone is reminded. Someone whose reminders were all missed (the service started
        late) gets the last one now, if their first item has not begun. The records make
        each reminder once, across restarts."""
        if self._quiet(live):
            return
        now = live.event_now()
        run = run_id(live)
        ahead_of: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
        for at, people in sorted(reminders_due(live, self.config.remind_minutes).items()):
            for pid, ahead in people:
                ahead_of[pid].append((at, ahead))
            jobs = [
                {"kind": "reminder", "participant": pid, "minutes": ahead, "run": run}
                for pid, ahead in people
            ]
            if at > now:
                arm_at(
                    scheduler,
                    f"mail-reminders:{at.isoformat()}",
                    live.clock.wall_time(at),
                    self.enqueue,
                    [jobs],
                )
        sent = {r.key for r in await self.records.all() if r.status == "sent"}
        late = []
        for pid, moments in ahead_of.items():
            if now >= live.days[pid][0].start or any(at > now for at, _ in moments):
                continue
            job = {"kind": "reminder", "participant": pid, "minutes": moments[-1][1], "run": run}
            if f"{record_kind(job)[1]}:{pid}" not in sent:
                late.append(job)
        await self.enqueue(late)

    async def stop(self) -> None:
        await self.sender.close()
