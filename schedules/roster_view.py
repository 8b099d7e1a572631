"""What `rota roster` prints and writes: how every column and every distinct value of the
roster was read (the preview), and the roster in Rota's strict CSV (`--write`). Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from schedules.columns import COLUMNS, OWN, Column, KeynoteRef
from schedules.model import Participant
from schedules.problems import Problem
from schedules.roster import Roster
from schedules.row_reader import LABELS
from schedules.schema import plural
from schedules.tabular import neutral_text

FIELD_WORDS = {
    "first_name": "first name",
    "last_name": "last name",
    "email": "e-mail",
    "timezone": "time zone",
}
ORDER = ("role", "team", "timezone", "language", "mode")


def quoted(text: str) -> str:
    """A value as the organiser wrote it, in double quotes (as `[roster]` takes it)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _column(column: Column, refs: dict[str, KeynoteRef]) -> str:
    if column.field == OWN:
        return f"  {quoted(column.header)} → the person's own (kept, not used)"
    if column.field == "keynote":
        ref = refs.get(column.keynote)
        title = f" {ref.title!r}" if ref and ref.title else ""
        how = "[roster]" if column.how == "[roster]" else f"by its {column.how}"
        return f"  {quoted(column.header)} → keynote {column.keynote}{title} ({how})"
    how = " ([roster])" if column.how == "[roster]" else ""
    return f"  {quoted(column.header)} → {FIELD_WORDS.get(column.field, column.field)}{how}"


def _label(key: str, columns: Sequence[Column]) -> str:
    if key.startswith("keynote:"):
        keynote = key.split(":", 1)[1]
        header = next((c.header for c in columns if c.keynote == keynote), keynote)
        return quoted(header)
    return LABELS.get(key, key)


def preview(
    roster: Roster,
    refs: Sequence[KeynoteRef] = (),
    problems: Sequence[Problem] | None = None,
    others: int = 0,
) -> list[str]:
    """The preview's lines: people and rows, each column, each distinct value with what it
    became and how many times (guesses marked), then every problem, `file:sheet:row` first."""
    reading = roster.reading
    lines: list[str] = []
    if reading is not None:
        rows = reading.rows
        span = f", rows {rows[0]}–{rows[-1]}" if rows else ""
        lines.append(
            f"{reading.where}: {plural(len(roster.participants), 'person', 'people')}{span} "
            f"(header in row {reading.header_row})"
        )
        by_id = {r.id: r for r in refs}
        if reading.columns:
            lines.append("Columns:")
            lines.extend(_column(c, by_id) for c in reading.columns if c.header)
        if reading.ids_from == "email":
            example = next((p for p in roster.participants if p.email), None)
            shown = f" ({example.email} → {example.id})" if example else ""
            lines.append(f"  ids made from the e-mail, the same at every import{shown}")
        if reading.role_rule:
            lines.append("  no role column: people with a team present, the others listen")
        rank = {key: i for i, key in enumerate(ORDER)}
        keys = sorted(reading.values, key=lambda k: rank.get(k[0], len(ORDER)))
        if keys:
            lines.append("Values:")
        for key, written in keys:
            counts = reading.values[(key, written)]
            parts = []
            for (meant, how), count in counts.items():
                note = f" ({how})" if how else ""
                parts.append(f"{meant} ×{count}{note}")
            lines.append(f"  {_label(key, reading.columns)} {quoted(written)} → {', '.join(parts)}")
    problems = sorted(roster.problems if problems is None else problems, key=_order)
    errors = sum(p.severity == "error" for p in problems)
    if problems:
        lines.append("Problems:")
        lines.extend(f"  {p}" for p in problems)
    summary = f"{plural(errors, 'error')}, {plural(len(problems) - errors, 'warning')}"
    if others:
        summary += f"; {plural(others, 'other problem')} in the programme (`rota check` shows them)"
    lines.append(summary)
    return lines


def _order(problem: Problem) -> tuple[int, str]:
    return problem.line, problem.message


def strict_csv(people: Sequence[Participant]) -> str:
    """The roster in Rota's own columns and words, one row per person; the person's own
    columns after them as `#Header`; text a spreadsheet would run as a formula made plain."""
    own: dict[str, None] = {}
    for person in people:
        own.update(dict.fromkeys(header for header, _ in person.own))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*COLUMNS, *(f"#{h}" for h in own)])
    for p in people:
        mine = dict(p.own)
        writer.writerow(
            [
                p.id,
                neutral_text(p.name),
                p.email,
                p.role,
                p.team,
                neutral_text(p.institution),
                neutral_text(p.country),
                p.timezone,
                p.language,
                " ".join(p.preferences),
                " ".join(p.keynotes),
                " ".join(str(r) for r in sorted(p.unavailable)),
                p.ntfy,
                p.mode,
                *(neutral_text(mine.get(h, "")) for h in own),
            ]
        )
    return buffer.getvalue()


__all__ = ["preview", "strict_csv"]
