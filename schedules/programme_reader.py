"""Typed access to a programme's TOML data: each table checked by its schema, every problem
recorded with its line instead of raised, local times read in the event's time zone; and the
small readers of the raw data the other steps share (a section, its entries, their ids)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from schedules.localtime import ambiguity
from schedules.model import utc
from schedules.problems import Problem, Severity
from schedules.roster import Roster
from schedules.schema import Context, Table, validate
from schedules.tomlpos import Path as KeyPath
from schedules.tomlpos import line_of


@dataclass
class Reader:
    """Typed access to the TOML data that records a problem, with its line, instead of raising."""

    file: str
    data: dict[str, Any]
    lines: dict[KeyPath, int]
    context: Context = field(default_factory=Context)
    problems: list[Problem] = field(default_factory=list)
    misnamed: set[str] = field(default_factory=set)  # sections an unknown one was likely meant as
    roster: Roster | None = None  # as read, with how each value was read (`rota roster`)
    roster_path: Path | None = None

    def report(self, path: KeyPath, message: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(self.file, line_of(self.lines, path), message, severity))

    def table(self, schema: Table, path: KeyPath, table: dict[str, Any]) -> dict[str, Any]:
        """The values of one table that passed its schema; every problem reported at its line."""
        entry_id = table.get("id")
        values, problems = validate(
            schema, table, self.context, entry_id if isinstance(entry_id, str) else ""
        )
        for key, message in problems:
            self.report((*path, key) if key else path, _where(path, message))
        for key, spec in schema.fields.items():  # a wrong optional value: reported, then default
            if key not in values and key in table and spec.default is not None:
                values[key] = spec.default
        return values

    def local_time(self, raw: Any, path: KeyPath, tz: ZoneInfo | None) -> datetime | None:
        if isinstance(raw, datetime):
            moment = raw
        else:
            try:
                moment = datetime.fromisoformat(str(raw))
            except ValueError:
                self.report(path, f'`{path[-1]}` = {raw!r} is not a time like "2025-03-27T09:00"')
                return None
        if moment.tzinfo is None:
            if tz is None:
                return None  # the time zone error is already reported
            wrong = ambiguity(moment, tz)
            if wrong is not None:  # in a daylight-saving gap or fold: no one instant
                self.report(path, f"`{path[-1]}` = {wrong.message(moment, tz)}")
                return None
            moment = moment.replace(tzinfo=tz)
        return utc(moment)


def _where(path: KeyPath, message: str) -> str:
    """Name the entry of an array in messages that do not name it themselves."""
    if len(path) >= 2 and isinstance(path[1], int) and message.startswith("missing "):
        return f"{message} number {path[1] + 1}"
    return message


def is_identifier(value: str) -> bool:
    return bool(value) and all(c.isalnum() or c in "-_" for c in value) and value.isascii()


def section_of(data: dict[str, Any], schema: Table) -> dict[str, Any]:
    table = data.get(schema.name, {})
    return table if isinstance(table, dict) else {}


def entries(data: dict[str, Any], schema: Table) -> list[dict[str, Any]]:
    items = data.get(schema.name, [])
    if isinstance(items, list) and all(isinstance(i, dict) for i in items):
        return items
    return []


def declared(data: dict[str, Any], schema: Table, valid: bool = True) -> list[str]:
    """The ids as written (`valid`), or those refused for their characters (reported)."""
    ids = (t.get("id") for t in entries(data, schema))
    written = dict.fromkeys(i for i in ids if isinstance(i, str) and i)
    return [i for i in written if is_identifier(i) == valid]
