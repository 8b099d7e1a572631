"""The jury's afternoon at run time: who may score what now, submissions checked and stored,
audience ratings, results and awards. The rules themselves are pure (schedules/scoring.py,
schedules/results.py); this module adds the live clock and the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from orchestrator.event.live import Live
from orchestrator.storage.score_store import ScoreStore
from schedules.model import Participant
from schedules.results import Results, results
from schedules.scoring import (
    Duty,
    Feedback,
    Score,
    ScoreRefused,
    Scoring,
    check_feedback,
    check_score,
    duties,
)


@dataclass(frozen=True)
class ScoringWindow:
    """When a duty can be scored: from its round's live start until scoring closes."""

    duty: Duty
    opens: datetime  # event time
    ended: datetime  # the round's live end: after it a missing score is overdue


def scoring_of(live: Live) -> Scoring:
    if live.programme.scoring is None:
        raise ScoreRefused(404, "this event has no scoring")
    return live.programme.scoring


def closes(live: Live) -> datetime:
    """Event time at which scoring closes: after the last round's live end."""
    return scoring_of(live).closes(max(r.end for r in live.timeline.rounds))


def windows(live: Live, person: str) -> list[ScoringWindow]:
    rounds = {r.index: r for r in live.timeline.rounds}
    return [
        ScoringWindow(d, rounds[d.round].start, rounds[d.round].end)
        for d in duties(live.plan, [person])
    ]


def all_windows(live: Live) -> list[ScoringWindow]:
    jurors = [p.id for p in live.programme.participants if p.role == "jury"]
    rounds = {r.index: r for r in live.timeline.rounds}
    return [
        ScoringWindow(d, rounds[d.round].start, rounds[d.round].end)
        for d in duties(live.plan, jurors)
    ]


def _wall(live: Live) -> str:
    return datetime.now(UTC).isoformat()


class Jury:
    def __init__(self, store: ScoreStore) -> None:
        self.store = store

    async def submit(self, live: Live, person: Participant, body: dict[str, Any]) -> Score:
        """Checked, then stored (replacing the juror's earlier score for the team); a refusal
        stores nothing."""
        scoring = scoring_of(live)
        if person.role != "jury":
            raise ScoreRefused(403, "only jury members score teams")
        now = live.event_now()
        mine = windows(live, person.id)
        team, values, comment = check_score(
            scoring,
            assigned=[w.duty.team for w in mine],
            known_teams=[t.id for t in live.programme.teams],
            team=body.get("team"),
            values=body.get("scores"),
            comment=body.get("comment"),
        )
        if now >= closes(live):
            raise ScoreRefused(409, "scoring has closed")
        window = next(w for w in mine if w.duty.team == team)
        if now < window.opens:
            raise ScoreRefused(
                409, f"you can score this team from round {window.duty.round} on, not before"
            )
        score = Score(person.id, team, values, comment, _wall(live))
        await self.store.save_score(score)
        return score

    async def rate(self, live: Live, person: Participant, body: dict[str, Any]) -> Feedback:
        scoring = scoring_of(live)
        if not scoring.audience_feedback:
            raise ScoreRefused(404, "this event collects no audience feedback")
        if person.role != "audience":
            raise ScoreRefused(403, "only the audience rates presentations")
        now = live.event_now()
        seen = [w.duty.team for w in windows(live, person.id) if w.opens <= now]
        item = check_feedback(seen, body.get("team"), body.get("rating"), body.get("line"))
        if now >= closes(live):
            raise ScoreRefused(409, "feedback has closed")
        stored = Feedback(person.id, item.team, item.rating, item.line, _wall(live))
        await self.store.save_feedback(stored)
        return stored

    async def results(self, live: Live, samples: int | None = None) -> Results:
        scoring = scoring_of(live)
        extra = {} if samples is None else {"samples": samples}
        return results(
            scoring,
            [t.id for t in live.programme.teams],
            await self.store.scores(),
            live.programme.awards,
            await self.store.feedback(),
            seed=live.plan.seed,
            **extra,
        )

    async def assign(
        self, live: Live, award_id: str, teams: list[str], broadcast: bool
    ) -> dict[str, Any]:
        """Record an award's winners (team ids, as event/api_bodies.Award parsed them) and announce
        them (notifications; a broadcast if asked). Returns what was announced."""
        award = next((a for a in live.programme.awards if a.id == award_id), None)
        if award is None:
            raise ScoreRefused(404, f"unknown award {award_id!r}")
        unknown = [t for t in teams if t not in live.programme.team_by_id]
        if unknown:
            raise ScoreRefused(400, f"unknown team(s): {', '.join(unknown)}")
        if not teams:
            raise ScoreRefused(400, "name at least one team")
        chosen = list(dict.fromkeys(teams))
        await self.store.assign_award(award.id, chosen, _wall(live))
        names = [live.programme.team_by_id[t].name for t in chosen]
        data = {
            "award": award.id,
            "name": award.name,
            "teams": [{"id": t, "name": n} for t, n in zip(chosen, names, strict=True)],
        }
        await self.store.announce("award.announced", data)
        return {**data, "message": announcement(award.name, names), "broadcast": broadcast}


def announcement(award: str, teams: list[str]) -> str:
    return f"{award}: {', '.join(teams)}"
