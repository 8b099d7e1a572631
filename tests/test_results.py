"""Results maths: the severity correction, ranks with bootstrap intervals, flags, determinism."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedules.results import fit, groups_of, ranks, results
from schedules.scoring import Award, Criterion, Feedback, Score, Scoring

ONE = Scoring((Criterion("q", "Quality", 0, 100),))


def score(juror: str, team: str, value: float, comment: str = "") -> Score:
    return Score(juror, team, {"q": value}, comment)


# The worked example of docs/scoring.md: the strict juror S sees A and B, the lenient L sees
# B and C. Raw means put C first; the model sees that L gives 20 more than S on B.
WORKED = [score("S", "A", 60), score("S", "B", 50), score("L", "B", 70), score("L", "C", 75)]


def test_the_worked_example() -> None:
    found = results(ONE, ["A", "B", "C"], WORKED, samples=0)
    assert {t.team: t.raw_total for t in found.teams} == {"A": 60, "B": 60, "C": 75}
    corrected = {t.team: round(t.corrected_total or 0, 6) for t in found.teams}
    assert corrected == {"A": 70.0, "B": 60.0, "C": 65.0}
    assert [t.team for t in found.teams] == ["A", "C", "B"]
    assert {j.juror: j.severity for j in found.jurors} == pytest.approx({"S": -10.0, "L": 10.0})
    assert found.team("C").raw_rank == 1 and found.team("C").rank == 2


def test_weighted_total_uses_each_criteria_scale() -> None:
    scoring = Scoring((Criterion("a", "A", 1, 5, 3), Criterion("b", "B", 0, 10, 1)))
    # a: 4 on 1..5 is 75; b: 5 on 0..10 is 50; weighted (3*75 + 50) / 4
    assert scoring.total({"a": 4, "b": 5}) == pytest.approx(68.75)


def test_an_isolated_juror_is_flagged() -> None:
    scores = [*WORKED, score("X", "D", 90)]
    found = results(ONE, ["A", "B", "C", "D"], scores, samples=0)
    flags = {j.juror: (j.comparable, j.isolated) for j in found.jurors}
    assert flags == {"S": (True, False), "L": (True, False), "X": (False, True)}
    assert found.groups == 2


def test_unscored_teams_come_last_without_rank() -> None:
    found = results(ONE, ["A", "B", "C", "Z"], WORKED, samples=0)
    assert found.teams[-1].team == "Z" and found.teams[-1].rank is None
    assert found.teams[-1].scores == 0


def test_ties_share_a_rank() -> None:
    assert ranks({"a": 3.0, "b": 2.0, "c": 2.0, "d": 1.0}) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_groups_link_jurors_through_teams() -> None:
    assert groups_of([("j1", "A"), ("j2", "A"), ("j3", "B")]) == [{"j1", "j2"}, {"j3"}]


def test_award_suggestions_follow_their_criterion() -> None:
    scoring = Scoring((Criterion("x", "X", 0, 10), Criterion("y", "Y", 0, 10)))
    scores = [
        Score("j", "A", {"x": 9, "y": 1}),
        Score("j", "B", {"x": 1, "y": 9}),
        Score("k", "A", {"x": 8, "y": 2}),
        Score("k", "B", {"x": 2, "y": 8}),
    ]
    awards = [Award("xx", "Best X", criterion="x"), Award("yy", "Best Y", criterion="y")]
    found = results(scoring, ["A", "B"], scores, awards, samples=0)
    assert found.suggestions == {"xx": ("A", "B"), "yy": ("B", "A")}


def test_comments_and_audience_feedback_are_kept() -> None:
    scores = [score("S", "A", 60, "<b>clear</b> demo"), score("L", "A", 70)]
    feedback = [Feedback("a1", "A", 4, "loved it"), Feedback("a2", "A", 2, "")]
    found = results(ONE, ["A"], scores, feedback=feedback, samples=0)
    team = found.team("A")
    assert team.comments == (("S", "<b>clear</b> demo"),)
    assert (team.audience_ratings, team.audience_mean) == (2, 3.0)
    assert team.audience_lines == ("loved it",)


def test_bootstrap_interval_contains_the_rank() -> None:
    scores = [*WORKED, score("S", "C", 58), score("L", "A", 79)]
    found = results(ONE, ["A", "B", "C"], scores, seed=3)
    for team in found.teams:
        assert team.rank_low is not None and team.rank_high is not None
        assert 1 <= team.rank_low <= team.rank_high <= 3


# -- properties -----------------------------------------------------------------------------


@st.composite
def connected_designs(draw: st.DrawFn) -> list[Score]:
    """Every juror shares a team with the next one, so all jurors are linked; every team is
    seen by at least one juror; values are whole points 0–100."""
    teams = draw(st.integers(3, 8))
    jurors = draw(st.integers(2, 6))
    seen: dict[tuple[int, int], None] = {}
    for j in range(jurors - 1):  # a chain: juror j and j+1 both see one team
        t = draw(st.integers(0, teams - 1))
        seen[(j, t)] = seen[(j + 1, t)] = None
    for t in range(teams):
        seen[(draw(st.integers(0, jurors - 1)), t)] = None
    extra = draw(st.lists(st.tuples(st.integers(0, jurors - 1), st.integers(0, teams - 1))))
    for pair in extra:
        seen[pair] = None
    return [score(f"j{j}", f"t{t}", draw(st.integers(0, 100))) for j, t in sorted(seen)]


def _corrected_ranks(scores: list[Score]) -> dict[str, int | None]:
    teams = sorted({s.team for s in scores})
    return {t.team: t.rank for t in results(ONE, teams, scores, samples=0).teams}


@settings(max_examples=150, deadline=None)
@given(connected_designs(), st.integers(0, 5), st.floats(-40, 40, allow_nan=False))
def test_a_juror_s_constant_severity_does_not_change_the_corrected_ranking(
    scores: list[Score], which: int, shift: float
) -> None:
    jurors = sorted({s.juror for s in scores})
    harsh = jurors[which % len(jurors)]
    shifted = [
        score(s.juror, s.team, s.values["q"] + shift) if s.juror == harsh else s for s in scores
    ]
    assert _corrected_ranks(shifted) == _corrected_ranks(scores)


def test_while_the_raw_ranking_can_change() -> None:
    shifted = [score(s.juror, s.team, s.values["q"] - 20) if s.juror == "L" else s for s in WORKED]
    before = results(ONE, ["A", "B", "C"], WORKED, samples=0)
    after = results(ONE, ["A", "B", "C"], shifted, samples=0)
    assert before.team("C").raw_rank == 1 and after.team("C").raw_rank == 2
    assert [t.team for t in before.teams] == [t.team for t in after.teams]


@settings(max_examples=30, deadline=None)
@given(connected_designs(), st.randoms(use_true_random=False))
def test_results_are_deterministic_whatever_the_order(
    scores: list[Score], rnd: random.Random
) -> None:
    teams = sorted({s.team for s in scores})
    shuffled = list(scores)
    rnd.shuffle(shuffled)
    first = results(ONE, teams, scores, seed=7, samples=40).to_dict()
    again = results(ONE, teams, shuffled, seed=7, samples=40).to_dict()
    assert first == again


def test_fit_recovers_known_effects() -> None:
    # team effects 50/60/70, jurors -5/+5, fully crossed, no noise
    jurors, teams, values = [], [], []
    for j, b in (("x", -5.0), ("y", 5.0)):
        for t, a in (("A", 50.0), ("B", 60.0), ("C", 70.0)):
            jurors.append(j)
            teams.append(t)
            values.append(a + b)
    import numpy as np

    team_effects, juror_effects = fit(jurors, teams, np.array(values))
    assert team_effects == pytest.approx({"A": 50, "B": 60, "C": 70})
    assert juror_effects == pytest.approx({"x": -5, "y": 5})
