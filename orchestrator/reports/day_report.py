"""`rota report` and `/board/report`: the day in pictures for the organisers' own report
(Erasmus+ asks for participants per country, hours, what happened). One HTML page with its
charts as SVG (reports/report_charts.py draws them) and, beside each chart, its numbers as a
table and a CSV. The numbers come from the same functions as the API and `rota attendance`
(presence/attendance.py, presence/sources.py, scoring/jury.py), so they cannot differ.

The charts: audience per room and round (a heatmap), presence through the day per room by
source, keynote attendance by source and minute by minute, participants per country and
institution, mixing (the institutions in each room's audience), jury coverage, the corrected
scores with their rank intervals, and the e-mails delivered."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from orchestrator.event.live import Live
from orchestrator.mail.records import MailRecords
from orchestrator.presence.attendance import (
    in_event_time,
    keynote_report,
    person_intervals,
    round_report,
)
from orchestrator.presence.sources import heard, sent
from orchestrator.reports import report_charts as draw
from orchestrator.reports.report_over_time import keynote_time_chart, presence_chart
from orchestrator.reports.report_page import Chart
from orchestrator.scoring.jury import Jury, all_windows
from orchestrator.storage.score_store import ScoreStore
from orchestrator.storage.store import Store
from rooms.presence import Interval
from schedules.evidence import Mark
from schedules.results import Results

SEEN = ("in-room", "partial")  # round_report's statuses that put a person in the room


@dataclass(frozen=True)
class Day:
    """The stored day, read once: room events in event time, the people's intervals, every
    presence mark (sent, confirmed, checked-in, webhook), e-mail records and the results."""

    events: list[Any]
    spans: list[Interval]
    clicks: list[dict[str, Any]]
    recorded: list[Mark]
    marks: list[Mark]
    mail: list[Any]
    results: Results | None


async def read_day(live: Live, store: Store) -> Day:
    events = in_event_time(live, await store.room_events()).events
    spans = person_intervals(live, events)
    clicks, recorded = await store.clicks(), await store.marks()
    marks = [*sent(live, clicks), *recorded, *heard(live, spans)]
    found = None
    if live.programme.scoring is not None:
        found = await Jury(ScoreStore(store)).results(live)  # as /api/v1/results
    mail = await MailRecords(store).all()
    return Day(events, spans, clicks, recorded, marks, mail, found)


def audience_chart(live: Live, per_round: dict[int, list[dict[str, Any]]]) -> Chart:
    rooms = [t.room for t in live.plan.teams]
    rounds = sorted(per_round)
    rows = []
    grid = [[0.0] * len(rooms) for _ in rounds]
    for i, index in enumerate(rounds):
        planned = {s.room: (s.team, len(s.audience)) for s in live.plan.round(index).rooms}
        seen = Counter(
            r["room"] for r in per_round[index] if r["role"] == "audience" and r["status"] in SEEN
        )
        for j, room in enumerate(rooms):
            team, expected = planned.get(room, ("", 0))
            grid[i][j] = seen[room]
            named = live.programme.team_by_id.get(team)
            rows.append(
                (
                    index,
                    live.programme.room_name(room),
                    named.name if named else team,
                    expected,
                    seen[room],
                )
            )
    return Chart(
        "audience",
        "Audience per room and round",
        "People of the audience seen in their room (video room, check-in or “I'm here”), "
        "against those planned there.",
        ("round", "room", "team", "planned", "seen"),
        tuple(rows),
        draw.heatmap(
            grid,
            [live.programme.room_name(r) for r in rooms],
            [f"Round {r}" for r in rounds],
            "people seen",
        ),
    )


def keynote_chart(live: Live, reports: dict[str, list[Any]]) -> Chart:
    rows = []
    for keynote_id, found in reports.items():
        keynote = live.programme.keynote_by_id[keynote_id]
        attended = [r for r in found if r.status == "attended"]
        by_source = Counter(r.evidence or "webhook" for r in attended)
        rows.append(
            (
                keynote.title,
                sum(1 for r in found if r.expected),
                len(attended),
                by_source["webhook"],
                by_source["checked-in"],
                by_source["confirmed"],
                by_source["sent"],
            )
        )
    return Chart(
        "keynotes",
        "Keynote attendance",
        "Expected and attended (the keynote's threshold and evidence, as `rota attendance` "
        "counts), by the strongest source.",
        ("keynote", "expected", "attended", "webhook", "checked-in", "confirmed", "sent"),
        tuple(rows),
        draw.bars(
            [r[0] for r in rows],
            [
                ("expected", [r[1] for r in rows], draw.GREY),
                ("attended", [r[2] for r in rows], draw.PURPLE),
            ],
            "people",
            empty="The programme has no keynotes.",
        ),
    )


def count_chart(chart_id: str, title: str, label: str, values: Sequence[str]) -> Chart:
    counted = sorted(Counter(v or "(not given)" for v in values).items(), key=lambda c: -c[1])
    return Chart(
        chart_id,
        title,
        f"Participants per {label}.",
        (label, "participants"),
        tuple(counted),
        draw.bars(
            [c[0] for c in counted],
            [("participants", [c[1] for c in counted], draw.PURPLE)],
            "participants",
        ),
    )


def mixing_chart(live: Live) -> Chart:
    institution = {p.id: p.institution for p in live.programme.participants}
    rows = []
    for rnd in live.plan.rounds:
        for slot in rnd.rooms:
            people = list(slot.audience)
            rows.append(
                (
                    rnd.index,
                    live.programme.room_name(slot.room),
                    len(people),
                    len({institution.get(p, "") for p in people} - {""}),
                )
            )
    rounds = sorted({r[0] for r in rows})
    means = [
        sum(r[3] for r in rows if r[0] == n) / max(1, sum(1 for r in rows if r[0] == n))
        for n in rounds
    ]
    return Chart(
        "mixing",
        "Who met whom",
        "How many institutions each room's audience brought together, per round (the plan).",
        ("round", "room", "audience", "institutions"),
        tuple(rows),
        draw.rounds_line(rounds, means, "institutions per room (mean)"),
    )


def jury_chart(live: Live, results: Results) -> Chart:
    """Per team: the jurors the plan sent to it and the scores they gave."""
    assigned = Counter(w.duty.team for w in all_windows(live))
    rows = []
    for team in live.programme.teams:
        scored = results.team(team.id).scores
        rows.append((team.name, assigned[team.id], scored, max(assigned[team.id] - scored, 0)))
    return Chart(
        "jury",
        "Jury coverage",
        "Jurors the plan sent to each team and the scores they gave (`rota results`).",
        ("team", "jurors assigned", "scores", "missing"),
        tuple(rows),
        draw.bars(
            [r[0] for r in rows],
            [
                ("assigned", [r[1] for r in rows], draw.GREY),
                ("scored", [r[2] for r in rows], draw.PURPLE),
            ],
            "jurors",
        ),
    )


def scores_chart(live: Live, results: Results) -> Chart:
    """The results as /api/v1/results gives them (rounded alike)."""
    teams = results.to_dict()["teams"]
    names = {t.id: t.name for t in live.programme.teams}
    rows = tuple(
        (
            t["rank"],
            t["rank_interval"][0],
            t["rank_interval"][1],
            names.get(t["team"], t["team"]),
            t["scores"],
            t["raw_total"],
            t["corrected_total"],
            t["raw_rank"],
        )
        for t in teams
    )
    return Chart(
        "scores",
        "Corrected scores and their rank intervals",
        "Each team's rank by the severity-corrected total with the interval holding 90 % of "
        "its resampled ranks (read overlapping intervals as ties), and its raw and corrected "
        "totals (0–100; docs/scoring.md).",
        (
            "rank",
            "rank low",
            "rank high",
            "team",
            "scores",
            "raw total",
            "corrected total",
            "raw rank",
        ),
        rows,
        draw.intervals(
            [r[3] for r in rows],
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            [r[5] for r in rows],
            [r[6] for r in rows],
        ),
    )


def mail_chart(records: Sequence[Any]) -> Chart:
    kinds = Counter((r.kind.split("@")[0].split("-v")[0], r.status) for r in records)
    names = sorted({k for k, _ in kinds})
    statuses = ("sent", "failed", "sending")
    rows = tuple((k, *(kinds[(k, s)] for s in statuses)) for k in names)
    colours = (draw.PURPLE, "#c0392b", "#bbb")
    return Chart(
        "mail",
        "E-mails delivered",
        "Every e-mail Rota sent, by kind and outcome (`rota invite`, reminders, changes).",
        ("kind", *statuses),
        rows,
        draw.bars(
            names,
            [(s, [row[i + 1] for row in rows], colours[i]) for i, s in enumerate(statuses)],
            "e-mails",
            stacked=True,
            empty="No e-mail was sent (no [mail] section, or nobody was invited).",
        ),
    )


def so_far(live: Live) -> str:
    """A sentence for a report made before the day ended (its later minutes read 0)."""
    now, ends = live.event_now(), live.timeline.ends
    if now >= ends:
        return ""
    tz = live.programme.event.tz
    return (
        f"The day so far: made at {now.astimezone(tz):%H:%M}, before the day ended "
        f"({ends.astimezone(tz):%H:%M}); what comes later reads 0. Make it again after the day."
    )


async def gather(live: Live, store: Store) -> list[Chart]:
    """Every chart from the stored room events, clicks, marks, scores and mail records."""
    day = await read_day(live, store)
    per_round = {
        r.index: round_report(live, day.events, r.index, day.clicks, day.recorded)
        for r in live.timeline.rounds
    }
    planned = {k.id for k in live.plan.keynotes}
    keynotes = {
        k.id: keynote_report(live, day.events, k.id, day.clicks, day.recorded)
        for k in live.programme.keynotes
        if k.id in planned
    }
    people = live.programme.participants

    def charts() -> list[Chart]:
        made = [
            audience_chart(live, per_round),
            presence_chart(live, day.events, day.spans, day.marks),
            keynote_chart(live, keynotes),
            keynote_time_chart(live, day.events, day.spans, day.marks),
            count_chart(
                "countries", "Participants per country", "country", [p.country for p in people]
            ),
            count_chart(
                "institutions",
                "Participants per institution",
                "institution",
                [p.institution for p in people],
            ),
            mixing_chart(live),
        ]
        if day.results is not None:
            made += [jury_chart(live, day.results), scores_chart(live, day.results)]
        return [*made, mail_chart(day.mail)]

    return await asyncio.to_thread(charts)
