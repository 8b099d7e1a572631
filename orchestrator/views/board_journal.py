"""The board's journal in words: an audit entry said as what happened ("Round 2 started",
"80 invitations sent, 2 failed"), bursts folded into one line, and only the latest run's
entries. Pure, like the rest of the board's view (board_view.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from orchestrator.event.live import Live

T = TypeVar("T")

BOUNDARY_WORDS = {
    "round.warning": "Round {n}: 2-minute warning",
    "round.started": "Round {n} starts",
    "round.wrapup": "Round {n}: wrap-up",
    "round.ended": "Round {n} ends",
    "keynote.started": "Keynote “{title}” starts",
    "keynote.ended": "Keynote “{title}” ends",
    "event.ended": "The day ends",
}
# the same boundaries once they have happened, for the journal
HAPPENED_WORDS = {
    "round.warning": "Round {n}: 2-minute warning sent",
    "round.started": "Round {n} started",
    "round.wrapup": "Round {n}: wrap-up",
    "round.ended": "Round {n} ended",
    "keynote.started": "Keynote “{title}” started",
    "keynote.ended": "Keynote “{title}” ended",
    "event.ended": "The day ended",
}


def boundary_label(live: Live, boundary_id: str, words: dict[str, str] = BOUNDARY_WORDS) -> str:
    kind, _, item = boundary_id.partition(":")
    keynote = live.programme.keynote_by_id.get(item)
    return words.get(kind, kind).format(n=item, title=keynote.title if keynote else item)


RUN_KIND = "run.started"  # the audit entry that opens a run: the journal starts there


BY = {"board": " from the board", "api": " through the API"}  # where an action came from
MAIL_NOUNS = {  # a mail kind: one, many
    "invitation": ("invitation", "invitations"),
    "reminder": ("reminder", "reminders"),
    "changed": ("“agenda changed” e-mail", "“agenda changed” e-mails"),
}


def _mail_kind(fields: Mapping[str, str]) -> str:
    return fields.get("mail", "").split("@")[0].split("-v")[0].split(":")[0]


def _nouns(kind: str) -> tuple[str, str]:
    return MAIL_NOUNS.get(kind, (f"e-mail ({kind.replace('-', ' ')})", f"e-mails ({kind})"))


def _count(n: int, nouns: tuple[str, str]) -> str:
    return f"{n} {nouns[0] if n == 1 else nouns[1]}"


def journal_text(live: Live, fields: dict[str, str]) -> str:
    """An audit entry in plain words, as the board's journal shows it: what happened, not
    the button that was pressed."""
    kind = fields.get("kind", "")
    by = BY.get(fields.get("by", ""), "")
    if kind == "transition":
        text = boundary_label(live, fields.get("id", ""), HAPPENED_WORDS)
        if fields.get("status") == "skipped":
            text += " (skipped: its moment had passed)"
        return text
    if kind == "clock.delay":
        minutes = _minutes(fields.get("minutes", "0"))
        moved = "put back" if not minutes.startswith("-") else "brought forward"
        return f"The rest of the day {moved} by {minutes.lstrip('+-')} min{by}"
    if kind == "clock.extend":
        minutes = _minutes(fields.get("minutes", "0")).lstrip("+")
        return f"The running round extended by {minutes} min; what follows starts later{by}"
    if kind == "broadcast":
        people = fields.get("people", "")
        to = f" to {_count(int(people), ('person', 'people'))}" if people.isdigit() else ""
        return f"Broadcast sent{to}{by}: “{fields.get('message', '')}”"
    if kind == "move":
        who = _person(live, fields.get("participant", ""))
        room = live.programme.room_name(fields.get("room", ""))
        return f"{who} moved to {room} for round {fields.get('round', '?')}{by}"
    if kind == "replan":
        people = fields.get("moved", "0")
        count = _count(int(people), ("person", "people")) if people.isdigit() else people
        return f"Replanned ({fields.get('change', '')}): {count} moved"
    if kind == "revoke":
        return f"New link for {_person(live, fields.get('participant', ''))}; the old one is void"
    if kind == "score":
        team = live.programme.team_by_id.get(fields.get("team", ""))
        name = team.name if team else fields.get("team", "")
        return f"{_person(live, fields.get('juror', ''))} scored {name}"
    if kind == "award":
        names = [live.programme.team_by_id.get(t) for t in fields.get("teams", "").split()]
        award = next((a for a in live.programme.awards if a.id == fields.get("award")), None)
        return f"Award {award.name if award else fields.get('award', '')}: " + ", ".join(
            n.name for n in names if n
        )
    if kind == "mail":
        noun = _nouns(_mail_kind(fields))[0]
        who = _person(live, fields.get("participant", ""))
        if fields.get("outcome") == "failed":
            error = f": {fields['error']}" if fields.get("error") else ""
            return f"{noun[0].upper()}{noun[1:]} to {who} failed{error}"
        return f"{noun[0].upper()}{noun[1:]} {fields.get('outcome', '')} to {who}"
    if kind == "checkin.flagged":
        where = live.programme.room_name(fields.get("room", ""))
        return (
            f"{_person(live, fields.get('participant', ''))} checked in at {where}, where "
            "they are not planned now (not counted as attendance)"
        )
    if kind == RUN_KIND:
        if fields.get("why"):  # a stored real day re-armed from a changed programme
            return f"The day was armed again from the programme: {fields['why']}"
        speed = float(fields.get("speed", "1") or 1)
        return f"Rehearsal started (×{speed:g})" if speed != 1 else "The day started"
    return kind or "?"


def journal_group(fields: Mapping[str, str]) -> str:
    """Entries that come in bursts and are read as one line (80 invitations): their group."""
    return f"mail:{_mail_kind(fields)}" if fields.get("kind") == "mail" else ""


def group_text(group: str, entries: Sequence[Mapping[str, str]]) -> str:
    """ "80 invitations sent, 2 failed": the burst's outcomes, the most frequent first."""
    nouns = _nouns(group.partition(":")[2])
    outcomes: dict[str, int] = {}
    for fields in entries:
        outcome = fields.get("outcome", "") or "?"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    ordered = sorted(outcomes.items(), key=lambda o: (o[0] != "sent", -o[1]))
    first, *rest = ordered
    return ", ".join([f"{_count(first[1], nouns)} {first[0]}", *(f"{n} {o}" for o, n in rest)])


