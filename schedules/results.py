"""Results for the jury's deliberation: raw means, weighted totals and a severity-corrected
total, with a bootstrap interval on each team's rank. Pure and deterministic (docs/scoring.md).

Each juror sees only some teams, and jurors differ in severity, so a plain mean rewards the
teams that happened to meet lenient jurors. The correction fits an additive model

    total(juror j, team t) = a_t + b_j + noise,   with the b_j of each group of
                                                  comparable jurors summing to 0,

by least squares: a_t is the team's score from an average juror, b_j how much more (or less)
juror j gives than average. Jurors are comparable when they are linked through shared teams;
a group that shares no team with the others is fitted on its own and flagged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from schedules.scoring import Award, Feedback, Score, Scoring
from schedules.tabular import csv_text

BOOTSTRAP_SAMPLES = 200
BOOTSTRAP_LEVEL = 0.9  # the rank interval holds 90 % of the resampled ranks


@dataclass(frozen=True)
class TeamResult:
    team: str
    scores: int  # how many jurors scored the team
    raw_mean: dict[str, float]  # per criterion, on the criterion's own scale
    raw_total: float | None  # mean of the jurors' weighted totals, 0–100
    corrected_total: float | None  # a_t of the additive model, 0–100
    corrected: dict[str, float]  # per criterion, corrected the same way (0–100)
    rank: int | None  # by the corrected total; ties share a rank
    rank_low: int | None  # the bootstrap interval on the rank
    rank_high: int | None
    raw_rank: int | None  # by the raw total, for comparison
    comments: tuple[tuple[str, str], ...] = ()  # (juror, comment)
    audience_ratings: int = 0
    audience_mean: float | None = None
    audience_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class JurorResult:
    juror: str
    scores: int
    severity: float | None  # b_j: points above (+) or below (−) an average juror, 0–100 scale
    comparable: bool  # linked to the main group of jurors through shared teams
    isolated: bool  # shares no team with any other juror


@dataclass(frozen=True)
class Results:
    teams: tuple[TeamResult, ...]  # in rank order, unscored teams last
    jurors: tuple[JurorResult, ...]
    method: str = "additive model (team + juror), least squares"
    groups: int = 0  # groups of comparable jurors
    suggestions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # award -> teams

    def team(self, team_id: str) -> TeamResult:
        return next(t for t in self.teams if t.team == team_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "groups": self.groups,
            "teams": [
                {
                    "team": t.team,
                    "scores": t.scores,
                    "raw_mean": t.raw_mean,
                    "raw_total": _round(t.raw_total),
                    "corrected_total": _round(t.corrected_total),
                    "corrected": {k: _round(v) for k, v in t.corrected.items()},
                    "rank": t.rank,
                    "rank_interval": [t.rank_low, t.rank_high],
                    "raw_rank": t.raw_rank,
                    "comments": [{"juror": j, "comment": c} for j, c in t.comments],
                    "audience": {
                        "ratings": t.audience_ratings,
                        "mean": _round(t.audience_mean),
                        "lines": list(t.audience_lines),
                    },
                }
                for t in self.teams
            ],
            "jurors": [
                {
                    "juror": j.juror,
                    "scores": j.scores,
                    "severity": _round(j.severity),
                    "comparable": j.comparable,
                    "isolated": j.isolated,
                }
                for j in self.jurors
            ],
            "suggestions": {k: list(v) for k, v in self.suggestions.items()},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# -- the model ------------------------------------------------------------------------------


def groups_of(pairs: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Groups of jurors linked through shared teams (connected components of the bipartite
    juror–team graph), largest first, then by their first juror."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for juror, team in pairs:
        parent[find("j:" + juror)] = find("t:" + team)
    members: dict[str, set[str]] = {}
    for node in list(parent):
        if node.startswith("j:"):
            members.setdefault(find(node), set()).add(node[2:])
    return sorted(members.values(), key=lambda g: (-len(g), min(g)))


def fit(
    jurors: Sequence[str], teams: Sequence[str], y: np.ndarray
) -> tuple[dict[str, float], dict[str, float]]:
    """Least squares for y = a_team + b_juror over observations (jurors[i], teams[i], y[i]),
    with the b of each group of linked jurors summing to zero. Returns (a, b)."""
    a: dict[str, float] = {}
    b: dict[str, float] = {}
    for group in groups_of(zip(jurors, teams, strict=True)):
        rows = [i for i, j in enumerate(jurors) if j in group]
        team_ids = sorted({teams[i] for i in rows})
        juror_ids = sorted(group)
        t_index = {t: k for k, t in enumerate(team_ids)}
        j_index = {j: k for k, j in enumerate(juror_ids)}
        free = len(juror_ids) - 1  # the last juror's effect is minus the sum of the others
        x = np.zeros((len(rows), len(team_ids) + free))
        for r, i in enumerate(rows):
            x[r, t_index[teams[i]]] = 1.0
            k = j_index[jurors[i]]
            if k < free:
                x[r, len(team_ids) + k] = 1.0
            else:
                x[r, len(team_ids) :] = -1.0
        solution, *_ = np.linalg.lstsq(x, y[rows], rcond=None)
        for t, k in t_index.items():
            a[t] = float(solution[k])
        effects = solution[len(team_ids) :]
        for j, k in j_index.items():
            b[j] = float(effects[k]) if k < free else float(-effects.sum())
    return a, b


def ranks(values: dict[str, float]) -> dict[str, int]:
    """1 = best; equal values (to 1e-9) share the better rank ("1, 2, 2, 4")."""
    ordered = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    found: dict[str, int] = {}
    for position, (team, value) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        if previous is not None and abs(previous[1] - value) <= 1e-9:
            found[team] = found[previous[0]]
        else:
            found[team] = position
    return found


def _bootstrap(
    jurors: list[str], teams: list[str], y: np.ndarray, seed: int, samples: int
) -> dict[str, tuple[int, int]]:
    """Resample each team's scores with replacement (every team keeps as many as it had),
    refit, rank; the central BOOTSTRAP_LEVEL share of each team's ranks is its interval."""
    rng = np.random.default_rng(seed)
    by_team: dict[str, list[int]] = {}
    for i, t in enumerate(teams):
        by_team.setdefault(t, []).append(i)
    order = sorted(by_team)
    seen: dict[str, list[int]] = {t: [] for t in order}
    for _ in range(samples):
        picks = np.concatenate(
            [rng.choice(by_team[t], size=len(by_team[t]), replace=True) for t in order]
        )
        a, _b = fit([jurors[i] for i in picks], [teams[i] for i in picks], y[picks])
        for t, rank in ranks(a).items():
            seen[t].append(rank)
    tail = (1 - BOOTSTRAP_LEVEL) / 2
    return {
        t: (
            int(np.floor(np.quantile(r, tail))),
            int(np.ceil(np.quantile(r, 1 - tail))),
        )
        for t, r in seen.items()
    }


