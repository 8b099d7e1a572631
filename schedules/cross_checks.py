"""The checks that need both files, the programme and its roster: teams without presenters,
people registered for keynotes that overlap (or that overlap their own team's rounds), keynote
rooms too small for their audience, teams in a campus-only room that nobody comes to see."""

from __future__ import annotations

from pathlib import Path

from schedules.campus import online_seats
from schedules.day_sections import KEYNOTES, ROOMS
from schedules.model import Keynote, Participant, Room, Rotation, Team
from schedules.problems import Problem
from schedules.programme_reader import Reader, entries
from schedules.roster import Roster
from schedules.schema import plural


def check_keynote_rooms(
    r: Reader, rooms: list[Room], keynotes: list[Keynote], people: tuple[Participant, ...]
) -> None:
    """A keynote room listed with a capacity should hold the keynote's audience."""
    capacity = {room.id: room.capacity for room in rooms}
    index = {k.get("id"): i for i, k in enumerate(entries(r.data, KEYNOTES))}
    for keynote in keynotes:
        if keynote.room not in capacity:
            continue
        expected = sum(1 for p in people if keynote.plenary or keynote.id in p.keynotes)
        if expected > capacity[keynote.room]:
            r.report(
                ("keynotes", index[keynote.id], "room"),
                f"keynote {keynote.id!r} expects {plural(expected, 'person', 'people')} but "
                f"room {keynote.room!r} holds {capacity[keynote.room]}",
                "warning",
            )


def check_stranded_teams(
    r: Reader, rooms: list[Room], teams: list[Team], people: tuple[Participant, ...]
) -> None:
    """A team in a room that is only on campus is seen only by people with `mode = onsite`:
    with none of them (but its own) it would present to an empty room, jury and all."""
    campus_only = {room.id for room in rooms if room.onsite and not online_seats(room)}
    index = {room.get("id"): i for i, room in enumerate(entries(r.data, ROOMS))}
    for team in teams:
        if team.room in campus_only and not any(
            p.mode == "onsite" and p.team != team.id for p in people
        ):
            r.report(
                ("rooms", index[team.room], "onsite"),
                f"team {team.id!r} presents in room {team.room!r}, which is only on campus, "
                "but nobody else in the roster comes to campus (`mode = onsite`): it would "
                "have no audience and no jury all day. Give the people who come `mode = "
                "onsite` in the roster, or give the room a `url` for online seats",
                "warning",
            )


def check_people(
    r: Reader,
    roster_path: Path,
    roster: Roster,
    teams: list[Team],
    keynotes: list[Keynote],
    rotation: Rotation | None,
) -> None:
    """Checks that need both files: presence of presenters, keynote clashes."""
    participants = roster.participants
    presenting = {p.team for p in participants if p.role == "presenter"}
    tables = r.data.get("teams", [])
    for team in teams:
        if team.id not in presenting:
            index = next(j for j, t in enumerate(tables) if t.get("id") == team.id)
            r.report(
                ("teams", index, "id"),
                f"team {team.id!r} has no presenters in the roster",
                "warning",
            )
    by_id = {k.id: k for k in keynotes}
    for person in participants:
        chosen = [by_id[k] for k in person.keynotes if k in by_id]  # as registered
        for a_index, a in enumerate(chosen):
            for b in chosen[a_index + 1 :]:
                if a.start < b.end and b.start < a.end:
                    r.problems.append(
                        Problem(
                            roster.where or str(roster_path),
                            roster.lines.get(person.id, 1),
                            f"{person.id!r} attends keynotes {a.id!r} and {b.id!r}, which overlap",
                        )
                    )
        if person.role == "presenter" and rotation is not None:
            for keynote in chosen:
                clash = [s.index for s in rotation.slots if s.overlaps(keynote.start, keynote.end)]
                if clash:
                    r.problems.append(
                        Problem(
                            roster.where or str(roster_path),
                            roster.lines.get(person.id, 1),
                            f"presenter {person.id!r} attends keynote {keynote.id!r}, "
                            f"which overlaps rounds {', '.join(map(str, clash))} "
                            f"of team {person.team!r}: "
                            "they are sent to the keynote then",
                            "warning",
                        )
                    )
