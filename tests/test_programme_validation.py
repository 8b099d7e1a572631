"""`rota check`: every problem at once, each with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from schedules.problems import ProgrammeError
from schedules.programme import check_programme, load_programme
from tests.support.builders import BASE_CSV, BASE_ROWS, BASE_TOML, HEADER, line_of, write_event


def test_the_base_programme_is_valid(tmp_path: Path) -> None:
    programme, problems = check_programme(write_event(tmp_path))
    assert programme is not None
    assert [str(p) for p in problems] == []
    assert [t.id for t in programme.teams] == ["t1", "t2", "t3"]
    assert programme.rotation.slots[0].start.isoformat() == "2025-03-27T08:00:00+00:00"


# One case per message, with its exact text and line: tests/test_check.py.


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    toml = BASE_TOML.replace('room = "r2"', 'room = "r9"').replace("capacity = 10", "capacity = 0")
    csv = BASE_CSV.replace("p1@example.org", "broken").replace("k1,", "k5,")
    _, problems = check_programme(write_event(tmp_path, toml=toml, csv=csv))
    messages = " | ".join(p.message for p in problems)
    for part in ("unknown room 'r9'", "capacity above 0", "malformed e-mail", "unknown keynote"):
        assert part in messages


def test_team_without_presenters_is_a_warning(tmp_path: Path) -> None:
    csv = "\n".join([HEADER, *(r for r in BASE_ROWS if not r.startswith("p3,"))]) + "\n"
    programme, problems = check_programme(write_event(tmp_path, csv=csv))
    assert programme is not None
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "team 't3' has no presenters in the roster")
    ]
    assert problems[0].line == line_of(BASE_TOML, 'id = "t3"')


def test_toml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    toml = BASE_TOML.replace('title = "Demo day"', 'title = "Demo day')
    _, problems = check_programme(write_event(tmp_path, toml=toml))
    assert len(problems) == 1
    assert problems[0].line == line_of(toml, 'title = "Demo day')
    assert "not valid TOML" in problems[0].message


def test_explicit_round_starts_allow_a_break(tmp_path: Path) -> None:
    toml = BASE_TOML.replace(
        'start = "2025-03-27T09:00"',
        'starts = ["2025-03-27T09:00", "2025-03-27T09:30", "2025-03-27T10:30"]',
    )
    programme = load_programme(write_event(tmp_path, toml=toml))
    assert [s.start.hour for s in programme.rotation.slots] == [8, 8, 9]
    assert programme.rotation.slots[2].start.minute == 30


def test_spreadsheet_exports_are_accepted(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark, `;` as the separator and CRLF line ends, as Excel writes."""
    csv = BASE_CSV.replace(",", ";").replace("\n", "\r\n")
    data = "\ufeff".encode() + csv.encode("utf-8")
    programme = load_programme(write_event(tmp_path, csv=data))
    assert len(programme.participants) == len(BASE_ROWS)
    assert programme.participant_by_id["a1"].preferences == ("t2", "t1")


def test_non_utf8_roster_names_the_file(tmp_path: Path) -> None:
    csv = BASE_CSV.replace("Ana Audience", "Ana Müller").encode("latin-1")
    _, problems = check_programme(write_event(tmp_path, csv=csv))
    assert len(problems) == 1
    assert problems[0].file == str(tmp_path / "roster.csv")
    assert "not UTF-8" in problems[0].message
    assert problems[0].line == line_of(BASE_CSV, "Ana Audience")


def test_missing_programme_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError) as caught:
        load_programme(tmp_path / "nope.toml")
    assert "cannot read the programme" in str(caught.value)