def results(
    scoring: Scoring,
    team_ids: Sequence[str],
    scores: Iterable[Score],
    awards: Sequence[Award] = (),
    feedback: Iterable[Feedback] = (),
    seed: int = 0,
    samples: int = BOOTSTRAP_SAMPLES,
) -> Results:
    """Everything the results page, the API and `rota results` show. The same inputs give
    the same results, whatever order the scores come in."""
    kept = sorted((s for s in scores if s.team in set(team_ids)), key=lambda s: (s.team, s.juror))
    jurors = [s.juror for s in kept]
    teams = [s.team for s in kept]
    totals = np.array([scoring.total(s.values) for s in kept], dtype=float)
    a, b = fit(jurors, teams, totals) if kept else ({}, {})
    corrected_by: dict[str, dict[str, float]] = {t: {} for t in team_ids}
    for criterion in scoring.criteria:
        values = np.array([criterion.normalised(s.values[criterion.id]) for s in kept])
        per, _ = fit(jurors, teams, values) if kept else ({}, {})
        for t, v in per.items():
            corrected_by[t][criterion.id] = v
    raw_totals = {
        t: float(totals[[i for i, x in enumerate(teams) if x == t]].mean())
        for t in team_ids
        if t in teams
    }
    rank = ranks(a)
    raw_rank = ranks(raw_totals)
    interval = _bootstrap(jurors, teams, totals, seed, samples) if kept and samples else {}
    groups = groups_of(zip(jurors, teams, strict=True))
    main = groups[0] if groups else set()
    partners: dict[str, set[str]] = {}
    for t in set(teams):
        here = {j for j, x in zip(jurors, teams, strict=True) if x == t}
        for j in here:
            partners.setdefault(j, set()).update(here - {j})
    rated: dict[str, list[Feedback]] = {}
    for item in sorted(feedback, key=lambda f: (f.team, f.person)):
        rated.setdefault(item.team, []).append(item)
    out: list[TeamResult] = []
    for t in team_ids:
        mine = [s for s in kept if s.team == t]
        views = rated.get(t, [])
        out.append(
            TeamResult(
                team=t,
                scores=len(mine),
                raw_mean={
                    c.id: round(float(np.mean([s.values[c.id] for s in mine])), 3)
                    for c in scoring.criteria
                }
                if mine
                else {},
                raw_total=raw_totals.get(t),
                corrected_total=a.get(t),
                corrected=corrected_by.get(t, {}),
                rank=rank.get(t),
                rank_low=interval[t][0] if t in interval else None,
                rank_high=interval[t][1] if t in interval else None,
                raw_rank=raw_rank.get(t),
                comments=tuple((s.juror, s.comment) for s in mine if s.comment),
                audience_ratings=len(views),
                audience_mean=float(np.mean([f.rating for f in views])) if views else None,
                audience_lines=tuple(f.line for f in views if f.line),
            )
        )
    out.sort(key=lambda r: (r.rank is None, r.rank or 0, r.team))
    juror_rows = tuple(
        JurorResult(
            juror=j,
            scores=jurors.count(j),
            severity=b.get(j),
            comparable=j in main,
            isolated=not partners.get(j),
        )
        for j in sorted(set(jurors))
    )
    return Results(
        teams=tuple(out),
        jurors=juror_rows,
        groups=len(groups),
        suggestions=suggest(awards, a, corrected_by),
    )


