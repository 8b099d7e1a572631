"""The day's certificates gathered: what each person attended (each round in its room, each
keynote whose threshold they met, by the strongest presence source), which teams won which
award, the feedback per team; then every PDF (drawn by certificate_pdf.py) in a worker thread,
and the lot as one zip. A file name never leaves its folder, whatever the ids.

Text is only ever written as text: a comment holding markup prints its characters."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from orchestrator.event.live import Live
from orchestrator.language.i18n import translator
from orchestrator.presence.attendance import in_event_time, keynote_report, round_report
from orchestrator.scoring.certificate_pdf import (
    Look,
    Seen,
    attendance_certificate,
    award_certificate,
    event_date,
    feedback_sheet,
)
from orchestrator.storage.score_store import ScoreStore
from orchestrator.storage.store import Store
from rooms.events import RoomEvent
from schedules.evidence import Mark
from schedules.model import Participant
from schedules.scoring import Feedback, Score


def safe_filename(text: str) -> str:
    """A file name from ids that cannot leave its folder or hide: letters, digits, `.`, `-`
    and `_` only (anything else becomes `_`), never starting with a dot."""
    return re.sub(r"^\.+", "_", re.sub(r"[^A-Za-z0-9._-]", "_", text)) or "_"


@dataclass(frozen=True)
class Certificate:
    filename: str  # made safe here, whatever the ids it was built from
    pdf: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "filename", safe_filename(self.filename))


@dataclass(frozen=True)
class RoundSeen:
    """A round a person was in: the room, the team presenting there, minutes and source."""

    round: int
    room: str
    team: str
    presenting: bool
    minutes: int
    source: str


@dataclass(frozen=True)
class Attendance:
    rounds: tuple[RoundSeen, ...] = ()
    keynotes: tuple[tuple[str, int, str], ...] = ()  # keynote id, minutes, source

    @property
    def minutes(self) -> int:
        return sum(r.minutes for r in self.rounds) + sum(k[1] for k in self.keynotes)


def attendance_of(
    live: Live, events: list[RoomEvent], clicks: list[dict[str, Any]], marks: list[Mark]
) -> dict[str, Attendance]:
    """Person -> what they attended: each round in its room (the minutes the video room
    reported, else the round's length when they checked in or confirmed, or followed their link
    where the room's platform reports nobody), and each keynote
    whose threshold they met (its own evidence rules)."""
    rounds: dict[str, list[RoundSeen]] = {}
    for item in live.timeline.rounds:
        length = round((item.end - item.start).total_seconds() / 60)
        for row in round_report(live, events, item.index, clicks, marks):
            measured = round(row["minutes_in_room"])
            if measured > 0:
                minutes, source = min(measured, length), "webhook"
            elif row["status"] == "in-room" and row["evidence"]:
                # a check-in or "I'm here", or following the link where the room's platform
                # reports nobody (round_report decides, as the board does)
                minutes, source = length, row["evidence"]
            else:
                continue
            rounds.setdefault(row["participant"], []).append(
                RoundSeen(
                    item.index,
                    row["room"],
                    row["team"],
                    row["role"] == "presenter",
                    minutes,
                    source,
                )
            )
    keynotes: dict[str, list[tuple[str, int, str]]] = {}
    planned = {k.id for k in live.plan.keynotes}  # a stored plan may predate a keynote
    for keynote in live.programme.keynotes:
        if keynote.id not in planned:
            continue
        for attended in keynote_report(live, events, keynote.id, clicks, marks):
            if attended.status == "attended":
                source = attended.evidence or "webhook"
                measured = round(attended.minutes) if source == "webhook" else keynote.minutes
                keynotes.setdefault(attended.participant, []).append(
                    (keynote.id, min(measured, keynote.minutes) or keynote.minutes, source)
                )
    return {
        person: Attendance(tuple(rounds.get(person, ())), tuple(keynotes.get(person, ())))
        for person in sorted(set(rounds) | set(keynotes))
    }


def _seen(live: Live, language: str, attended: Attendance) -> tuple[list[Seen], list[Seen]]:
    """The person's rounds and keynotes as lines in their language."""
    t = translator(language)
    programme = live.programme
    rounds = []
    for r in attended.rounds:
        team = programme.team_by_id.get(r.team)
        name = team.name if team else r.team
        room = programme.room_name(r.room)
        what = t("presenting", room=room) if r.presenting else f"{name} ({room})"
        rounds.append(Seen(f"{t('round', n=r.round)}: {what}", r.minutes, r.source))
    keynotes = []
    for keynote_id, minutes, source in attended.keynotes:
        keynote = programme.keynote_by_id[keynote_id]
        title = keynote.title_in(language) + (f" — {keynote.speaker}" if keynote.speaker else "")
        keynotes.append(Seen(title, minutes, source))
    return rounds, keynotes


def build_all(
    live: Live,
    winners: dict[str, list[str]],
    scores: Iterable[Score],
    feedback: Iterable[Feedback],
    attended: dict[str, Attendance],
) -> list[Certificate]:
    programme = live.programme
    look = Look.of(programme)
    jury = [p.name for p in programme.participants if p.role == "jury"]
    event = programme.event.title
    first = programme.starts.astimezone(programme.event.tz)
    members: dict[str, list[Participant]] = {}
    for person in programme.participants:
        if person.role == "presenter" and person.team:
            members.setdefault(person.team, []).append(person)
    out: list[Certificate] = []
    language = programme.event.language
    for award in programme.awards:
        for team_id in winners.get(award.id, []):
            team = programme.team_by_id[team_id]
            out.append(
                Certificate(
                    f"award-{award.id}-{team.id}.pdf",
                    award_certificate(
                        event,
                        event_date(first, language),
                        language,
                        award,
                        team.name,
                        team.project,
                        [p.name for p in members.get(team.id, [])],
                        jury,
                        look,
                    ),
                )
            )
    for person_id, record in sorted(attended.items()):
        attendee = programme.participant_by_id.get(person_id)
        if attendee is None or record.minutes < max(1, look.attendance_minutes):
            continue
        own = programme.language_of(attendee)
        rounds, keynotes = _seen(live, own, record)
        out.append(
            Certificate(
                f"attendance-{attendee.id}.pdf",
                attendance_certificate(
                    event,
                    event_date(first, own),
                    own,
                    attendee.name,
                    attendee.institution,
                    keynotes,
                    rounds,
                    look,
                ),
            )
        )
    scores = list(scores)
    feedback = list(feedback)
    for team in programme.teams:
        out.append(
            Certificate(
                f"feedback-{team.id}.pdf",
                feedback_sheet(
                    event,
                    language,
                    team.name,
                    team.project,
                    [
                        s.comment
                        for s in sorted(scores, key=lambda s: s.at)
                        if s.team == team.id and s.comment
                    ],
                    [
                        f.line
                        for f in sorted(feedback, key=lambda f: f.at)
                        if f.team == team.id and f.line
                    ],
                    [f.rating for f in feedback if f.team == team.id],
                ),
            )
        )
    return out


async def gather(live: Live, store: Store) -> list[Certificate]:
    """Every certificate from the stored scores, awards and room events; the PDFs are made in
    a worker thread, so the event loop keeps serving meanwhile."""
    scores = ScoreStore(store)
    assigned = await scores.awards()
    events = in_event_time(live, await store.room_events()).events
    return await asyncio.to_thread(
        build_all,
        live,
        {award: data.get("teams", []) for award, data in assigned.items()},
        await scores.scores(),
        await scores.feedback(),
        attendance_of(live, events, await store.clicks(), await store.marks()),
    )


def zipped(certificates: Iterable[Certificate]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in certificates:
            archive.writestr(item.filename, item.pdf)
    return buffer.getvalue()
