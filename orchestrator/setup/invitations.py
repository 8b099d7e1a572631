"""Sending the invitations from the setup and following each one: the same queue as
`POST /api/v1/invitations` (MailWorker.invite, taken by any process's mail worker), the same
records as `rota invite` (mail/records.py), read back as one line per person. Sending needs
a confirmation naming how many people and which address their links open, and while that
address is a loopback one or a rehearsal runs, the organiser's word that this is a test: such
links open nothing for people elsewhere (mail/addresses.py sends them again on the real day)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from orchestrator.event.live import Live
from orchestrator.mail.addresses import loopback_url, outdated
from orchestrator.mail.records import record_key
from orchestrator.mail.worker import MailWorker

# the order the page lists them in: what needs the organiser first
STATES = ("failed", "resend", "waiting", "unsent", "no-address", "sent")


@dataclass(frozen=True)
class Line:
    pid: str
    name: str
    email: str
    language: str
    state: str  # one of STATES
    detail: str = ""  # the server's reason, when it was sent, or the address it carried


@dataclass(frozen=True)
class Invitations:
    base_url: str
    test_only: str  # "" or why the links suit only a test: "rehearsal" | "loopback"
    lines: list[Line] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(line.state for line in self.lines)
        return {state: found[state] for state in STATES if found[state]}

    @property
    def to_send(self) -> int:
        """How many a send would mail now (sent ones are skipped unless outdated)."""
        again = ("unsent", "failed") + (() if self.test_only else ("resend",))
        return sum(line.state in again for line in self.lines)

    @property
    def failed(self) -> list[str]:
        return [line.pid for line in self.lines if line.state == "failed"]

    @property
    def busy(self) -> bool:
        return any(line.state == "waiting" for line in self.lines)


def test_only(live: Live) -> str:
    if not live.clock.is_real:
        return "rehearsal"
    return "loopback" if loopback_url(live.base_url) else ""


async def invitations(live: Live, mailer: MailWorker) -> Invitations:
    """Every participant's invitation as the records and the queue have it now."""
    records = await mailer.records.all()
    by_key = {r.key: r for r in records}
    again = outdated(records, live.base_url)
    stale = set(again.rehearsal)  # sent again by themselves once the address is public
    queued = {
        job["participant"]
        for job in await mailer.records.mail.waiting()
        if job.get("kind") == "invitation"
    }
    lines = []
    for person in live.programme.participants:
        record = by_key.get(record_key("invitation", person.id))
        state, detail = "unsent", ""
        if not person.email:
            state = "no-address"
        elif person.id in queued or (record is not None and record.status == "sending"):
            state = "waiting"
        elif record is not None and record.status == "failed":
            state, detail = "failed", record.error
        elif record is not None and record.status == "sent":
            state = "resend" if person.id in stale else "sent"
            detail = record.base_url if state == "resend" else record.at[:16].replace("T", " ")
        language = live.programme.language_of(person)
        lines.append(Line(person.id, person.name, person.email, language, state, detail))
    lines.sort(key=lambda line: (STATES.index(line.state), line.name.casefold()))
    return Invitations(live.base_url, test_only(live), lines)
