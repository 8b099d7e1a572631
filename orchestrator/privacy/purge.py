"""The purge (storage limitation, GDPR art. 5(1)(e)): once `retention_days` after the event's
end have passed, the leader runs it by itself (`Purger`); `rota purge` runs it by hand.

Everything that names a person goes: names, e-mail addresses, personal tokens, the person
fields of room events and clicks, mail records, comments, personal ntfy topics, the
addresses of failed logins. Each person's id becomes an anonymous seat's id, in one pass
over every record (storage/erasure.py, the same scrubbing as one person's erasure), so what
remains is pseudonymous and aggregate: attendance per keynote and round, scores without the
jurors' identities, the transition history. Then Redis rewrites its append-only file, so
no removed value remains on disk (what the purge reads and drops in Redis:
storage/purge_store.py). docs/privacy.md says how to check."""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestrator.event.live import Live
from orchestrator.storage import purge_store
from orchestrator.storage.erasure import (
    Person,
    anonymous_seat,
    erase_records,
    erased_seats,
)
from orchestrator.storage.store import Store
from schedules.clock import ClockState
from schedules.model import Participant
from schedules.retention import privacy_policy
from schedules.timeline import Timeline

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from orchestrator.event.service import Service

log = logging.getLogger(__name__)

NOTHING_LEFT = "nothing: no record names a person (anonymous seats are nobody)"


@dataclass
class PurgeReport:
    counts: dict[str, int]  # what is (or would be) removed, by kind
    exports: dict[str, dict[str, str]]  # files Rota wrote with personal data: path -> kind, at
    disk: list[str] = field(default_factory=list)  # what was done on disk, what is left to do
    dry_run: bool = False

    def lines(self) -> list[str]:
        head = "would remove (dry run: nothing changed):" if self.dry_run else "removed:"
        out = [head, *(f"  {n:>6}  {kind}" for kind, n in self.counts.items())]
        if not self.counts:
            out.append(f"  {NOTHING_LEFT}")
        if self.exports:
            out.append("files Rota wrote with personal data (delete them yourself):")
            out += [
                f"  {path}  ({e['kind']}, {e['at']}{'' if Path(path).exists() else ', gone'})"
                for path, e in self.exports.items()
            ]
        return out + self.disk


def _extra_person(fields: dict[str, Any]) -> Participant:
    """A late arrival as stored (extra-participants), enough for their anonymous seat."""
    return Participant(
        id=str(fields["id"]),
        name=str(fields.get("name", "")),
        role=fields.get("role", "audience"),
        email=str(fields.get("email", "")),
        team=str(fields.get("team", "")),
        preferences=tuple(fields.get("preferences", ())),
        keynotes=tuple(fields.get("keynotes", ())),
        unavailable=frozenset(fields.get("unavailable", ())),
    )


async def _people(live: Live, store: Store) -> list[tuple[Person, Participant | None]]:
    """Everyone who is not an anonymous seat yet, each with the seat that takes their place
    (None: known only by a token, not in the programme, so no seat)."""
    seats = {seat.id for seat in (await erased_seats(store)).values()}
    tokens = await store.tokens()
    found: dict[str, Participant | None] = {
        p.id: p for p in live.programme.participants if p.id not in seats
    }
    for fields in await store.extra_participants():
        if str(fields.get("id", "")) not in seats:
            found.setdefault(str(fields["id"]), _extra_person(fields))
    for pid in tokens:
        if pid not in seats:
            found.setdefault(pid, None)
    people = []
    for pid, person in found.items():
        anon = f"erased-{secrets.token_hex(4)}"
        who = Person(
            pid,
            anon,
            person.name if person else "",
            person.email if person else "",
            tokens.get(pid, ""),
            person.ntfy if person else "",
        )
        people.append((who, anonymous_seat(person, anon) if person else None))
    return people


