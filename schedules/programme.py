"""Load and validate a programme (TOML) and its roster (CSV): every problem at once, with lines.

This is the entry: the file read, decoded and parsed here; the sections checked and the
`Programme` built in programme_build.py; and what `check` and `plan` say around it (a plan
that cannot be made, a day that is over)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from schedules.columns import KeynoteRef
from schedules.model import Programme
from schedules.problems import PlanningError, Problem, ProgrammeError
from schedules.programme_build import build_programme, keynote_refs
from schedules.programme_reader import Reader
from schedules.roster import Roster
from schedules.schema import Context
from schedules.tomlpos import key_lines, line_of


def check_programme(
    path: str | Path, environ: Mapping[str, str] | None = None
) -> tuple[Programme | None, list[Problem]]:
    """Read and validate; returns the programme (None when there are errors) and all problems.
    With `environ`, what the sections need from the environment (secrets named by
    `ROTA_JITSI_SECRET`, `secret_env`, …) is checked too, as `rota serve` needs it."""
    _, programme, problems = _read(Path(path), environ)
    return programme, problems


@dataclass(frozen=True)
class RosterInspection:
    """The roster as read, for `rota roster`: how each value was read, its problems, and how
    many problems the rest of the programme has."""

    roster: Roster | None
    keynotes: list[KeynoteRef]
    problems: list[Problem]  # the roster's, those that need the programme too among them
    others: list[Problem]
    path: Path | None = None


def inspect_roster(path: str | Path) -> RosterInspection:
    reader, _, problems = _read(Path(path), None)
    roster = reader.roster if reader else None
    where = {roster.where, str(reader.roster_path)} if roster and reader else set()
    return RosterInspection(
        roster,
        keynote_refs(reader.data) if reader else [],
        [p for p in problems if p.file in where],
        [p for p in problems if p.file not in where],
        reader.roster_path if reader else None,
    )


def _read(
    path: Path, environ: Mapping[str, str] | None
) -> tuple[Reader | None, Programme | None, list[Problem]]:
    name = str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        return None, None, [Problem(name, 1, f"cannot read the programme: {exc.strerror or exc}")]
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return (
            None,
            None,
            [
                Problem(
                    name,
                    1,
                    f"not UTF-8 text (byte {raw_bytes[exc.start]:#04x} at "
                    f"offset {exc.start}); save the file as UTF-8",
                )
            ],
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, None, [_toml_problem(name, exc)]
    reader = Reader(name, data, key_lines(text), Context(environ, path.parent))
    programme = build_programme(reader, path)
    errors = [p for p in reader.problems if p.severity == "error"]
    return reader, (None if errors else programme), sorted(reader.problems)


def load_programme(path: str | Path, environ: Mapping[str, str] | None = None) -> Programme:
    """The programme, or ProgrammeError with every problem when it has errors."""
    programme, problems = check_programme(path, environ)
    if programme is None:
        raise ProgrammeError(problems)
    return programme


def planning_problems(programme: Programme, error: PlanningError) -> list[Problem]:
    """The planner's explanation as problems at the [rotation] line, for `check` and `plan`."""
    line = 1
    if programme.source is not None:
        try:
            text = programme.source.read_text(encoding="utf-8-sig")
        except OSError:
            text = ""
        line = line_of(key_lines(text), ("rotation",))
    name = str(programme.source or "programme")
    return [
        Problem(name, line, f"the rotation cannot be planned: {reason}") for reason in error.reasons
    ]


def day_over(programme: Programme, now: datetime) -> str | None:
    """None while the programme's day has not ended; else when it was, in words."""
    if now < programme.ends:
        return None
    tz = programme.event.tz
    start, end = programme.starts.astimezone(tz), programme.ends.astimezone(tz)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return (
        f"the day of this programme is over: it was {start:%Y-%m-%d} from {start:%H:%M} to "
        f"{until} ({programme.event.timezone})"
    )


def _toml_problem(name: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    line = getattr(exc, "lineno", None)
    if line is None and "(at line " in message:
        try:
            line = int(message.split("(at line ")[1].split(",")[0])
        except (IndexError, ValueError):
            line = 1
    message = message.split(" (at line ")[0]
    return Problem(name, line or 1, f"not valid TOML: {message}")
