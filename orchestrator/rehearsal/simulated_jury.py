"""The rehearsal's jury and audience judgement: simulated jurors score each team they visit
near the end of its round (a few late, so the board has a missing score to warn about), and,
when the programme collects it, some of the audience rate what they saw. Posted through the
same front door as real people (`POST /p/{token}/scores`), decided by a seeded hash like the
simulated presence, so every process plays the same rehearsal (a repeat just replaces)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from orchestrator.event.live import Live
from orchestrator.rehearsal.seeded import chance
from orchestrator.scoring.jury import closes, windows

COMMENTS = (
    "Clear problem statement; the demo convinced me.",
    "Strong idea. Talk to the social workers who would use it before building more.",
    "Good teamwork on stage. The data protection part needs more thought.",
    "Impressive prototype for one week. Who pays for it after the pilot?",
    "",
    "The user story at the start was moving; the architecture slide lost me.",
    "",
)
LINES = ("Inspiring!", "Loved the demo", "", "Very clear", "A bit too fast", "")


@dataclass(frozen=True)
class Judgement:
    at: datetime  # event time
    person: str
    path: str  # "scores" or "feedback"
    body: dict[str, Any]


def _value(low: float, high: float, share: float) -> float:
    """A whole point on the criterion's scale for a share in [0, 1]."""
    return float(min(high, max(low, round(low + share * (high - low)))))


def judgements(live: Live, seed: int = 0) -> list[Judgement]:
    scoring = live.programme.scoring
    if scoring is None:
        return []
    ends = closes(live)
    found: list[Judgement] = []
    for person in live.programme.participants:
        if person.role not in ("jury", "audience"):
            continue
        if person.role == "audience" and not scoring.audience_feedback:
            continue
        severity = (chance(seed, person.id, "severity") - 0.5) * 0.4  # ±0.2 of the scale
        for window in windows(live, person.id):
            team = window.duty.team
            quality = 0.25 + 0.6 * chance(seed, team, "quality")
            late = chance(seed, person.id, team, "late")
            if person.role == "jury":
                at = window.ended - timedelta(minutes=3 * late)
                if late > 0.9:  # one in ten scores after the round: the board warns
                    at = window.ended + timedelta(minutes=8)
                scores = {
                    c.id: _value(
                        c.min,
                        c.max,
                        quality + severity + 0.2 * (chance(seed, person.id, team, c.id) - 0.5),
                    )
                    for c in scoring.criteria
                }
                comment = COMMENTS[int(chance(seed, person.id, team, "comment") * len(COMMENTS))]
                body: dict[str, Any] = {"team": team, "scores": scores, "comment": comment}
                found.append(Judgement(min(at, ends), person.id, "scores", body))
            elif late < 0.35:  # a third of the audience rate what they saw
                rating = int(_value(1, 5, quality + 0.3 * (chance(seed, person.id, team) - 0.5)))
                line = LINES[int(chance(seed, person.id, team, "line") * len(LINES))]
                body = {"team": team, "rating": rating, "line": line}
                found.append(
                    Judgement(window.ended - timedelta(minutes=1), person.id, "feedback", body)
                )
    return sorted(found, key=lambda j: (j.at, j.person, j.body["team"]))
