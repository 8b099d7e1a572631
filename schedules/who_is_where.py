"""Who is where, as the tables people forward: per room (each round, the team presenting and
the names in the room; each keynote there and how many attend) and per person (their day, as
schedules/agenda.py gives it). Times stay UTC here; the orchestrator writes them in a zone and
a language (one formatter, orchestrator/views/page_view.py). Names are as typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schedules.agenda import AgendaItem, agenda
from schedules.model import Participant, Programme
from schedules.plan import Plan


@dataclass(frozen=True)
class RoomSlot:
    """One round (or one keynote) in one room."""

    start: datetime
    end: datetime
    round: int | None  # None: a keynote
    team_name: str = ""
    project: str = ""
    presenters: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()  # names, sorted; jury marked by `jury`
    jury: tuple[str, ...] = ()
    keynote: str = ""  # its title, for a keynote
    attending: int = 0  # a keynote's audience, counted (a plenary is everyone)


@dataclass(frozen=True)
class RoomDay:
    room: str
    room_name: str
    slots: tuple[RoomSlot, ...]


def by_room(programme: Programme, plan: Plan) -> list[RoomDay]:
    """Every room used, in the programme's order, with its rounds and keynotes in time order."""
    people = programme.participant_by_id
    teams = programme.team_by_id
    presenters: dict[str, list[str]] = {}
    for person in programme.participants:
        if person.role == "presenter" and person.team:
            presenters.setdefault(person.team, []).append(person.name)
    slots: dict[str, list[RoomSlot]] = {}
    for rnd in plan.rounds:
        for slot in rnd.rooms:
            team = teams.get(slot.team)
            listening = [people[p] for p in slot.audience if p in people]
            slots.setdefault(slot.room, []).append(
                RoomSlot(
                    rnd.start,
                    rnd.end,
                    rnd.index,
                    team.name if team else slot.team,
                    team.project if team else "",
                    tuple(sorted(presenters.get(slot.team, []), key=str.casefold)),
                    tuple(sorted((p.name for p in listening), key=str.casefold)),
                    tuple(
                        sorted((p.name for p in listening if p.role == "jury"), key=str.casefold)
                    ),
                )
            )
    for keynote in plan.keynotes:
        details = programme.keynote_by_id.get(keynote.id)
        slots.setdefault(keynote.room, []).append(
            RoomSlot(
                keynote.start,
                keynote.end,
                None,
                keynote=details.title if details else keynote.id,
                attending=len(keynote.audience),
            )
        )
    order = [r.id for r in programme.rooms]
    used = sorted(slots, key=lambda r: (order.index(r) if r in order else len(order), r))
    return [
        RoomDay(r, programme.room_name(r), tuple(sorted(slots[r], key=lambda s: s.start)))
        for r in used
    ]


def by_person(programme: Programme, plan: Plan) -> list[tuple[Participant, list[AgendaItem]]]:
    """Every person with a day (organisers roam: none), by name, with their agenda."""
    found = []
    for person in sorted(programme.participants, key=lambda p: (p.name.casefold(), p.id)):
        items = agenda(programme, plan, person.id) if person.role != "organiser" else []
        if items:
            found.append((person, items))
    return found