def suggest(
    awards: Sequence[Award],
    overall: dict[str, float],
    by_criterion: dict[str, dict[str, float]],
    best: int = 3,
) -> dict[str, tuple[str, ...]]:
    """Each award's suggested teams: the best by its criterion (corrected), or overall."""
    found: dict[str, tuple[str, ...]] = {}
    for award in awards:
        if award.criterion:
            values = {
                t: v[award.criterion] for t, v in by_criterion.items() if award.criterion in v
            }
        else:
            values = overall
        ordered = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
        found[award.id] = tuple(t for t, _ in ordered[:best])
    return found


def _columns(found: Results, scoring: Scoring, names: dict[str, str]) -> list[list[str]]:
    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    rows = [
        [
            "rank",
            "interval",
            "team",
            "scores",
            *(c.id for c in scoring.criteria),
            "raw_total",
            "corrected_total",
            "raw_rank",
        ]
    ]
    for t in found.teams:
        rows.append(
            [
                str(t.rank or ""),
                f"{t.rank_low}-{t.rank_high}" if t.rank_low is not None else "",
                names.get(t.team, t.team),
                str(t.scores),
                *(
                    f"{t.raw_mean[c.id]:.2f}" if c.id in t.raw_mean else ""
                    for c in scoring.criteria
                ),
                fmt(t.raw_total),
                fmt(t.corrected_total),
                str(t.raw_rank or ""),
            ]
        )
    return rows


def results_csv(found: Results, scoring: Scoring, names: dict[str, str]) -> str:
    return csv_text(_columns(found, scoring, names))


def results_table(found: Results, scoring: Scoring, names: dict[str, str]) -> str:
    rows = _columns(found, scoring, names)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    flagged = [j for j in found.jurors if not j.comparable]
    for j in flagged:
        why = (
            "shares no team with any other juror" if j.isolated else "not linked to the main group"
        )
        lines.append(f"juror {j.juror}: {why}; their teams cannot be compared")
    return "\n".join(lines) + "\n"
