"""The organiser's changes to the plan worked out from the live state, before the service
stores them: a move checked (each refusal says why) and the plan it makes; the replan API's
body read into a `schedules.replan` change (a late arrival passes the roster's own checks)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from orchestrator.errors import Refused
from orchestrator.event.api_bodies import Replan
from orchestrator.event.live import Live
from schedules.campus import move_problem
from schedules.newcomers import cells_of, checked_person
from schedules.plan import Plan, RoomSlot
from schedules.quality import quality
from schedules.replan import Change, Departure, LateArrival, RoomLost, TeamDropout
from schedules.roster import COLUMNS


def moved_plan(live: Live, participant: str, round_index: int, room: str) -> Plan:
    """The plan with `participant` in `room` for that round, or Refused with the reason."""
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
    return replace(plan, stats=quality(live.programme, plan))


def change_from_request(body: Replan, live: Live) -> Change:
    """The replan API's body, parsed (event/api_bodies.Replan: which change, ids as text), as a
    `schedules.replan` change; here what the model cannot say: the fields each change needs,
    and a late arrival's details, checked as a roster row is."""
    if body.change == "departure":
        return Departure(_required(body.participant, "participant"))
    if body.change == "team_dropout":
        return TeamDropout(_required(body.team, "team"))
    if body.change == "room_lost":
        return RoomLost(_required(body.room, "room"), body.replacement)
    raw = body.participant  # a late arrival: an id from the roster, or their details
    if isinstance(raw, str):
        person = live.programme.participant_by_id.get(raw)
        if person is None:
            raise Refused(f"unknown participant {raw!r}; send their details instead")
        return LateArrival(person)
    if raw is None:
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


def _required(value: str | dict[str, Any] | None, key: str) -> str:
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
