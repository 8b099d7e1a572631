"""`rota check`: every problem at once, each with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from schedules.problems import ProgrammeError
from schedules.programme import check_programme, load_programme
from tests.builders import BASE_CSV, BASE_ROWS, BASE_TOML, HEADER, line_of, write_event


def test_the_base_programme_is_valid(tmp_path: Path) -> None:
    programme, problems = check_programme(write_event(tmp_path))
    assert programme is not None
    assert [str(p) for p in problems] == []
    assert [t.id for t in programme.teams] == ["t1", "t2", "t3"]
    assert programme.rotation.slots[0].start.isoformat() == "2025-03-27T08:00:00+00:00"


# (what to replace in the TOML, with what, the expected message part, the line's needle)
TOML_CASES = [
    ('room = "r2"', 'room = "r9"', "team 't2' uses unknown room 'r9'", 'room = "r9"'),
    ('id = "t2"', 'id = "t1"', "duplicate team id 't1'", 'id = "t1"|2'),
    ('id = "r2"', 'id = "r1"', "duplicate room id 'r1'", 'id = "r1"|2'),
    ('room = "r3"', 'room = "r1"', "teams 't1' and 't3' share room 'r1'", 'room = "r1"|2'),
    (
        'room = "hall"',
        'room = "r2"',
        "keynote 'k1' is in room 'r2', which team 't2' uses",
        'room = "r2"|2',
    ),
    (
        "round_minutes = 30",
        "round_minutes = 0",
        "rounds must last at least one minute",
        "round_minutes",
    ),
    (
        "changeover_minutes = 0",
        "changeover_minutes = -5",
        "would make rounds overlap",
        "changeover_minutes",
    ),
    (
        'start = "2025-03-27T09:30"',
        'start = "2025-03-27T13:30"',
        "lies outside the event",
        'start = "2025-03-27T13:30"',
    ),
    (
        'timezone = "Europe/Berlin"',
        'timezone = "Mars/Olympus"',
        "unknown time zone 'Mars/Olympus'",
        "timezone",
    ),
    ('language = "en"', 'language = "xx"', "unsupported language 'xx'", "language"),
    (
        'start = "2025-03-27T09:00"',
        'start = "27.03.2025 9 Uhr"',
        "is not a time like",
        'start = "27.03.2025',
    ),
    ("capacity = 10", "capacity = 0", "needs a capacity above 0", "capacity = 0"),
    ("capacity = 10", 'capacity = "ten"', "must be a whole number", 'capacity = "ten"'),
    ("threshold = 0.75", "threshold = 1.5", "threshold is a share between 0 and 1", "threshold"),
    ("rounds = 3", "rounds = 0", "at least one round", "rounds = 0"),
]


@pytest.mark.parametrize(
    ("old", "new", "message", "needle"), TOML_CASES, ids=[c[2][:40] for c in TOML_CASES]
)
def test_toml_problems_name_their_line(
    tmp_path: Path, old: str, new: str, message: str, needle: str
) -> None:
    toml = BASE_TOML.replace(old, new, 1)
    assert toml != BASE_TOML
    programme, problems = check_programme(write_event(tmp_path, toml=toml))
    assert programme is None
    text, _, occurrence = needle.partition("|")
    expected_line = line_of(toml, text, int(occurrence or 1))
    matching = [p for p in problems if message in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].line == expected_line
    assert str(matching[0]).startswith(f"{tmp_path / 'programme.toml'}:{expected_line}: ")


CSV_CASES = [
    (
        "p2,Pat Two,p2@example.org,presenter,t2",
        "p2,Pat Two,p2@example.org,presenter,t9",
        "presenter 'p2' belongs to unknown team 't9'",
    ),
    (
        "a1,Ana Audience,a1@example.org,audience,,Uni A,PT,Europe/Lisbon,pt,t2 t1",
        "a1,Ana Audience,a1@example.org,audience,,Uni A,PT,Europe/Lisbon,pt,t2 t7",
        "preference for unknown team 't7'",
    ),
    (
        "a2,Aki Audience,a2@example.org,audience,,Uni B,FI,Europe/Helsinki,fi,,k1",
        "a2,Aki Audience,a2@example.org,audience,,Uni B,FI,Europe/Helsinki,fi,,k9",
        "unknown keynote 'k9'",
    ),
    ("a3,Ada Audience,a3@example.org", "a3,Ada Audience,not-an-email", "malformed e-mail"),
    (
        "a1,Ana Audience,a1@example.org,audience,,Uni A,PT,Europe/Lisbon",
        "a1,Ana Audience,a1@example.org,audience,,Uni A,PT,Europe/Atlantis",
        "unknown time zone 'Europe/Atlantis'",
    ),
    (
        "a2,Aki Audience,a2@example.org,audience",
        "a1,Aki Audience,a2@example.org,audience",
        "duplicate participant id 'a1'",
    ),
    (
        "a3,Ada Audience,a3@example.org,audience",
        "a3,Ada Audience,a3@example.org,speaker",
        "unknown role 'speaker'",
    ),
    (
        "a3,Ada Audience,a3@example.org,audience,,Uni C,DE,,,,,2",
        "a3,Ada Audience,a3@example.org,audience,,Uni C,DE,,,,,7",
        "unavailable round '7' is not a round number from 1 to 3",
    ),
    (
        "p3,Pau Three,p3@example.org,presenter,t3",
        "p3,Pau Three,p3@example.org,presenter,",
        "presenter 'p3' has no team",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), CSV_CASES, ids=[c[2][:40] for c in CSV_CASES])
def test_roster_problems_name_their_row(tmp_path: Path, old: str, new: str, message: str) -> None:
    csv = BASE_CSV.replace(old, new, 1)
    assert csv != BASE_CSV
    programme, problems = check_programme(write_event(tmp_path, csv=csv))
    assert programme is None
    matching = [p for p in problems if message in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].file == str(tmp_path / "roster.csv")
    assert matching[0].line == line_of(csv, new.split(",")[0] + "," + new.split(",")[1])


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


def test_overlapping_explicit_round_starts(tmp_path: Path) -> None:
    toml = BASE_TOML.replace(
        'start = "2025-03-27T09:00"',
        'starts = ["2025-03-27T09:00", "2025-03-27T09:20", "2025-03-27T10:00"]',
    )
    _, problems = check_programme(write_event(tmp_path, toml=toml))
    assert any("round 2 starts before round 1 ends" in p.message for p in problems)


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


def test_missing_required_column(tmp_path: Path) -> None:
    csv = BASE_CSV.replace("role,", "rolle,", 1)
    _, problems = check_programme(write_event(tmp_path, csv=csv))
    assert any(p.message == "missing column `role`" and p.line == 1 for p in problems)
