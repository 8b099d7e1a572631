"""The setup opened from the board of a day that has not started: the draft begins as the
programme being served (its form fields, its participant list, and its file for the sections
the form does not write), so editing it in the browser starts from what is there."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from pathlib import Path

from orchestrator.setup.day_form import BreakRow, DayForm, KeynoteRow, RoomRow, TeamRow
from orchestrator.setup.draft_folder import SUFFIXES, DraftFolder
from schedules.model import Programme, Room


def _kind(room: Room) -> tuple[str, str]:
    if room.onsite:
        return "onsite", room.onsite
    if room.url:
        return "link", room.url
    return ("bbb" if room.platform == "bbb" else "jitsi"), ""


def day_of(programme: Programme) -> DayForm:
    tz = programme.event.tz
    rotation = programme.rotation
    first = rotation.starts[0].astimezone(tz)
    names = {r.id: r.name for r in programme.rooms}
    step = timedelta(minutes=rotation.round_minutes + rotation.changeover_minutes)
    breaks = [
        BreakRow(str(i), str(int((later - earlier - step).total_seconds() // 60)))
        for i, (earlier, later) in enumerate(pairwise(rotation.starts), start=1)
        if later - earlier > step
    ]
    bbb = programme.sections.get("bbb") or {}
    return DayForm(
        event_id=programme.event.id,
        title=programme.event.title,
        date=f"{first:%Y-%m-%d}",
        timezone=programme.event.timezone,
        language=programme.event.language,
        start=f"{first:%H:%M}",
        round_minutes=str(rotation.round_minutes),
        rounds=str(len(rotation.starts)),
        changeover_minutes=str(rotation.changeover_minutes),
        jury_per_team=str(rotation.jury_per_team),
        min_audience=str(rotation.min_audience),
        bbb_url=str(bbb.get("url", "")),
        rooms=[
            RoomRow(r.name, str(r.seats if r.onsite else r.capacity), *_kind(r), id=r.id)
            for r in programme.rooms
        ],
        teams=[
            TeamRow(t.name, t.project, names.get(t.room, t.room), t.id) for t in programme.teams
        ],
        keynotes=[
            KeynoteRow(
                k.title,
                f"{k.start.astimezone(tz):%H:%M}",
                str(k.minutes),
                names.get(k.room, k.room),
                k.audience,
                k.id,
            )
            for k in programme.keynotes
        ],
        breaks=breaks,
    )


def start_from(folder: DraftFolder, programme: Programme) -> None:
    """A draft that is still empty becomes the served programme (nothing else is touched)."""
    if folder.state().version:
        return
    if programme.source is not None and programme.source.exists():
        folder.keep_from(programme.source.read_bytes())
    roster: Path | None = programme.roster
    if roster is not None and roster.suffix.lower() in SUFFIXES and roster.exists():
        folder.save_list(roster.suffix.lower(), roster.read_bytes())
    folder.save_day(day_of(programme))
