"""`rota check` is the one gate: one case per message, each asserting the exact
`file:line: message` and that it is the only error (one cause, one message)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from orchestrator.cli import main
from schedules.programme import check_programme
from schedules.schema import listing, plural
from tests.support.builders import BASE_CSV, BASE_TOML, line_of, write_event
from tests.support.receivers import VECTOR_SECRET

SECRET = "s" * 32


@dataclass(frozen=True)
class Case:
    message: str
    old: str  # replaced in the programme ("" appends `new` to it)
    new: str
    needle: str  # the line the message must name: "text" or "text|occurrence"
    environ: tuple[tuple[str, str], ...] = ()


TOML = [
    Case(
        "unknown key 'jury_per_teams' in [rotation] (did you mean 'jury_per_team'?)",
        "jury_per_team = 1",
        "jury_per_teams = 1",
        "jury_per_teams",
    ),
    Case(
        "unknown key 'min_audiance' in [rotation] (did you mean 'min_audience'?)",
        "min_audience = 1",
        "min_audiance = 1",
        "min_audiance",
    ),
    Case(
        "unknown key 'projet' in [[teams]] (did you mean 'project'?)",
        'project = "Project one"',
        'projet = "Project one"',
        "projet",
    ),
    Case("unknown key 'colour' in [[rooms]]", 'name = "Room 2"', 'colour = "red"', "colour"),
    Case("unknown section [jitsy] (did you mean 'jitsi'?)", "", '[jitsy]\ndomain = "x"', "[jitsy]"),
    Case("missing `round_minutes` in [rotation]", "round_minutes = 30\n", "", "[rotation]"),
    Case("missing `rounds` in [rotation]", "rounds = 3\n", "", "[rotation]"),
    Case(
        "missing `capacity` in [[rooms]] number 2", "capacity = 10\n", "", "[[rooms]]|2"
    ).__class__("missing `capacity` in [[rooms]] number 1", "capacity = 10\n", "", "[[rooms]]"),
    Case("missing section [rotation]", "[rotation]", "[rotation_]", "[event]").__class__(
        "unknown section [rotation_] (did you mean 'rotation'?)",
        "[rotation]",
        "[rotation_]",
        "[rotation_]",
    ),
    Case(  # the roster's references to t3 are the same mistake: not reported again
        "team id 't 3' may hold only letters, digits, - and _",
        'id = "t3"',
        'id = "t 3"',
        'id = "t 3"',
    ),
    Case("room id 'r 3' may hold only letters, digits, - and _", 'id = "r3"', 'id = "r 3"', "r 3"),
    Case(
        "keynote id 'k 1' may hold only letters, digits, - and _", 'id = "k1"', 'id = "k 1"', "k 1"
    ),
    Case(
        "`capacity` must be a whole number, not 'ten'", "capacity = 10", 'capacity = "ten"', "ten"
    ),
    Case("room 'r1' needs a capacity above 0", "capacity = 10", "capacity = 0", "capacity = 0"),
    Case(
        "rounds must last at least one minute (round_minutes = 0)",
        "round_minutes = 30",
        "round_minutes = 0",
        "round_minutes",
    ),
    Case(
        "changeover_minutes = -5 would make rounds overlap",
        "changeover_minutes = 0",
        "changeover_minutes = -5",
        "changeover_minutes",
    ),
    Case("`min_audience` cannot be negative", "min_audience = 1", "min_audience = -1", "min_aud"),
    Case("there must be at least one round (rounds = 0)", "rounds = 3", "rounds = 0", "rounds ="),
    Case(
        "threshold is a share between 0 and 1, not 1.5",
        "threshold = 0.75",
        "threshold = 1.5",
        "threshold",
    ),
    Case(
        "team 't2' uses unknown room 'r9' (rooms: r1, r2, r3)",
        'room = "r2"',
        'room = "r9"',
        'room = "r9"',
    ),
    Case(
        "duplicate team id 't1' (first at line 32)",
        "",
        '[[teams]]\nid = "t1"\nroom = "r3"',
        'id = "t1"|2',
    ),
    Case(
        "duplicate room id 'r1' (first at line 17)",
        "",
        '[[rooms]]\nid = "r1"\ncapacity = 5',
        'id = "r1"|2',
    ),
    Case(
        "duplicate keynote id 'k1' (first at line 48)",
        "",
        '[[keynotes]]\nid = "k1"\nstart = "2025-03-27T10:30"\nminutes = 30\nroom = "aula"',
        'id = "k1"|2',
    ),
    Case("teams 't1' and 't3' share room 'r1'", 'room = "r3"', 'room = "r1"', 'room = "r1"|2'),
    Case(
        "keynote 'k1' is in room 'r2', which team 't2' uses",
        'room = "hall"',
        'room = "r2"',
        'room = "r2"|2',
    ),
    Case(
        "unknown time zone 'Mars/Olympus' (use a name like \"Europe/Berlin\")",
        'timezone = "Europe/Berlin"',
        'timezone = "Mars/Olympus"',
        "timezone",
    ),
    Case(
        "`language` must be de, en, fi, fr, nl or pt, not 'xx'",
        'language = "en"',
        'language = "xx"',
        "language",
    ),
    Case(
        "`start` = '27.03.2025 9 Uhr' is not a time like \"2025-03-27T09:00\"",
        'start = "2025-03-27T09:00"',
        'start = "27.03.2025 9 Uhr"',
        "Uhr",
    ),
    Case(
        "give either `start` and `rounds`, or `starts`, not both",
        "rounds = 3",
        'rounds = 3\nstarts = ["2025-03-27T09:00"]',
        "starts",
    ),
    Case(
        "round 2 starts before round 1 ends (rounds overlap)",
        'start = "2025-03-27T09:00"\nround_minutes = 30\nrounds = 3',
        'starts = ["2025-03-27T09:00", "2025-03-27T09:20", "2025-03-27T10:00"]\nround_minutes = 30',
        "starts",
    ),
    Case(
        "keynote 'k1' (09:30–10:00) is for everyone but overlaps round 2 (09:30–10:00); "
        "move it, or the rounds (a `starts` list allows a break)",
        "threshold = 0.75",
        'threshold = 0.75\naudience = "everyone"',
        'start = "2025-03-27T09:30"',
    ),
    Case(
        "`audience` must be registered or everyone, not 'all'",
        "threshold = 0.75",
        'threshold = 0.75\naudience = "all"',
        'audience = "all"',
    ),
    Case(
        "keynotes 'k1' and 'k2' overlap in room 'hall'",
        "",
        '[[keynotes]]\nid = "k2"\nstart = "2025-03-27T09:45"\nminutes = 30\nroom = "hall"',
        'start = "2025-03-27T09:45"',
    ),
    Case(
        "keynotes 'k2' and 'k3' overlap, and 'k2' is for everyone",
        "",
        '[[keynotes]]\nid = "k2"\nstart = "2025-03-27T10:30"\nminutes = 30\nroom = "aula"\n'
        'audience = "everyone"\n\n[[keynotes]]\nid = "k3"\nstart = "2025-03-27T10:45"\n'
        'minutes = 30\nroom = "hall"',
        'start = "2025-03-27T10:45"',
    ),
    # [jitsi]: what `rota serve` needs from the section and the environment
    Case(
        "`tokens` must be none, hs256 or jaas, not 'magic'",
        "",
        '[jitsi]\ntokens = "magic"',
        "tokens",
    ),
    Case(
        'tokens = "hs256" needs the app secret in the environment as ROTA_JITSI_SECRET',
        "",
        '[jitsi]\ntokens = "hs256"\napp_id = "rota"',
        "tokens",
    ),
    Case(
        'tokens = "hs256" needs `app_id` (the app id of your Jitsi)',
        "",
        '[jitsi]\ntokens = "hs256"',
        "tokens",
        (("ROTA_JITSI_SECRET", SECRET),),
    ),
    Case(
        "ROTA_JITSI_SECRET is too short: HS256 needs at least 32 bytes (RFC 7518 §3.2)",
        "",
        '[jitsi]\ntokens = "hs256"\napp_id = "rota"',
        "tokens",
        (("ROTA_JITSI_SECRET", "short"),),
    ),
    Case(
        'tokens = "jaas" needs `kid` or `private_key` (a PEM file)',
        "",
        '[jitsi]\ntokens = "jaas"\napp_id = "vpaas-magic-cookie-1"',
        "tokens",
    ),
    Case(
        "cannot read private_key {folder}/nope.pem: No such file or directory",
        "",
        '[jitsi]\ntokens = "jaas"\napp_id = "a"\nkid = "a/b"\nprivate_key = "nope.pem"',
        "private_key",
    ),
    Case(
        'scheme = "http" is only allowed for a Jitsi on this machine (localhost or 127.0.0.1); '
        "browsers need https for camera and microphone",
        "",
        '[jitsi]\ndomain = "meet.example.org"\nscheme = "http"',
        "scheme",
    ),
    Case("`grace_minutes` must be at least 0, not -1", "", "[jitsi]\ngrace_minutes = -1", "grace"),
    # [[notify]]
    Case(
        "`kind` must be webhook, slack, teams, discord, matrix or ntfy, not 'fax'",
        "",
        '[[notify]]\nkind = "fax"\nurl = "https://example.org/x"',
        "kind",
    ),
    Case(
        "the URL must be http or https (url = 'ftp://example.org/x')",
        "",
        '[[notify]]\nkind = "slack"\nurl = "ftp://example.org/x"',
        "url",
    ),
    Case(
        "a webhook needs `secret_env` naming a variable that holds a whsec_… secret",
        "",
        '[[notify]]\nurl = "https://example.org/x"',
        "[[notify]]",
    ),
    Case(
        "the environment variable UNSET_SECRET_VAR is not set",
        "",
        '[[notify]]\nurl = "https://example.org/x"\nsecret_env = "UNSET_SECRET_VAR"',
        "secret_env",
    ),
    Case(
        "a slack subscriber needs `url`",
        "",
        '[[notify]]\nkind = "slack"',
        "[[notify]]",
    ),
    Case(
        "`checkin_networks`: '10.0.0.0/33' is not a network like \"10.0.0.0/8\"",
        'roster = "roster.csv"',
        'roster = "roster.csv"\ncheckin_networks = ["10.0.0.0/33"]',
        "checkin_networks",
    ),
    Case(
        "`walking_minutes` must be 0 to 120, not -1",
        'roster = "roster.csv"',
        'roster = "roster.csv"\nwalking_minutes = -1',
        "walking_minutes",
    ),
    Case(
        '`onsite` names where the room is, e.g. "Building A, room 2.14"',
        'name = "Room 2"',
        'name = "Room 2"\nonsite = " "',
        "onsite",
    ),
    Case(
        "`online_capacity` counts the online seats of an on-site room with a `url`",
        'name = "Room 2"',
        'name = "Room 2"\nonsite = "Aula"\nonline_capacity = 5',
        "online_capacity",
    ),
    Case(
        "`solve_seconds` must be between 0 and 600, not 900",
        "jury_per_team = 1",
        "jury_per_team = 1\nsolve_seconds = 900",
        "solve_seconds",
    ),
    Case(
        "`events` must be a list of texts, not 3",
        "",
        '[[notify]]\nkind = "ntfy"\nevents = ["round.*", 3]',
        "events",
    ),
]


def _only_error(folder: Path, toml: str, csv: str, environ: dict[str, str]) -> list[str]:
    programme, problems = check_programme(write_event(folder, toml=toml, csv=csv), environ)
    assert programme is None
    return [str(p) for p in problems if p.severity == "error"]


@pytest.mark.parametrize("case", TOML, ids=[c.message[:50] for c in TOML])
def test_programme_message(tmp_path: Path, case: Case) -> None:
    toml = BASE_TOML.replace(case.old, case.new, 1) if case.old else f"{BASE_TOML}\n{case.new}\n"
    assert toml != BASE_TOML
    text, _, occurrence = case.needle.partition("|")
    line = line_of(toml, text, int(occurrence or 1))
    message = case.message.format(folder=tmp_path)
    errors = _only_error(tmp_path, toml, BASE_CSV, dict(case.environ))
    assert errors == [f"{tmp_path / 'programme.toml'}:{line}: {message}"]


ROSTER = [
    Case(
        "presenter 'p2' belongs to unknown team 't9' (teams: t1, t2, t3)",
        "p2,Pat Two,p2@example.org,presenter,t2",
        "p2,Pat Two,p2@example.org,presenter,t9",
        "p2,",
    ),
    Case(
        "'a1': preference for unknown team 't7' (teams: t1, t2, t3)",
        "Europe/Lisbon,pt,t2 t1",
        "Europe/Lisbon,pt,t2 t7",
        "a1,",
    ),
    Case(
        "'a2': unknown keynote 'k9' (keynotes: k1)",
        "Europe/Helsinki,fi,,k1",
        "Europe/Helsinki,fi,,k9",
        "a2,",
    ),
    Case(
        "unknown column 'prefrences' (did you mean 'preferences'?)",
        "language,preferences",
        "language,prefrences",
        "id,name",
    ),
    Case("'a3': malformed e-mail 'not-an-email'", "a3@example.org", "not-an-email", "a3,"),
    Case(
        "'a1': unknown time zone 'Europe/Atlantis' (write an IANA zone like \"Europe/Berlin\", "
        "a large city or a country)",
        "Uni A,PT,Europe/Lisbon",
        "Uni A,PT,Europe/Atlantis",
        "a1,",
    ),
    Case("duplicate participant id 'a1' (first at line 5)", "a2,Aki", "a1,Aki", "a1,Aki"),
    Case(
        "'a3': unknown role 'speaker' (use audience, presenter, jury, organiser, or say what "
        'it means in [roster] values = {role = {"speaker" = "audience"}})',
        "a3@example.org,audience",
        "a3@example.org,speaker",
        "a3,",
    ),
    Case(
        "'a3': unavailable round '7' is not a round number from 1 to 3",
        "Uni C,DE,,,,,2",
        "Uni C,DE,,,,,7",
        "a3,",
    ),
    Case("presenter 'p3' has no team", "presenter,t3", "presenter,", "p3,"),
    Case("unknown column 'emial' (did you mean 'email'?)", "email,", "emial,", "id,name"),
    Case("missing column `name` (or `First name` and `Last name`)", "id,name,", "id,", "id,"),
]


@pytest.mark.parametrize("case", ROSTER, ids=[c.message[:50] for c in ROSTER])
def test_roster_message(tmp_path: Path, case: Case) -> None:
    csv = BASE_CSV.replace(case.old, case.new, 1)
    assert csv != BASE_CSV
    line = line_of(csv, case.needle)
    errors = _only_error(tmp_path, BASE_TOML, csv, {})
    assert errors == [f"{tmp_path / 'roster.csv'}:{line}: {case.message}"]


@pytest.mark.parametrize("header", ["#notes", "notes"])
def test_a_column_of_ones_own_is_kept_quietly(tmp_path: Path, header: str) -> None:
    """With `#` or without: a column Rota does not read is the person's own, kept aside."""
    csv = BASE_CSV.replace("unavailable", f"unavailable,{header}", 1).replace(
        "Uni C,DE,,,,,2", "Uni C,DE,,,,,2,vegetarian"
    )
    programme, problems = check_programme(write_event(tmp_path, csv=csv), {})
    assert programme is not None and problems == []
    assert programme.participant_by_id["a3"].own == (("notes", "vegetarian"),)


