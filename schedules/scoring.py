"""The jury's scoring sheet and the awards: the `[scoring]` and `[[awards]]` sections as typed
data, read and checked with `file:line` like the rest of the programme, and the pure rules a
submitted score must follow (who may score which team, the scale, the comment's length)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from schedules.plan import Plan
from schedules.record_sections import AWARDS, CRITERIA, SCORING
from schedules.tomlpos import line_of

if TYPE_CHECKING:  # the reader needs the model, which needs this module's records
    from schedules.programme_reader import Reader

COMMENT_LIMIT = 2000  # characters in a juror's comment
FEEDBACK_LIMIT = 280  # characters in an audience member's one line
RATING_MIN, RATING_MAX = 1, 5  # the audience's rating of a presentation


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    min: float
    max: float
    weight: float = 1.0
    description: str = ""

    def normalised(self, value: float) -> float:
        """The value on a 0–100 scale, so criteria with different scales can be combined."""
        return 100.0 * (value - self.min) / (self.max - self.min)


@dataclass(frozen=True)
class Scoring:
    criteria: tuple[Criterion, ...]
    closes_minutes_after: int = 30
    audience_feedback: bool = False

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def total(self, values: Mapping[str, float]) -> float:
        """One juror's weighted total for one team, 0–100: the weighted mean of the criteria,
        each first put on 0–100."""
        weight = sum(c.weight for c in self.criteria)
        return sum(c.weight * c.normalised(values[c.id]) for c in self.criteria) / weight

    def closes(self, last_round_end: datetime) -> datetime:
        return last_round_end + timedelta(minutes=self.closes_minutes_after)


@dataclass(frozen=True)
class Award:
    id: str
    name: str
    description: str = ""
    criterion: str = ""  # the criterion whose best teams it suggests ("" = the overall total)


class ScoreRefused(ValueError):
    """A submitted score that breaks a rule; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class Score:
    """One juror's judgement of one team (a later one replaces it)."""

    juror: str
    team: str
    values: Mapping[str, float]
    comment: str = ""
    at: str = ""  # ISO wall time of the submission

    def to_dict(self) -> dict[str, Any]:
        return {
            "juror": self.juror,
            "team": self.team,
            "values": dict(self.values),
            "comment": self.comment,
            "at": self.at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Score:
        return cls(
            str(data["juror"]),
            str(data["team"]),
            {str(k): float(v) for k, v in data["values"].items()},
            str(data.get("comment", "")),
            str(data.get("at", "")),
        )


@dataclass(frozen=True)
class Feedback:
    """An audience member's rating and one line for a presentation they saw."""

    person: str
    team: str
    rating: int
    line: str = ""
    at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "team": self.team,
            "rating": self.rating,
            "line": self.line,
            "at": self.at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Feedback:
        return cls(
            str(data["person"]),
            str(data["team"]),
            int(data["rating"]),
            str(data.get("line", "")),
            str(data.get("at", "")),
        )


# -- who judges whom --------------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    """A juror sits in a team's room in a round: they owe that team a score."""

    juror: str
    team: str
    round: int


def duties(plan: Plan, jurors: Iterable[str]) -> list[Duty]:
    """Every (juror, team, round) the plan gives, in round order; a juror who sees a team in
    two rounds owes it one score (the first round counts)."""
    wanted = set(jurors)
    found: dict[tuple[str, str], Duty] = {}
    for rnd in plan.rounds:
        for slot in rnd.rooms:
            for person in slot.audience:
                if person in wanted:
                    found.setdefault((person, slot.team), Duty(person, slot.team, rnd.index))
    return sorted(found.values(), key=lambda d: (d.round, d.juror, d.team))


def teams_of(plan: Plan, juror: str) -> list[Duty]:
    return duties(plan, [juror])


def check_score(
    scoring: Scoring,
    assigned: Iterable[str],
    known_teams: Iterable[str],
    team: object,
    values: object,
    comment: object,
) -> tuple[str, dict[str, float], str]:
    """The submission as typed values, or ScoreRefused saying what is wrong: an unknown team
    (404), a team not assigned (403), a missing, unknown or out-of-range criterion or an
    over-long comment (400). Who may score at all, and until when, the caller checks."""
    if not isinstance(team, str) or not team:
        raise ScoreRefused(400, "`team` must be a team id")
    if team not in set(known_teams):
        raise ScoreRefused(404, f"unknown team {team!r}")
    if team not in set(assigned):
        raise ScoreRefused(403, f"team {team!r} is not one the plan gives you to judge")
    if not isinstance(values, dict):
        raise ScoreRefused(400, "`scores` must be an object: criterion id -> number")
    unknown = sorted(set(values) - set(scoring.criterion_ids))
    if unknown:
        raise ScoreRefused(400, f"unknown criteria: {', '.join(map(str, unknown))}")
    typed: dict[str, float] = {}
    for criterion in scoring.criteria:
        if criterion.id not in values:
            raise ScoreRefused(400, f"missing a score for {criterion.name!r} ({criterion.id})")
        value = values[criterion.id]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScoreRefused(400, f"the score for {criterion.id!r} must be a number")
        if not math.isfinite(value) or not criterion.min <= value <= criterion.max:
            raise ScoreRefused(
                400,
                f"the score for {criterion.id!r} must lie between "
                f"{criterion.min:g} and {criterion.max:g}, not {value!r}",
            )
        typed[criterion.id] = float(value)
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise ScoreRefused(400, "`comment` must be text")
    if len(comment) > COMMENT_LIMIT:
        raise ScoreRefused(400, f"the comment is limited to {COMMENT_LIMIT} characters")
    return team, typed, comment.strip()


def check_feedback(seen: Iterable[str], team: object, rating: object, line: object) -> Feedback:
    """An audience rating as typed data (person and time filled in by the caller)."""
    if not isinstance(team, str) or team not in set(seen):
        raise ScoreRefused(403, "you can rate only a presentation you were planned to see")
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise ScoreRefused(400, "`rating` must be a whole number")
    if not RATING_MIN <= rating <= RATING_MAX:
        raise ScoreRefused(400, f"`rating` must lie between {RATING_MIN} and {RATING_MAX}")
    if line is None:
        line = ""
    if not isinstance(line, str):
        raise ScoreRefused(400, "`line` must be text")
    if len(line) > FEEDBACK_LIMIT:
        raise ScoreRefused(400, f"the line is limited to {FEEDBACK_LIMIT} characters")
    return Feedback("", team, rating, line.strip())


# -- reading the sections -----------------------------------------------------------------


def read_scoring(r: Reader) -> Scoring | None:
    """`[scoring]` with its `[[scoring.criteria]]`, or None when the programme has none."""
    table = r.data.get("scoring")
    if not isinstance(table, dict):  # absent, or not a table (the loader says so)
        return None
    path: tuple[str | int, ...] = ("scoring",)
    values = r.table(SCORING, path, table)
    raw = values.get("criteria", [])
    criteria: list[Criterion] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        where: tuple[str | int, ...] = ("scoring", "criteria", i)
        v = r.table(CRITERIA, where, item)
        cid = v.get("id", "")
        low, high, weight = v["min"], v["max"], v["weight"]
        ok = bool(cid)
        if cid and not _is_identifier(cid):
            r.report((*where, "id"), f"criterion id {cid!r} may hold only letters, digits, - and _")
            ok = False
        if cid in seen:
            r.report((*where, "id"), f"duplicate criterion id {cid!r} (first at line {seen[cid]})")
            continue
        if not high > low:
            r.report(
                (*where, "max"), f"criterion {cid!r}: max ({high:g}) must exceed min ({low:g})"
            )
            ok = False
        if not weight > 0 or not math.isfinite(weight):
            r.report((*where, "weight"), f"criterion {cid!r}: weight must be above 0")
            ok = False
        if cid:
            seen[cid] = line_of(r.lines, (*where, "id"))
        if ok:
            criteria.append(Criterion(cid, v.get("name", cid), low, high, weight, v["description"]))
    if table.get("criteria", []) == []:
        r.report(path, "[scoring] needs at least one [[scoring.criteria]]")
    return Scoring(tuple(criteria), values["closes_minutes_after"], values["audience_feedback"])


def read_awards(r: Reader, scoring: Scoring | None) -> tuple[Award, ...]:
    items = r.data.get("awards", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return ()  # the loader says how they must be written
    criteria = set(scoring.criterion_ids) if scoring else set()
    awards: list[Award] = []
    seen: dict[str, int] = {}
    for i, table in enumerate(items):
        path: tuple[str | int, ...] = ("awards", i)
        v = r.table(AWARDS, path, table)
        aid, criterion = v.get("id", ""), v["criterion"]
        if aid and not _is_identifier(aid):
            r.report((*path, "id"), f"award id {aid!r} may hold only letters, digits, - and _")
            continue
        if aid in seen:
            r.report((*path, "id"), f"duplicate award id {aid!r} (first at line {seen[aid]})")
            continue
        if criterion and criterion not in criteria:
            known = ", ".join(sorted(criteria)) or "none: the programme has no [scoring]"
            r.report(
                (*path, "criterion"),
                f"award {aid!r} names unknown criterion {criterion!r} (known: {known})",
            )
            continue
        if aid:
            seen[aid] = line_of(r.lines, (*path, "id"))
            awards.append(Award(aid, v.get("name", aid), v["description"], criterion))
    return tuple(awards)


def _is_identifier(value: str) -> bool:
    return bool(value) and all(c.isalnum() or c in "-_" for c in value) and value.isascii()
