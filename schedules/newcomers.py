"""People added after the roster was read (a late arrival through the API or the board)
pass the roster's own per-row checks (`person_rules.check_person`, the same function and
messages as a roster line), so nothing reaches the plan, the pages or file names that
`rota check` would have refused."""

from __future__ import annotations

from collections.abc import Mapping

from schedules.model import Participant, Programme
from schedules.person_rules import check_person
from schedules.problems import Problem

SOURCE = "late arrival"


def checked_person(
    cells: Mapping[str, str], programme: Programme
) -> tuple[Participant | None, list[str]]:
    """The person from roster-like cells (text, lists space-separated), and the reasons it is
    refused: every error the roster would report for the same line (warnings pass)."""
    problems: list[Problem] = []
    person = check_person(
        dict(cells),
        SOURCE,
        0,
        problems,
        dict.fromkeys(t.id for t in programme.teams),
        {k.id for k in programme.keynotes},
        programme.rotation.rounds,
        (),
    )
    errors = [p.message for p in problems if p.severity == "error"]
    return (None if errors else person), errors


def cells_of(fields: Mapping[str, object]) -> dict[str, str]:
    """A participant's fields as a roster line's cells: text stripped, lists joined by
    spaces (round numbers in order)."""
    cells: dict[str, str] = {}
    for key, value in fields.items():
        if isinstance(value, set | frozenset):
            value = sorted(value)
        if isinstance(value, list | tuple):
            cells[key] = " ".join(str(v) for v in value)
        elif value is not None:
            cells[key] = str(value).strip()
    return cells