async def record_export(store: Store, path: str, kind: str) -> None:
    """A file Rota wrote with personal data (links, certificates): the purge lists it."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    await purge_store.record_export(store, path, kind, at)


def event_end(live: Live) -> datetime:
    """When the real day is over, on the wall clock: its live end (delays included) when the
    stored run is the real day, else the programme's own end; whichever is later, so a
    stored plan made for other times never makes a future day look over."""
    planned = max(live.programme.ends, Timeline.build(live.plan, ClockState.real_time()).ends)
    return max(planned, live.clock.wall_time(live.timeline.ends)) if live.clock.is_real else planned


async def refusal(live: Live, store: Store, now: datetime, margin: timedelta, force: bool) -> str:
    """Why `rota purge` must not run now ("" when it may): a service serves the event (it
    would go on with personal data gone under it), or the event is not over yet."""
    serving = await store.serving()
    if serving:
        return (
            f"a Rota service is serving this event now ({serving}, seen in its Redis): stop it "
            "first (Ctrl-C, or `systemctl stop` for a unit), then run `rota purge` again "
            "(with [privacy] retention_days, the service purges by itself when it is time)"
        )
    end = event_end(live)
    if now < end + margin and not force:
        tz = live.programme.event.tz
        return (
            f"the event is not over: its last item ends {end.astimezone(tz):%Y-%m-%d %H:%M} "
            f"({live.programme.event.timezone}), and the purge waits "
            f"{margin.total_seconds() / 60:g} minutes more (--margin-minutes); the purge "
            "would void every personal link already sent. Add --force to purge anyway"
        )
    return ""


async def purge(
    live: Live, store: Store, own_redis: bool, dry_run: bool = False, by: str = "organiser"
) -> PurgeReport:
    """Purge the event's personal data (see the module's docstring); with `dry_run` only
    count what would go."""
    people = await _people(live, store)
    report = PurgeReport(
        await purge_store.survey(store, sum(1 for _, seat in people if seat is not None)),
        await purge_store.exports_written(store),
        dry_run=dry_run,
    )
    if dry_run:
        return report
    await erase_records(store, people, everyone=True)
    await purge_store.drop_the_rest(store)
    plan = await store.load_plan()
    version = await store.save_plan(plan, plan.version) if plan is not None else 0
    at = datetime.now(UTC).isoformat(timespec="seconds")
    await purge_store.mark_purged(store, at, by)
    await store.audit([{"kind": "purge", "by": by, "people": str(len(people))}])
    await store.publish("plan-changed", version=version)
    await store.publish("tokens-changed")
    report.disk = await purge_store.rewrite_on_disk(store, own_redis)
    log.info("purged the personal data of %d people (%s)", len(people), by)
    return report


class Purger:
    """The leader's retention timer: armed with the day's transitions, at the event's end
    plus `retention_days` on the run's clock (a rehearsal's only with `--purge-in-rehearsal`,
    then at its speed); runs once, also late (a restart after the date). A run that began
    after that date (an old programme served anew) only says so."""

    def __init__(self, service: Service, store: Store, is_leader: Any) -> None:
        self.service = service
        self.store = store
        self.is_leader = is_leader  # () -> bool: only the leader purges
        self._running = asyncio.Lock()

    async def arm(self, scheduler: AsyncIOScheduler, live: Live) -> None:
        policy = privacy_policy(live.programme)
        if policy is None or await purge_store.purged(self.store):
            return
        due = live.clock.wall_time(policy.purge_at(live.timeline.ends))
        if not live.clock.is_real and not self.service.settings.purge_in_rehearsal:
            return  # the tokens are the real day's too: a rehearsal purges only when asked
        began = await purge_store.first_entry_at(self.store)
        if began is not None and due.timestamp() < began:
            log.warning(  # an old programme served anew: nothing of its day was live here
                "the retention time of this event was over (%s) before this run began: "
                "nothing is purged by itself; run `rota purge` (docs/privacy.md)",
                due.isoformat(timespec="seconds"),
            )
            return
        scheduler.add_job(
            self.run,
            "date",
            run_date=max(due, datetime.now(UTC)),
            id="privacy.purge",
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )
        if not live.clock.is_real:
            log.warning(
                "rehearsal at %gx: everyone's personal data will be purged at %s (%d days "
                "after the event's end); stop the rehearsal before then to keep it",
                live.clock.speed,
                due.isoformat(timespec="seconds"),
                policy.retention_days,
            )

    async def run(self) -> None:
        async with self._running:
            if not self.is_leader() or await purge_store.purged(self.store):
                return
            own = self.service.settings.redis_url is None
            report = await purge(self.service.require_live(), self.store, own, by="retention")
            await self.service.reload("plan")
            await self.service.reload("tokens")
            for line in report.lines():
                log.info("purge: %s", line.strip())
