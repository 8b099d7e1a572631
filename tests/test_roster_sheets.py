"""The roster as people keep it (issue 23): workbooks written by openpyxl, headers and values in
the organiser's words in each of the six languages, each read to the same people as the
equivalent strict CSV; the preview's lines; `[roster]` overriding a guess; every refusal."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from orchestrator.cli import main
from schedules.model import Participant, Programme
from schedules.plan import Plan
from schedules.planner import plan_rotation
from schedules.programme import check_programme
from schedules.row_reader import email_id
from tests.support.builders import BASE_CSV, BASE_TOML, write_event
from tests.support.roster_books import (
    EXAMPLE_HEAD,
    HEADER,
    ROOT,
    ROSTER_SECTION,
    example_toml,
    lecturer_rows,
    lecturer_workbook,
    people,
    programme_toml,
    strict_csv,
)

ENV = {"ROTA_ORGANISER_TOKEN": ""}


def _book(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _loaded(path: Path) -> Programme:
    programme, problems = check_programme(path, {})
    assert programme is not None, [str(p) for p in problems]
    return programme


def _as(people: tuple[Participant, ...], ids: dict[str, str]) -> list[Participant]:
    """People with their ids renamed (an e-mail's id to the hand-converted one)."""
    return [dataclasses.replace(p, id=ids.get(p.id, p.id)) for p in people]


def _renamed(plan: Plan, ids: dict[str, str]) -> Plan:
    """The plan with every person's id renamed, so two plans of the same people compare."""
    rounds = tuple(
        dataclasses.replace(
            r,
            rooms=tuple(
                dataclasses.replace(s, audience=tuple(sorted(ids.get(a, a) for a in s.audience)))
                for s in r.rooms
            ),
        )
        for r in plan.rounds
    )
    keynotes = tuple(
        dataclasses.replace(k, audience=tuple(sorted(ids.get(a, a) for a in k.audience)))
        for k in plan.keynotes
    )
    return dataclasses.replace(plan, rounds=rounds, keynotes=keynotes)


# --- the lecturer's day ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def lecturer_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The issue's own example: the workbook, the programme with its few lines of [roster],
    and the hand-converted CSV beside it (strict.toml)."""
    folder = tmp_path_factory.mktemp("lecturer")
    persons = people()
    lecturer_workbook(folder / "participants.xlsx", persons)
    (folder / "programme.toml").write_text(programme_toml("participants.xlsx", ROSTER_SECTION))
    (folder / "roster.csv").write_text(strict_csv(persons), encoding="utf-8")
    (folder / "strict.toml").write_text(programme_toml("roster.csv"))
    return folder


def test_the_lecturers_workbook_reads_as_the_hand_converted_csv(lecturer_day: Path) -> None:
    sheet, strict = (_loaded(lecturer_day / n) for n in ("programme.toml", "strict.toml"))
    ids = {email_id(p.email): p.id for p in strict.participants}
    assert _as(sheet.participants, ids) == list(strict.participants)
    assert sheet.participant_by_id[email_id("milan-dubois@example.org")].role == "jury"


def test_the_lecturers_workbook_plans_the_same_day(lecturer_day: Path) -> None:
    sheet, strict = (_loaded(lecturer_day / n) for n in ("programme.toml", "strict.toml"))
    ids = {email_id(p.email): p.id for p in strict.participants}
    planned, expected = plan_rotation(sheet), plan_rotation(strict)
    assert _renamed(planned, ids).rounds == expected.rounds
    assert _renamed(planned, ids).keynotes == expected.keynotes


def test_rota_check_accepts_the_workbook_after_confirming_its_guess(lecturer_day: Path) -> None:
    """Without [roster] the lecturers' role is a guess, said; with its one line, silence."""
    bare = lecturer_day / "bare.toml"
    bare.write_text(programme_toml("participants.xlsx"))
    before = CliRunner().invoke(main, ["check", str(bare)], env=ENV)
    after = CliRunner().invoke(main, ["check", str(lecturer_day / "programme.toml")], env=ENV)
    assert before.exit_code == 0, before.output
    assert (
        f"{lecturer_day / 'participants.xlsx'}:Participants:35: warning: Role 'Lecturer' read "
        "as audience (a guess): confirm it, or say otherwise, in [roster] values = {role = "
        '{"Lecturer" = "audience"}} (`rota roster` shows every reading)\n'
    ) in before.output
    assert after.exit_code == 0, after.output
    assert roster_warnings(after.output) == []
    assert "ok — 8 teams, 6 rounds, 4 keynotes, 100 participants" in after.output


def test_rota_plan_honours_the_roster_section(lecturer_day: Path) -> None:
    result = CliRunner().invoke(
        main, ["plan", str(lecturer_day / "programme.toml"), "--format", "json"], env=ENV
    )
    assert result.exit_code == 0, result.output
    jurors = [email_id(f"{n}@example.org") for n in ("emma-weber", "mariana-costa")]  # Lecturers
    assert all(f'"{j}"' in result.output for j in jurors)
    assert '"role": "jury"' in result.output or '"jury"' in result.output


def test_rota_roster_writes_the_strict_csv_that_reads_the_same(lecturer_day: Path) -> None:
    out = lecturer_day / "written.csv"
    result = CliRunner().invoke(
        main, ["roster", str(lecturer_day / "programme.toml"), "--write", str(out)]
    )
    assert result.exit_code == 0, result.output
    again = lecturer_day / "again.toml"
    again.write_text(programme_toml("written.csv"))
    assert _loaded(again).participants == _loaded(lecturer_day / "programme.toml").participants
    refused = CliRunner().invoke(
        main, ["roster", str(lecturer_day / "programme.toml"), "--write", str(out)]
    )
    assert refused.exit_code == 1
    assert f"{out} is already there: give another file, or add --force to replace it" in (
        refused.output
    )


def test_a_spreadsheet_with_a_title_merged_headers_a_date_and_empty_rows(tmp_path: Path) -> None:
    """A title row merged across, `Keynotes` merged over its two times, a date column, empty
    rows: the same people, the date kept as the person's own as the sheet shows it."""
    persons = people()[:40]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    header = [h if not h.startswith("Keynote ") else h.removeprefix("Keynote ") for h in HEADER]
    sheet.append(["BIP 2025 — participants"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(["" if i not in (10, 11) else "Keynotes" for i in range(len(HEADER))])
    sheet.merge_cells(start_row=2, start_column=11, end_row=2, end_column=12)
    sheet.append([*header, "Registered"])
    for i, row in enumerate(lecturer_rows(persons)):
        sheet.append([*row, datetime(2025, 2, 1 + i % 20)])
        if i % 9 == 4:
            sheet.append([])
    book.save(tmp_path / "participants.xlsx")
    (tmp_path / "programme.toml").write_text(programme_toml("participants.xlsx", ROSTER_SECTION))
    (tmp_path / "roster.csv").write_text(strict_csv(persons), encoding="utf-8")
    (tmp_path / "strict.toml").write_text(programme_toml("roster.csv"))
    read, strict = _loaded(tmp_path / "programme.toml"), _loaded(tmp_path / "strict.toml")
    ids = {email_id(p.email): p.id for p in strict.participants}
    dates = [dict(p.own).pop("Registered") for p in read.participants]
    assert dates[:2] == ["2025-02-01", "2025-02-02"]
    bare = [
        dataclasses.replace(p, own=tuple(o for o in p.own if o[0] != "Registered"))
        for p in _as(read.participants, ids)
    ]
    assert bare == list(strict.participants)


def test_a_csv_export_with_semicolons_and_a_byte_order_mark(tmp_path: Path) -> None:
    persons = people()
    lines = [";".join(HEADER)]
    lines += [";".join(str(c) for c in row) for row in lecturer_rows(persons)]
    (tmp_path / "participants.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    (tmp_path / "programme.toml").write_text(programme_toml("participants.csv", ROSTER_SECTION))
    (tmp_path / "roster.csv").write_text(strict_csv(persons), encoding="utf-8")
    (tmp_path / "strict.toml").write_text(programme_toml("roster.csv"))
    read, strict = _loaded(tmp_path / "programme.toml"), _loaded(tmp_path / "strict.toml")
    ids = {email_id(p.email): p.id for p in strict.participants}
    assert _as(read.participants, ids) == list(strict.participants)


def test_the_bundled_spreadsheet_example_is_current_and_checks() -> None:
    folder = ROOT / "examples" / "spreadsheet-day"
    assert (folder / "programme.toml").read_text(encoding="utf-8") == EXAMPLE_HEAD + example_toml()
    result = CliRunner().invoke(main, ["check", str(folder / "programme.toml")], env=ENV)
    assert result.exit_code == 0, result.output
    assert roster_warnings(result.output) == []


def roster_warnings(output: str) -> list[str]:
    """The warnings about the participant list (the programme's own, such as the video
    platform's, are not this file's concern)."""
    return [line for line in output.splitlines() if ".xlsx:" in line and "warning" in line]


# --- the six languages --------------------------------------------------------------------

# For BASE_CSV's people: header words, role words, yes, and each person's city or country and
# language as an organiser writing in that language would.
WORDS = {
    "en": (
        (
            "ID",
            "First name",
            "Last name",
            "E-mail",
            "Role",
            "Team",
            "University",
            "Country",
            "City",
            "Language",
            "Preferences",
            "Keynote 09:30",
            "Unavailable",
        ),
        ("Student", "Guest", "Expert", "Organiser"),
        "yes",
        ("Finland", "Lisbon", "Brussels"),
        ("Finnish", "Portuguese", "French"),
    ),
    "de": (
        (
            "Kennung",
            "Vorname",
            "Nachname",
            "E-Mail",
            "Rolle",
            "Team",
            "Hochschule",
            "Land",
            "Stadt",
            "Sprache",
            "Präferenzen",
            "Vortrag 09:30",
            "Abwesend",
        ),
        ("Studentin", "Gast", "Jurymitglied", "Organisator"),
        "ja",
        ("Finnland", "Lissabon", "Brüssel"),
        ("Finnisch", "Portugiesisch", "Französisch"),
    ),
    "fr": (
        (
            "Identifiant",
            "Prénom",
            "Nom",
            "Courriel",
            "Rôle",
            "Équipe",
            "Établissement",
            "Pays",
            "Ville",
            "Langue",
            "Préférences",
            "Conférence 09h30",
            "Indisponible",
        ),
        ("Étudiant", "Invité", "Juré", "Organisateur"),
        "oui",
        ("Finlande", "Lisbonne", "Bruxelles"),
        ("finnois", "portugais", "français"),
    ),
    "nl": (
        (
            "ID",
            "Voornaam",
            "Achternaam",
            "E-mailadres",
            "Rol",
            "Groep",
            "Instelling",
            "Land",
            "Stad",
            "Taal",
            "Voorkeuren",
            "Lezing 09:30",
            "Afwezig",
        ),
        ("Student", "Gast", "Jurylid", "Organisator"),
        "x",
        ("Finland", "Lissabon", "Brussel"),
        ("Fins", "Portugees", "Frans"),
    ),
    "fi": (
        (
            "Tunnus",
            "Etunimi",
            "Sukunimi",
            "Sähköposti",
            "Rooli",
            "Tiimi",
            "Oppilaitos",
            "Maa",
            "Kaupunki",
            "Kieli",
            "Toiveet",
            "Pääpuhe 9.30",
            "Poissa",
        ),
        ("Opiskelija", "Vieras", "Tuomari", "Järjestäjä"),
        "kyllä",
        ("Suomi", "Lissabon", "Bryssel"),
        ("suomi", "portugali", "ranska"),
    ),
    "pt": (
        (
            "Identificador",
            "Nome próprio",
            "Apelido",
            "Correio eletrónico",
            "Papel",
            "Equipa",
            "Instituição",
            "País",
            "Cidade",
            "Idioma",
            "Preferências",
            "Palestra 09:30",
            "Ausente",
        ),
        ("Estudante", "Convidado", "Júri", "Organizador"),
        "sim",
        ("Finlândia", "Lisboa", "Bruxelas"),
        ("finlandês", "português", "francês"),
    ),
}
TEAM_NAMES = {"t1": "Team One", "t2": "Team Two", "t3": "Team Three"}


def _in_words(language: str) -> list[list[object]]:
    header, roles, yes, places, languages = WORDS[language]
    zone = dict(zip(("Europe/Helsinki", "Europe/Lisbon", "Europe/Brussels"), places, strict=True))
    code = dict(zip(("fi", "pt", "fr"), languages, strict=True))
    role = dict(zip(("presenter", "audience", "jury", "organiser"), roles, strict=True))
    rows: list[list[object]] = [list(header)]
    for line in BASE_CSV.splitlines()[1:]:
        pid, name, email, kind, team, inst, country, tz, lang, prefs, keys, away = line.split(",")
        first, last = name.split(" ", 1)
        rows.append(
            [
                pid,
                first,
                last,
                email,
                role[kind],
                TEAM_NAMES.get(team, ""),
                inst,
                country,
                zone.get(tz, ""),
                code.get(lang, ""),
                ", ".join(TEAM_NAMES[t] for t in prefs.split()),
                yes if keys else "",
                int(away) if away else None,
            ]
        )
    return rows


@pytest.mark.parametrize("language", list(WORDS))
def test_headers_and_values_in_each_language(tmp_path: Path, language: str) -> None:
    strict = _loaded(write_event(tmp_path / "strict"))
    folder = tmp_path / language
    path = write_event(folder, toml=BASE_TOML.replace("roster.csv", "teilnehmende.xlsx"))
    _book(folder / "teilnehmende.xlsx", _in_words(language))
    assert _loaded(path).participants == strict.participants


# --- the preview --------------------------------------------------------------------------


def test_the_preview_shows_every_column_and_value_and_problem(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Name", "Mail", "Role", "Team", "Time zone", "Language", "Opening", "Notes"],
        ["Pia One", "p1@example.org", "Student", "Team One", "Berlin", "Deutsch", "", "x"],
        ["Pat Two", "p2@example.org", "Student", "Team Two", "Finland", "English", "", ""],
        ["Pau Three", "p3@example.org", "Student", "t3", "Lisbon", "Português", "", ""],
        ["Ana Aud", "a1@example.org", "Student", "", "Lisbon", "inglês", "✓", ""],
        ["Kim Lect", "k1@example.org", "Lecturer", "", "Portugal", "Spanish", "yes", "", "", "?"],
        [None, None, "Guest", "", "", "", "", "late"],
    ]
    path = write_event(tmp_path, toml=BASE_TOML.replace("roster.csv", "people.xlsx"))
    _book(tmp_path / "people.xlsx", rows, "List")
    result = CliRunner().invoke(main, ["roster", str(path)])
    where = f"{tmp_path / 'people.xlsx'}:List"
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{where}: 5 people, rows 2–6 (header in row 1)",
        "Columns:",
        '  "Name" → name',
        '  "Mail" → e-mail',
        '  "Role" → role',
        '  "Team" → team',
        '  "Time zone" → time zone',
        '  "Language" → language',
        "  \"Opening\" → keynote k1 'Opening' (by its title)",
        '  "Notes" → the person\'s own (kept, not used)',
        "  ids made from the e-mail, the same at every import "
        f"(p1@example.org → {email_id('p1@example.org')})",
        "Values:",
        '  Role "Student" → presenter ×3 (with a team), audience ×1 (without a team)',
        '  Role "Lecturer" → audience ×1 (a guess)',
        '  Team "Team One" → t1 ×1 (by its name)',
        '  Team "Team Two" → t2 ×1 (by its name)',
        '  Team "t3" → t3 ×1',
        '  Time zone "Berlin" → Europe/Berlin ×1 (by city)',
        '  Time zone "Finland" → Europe/Helsinki ×1 (by country)',
        '  Time zone "Lisbon" → Europe/Lisbon ×2 (by city)',
        '  Language "Deutsch" → de ×1 (by its name)',
        '  Language "English" → en ×1 (by its name)',
        '  Language "Português" → pt ×1 (by its name)',
        '  Language "inglês" → en ×1 (by its name)',
        '  "Opening" "✓" → attends k1 ×1',
        '  "Opening" "yes" → attends k1 ×1',
        "Problems:",
        f"  {where}:6: '{email_id('k1@example.org')}': the language 'Spanish' is Spanish (es), "
        "which is not one of the pages' languages (de, en, fi, fr, nl, pt): say which page "
        'language to use in [roster] values = {language = {"Spanish" = "en"}}',
        f"  {where}:6: '{email_id('k1@example.org')}': the time zone 'Portugal' is a country "
        "with several (Europe/Lisbon, Atlantic/Azores): write the city, or say which in "
        '[roster] values = {timezone = {"Portugal" = "Europe/Lisbon"}}',
        f"  {where}:6: warning: Role 'Lecturer' read as audience (a guess): confirm it, or say "
        'otherwise, in [roster] values = {role = {"Lecturer" = "audience"}} (`rota roster` '
        "shows every reading)",
        f"  {where}:6: warning: column J has no header, so its values are not read: give it a "
        "header to keep them as the person's own",
        f"  {where}:7: a row with no name and no e-mail: fill them in, or delete the row",
        "3 errors, 2 warnings",
    ]


def test_the_roster_section_overrides_guesses_and_columns(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Name", "Contact", "Mail (old)", "Role", "Team"],
        ["Pia One", "p1@example.org", "pia@old.example", "Student", "Team One"],
        ["Pat Two", "p2@example.org", "", "Student", "Team Two"],
        ["Pau Three", "p3@example.org", "", "Student", "Team Three"],
        ["Kim Lect", "k1@example.org", "", "Lecturer", ""],
        ["Ana Aud", "a1@example.org", "", "Visiting student", ""],
    ]
    section = (
        '\n[roster]\ncolumns = { "Contact" = "email", "Mail (old)" = "" }\n'
        'values = { role = { "Lecturer" = "jury", "Visiting student" = "audience" } }\n'
    )
    path = write_event(tmp_path, toml=BASE_TOML.replace("roster.csv", "people.xlsx") + section)
    _book(tmp_path / "people.xlsx", rows)
    programme, problems = check_programme(path, {})
    assert programme is not None, [str(p) for p in problems]
    assert [p for p in problems if "guess" in p.message] == []
    kim = programme.participant_by_id[email_id("k1@example.org")]
    assert (kim.role, kim.email) == ("jury", "k1@example.org")
    pia = programme.participant_by_id[email_id("p1@example.org")]
    assert pia.own == (("Mail (old)", "pia@old.example"),)


def test_ids_from_the_email_are_stable_from_one_import_to_the_next(tmp_path: Path) -> None:
    persons = people()
    first = tmp_path / "first"
    first.mkdir()
    lecturer_workbook(first / "participants.xlsx", persons)
    (first / "programme.toml").write_text(programme_toml("participants.xlsx", ROSTER_SECTION))
    second = tmp_path / "second"  # next week: rows sorted otherwise, two people more
    second.mkdir()
    lecturer_workbook(second / "participants.xlsx", sorted(persons, key=lambda p: p.name))
    (second / "programme.toml").write_text(programme_toml("participants.xlsx", ROSTER_SECTION))
    ids = {p.email: p.id for p in _loaded(first / "programme.toml").participants}
    again = {p.email: p.id for p in _loaded(second / "programme.toml").participants}
    assert ids == again
    assert email_id("Émile.Dupont@Example.org") == email_id("émile.dupont@example.org")
    assert email_id("émile.dupont@example.org").startswith("emile.dupont-")
    assert email_id("info@a.example") != email_id("info@b.example")


# --- refusals -----------------------------------------------------------------------------


def _good_book() -> bytes:
    buffer = io.BytesIO()
    rows = _in_words("en")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(buffer)
    return buffer.getvalue()


def _edited(edit: str) -> bytes:
    book = load_workbook(io.BytesIO(_good_book()))
    sheet = book.active
    assert sheet is not None
    if edit == "formula error":
        sheet["D3"] = "#REF!"
    elif edit == "formula never computed":
        sheet["H3"] = '=UPPER("fi")'
    elif edit == "two e-mails":
        sheet["N1"] = "Mail"
    elif edit == "two teams":
        sheet["F2"] = "Team"
    elif edit == "e-mail twice":
        sheet.delete_cols(1)
        sheet["C4"] = "p2@example.org"
    elif edit == "no name, no e-mail":
        sheet.append([None, None, None, None, "Guest"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REFUSALS = [
    (
        "renamed",
        lambda: b"id,name,role\np1,Pia,presenter\n",
        "",
        "{file}:1: not an Excel workbook (renamed from another kind of file?): open it in your "
        'spreadsheet program and save it as .xlsx, or as "CSV UTF-8"',
    ),
    (
        "encrypted",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "",
        "{file}:1: the workbook is encrypted (password-protected) or an old Excel 97–2003 file: "
        "remove the password, or save it again as .xlsx",
    ),
    (
        "corrupt",
        lambda: _good_book()[:1500],
        "",
        "{file}:1: the workbook cannot be read (BadZipFile: it is damaged or incomplete): open "
        "it in your spreadsheet program and save it again as .xlsx",
    ),
    (
        "formula error",
        lambda: _edited("formula error"),
        "",
        "{file}:Sheet:3: column 'E-mail' holds the formula error #REF!: correct the formula, or "
        "type the value",
    ),
    (
        "formula never computed",
        lambda: _edited("formula never computed"),
        "",
        "{file}:Sheet:3: column 'Country' holds a formula whose result was never saved (the file "
        "was written by a program, not a spreadsheet): open it in your spreadsheet program and "
        "save it again",
    ),
    (
        "no such sheet",
        _good_book,
        '\n[roster]\nsheet = "Teilnehmer"\n',
        "{file}:1: [roster] sheet = 'Teilnehmer', but the workbook has no such sheet (sheets: "
        "'Sheet')",
    ),
    (
        "two e-mails",
        lambda: _edited("two e-mails"),
        "",
        "{file}:Sheet:1: columns 'E-mail' and 'Mail' both look like the e-mail: say which one "
        'to use in [roster] columns (e.g. columns = {"Mail" = ""} keeps it as the person\'s own)',
    ),
    (
        "two teams",
        lambda: _edited("two teams"),
        "",
        "{file}:Sheet:2: team 'Team' fits 3 teams (t1, t2, t3): write the team's id or full "
        'name, or say which in [roster] values = {team = {"Team" = "t1"}}',
    ),
    (
        "e-mail twice",
        lambda: _edited("e-mail twice"),
        "",
        "{file}:Sheet:4: the e-mail 'p2@example.org' is given twice (first at row 3): one row "
        "per person",
    ),
    (
        "no name, no e-mail",
        lambda: _edited("no name, no e-mail"),
        "",
        "{file}:Sheet:10: a row with no name and no e-mail: fill them in, or delete the row",
    ),
]


@pytest.mark.parametrize(
    ("content", "section", "message"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
def test_a_bad_workbook_is_refused_with_file_sheet_and_row(
    tmp_path: Path, content: object, section: str, message: str
) -> None:
    assert callable(content)
    path = write_event(tmp_path, toml=BASE_TOML.replace("roster.csv", "people.xlsx") + section)
    (tmp_path / "people.xlsx").write_bytes(content())
    result = CliRunner().invoke(main, ["check", str(path)], env=ENV)
    assert result.exit_code == 1
    assert message.replace("{file}", str(tmp_path / "people.xlsx")) + "\n" in result.output
    assert "Traceback" not in result.output


def test_an_ods_workbook_is_read_too(tmp_path: Path) -> None:
    """An OpenDocument spreadsheet (python-calamine), written here as LibreOffice writes the
    smallest one: the same people as the strict CSV."""
    strict = _loaded(write_event(tmp_path / "strict"))
    folder = tmp_path / "ods"
    path = write_event(folder, toml=BASE_TOML.replace("roster.csv", "people.ods"))
    _ods(folder / "people.ods", _in_words("en"))
    assert _loaded(path).participants == strict.participants


def _ods(path: Path, rows: list[list[object]]) -> None:
    from xml.sax.saxutils import escape

    def cell(value: object) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, int):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>"
        )

    body = "".join(f"<table:table-row>{''.join(map(cell, row))}</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="People">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


# --- served ---------------------------------------------------------------------------------


async def test_a_workbook_persons_erasure_leaves_nothing_of_them_stored(
    serve, http, redis_url, tmp_path: Path
) -> None:
    """The served day keeps the roster as read (strict CSV), not the workbook's compressed
    bytes, so erasing a person takes their row out of it too."""
    from orchestrator.appkeys import SERVICE, STORE
    from tests.support.app import AUTH
    from tests.support.clock import start_so_that_now_is
    from tests.support.redis_kit import every_value
    from tests.support.standin_jitsi import WEBHOOK_ENV as SERVE_ENV

    folder = ROOT / "examples" / "spreadsheet-day"
    for name in ("programme.toml", "participants.xlsx"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    running = await serve(
        tmp_path / "programme.toml",
        redis_url=redis_url,
        env=SERVE_ENV,
        speed=1.0,
        start_at=start_so_that_now_is(10, speed=1.0),
    )
    live = running.app[SERVICE].require_live()
    person = live.programme.participant_by_id[email_id("milan-dubois@example.org")]
    assert person.role == "jury"  # [roster] honoured by serve
    store = running.app[STORE]
    assert person.email.encode() in await every_value(store)
    erased = await http.post(
        f"{running.base_url}/api/v1/participants/{person.id}/erase", headers=AUTH
    )
    assert erased.status_code == 200, erased.text
    dump = await every_value(store)
    for value in (person.id, person.name, person.email):
        assert value.encode() not in dump, value


@pytest.mark.parametrize(
    ("written", "fits"),
    [
        ("team 1", True),  # the start of "team 1 digital youth work"
        ("team 1 digital youth work extra", True),
        ("team 10", False),  # not "team 1" followed by a 0
        ("team", True),
        ("youth work", False),
    ],
)
def test_a_team_fits_a_name_it_begins_at_a_words_end(written: str, fits: bool) -> None:
    from schedules.row_reader import _fits

    assert _fits(written, "team 1 digital youth work") is fits


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            'values = { colour = { "Blue" = "t1" } }',
            "`values` may say what a role, team, timezone, language or mode means, not a 'colour'",
        ),
        (
            'values = { role = "jury" }',
            '`values.role` must be a table of texts, like role = {"Lecturer" = "jury"}',
        ),
        ('sheets = "A"', "unknown key 'sheets' in [roster] (did you mean 'sheet'?)"),
    ],
)
def test_a_wrong_roster_section_is_refused_at_its_line(
    tmp_path: Path, section: str, message: str
) -> None:
    toml = BASE_TOML + f"\n[roster]\n{section}\n"
    programme, problems = check_programme(write_event(tmp_path, toml=toml), {})
    line = toml.splitlines().index(section) + 1
    assert programme is None
    assert [str(p) for p in problems if p.severity == "error"] == [
        f"{tmp_path / 'programme.toml'}:{line}: {message}"
    ]
