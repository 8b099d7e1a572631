"""Personal agendas as iCalendar, parsed back with the icalendar library."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from orchestrator.language.i18n import translator
from schedules.exports import agenda_ics, plan_csv, plan_table
from schedules.planner import plan_rotation
from schedules.programme import load_programme
from tests.support.app import EXAMPLE
from tests.support.builders import BASE_TOML, write_event

EN = translator("en")  # the agenda's words in English


def _events(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    events = [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]
    return sorted(events, key=lambda e: e.decoded("dtstart"))


def test_helsinki_and_lisbon_people_see_their_own_time(tmp_path: Path) -> None:
    programme = load_programme(write_event(tmp_path))
    plan = plan_rotation(programme)
    helsinki = _events(agenda_ics(programme, plan, "a2", t=EN))  # Europe/Helsinki, at keynote k1
    lisbon = _events(agenda_ics(programme, plan, "a1", t=EN))  # Europe/Lisbon
    first_h = helsinki[0].decoded("dtstart")
    first_l = lisbon[0].decoded("dtstart")
    assert str(first_h.tzinfo) == "Europe/Helsinki"
    assert str(first_l.tzinfo) == "Europe/Lisbon"
    # 09:00 in Berlin is 10:00 in Helsinki and 08:00 in Lisbon (27 March 2025, before DST)
    assert (first_h.hour, first_h.minute) == (10, 0)
    assert (first_l.hour, first_l.minute) == (8, 0)
    summaries = [str(e["summary"]) for e in helsinki]
    assert summaries[1] == "Keynote: Opening"
    assert len(helsinki) == 3  # round 1, the keynote (instead of round 2), round 3
    assert summaries[0].startswith("Round 1: Room ")
    assert all(e.decoded("dtend") > e.decoded("dtstart") for e in helsinki)


def test_agenda_across_a_daylight_saving_change(tmp_path: Path) -> None:
    """Berlin moves from 02:00 CET to 03:00 CEST on 30 March 2025."""
    toml = (
        BASE_TOML.replace('start = "2025-03-27T09:00"', 'start = "2025-03-30T01:00"')
        .replace("round_minutes = 30", "round_minutes = 45")
        .replace('start = "2025-03-27T09:30"', 'start = "2025-03-30T01:45"')
    )
    programme = load_programme(write_event(tmp_path, toml=toml))
    plan = plan_rotation(programme)
    events = _events(agenda_ics(programme, plan, "a3", t=EN))  # the event's zone, away in round 2
    starts = [e.decoded("dtstart") for e in events]
    assert [(s.hour, s.minute) for s in starts] == [(1, 0), (3, 30)]
    # 45 minutes a round in real time: round 3 starts 90 minutes after round 1 (subtract in
    # UTC: Python subtracts wall-clock times when both sides share a zone)
    utc = ZoneInfo("UTC")
    assert (starts[1].astimezone(utc) - starts[0].astimezone(utc)).total_seconds() == 90 * 60
    assert starts[1].utcoffset().total_seconds() == 7200
    assert starts[0].utcoffset().total_seconds() == 3600
    lisbon = _events(agenda_ics(programme, plan, "a1", t=EN))
    first = lisbon[0].decoded("dtstart")
    assert first.astimezone(ZoneInfo("UTC")) == datetime(2025, 3, 30, 0, 0, tzinfo=ZoneInfo("UTC"))
    assert (first.hour, first.minute) == (0, 0)


def test_presenter_agenda_names_their_own_room(tmp_path: Path) -> None:
    programme = load_programme(write_event(tmp_path))
    plan = plan_rotation(programme)
    events = _events(agenda_ics(programme, plan, "p1", t=EN))
    assert [str(e["summary"]) for e in events] == [
        f"Round {n}: You present in Room 1 (Team One)" for n in (1, 2, 3)
    ]
    assert str(events[0]["description"]) == "Team One: Project one"


def test_table_and_csv_exports(tmp_path: Path) -> None:
    programme = load_programme(write_event(tmp_path))
    plan = plan_rotation(programme)
    table = plan_table(programme, plan)
    assert "round  time" in table and "09:00–09:30" in table and "jury coverage" in table
    rows = plan_csv(plan).splitlines()
    assert rows[0] == "round,start,end,room,team,participant"
    seated = sum(len(s.audience) for r in plan.rounds for s in r.rooms)
    keynote = sum(len(k.audience) for k in plan.keynotes)
    assert len(rows) == 1 + seated + keynote


def test_the_table_labels_its_per_round_audience_figures_as_rounds() -> None:
    """The figures are per round (min/mean/max over its rooms): labelled r1… they read as
    rooms, and the example has more rooms than rounds."""
    programme = load_programme(EXAMPLE)
    plan = plan_rotation(programme)
    [line] = [x for x in plan_table(programme, plan).splitlines() if x.startswith("audience")]
    labels = re.findall(r"(\w+ ?\d+): \d", line)
    assert labels == [f"round {r.index}" for r in plan.rounds]


def test_a_portuguese_persons_calendar_is_in_portuguese(tmp_path: Path) -> None:
    """`rota agenda` for Ana (language pt in the roster): summaries, the keynote, the alarms."""
    from click.testing import CliRunner

    from orchestrator.cli import main

    path = write_event(tmp_path)
    done = CliRunner().invoke(main, ["agenda", str(path), "--participant", "a1"])
    assert done.exit_code == 0, done.output
    events = _events(done.output.encode())
    summaries = [str(e["summary"]) for e in events]
    assert summaries and all(s.startswith(("Ronda ", "Palestra: ")) for s in summaries)
    assert summaries[0].startswith("Ronda 1: Room ")
    alarms = [a for e in events for a in e.walk("VALARM")]
    assert len(alarms) == len(events)
    assert str(alarms[0]["description"]) == f"{summaries[0]} começa dentro de 10 minutos"
    assert alarms[0].decoded("trigger").total_seconds() == -600


def test_a_keynote_title_in_the_persons_language(tmp_path: Path) -> None:
    """Aki (fi) sees the keynote under its Finnish title; the title stays for everyone else."""
    toml = BASE_TOML.replace('title = "Opening"', 'title = "Opening"\ntitles = { fi = "Avaus" }')
    programme = load_programme(write_event(tmp_path, toml=toml))
    plan = plan_rotation(programme)
    fi = translator("fi")
    summaries = [str(e["summary"]) for e in _events(agenda_ics(programme, plan, "a2", t=fi))]
    assert "Pääpuhe: Avaus" in summaries
    assert programme.keynote_by_id["k1"].title_in("de") == "Opening"


def test_a_title_in_a_language_rota_does_not_speak_is_refused(tmp_path: Path) -> None:
    from schedules.programme import check_programme
    from tests.support.builders import line_of

    toml = BASE_TOML.replace('title = "Opening"', 'title = "Opening"\ntitles = { xx = "?" }')
    _, problems = check_programme(write_event(tmp_path, toml=toml))
    [error] = [p for p in problems if p.severity == "error"]
    assert "'xx' is not a language Rota speaks" in error.message
    assert error.line == line_of(toml, "titles = ")
