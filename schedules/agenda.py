"""A person's day: where they are in each round and keynote, in the order it happens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from schedules.campus import campus_address
from schedules.model import Programme
from schedules.plan import Plan

Kind = Literal["presenting", "audience", "keynote", "away"]
# a translator: a message key and its values -> the text in the person's language (the
# orchestrator's catalogs, orchestrator.language.i18n.translator); this package stays pure
Words = Callable[..., str]


@dataclass(frozen=True)
class AgendaItem:
    kind: Kind
    start: datetime  # UTC, as planned (the live clock may shift it)
    end: datetime
    round: int | None  # None for a keynote
    room: str
    room_name: str
    team: str = ""
    team_name: str = ""
    project: str = ""
    keynote: str = ""
    title: str = ""
    reason: str = ""
    plenary: bool = False  # a keynote for everyone: its title says what it is
    link: str = ""  # the room's plain link on another platform (Zoom, Teams, …), if it has one
    onsite: str = ""  # on campus for this person: where the room is ("Building A, room 2.14")

    @property
    def where(self) -> str:
        """The room, and on campus where it is."""
        return f"{self.room_name}, {self.onsite}" if self.onsite else self.room_name

    def summary(self, t: Words) -> str:
        """The item in a line, in the person's language ("Ronda 1: Sala 8 — Equipa Azul")."""
        if self.kind == "keynote":
            return self.title if self.plenary else f"{t('keynote')}: {self.title}"
        heading = t("round", n=self.round)
        if self.kind == "away":
            return f"{heading}: {t('away')}"
        if self.kind == "presenting":
            return f"{heading}: {t('presenting', room=self.room_name)} ({self.team_name})"
        return f"{heading}: {self.room_name} — {self.team_name}"


def agenda(programme: Programme, plan: Plan, participant: str) -> list[AgendaItem]:
    person = programme.participant_by_id[participant]
    teams = programme.team_by_id
    items: list[AgendaItem] = []
    keynote_ids = {k.id for k in plan.keynotes_of(participant)}
    away = {u.round: u.reason for u in plan.unassigned_of(participant)}
    for rnd in plan.rounds:
        slot = plan.room_in_round(participant, rnd.index)
        if slot is not None and not _at_keynote(plan, keynote_ids, rnd.start, rnd.end):
            team = teams.get(slot.team)
            here = campus_address(programme, person, slot.room)  # on campus: walk, no link
            kind: Kind = "presenting" if person.role == "presenter" else "audience"
            items.append(
                AgendaItem(
                    kind,
                    rnd.start,
                    rnd.end,
                    rnd.index,
                    slot.room,
                    programme.room_name(slot.room),
                    slot.team,
                    team.name if team else slot.team,
                    team.project if team else "",
                    link="" if here else _link(programme, slot.room),
                    onsite=here,
                )
            )
        elif rnd.index in away and not away[rnd.index].startswith("keynote"):
            items.append(
                AgendaItem("away", rnd.start, rnd.end, rnd.index, "", "", reason=away[rnd.index])
            )
    for keynote in plan.keynotes_of(participant):
        details = programme.keynote_by_id.get(keynote.id)
        there = campus_address(programme, person, keynote.room)
        items.append(
            AgendaItem(
                "keynote",
                keynote.start,
                keynote.end,
                None,
                keynote.room,
                programme.room_name(keynote.room),
                keynote=keynote.id,
                title=details.title_in(programme.language_of(person)) if details else keynote.id,
                plenary=details.plenary if details else False,
                link="" if there else _link(programme, keynote.room),
                onsite=there,
            )
        )
    return sorted(items, key=lambda i: (i.start, i.kind != "keynote"))


def _link(programme: Programme, room: str) -> str:
    declared = programme.room_by_id.get(room)
    return declared.url if declared else ""


def _at_keynote(plan: Plan, keynote_ids: set[str], start: datetime, end: datetime) -> bool:
    return any(k.id in keynote_ids and k.start < end and start < k.end for k in plan.keynotes)


def changed_agendas(programme: Programme, before: Plan, after: Plan) -> list[str]:
    """Who has other places (rooms, teams, times or keynotes) in `after` than in `before`,
    and still has any (someone who left is not told their day changed)."""

    def places(plan: Plan, pid: str) -> list[tuple[object, ...]]:
        return [
            (i.kind, i.start, i.end, i.room, i.team, i.keynote)
            for i in agenda(programme, plan, pid)
        ]

    found = []
    for person in programme.participants:
        if not person.planned:
            continue
        now = places(after, person.id)
        if now and places(before, person.id) != now:  # a departed person has nothing left
            found.append(person.id)
    return found
