"""`[scoring]` and `[[awards]]`: read and checked with file:line; the rules a score must follow."""

from __future__ import annotations

from pathlib import Path

import pytest

from schedules.plan import Plan
from schedules.planner import plan_rotation
from schedules.programme import check_programme, load_programme
from schedules.scoring import (
    COMMENT_LIMIT,
    Criterion,
    ScoreRefused,
    Scoring,
    check_feedback,
    check_score,
    duties,
)
from tests.support.builders import BASE_TOML, line_of, write_event

SCORING_TOML = """
[scoring]
closes_minutes_after = 45
audience_feedback = true

[[scoring.criteria]]
id = "impact"
name = "Impact"
description = "Does it change something for the people it serves?"
min = 1
max = 5
weight = 2

[[scoring.criteria]]
id = "craft"
name = "Craft"
min = 0
max = 10

[[awards]]
id = "impact"
name = "Most impactful project"
criterion = "impact"

[[awards]]
id = "swiss"
name = "The Swiss army knife"
description = "Does a bit of everything"
"""


def test_scoring_and_awards_are_read(tmp_path: Path) -> None:
    programme = load_programme(write_event(tmp_path, BASE_TOML + SCORING_TOML))
    scoring = programme.scoring
    assert scoring is not None
    assert scoring.closes_minutes_after == 45 and scoring.audience_feedback
    assert scoring.criteria[0] == Criterion(
        "impact", "Impact", 1.0, 5.0, 2.0, "Does it change something for the people it serves?"
    )
    assert scoring.criteria[1].weight == 1.0
    assert [(a.id, a.criterion) for a in programme.awards] == [("impact", "impact"), ("swiss", "")]


def test_without_scoring_there_is_none(tmp_path: Path) -> None:
    programme = load_programme(write_event(tmp_path))
    assert programme.scoring is None and programme.awards == ()


# (replace in SCORING_TOML, with, expected message part, line needle, severity)
CASES = [
    ("max = 5", "max = 1", "max (1) must exceed min (1)", "max = 1", "error"),
    ("weight = 2", "weight = 0", "weight must be above 0", "weight = 0", "error"),
    (
        'id = "craft"',
        'id = "impact"',
        "duplicate criterion id 'impact'",
        'id = "impact"|2',
        "error",
    ),
    ('criterion = "impact"', 'criterion = "speed"', "unknown criterion 'speed'", "speed", "error"),
    ('id = "swiss"', 'id = "impact"', "duplicate award id 'impact'", 'id = "impact"|3', "error"),
    ("closes_minutes_after = 45", "closes_minutes_after = -5", "cannot be negative", "-5", "error"),
    ("min = 0", 'min = "low"', "`min` must be a number, not 'low'", "low", "error"),
    (
        "audience_feedback = true",
        "audience_feedbak = true",
        "unknown key 'audience_feedbak' in [scoring] (did you mean 'audience_feedback'?)",
        "feedbak",
        "error",
    ),
    (
        'name = "Craft"',
        'nmae = "Craft"',
        "unknown key 'nmae' in [[scoring.criteria]] (did you mean 'name'?)",
        "nmae",
        "error",
    ),
    (
        'description = "Does a bit',
        'descr = "Does a bit',
        "unknown key 'descr' in [[awards]] (did you mean 'description'?)",
        "descr =",
        "error",
    ),
]


@pytest.mark.parametrize(("old", "new", "message", "needle", "severity"), CASES)
def test_scoring_problems_name_their_line(
    tmp_path: Path, old: str, new: str, message: str, needle: str, severity: str
) -> None:
    assert old in SCORING_TOML
    toml = BASE_TOML + SCORING_TOML.replace(old, new, 1)
    _, problems = check_programme(write_event(tmp_path, toml))
    text, _, nth = needle.partition("|")
    found = [p for p in problems if message in p.message]
    assert found, [str(p) for p in problems]
    assert found[0].line == line_of(toml, text, int(nth or 1))
    assert found[0].severity == severity


def test_scoring_without_criteria_is_an_error(tmp_path: Path) -> None:
    toml = BASE_TOML + "\n[scoring]\ncloses_minutes_after = 10\n"
    programme, problems = check_programme(write_event(tmp_path, toml))
    assert programme is None
    assert any("needs at least one [[scoring.criteria]]" in p.message for p in problems)


SCALE = Scoring(
    (Criterion("impact", "Impact", 1, 5, 2), Criterion("craft", "Craft", 0, 10)), 30, True
)


def _check(team: object = "t1", values: object = None, comment: object = "fine") -> object:
    return check_score(
        SCALE,
        assigned=["t1", "t2"],
        known_teams=["t1", "t2", "t3"],
        team=team,
        values={"impact": 4, "craft": 7.5} if values is None else values,
        comment=comment,
    )


def test_a_good_score_is_typed() -> None:
    assert _check(comment="  <b>fine</b> ") == ("t1", {"impact": 4.0, "craft": 7.5}, "<b>fine</b>")


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"team": "t9"}, 404, "unknown team"),
        ({"team": "t3"}, 403, "not one the plan gives you"),
        ({"team": 3}, 400, "`team` must be a team id"),
        ({"values": {"impact": 4}}, 400, "missing a score for 'Craft'"),
        ({"values": {"impact": 6, "craft": 1}}, 400, "between 1 and 5"),
        ({"values": {"impact": 0.5, "craft": 1}}, 400, "between 1 and 5"),
        ({"values": {"impact": True, "craft": 1}}, 400, "must be a number"),
        ({"values": {"impact": "4", "craft": 1}}, 400, "must be a number"),
        ({"values": {"impact": 4, "craft": float("nan")}}, 400, "between 0 and 10"),
        ({"values": {"impact": 4, "craft": 1, "x": 1}}, 400, "unknown criteria: x"),
        ({"values": [4, 1]}, 400, "must be an object"),
        ({"comment": "x" * (COMMENT_LIMIT + 1)}, 400, "limited to"),
        ({"comment": 5}, 400, "`comment` must be text"),
    ],
)
def test_bad_scores_are_refused(kwargs: dict, status: int, message: str) -> None:
    with pytest.raises(ScoreRefused) as caught:
        _check(**kwargs)
    assert caught.value.status == status
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("team", "rating", "line", "status"),
    [
        ("t3", 4, "", 403),
        ("t1", 0, "", 400),
        ("t1", 6, "", 400),
        ("t1", "5", "", 400),
        ("t1", 3, "x" * 281, 400),
        ("t1", 3, 7, 400),
    ],
)
def test_bad_feedback_is_refused(team: str, rating: object, line: object, status: int) -> None:
    with pytest.raises(ScoreRefused) as caught:
        check_feedback(["t1"], team, rating, line)
    assert caught.value.status == status


def test_duties_follow_the_plan(tmp_path: Path) -> None:
    programme = load_programme(write_event(tmp_path, BASE_TOML + SCORING_TOML))
    plan: Plan = plan_rotation(programme, seed=0)
    found = duties(plan, ["j1"])
    seen = {
        (slot.team, rnd.index) for rnd in plan.rounds for slot in rnd.rooms if "j1" in slot.audience
    }
    assert {(d.team, d.round) for d in found} == seen
    assert len({d.team for d in found}) == len(found)  # one duty per team
