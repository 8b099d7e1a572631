"""A running event's `Live` built without a server, and people picked from one by what a
test needs (someone who moves between rounds, a juror on duty now and later)."""

from __future__ import annotations

from datetime import datetime

from orchestrator.event.live import Live
from orchestrator.scoring.jury import windows
from rooms.links import JitsiConfig
from schedules.clock import ClockState
from schedules.model import Programme
from schedules.plan import Plan
from schedules.planner import plan_rotation

# a self-hosted Jitsi: on the real day public meet.jit.si would report nobody
SELF_HOSTED = JitsiConfig(domain="jitsi.example.org")
GOOD = {"impact": 4, "feasibility": 3, "presentation": 5}  # a valid score on every criterion


def make_live(
    programme: Programme,
    plan: Plan | None = None,
    *,
    clock: ClockState | None = None,
    tokens: dict[str, str] | None = None,
    salt: str = "salt",
    lead_minutes: float = 2,
    base_url: str = "http://x",
    jitsi: JitsiConfig = SELF_HOSTED,
) -> Live:
    """`Live.build` with what the tests leave alone: the plan of seed 0, real time, a token
    `tok-<id>` for each person, nobody revoked."""
    return Live.build(
        programme,
        plan or plan_rotation(programme, seed=0),
        clock or ClockState.real_time(),
        tokens if tokens is not None else {p.id: f"tok-{p.id}" for p in programme.participants},
        set(),
        salt,
        lead_minutes,
        base_url,
        jitsi,
    )


def movers(live: Live, count: int) -> list[str]:
    """Audience members whose rooms in rounds 1 and 2 differ."""
    found = []
    for person in live.programme.participants:
        if person.role != "audience":
            continue
        day = live.days[person.id]
        rooms = {p.round: p.room for p in day if p.kind == "room"}
        if 1 in rooms and 2 in rooms and rooms[1] != rooms[2]:
            found.append(person.id)
    assert len(found) >= count
    return found[:count]


def juror_in_round(live: Live, round_index: int) -> tuple[str, str, str]:
    """A juror, the team they sit with in `round_index`, and a team of theirs from later."""
    for person in live.programme.participants:
        if person.role != "jury":
            continue
        mine = windows(live, person.id)
        now = [w.duty.team for w in mine if w.duty.round == round_index]
        later = [w.duty.team for w in mine if w.duty.round > round_index]
        if now and later:
            return person.id, now[0], later[0]
    raise AssertionError("no juror with a duty now and later")


def reached(live: Live, moment: datetime) -> bool:
    """Whether the event clock has come to `moment` (for `eventually`)."""
    return live.event_now() >= moment
