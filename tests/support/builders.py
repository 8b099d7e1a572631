"""Small programmes for tests, written to real files so the loader is exercised as users do."""

from __future__ import annotations

from pathlib import Path

BASE_TOML = """\
[event]
id = "demo"
title = "Demo day"
timezone = "Europe/Berlin"
language = "en"
roster = "roster.csv"

[rotation]
start = "2025-03-27T09:00"
round_minutes = 30
rounds = 3
changeover_minutes = 0
min_audience = 1
jury_per_team = 1

[[rooms]]
id = "r1"
name = "Room 1"
capacity = 10

[[rooms]]
id = "r2"
name = "Room 2"
capacity = 10

[[rooms]]
id = "r3"
name = "Room 3"
capacity = 10

[[teams]]
id = "t1"
name = "Team One"
project = "Project one"
room = "r1"

[[teams]]
id = "t2"
name = "Team Two"
room = "r2"

[[teams]]
id = "t3"
name = "Team Three"
room = "r3"

[[keynotes]]
id = "k1"
title = "Opening"
start = "2025-03-27T09:30"
minutes = 30
room = "hall"
threshold = 0.75
"""

HEADER = (
    "id,name,email,role,team,institution,country,timezone,language,preferences,keynotes,unavailable"
)
BASE_ROWS = [
    "p1,Pia One,p1@example.org,presenter,t1,Uni A,DE,,,,,",
    "p2,Pat Two,p2@example.org,presenter,t2,Uni B,FI,Europe/Helsinki,fi,,,",
    "p3,Pau Three,p3@example.org,presenter,t3,Uni C,PT,Europe/Lisbon,pt,,,",
    "a1,Ana Audience,a1@example.org,audience,,Uni A,PT,Europe/Lisbon,pt,t2 t1,,",
    "a2,Aki Audience,a2@example.org,audience,,Uni B,FI,Europe/Helsinki,fi,,k1,",
    "a3,Ada Audience,a3@example.org,audience,,Uni C,DE,,,,,2",
    "j1,Jo Jury,j1@example.org,jury,,Uni A,BE,Europe/Brussels,fr,,,",
    "o1,Olli Organiser,o1@example.org,organiser,,Uni B,FI,,,,,",
]
BASE_CSV = "\n".join([HEADER, *BASE_ROWS]) + "\n"


def write_event(folder: Path, toml: str = BASE_TOML, csv: str | bytes = BASE_CSV) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "programme.toml").write_text(toml, encoding="utf-8")
    data = csv if isinstance(csv, bytes) else csv.encode("utf-8")
    (folder / "roster.csv").write_bytes(data)
    return folder / "programme.toml"


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle` (for asserting reported lines)."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in text")


def upcoming(toml: str = BASE_TOML, years: int = 2) -> str:
    """The programme moved to a day `years` ahead (a real day that has not happened yet)."""
    from datetime import date

    return toml.replace("2025-03-27", f"{date.today().year + years}-03-27")


def upcoming_copy(programme: Path, folder: Path) -> Path:
    """A copy of a programme and its roster (the bundled example) moved to a day ahead: the
    real day of a past programme is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in programme.parent.iterdir():
        if source.is_file():
            (folder / source.name).write_bytes(source.read_bytes())
    target = folder / programme.name
    target.write_text(upcoming(programme.read_text(encoding="utf-8")), encoding="utf-8")
    return target