def fold_journal(
    live: Live, entries: Sequence[tuple[str, dict[str, str], float]]
) -> list[dict[str, Any]]:
    """Journal lines from (id, fields, wall seconds): a run of entries of one group becomes
    one line with the count in words, its entries kept as `items` for the board's "show".
    A line's `id` is its first entry's, `last` its latest's (a board replaces the line it
    has with that id)."""
    lines: list[dict[str, Any]] = []
    members: list[Mapping[str, str]] = []
    for entry_id, fields, at in entries:
        item = {**journal_line(live, fields, at), "id": entry_id}
        group = journal_group(fields)
        top = lines[-1] if lines else None
        if group and top is not None and top.get("group") == group:
            members.append(fields)
            top["items"].append(item)
            top.update(last=entry_id, text=group_text(group, members))
            continue
        members = [fields]
        lines.append({**item, "last": entry_id, "group": group, "items": [item] if group else []})
    for line in lines:
        if line["group"] and len(line["items"]) == 1:  # a single e-mail: its own words
            line["text"] = line["items"][0]["text"]
    return lines


def journal_line(live: Live, fields: dict[str, str], wall_seconds: float) -> dict[str, str]:
    """Time on the event's clock face plus the words; `at` keeps the wall time."""
    at = datetime.fromtimestamp(wall_seconds, UTC)
    local = live.clock.event_time(at).astimezone(live.programme.event.tz).strftime("%H:%M")
    return {
        "at": at.isoformat(),
        "time": local,
        "kind": fields.get("kind", ""),
        "text": journal_text(live, fields),
    }


def current_run(entries: list[T], kind_of: Callable[[T], str]) -> list[T]:
    """Only what happened since the latest run began: a rehearsal's entries are not today's."""
    for i in range(len(entries) - 1, -1, -1):
        if kind_of(entries[i]) == RUN_KIND:
            return entries[i:]
    return entries


def _minutes(minutes: str) -> str:
    try:
        value = float(minutes)
    except ValueError:
        return minutes
    return f"{value:+g}"


def _person(live: Live, participant: str) -> str:
    person = live.programme.participant_by_id.get(participant)
    return person.name if person else participant