@pytest.mark.parametrize(
    ("ids", "shown"),
    [
        ([], "none"),
        (["t1"], "t1"),
        ([f"t{i}" for i in range(1, 11)], ", ".join(f"t{i}" for i in range(1, 11))),
        (
            [f"t{i}" for i in range(1, 14)],
            ", ".join(f"t{i}" for i in range(1, 11)) + " and 3 more",
        ),
    ],
)
def test_valid_ids_are_listed_up_to_ten(ids: list[str], shown: str) -> None:
    assert listing(ids) == shown


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0 keynotes"), (1, "1 keynote"), (2, "2 keynotes")]
)
def test_plurals(count: int, text: str) -> None:
    assert plural(count, "keynote") == text


def test_check_counts_in_words(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(write_event(tmp_path))])
    assert result.exit_code == 0, result.output
    # (with the warnings about public meet.jit.si: tests/test_public_jitsi.py)
    assert "ok — 3 teams, 3 rounds, 1 keynote, 8 participants" in result.output


def test_check_says_what_the_plan_is(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(write_event(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "\nplan: " in result.output and ": optimal (proven)\n" in result.output


def test_check_refuses_what_cannot_be_planned(tmp_path: Path) -> None:
    """Four planned people, three seats: the planner's own explanation, at [rotation]."""
    toml = BASE_TOML.replace("capacity = 10", "capacity = 1")
    path = write_event(tmp_path, toml=toml)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    line = line_of(toml, "[rotation]")
    assert (
        f"{path}:{line}: the rotation cannot be planned: round 1: 4 audience members need "
        "seats but the 3 team rooms hold 3\n"
    ) in result.output
    assert result.output.endswith("2 errors, 2 warnings\n")  # with the platform warnings


NOTIFY = '[[notify]]\nurl = "https://example.org/x"\nsecret_env = "UNSET_SECRET_VAR"\n'


@pytest.mark.parametrize("command", ["check", "serve"])
def test_check_and_serve_refuse_alike(tmp_path: Path, command: str) -> None:
    """One validation path: the same message from `check` and from `serve`, before it binds."""
    path = write_event(tmp_path, toml=BASE_TOML + "\n" + NOTIFY)
    extra = ["--port", "1", "--data-dir", str(tmp_path / "var")] if command == "serve" else []
    result = CliRunner().invoke(main, [command, str(path), *extra], env={"UNSET_SECRET_VAR": ""})
    assert result.exit_code == 1
    line = line_of(BASE_TOML + "\n" + NOTIFY, "secret_env")
    assert f"{path}:{line}: the environment variable UNSET_SECRET_VAR is not set\n" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_a_set_secret_passes(tmp_path: Path) -> None:
    path = write_event(tmp_path, toml=BASE_TOML + "\n" + NOTIFY)
    result = CliRunner().invoke(main, ["check", str(path)], env={"UNSET_SECRET_VAR": VECTOR_SECRET})
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "ROTA_ORGANISER_TOKEN",
            "short",
            "environment: ROTA_ORGANISER_TOKEN is 5 characters long; it needs at least 24 "
            "(for example: openssl rand -base64 24).",
        ),
        (
            "ROTA_TRUSTED_PROXIES",
            "nonsense",
            "environment: trusted proxy 'nonsense' is not an IP address or network",
        ),
    ],
)
def test_check_refuses_the_environment_serve_would_refuse(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = CliRunner().invoke(main, ["check", str(write_event(tmp_path))], env={variable: value})
    assert result.exit_code == 1
    # after the warnings about public meet.jit.si (tests/test_public_jitsi.py)
    assert result.output.endswith(f"{message}\n1 error, 2 warnings\n"), result.output


def test_a_keynote_room_too_small_for_everyone_is_a_warning(tmp_path: Path) -> None:
    toml = (
        BASE_TOML
        + '\n[[rooms]]\nid = "aula"\ncapacity = 5\n\n[[keynotes]]\nid = "closing"\n'
        + 'start = "2025-03-27T10:30"\nminutes = 30\nroom = "aula"\naudience = "everyone"\n'
    )
    programme, problems = check_programme(write_event(tmp_path, toml=toml), {})
    assert programme is not None
    line = line_of(toml, 'room = "aula"')
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'programme.toml'}:{line}: warning: keynote 'closing' expects 8 people "
        "but room 'aula' holds 5"
    ]


