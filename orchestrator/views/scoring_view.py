"""The board's scoring panel as data: per team the scores in against the jury duty, and an
alert for each juror who still owes scores for rounds that have ended. Pure, like
board_view.py, so it is the same in every process and testable without a browser."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from orchestrator.event.live import Live
from orchestrator.scoring.jury import all_windows, closes


def scoring_panel(live: Live, scored: Collection[tuple[str, str]], now: datetime) -> dict[str, Any]:
    """`scored`: the (juror, team) pairs with a stored score."""
    programme = live.programme
    ends = closes(live)
    teams: dict[str, dict[str, Any]] = {
        t.id: {"team": t.id, "team_name": t.name, "duty": 0, "scored": 0, "overdue": 0}
        for t in programme.teams
    }
    owed: dict[str, list[str]] = {}
    for window in all_windows(live):
        duty = window.duty
        row = teams[duty.team]
        row["duty"] += 1
        if (duty.juror, duty.team) in scored:
            row["scored"] += 1
        elif now >= window.ended:
            row["overdue"] += 1
            owed.setdefault(duty.juror, []).append(row["team_name"])
    alerts = []
    for juror, names in sorted(owed.items()):
        person = programme.participant_by_id.get(juror)
        who = person.name if person else juror
        alerts.append(
            {
                "kind": "missing-score",
                "severity": "warning" if now < ends else "critical",
                "message": f"{who} has not scored {', '.join(names)}",
                "room": "",
            }
        )
    scored_total = sum(r["scored"] for r in teams.values())
    return {
        "closes_wall": live.clock.wall_time(ends).isoformat(),
        "open": now < ends,
        "teams": list(teams.values()),
        "scored": scored_total,
        "duty": sum(r["duty"] for r in teams.values()),
        "alerts": alerts,
    }
