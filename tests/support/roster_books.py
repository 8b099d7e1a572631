"""A lecturer's participant list as people keep it (issue 23): the bundled example's people in a
workbook with the lecturer's own columns and words, and the same people hand-converted to the
strict CSV. Written by openpyxl, as the tests need them; `python -m tests.support.roster_books DIR`
writes the example's workbook (examples/spreadsheet-day/participants.xlsx)."""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
BIP = ROOT / "examples" / "bip-2025"
TEAMS = {
    "t1": "Team 1 - Digital Youth Work",
    "t2": "Team 2 - Video Counselling",
    "t3": "Team 3 - Young Carers Online",
    "t4": "Team 4 - Digital Inclusion Café",
    "t5": "Team 5 - Readable Case Notes",
    "t6": "Team 6 - Street Work in Games",
    "t7": "Team 7 - Telepresence Care",
    "t8": "Team 8 - Homelessness Data",
}
CITY = {
    "Europe/Brussels": "Brussels",
    "Europe/Berlin": "Berlin",
    "Europe/Helsinki": "Helsinki",
    "Europe/Lisbon": "Lisbon",
}
COUNTRY = {"BE": "Belgium", "DE": "Germany", "FI": "Finland", "PT": "Portugal"}
LANGUAGE = {"de": "German", "fi": "Finnish", "pt": "Portuguese", "en": "English", "fr": "French"}
HEADER = (
    "Nr",
    "First name",
    "Last name",
    "E-mail",
    "Institution",
    "Country",
    "Role",
    "Team",
    "Time zone",
    "Language",
    "Keynote 10:00",
    "Keynote 11:00",
    "Remarks",
)
STRICT = "id,name,email,role,team,institution,country,timezone,language,keynotes,#Nr,#Remarks"


@dataclass(frozen=True)
class Person:
    """One person as the strict CSV has them, and the words the lecturer wrote for them."""

    id: str
    name: str
    email: str
    role: str
    team: str
    institution: str
    country: str
    timezone: str
    language: str
    keynotes: tuple[str, ...]
    role_word: str
    remark: str


def people() -> list[Person]:
    """The bundled example's 100 people: presenters are `Student`s with a team, audience
    `Student (other programme)`, `Guest` or `Student` without one, the jury `Expert (jury)` or
    `Lecturer`, organisers `Organiser`; Belgians write French or English."""
    with (BIP / "roster.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    out: list[Person] = []
    audience = jury = 0
    for n, row in enumerate(rows):
        role = row["role"]
        if role == "presenter":
            word = "Student"
        elif role == "audience":
            word = ("Student (other programme)", "Guest", "Student")[min(audience // 10, 2)]
            audience += 1
        elif role == "jury":
            word = "Expert (jury)" if jury % 2 == 0 else "Lecturer"
            jury += 1
        else:
            word = "Organiser"
        language = row["language"]
        if language == "nl":
            language = "fr" if n % 2 else "en"
        out.append(
            Person(
                row["id"],
                row["name"],
                row["email"],
                role,
                row["team"],
                row["institution"],
                COUNTRY[row["country"]],
                row["timezone"],
                language,
                tuple(row["keynotes"].split()),
                word,
                "vegetarian" if n % 7 == 3 else ("arrives at 10:30" if n % 11 == 5 else ""),
            )
        )
    return out


def strict_csv(persons: list[Person]) -> str:
    """The hand-converted roster: Rota's own columns and values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STRICT.split(","))
    for nr, p in enumerate(persons, start=1):
        writer.writerow(
            [
                p.id,
                p.name,
                p.email,
                p.role,
                p.team,
                p.institution,
                p.country,
                p.timezone,
                p.language,
                " ".join(p.keynotes),
                nr,
                p.remark,
            ]
        )
    return buffer.getvalue()


def lecturer_rows(persons: list[Person]) -> list[list[object]]:
    rows: list[list[object]] = []
    for nr, p in enumerate(persons, start=1):
        first, _, last = p.name.partition(" ")
        rows.append(
            [
                nr,
                first,
                last,
                p.email,
                p.institution,
                p.country,
                p.role_word,
                TEAMS.get(p.team, ""),
                CITY[p.timezone],
                LANGUAGE[p.language],
                "yes" if "k1" in p.keynotes else "",
                "yes" if "k2" in p.keynotes else "",
                p.remark,
            ]
        )
    return rows


def lecturer_workbook(path: Path, persons: list[Person], title: str = "Participants") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(HEADER))
    for row in lecturer_rows(persons):
        sheet.append(row)
    book.save(path)
    return path


def programme_toml(roster: str, roster_section: str = "") -> str:
    """The bundled example's programme, its teams named as the lecturer names them."""
    text = (BIP / "programme.toml").read_text(encoding="utf-8")
    text = text.replace('roster = "roster.csv"', f'roster = "{roster}"')
    text = text.replace('id = "bip-2025"', 'id = "spreadsheet-day"', 1)
    for team_id, name in TEAMS.items():
        start = text.index(f'id = "{team_id}"\nname = "')
        end = text.index("\n", text.index("name = ", start))
        text = text[:start] + f'id = "{team_id}"\nname = "{name}"' + text[end:]
    return text + ("\n" + roster_section if roster_section else "")


ROSTER_SECTION = """\
# How the participant list is read where Rota's reading is a guess (see `rota roster`).
[roster]
values = { role = { "Lecturer" = "jury" } }
"""


EXAMPLE_HEAD = """\
# The bundled students' day (examples/bip-2025) with its participant list as a lecturer keeps
# it: participants.xlsx, in their own columns and words (First name, Last name, E-mail, Role
# "Student" or "Lecturer", Team by its full name, Time zone "Lisbon", Language "English", "yes"
# under the keynote chosen). `rota roster examples/spreadsheet-day/programme.toml` shows how
# every column and value is read; the [roster] section at the end says the one thing Rota could
# only guess. Regenerated by `python -m tests.support.roster_books examples/spreadsheet-day`.
"""


def example_toml() -> str:
    return programme_toml("participants.xlsx", ROSTER_SECTION)


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    lecturer_workbook(folder / "participants.xlsx", people())
    (folder / "programme.toml").write_text(EXAMPLE_HEAD + example_toml(), encoding="utf-8")
    print(f"wrote {folder / 'participants.xlsx'} and {folder / 'programme.toml'}")