def test_the_roster_mode_is_online_or_onsite(tmp_path: Path) -> None:
    csv = BASE_CSV.replace("keynotes,unavailable", "keynotes,unavailable,mode").replace(
        "Uni C,DE,,,,,2", "Uni C,DE,,,,,2,by bike"
    )
    errors = _only_error(tmp_path, BASE_TOML, csv, {})
    line = line_of(csv, "a3,")
    assert errors == [
        f"{tmp_path / 'roster.csv'}:{line}: 'a3': unknown mode 'by bike' (use online or onsite)"
    ]


JURY_CASES = [
    (
        "jury_per_team = 2",
        "",
        "jury_per_team = 2 cannot be met: the roster has 1 jury member; add jury members to the "
        "roster or lower it to 1",
    ),
    (  # the one juror attends one round of three: one team seen, three needed
        "jury_per_team = 1",
        "Uni A,BE,Europe/Brussels,fr,,,2 3",
        "jury_per_team = 1 cannot be met: 1 jury member can see 1 team in all (one per round "
        "each attends), and 3 teams × 1 = 3 visits are needed; add jury members to the roster "
        "or set it to 0",
    ),
]


@pytest.mark.parametrize(("setting", "juror", "message"), JURY_CASES)
@pytest.mark.parametrize("command", ["check", "plan"])
def test_check_and_plan_refuse_a_jury_no_plan_can_have(
    tmp_path: Path, command: str, setting: str, juror: str, message: str
) -> None:
    """`rota plan` reported "not possible with this many jury members" and `rota check` said
    ok: both refuse it now, at the line of `jury_per_team`, with the largest value that works."""
    toml = BASE_TOML.replace("jury_per_team = 1", setting)
    csv = BASE_CSV.replace("Uni A,BE,Europe/Brussels,fr,,,", juror) if juror else BASE_CSV
    path = write_event(tmp_path, toml=toml, csv=csv)
    result = CliRunner().invoke(main, [command, str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:{line_of(toml, 'jury_per_team')}: {message}\n" in result.output


def test_every_problem_of_a_row_with_an_unknown_role_is_reported(tmp_path: Path) -> None:
    """A row refused for its role (or its id) still gets its other checks: fixing the role
    reveals nothing new."""
    csv = BASE_CSV.replace(
        "a3,Ada Audience,a3@example.org,audience,,Uni C,DE,,,,,2",
        "a 3,Ada Audience,not-an-email,speaker,,Uni C,DE,Mars/Base,xx,t9,k9,7",
    )
    errors = _only_error(tmp_path, BASE_TOML, csv, {})
    line = line_of(csv, "a 3,")
    where = f"{tmp_path / 'roster.csv'}:{line}: "
    assert errors == [
        where + message
        for message in sorted(
            [
                "participant id 'a 3' may hold only letters, digits, -, _ and .",
                "'a 3': unknown role 'speaker' (use audience, presenter, jury, organiser, or say "
                'what it means in [roster] values = {role = {"speaker" = "audience"}})',
                "'a 3': malformed e-mail 'not-an-email'",
                "'a 3': unknown time zone 'Mars/Base' (write an IANA zone like "
                "\"Europe/Berlin\", a large city or a country; the country 'DE' has one, "
                'Europe/Berlin: [roster] values = {timezone = {"Mars/Base" = "Europe/Berlin"}} '
                "says so)",
                "'a 3': the language 'xx' is not a language Rota knows (de, en, fi, fr, nl, pt): "
                'say which page language to use in [roster] values = {language = {"xx" = "en"}}',
                "'a 3': preference for unknown team 't9' (teams: t1, t2, t3)",
                "'a 3': unknown keynote 'k9' (keynotes: k1)",
                "'a 3': unavailable round '7' is not a round number from 1 to 3",
            ]
        )
    ]
