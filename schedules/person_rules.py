"""The strict CSV's per-row rules: one row's cells checked into a `Participant`, every problem
of the row at once (a row refused for its id or role still gets every other check); the same
function and messages for a roster line and a person added on the day (newcomers.py)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from schedules.localtime import valid_timezone
from schedules.model import LANGUAGES, ROLES, Participant
from schedules.problems import Problem, Severity
from schedules.schema import closest, listing
from schedules.text import unsafe_character

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
MODES = ("online", "onsite")
NTFY_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def check_person(
    cells: dict[str, str],
    name: str,
    line: int,
    problems: list[Problem],
    teams: Mapping[str, None],
    keynotes: Collection[str],
    rounds: int | None,
    broken: Sequence[str],
) -> Participant | None:
    def error(message: str, severity: Severity = "error") -> None:
        problems.append(Problem(name, line, message, severity))

    pid = cells.get("id", "")
    if not pid:
        error("empty participant id")
        return None
    # a row refused for its id or role still gets every other check: all its problems at once
    usable = True
    if not all(c.isalnum() or c in "-_." for c in pid) or not pid.isascii():
        error(f"participant id {pid!r} may hold only letters, digits, -, _ and .")
        usable = False
    role = cells.get("role", "").lower()
    if role not in ROLES:
        error(f"{pid!r}: unknown role {role!r} (use {', '.join(ROLES)})")
        usable = False
    if not cells.get("name"):
        error(f"{pid!r}: empty name")
    for column in ("name", "institution"):  # shown on pages, boards, mails and exports
        if what := unsafe_character(cells.get(column, "")):
            error(f"{pid!r}: the {column} holds a control or invisible character ({what})")
    email = cells.get("email", "")
    if email and not EMAIL.match(email):
        error(f"{pid!r}: malformed e-mail {email!r}")
    team = cells.get("team", "")
    if role == "presenter":
        if not team:
            error(f"presenter {pid!r} has no team")
        elif team not in teams and not closest(team, broken):
            error(f"presenter {pid!r} belongs to unknown team {team!r} (teams: {listing(teams)})")
    elif team and role in ROLES:
        error(f"{pid!r} is {role}, so their team {team!r} is ignored", "warning")
        team = ""
    tz = cells.get("timezone", "")
    if tz and not valid_timezone(tz):
        error(f"{pid!r}: unknown time zone {tz!r}")
        tz = ""
    language = cells.get("language", "").lower()
    if language and language not in LANGUAGES:
        error(f"{pid!r}: unsupported language {language!r} (supported: {', '.join(LANGUAGES)})")
        language = ""
    preferences = tuple(cells.get("preferences", "").split())
    for pref in preferences:
        if pref not in teams and not closest(pref, broken):
            error(f"{pid!r}: preference for unknown team {pref!r} (teams: {listing(teams)})")
    if len(set(preferences)) != len(preferences):
        error(f"{pid!r}: a team is listed twice in preferences", "warning")
    chosen = tuple(cells.get("keynotes", "").split())
    for keynote in chosen:
        if keynote not in keynotes and not closest(keynote, broken):
            error(f"{pid!r}: unknown keynote {keynote!r} (keynotes: {listing(keynotes)})")
    unavailable: set[int] = set()
    for item in cells.get("unavailable", "").split():
        if rounds is None:
            continue
        if not item.isdigit() or not 1 <= int(item) <= rounds:
            error(f"{pid!r}: unavailable round {item!r} is not a round number from 1 to {rounds}")
        else:
            unavailable.add(int(item))
    ntfy = cells.get("ntfy", "")
    if ntfy and not NTFY_TOPIC.match(ntfy):
        error(f"{pid!r}: ntfy topic {ntfy!r} may hold only letters, digits, - and _")
        ntfy = ""
    mode = cells.get("mode", "").lower() or "online"
    if mode not in MODES:
        error(f"{pid!r}: unknown mode {mode!r} (use online or onsite)")
        mode = "online"
    if not usable or role not in ROLES:  # (mypy: role is one of ROLES below)
        return None
    return Participant(
        id=pid,
        name=cells.get("name", "") or pid,
        role=role,
        email=email,
        team=team,
        institution=cells.get("institution", ""),
        country=cells.get("country", ""),
        timezone=tz,
        language=language,
        preferences=tuple(dict.fromkeys(p for p in preferences if p in teams)),
        keynotes=tuple(k for k in chosen if k in keynotes),
        unavailable=frozenset(unavailable),
        ntfy=ntfy,
        mode="onsite" if mode == "onsite" else "online",
    )
