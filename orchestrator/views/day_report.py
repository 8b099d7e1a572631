"""`rota report`: the day in pictures for the organisers' own report (Erasmus+ asks for
participants per country, hours, what happened). One HTML file with its charts as SVG (text
kept as text, so a screen reader and a search find it) and, beside each chart, its numbers as
a table and a CSV. The numbers come from the same functions as the API and `rota attendance`
(presence/attendance.py), so they cannot differ.

The charts: audience per room and round (a heatmap of who was seen there), keynote attendance
by presence source, participants per country and per institution, mixing (the institutions
in each room's audience), and the e-mails delivered. Made with matplotlib (Agg, no display)."""

from __future__ import annotations

import html
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator.event.live import Live
from orchestrator.mail.records import MailRecords
from orchestrator.presence.attendance import in_event_time, keynote_report, round_report
from orchestrator.storage.store import Store
from schedules.tabular import csv_text

SEEN = ("in-room", "partial")  # round_report's statuses that put a person in the room


@dataclass(frozen=True)
class Chart:
    id: str  # also the CSV's and the SVG's file name
    title: str
    caption: str  # what the numbers are, in a sentence
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    svg: str


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # the XML prologue and doctype stay out of the HTML


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text as text, not as paths
    matplotlib.rcParams["svg.hashsalt"] = "rota"  # the same day gives the same file
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


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
    figure, axes = _figure(max(6, len(rooms) * 0.9), max(2.5, len(rounds) * 0.6))
    mesh = axes.pcolormesh(grid, cmap="Purples", edgecolors="white")  # vector, not an image
    axes.invert_yaxis()
    axes.set_xticks(
        [j + 0.5 for j in range(len(rooms))],
        [live.programme.room_name(r) for r in rooms],
        rotation=30,
    )
    axes.set_yticks([i + 0.5 for i in range(len(rounds))], [f"Round {r}" for r in rounds])
    for i in range(len(rounds)):
        for j in range(len(rooms)):
            axes.text(j + 0.5, i + 0.5, f"{grid[i][j]:g}", ha="center", va="center", fontsize=8)
    bar = figure.colorbar(mesh, ax=axes, label="people seen")
    bar.solids.set_rasterized(False)
    return Chart(
        "audience",
        "Audience per room and round",
        "People of the audience seen in their room (video room, check-in or “I'm here”), "
        "against those planned there.",
        ("round", "room", "team", "planned", "seen"),
        tuple(rows),
        _svg(figure),
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
    figure, axes = _figure(7, max(2.5, len(rows) * 0.6))
    titles = [r[0][:40] for r in rows]
    axes.barh(titles, [r[1] for r in rows], color="#ddd", label="expected")
    axes.barh(titles, [r[2] for r in rows], color="#5b3a8c", label="attended")
    axes.invert_yaxis()
    axes.set_xlabel("people")
    axes.legend(loc="lower right")
    return Chart(
        "keynotes",
        "Keynote attendance",
        "Expected and attended (the keynote's threshold and evidence), by the strongest source.",
        ("keynote", "expected", "attended", "webhook", "checked-in", "confirmed", "sent"),
        tuple(rows),
        _svg(figure),
    )


def count_chart(chart_id: str, title: str, label: str, values: Sequence[str]) -> Chart:
    counted = sorted(Counter(v or "(not given)" for v in values).items(), key=lambda c: -c[1])
    figure, axes = _figure(7, max(2.5, len(counted) * 0.35))
    axes.barh([c[0][:45] for c in counted], [c[1] for c in counted], color="#5b3a8c")
    axes.invert_yaxis()
    axes.set_xlabel("participants")
    return Chart(
        chart_id,
        title,
        f"Participants per {label}.",
        (label, "participants"),
        tuple(counted),
        _svg(figure),
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
    figure, axes = _figure(7, 3)
    rounds = sorted({r[0] for r in rows})
    axes.plot(
        rounds,
        [
            sum(r[3] for r in rows if r[0] == n) / max(1, sum(1 for r in rows if r[0] == n))
            for n in rounds
        ],
        marker="o",
        color="#5b3a8c",
    )
    axes.set_xticks(rounds, [f"Round {n}" for n in rounds])
    axes.set_ylabel("institutions per room (mean)")
    return Chart(
        "mixing",
        "Who met whom",
        "How many institutions each room's audience brought together, per round (the plan).",
        ("round", "room", "audience", "institutions"),
        tuple(rows),
        _svg(figure),
    )


def mail_chart(records: Sequence[Any]) -> Chart:
    kinds = Counter((r.kind.split("@")[0].split("-v")[0], r.status) for r in records)
    names = sorted({k for k, _ in kinds})
    statuses = ("sent", "failed", "sending")
    rows = tuple((k, *(kinds[(k, s)] for s in statuses)) for k in names)
    figure, axes = _figure(7, max(2, len(names) * 0.5))
    left = [0] * len(names)
    for i, status in enumerate(statuses):
        values = [row[i + 1] for row in rows]
        axes.barh(names, values, left=left, label=status, color=("#5b3a8c", "#c0392b", "#bbb")[i])
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_xlabel("e-mails")
    axes.legend(loc="lower right")
    return Chart(
        "mail",
        "E-mails delivered",
        "Every e-mail Rota sent, by kind and outcome (`rota invite`, reminders, changes).",
        ("kind", *statuses),
        rows,
        _svg(figure),
    )


async def gather(live: Live, store: Store) -> list[Chart]:
    """Every chart from the stored room events, clicks, marks and mail records."""
    import asyncio

    events = in_event_time(live, await store.room_events()).events
    clicks, marks = await store.clicks(), await store.marks()
    per_round = {
        r.index: round_report(live, events, r.index, clicks, marks) for r in live.timeline.rounds
    }
    planned = {k.id for k in live.plan.keynotes}
    keynotes = {
        k.id: keynote_report(live, events, k.id, clicks, marks)
        for k in live.programme.keynotes
        if k.id in planned
    }
    records = await MailRecords(store).all()
    people = live.programme.participants

    def draw() -> list[Chart]:
        return [
            audience_chart(live, per_round),
            keynote_chart(live, keynotes),
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
            mail_chart(records),
        ]

    return await asyncio.to_thread(draw)


def chart_csv(chart: Chart) -> str:
    """The chart's table as CSV through the one export path (schedules/tabular.py)."""
    return csv_text([chart.columns, *chart.rows])


def page(title: str, charts: Sequence[Chart]) -> str:
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)} — report</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;"
        "padding:.2rem .5rem;text-align:left}td.n{text-align:right}figure{margin:0}"
        "section{break-inside:avoid;margin-bottom:2rem}svg{max-width:100%;height:auto}</style>",
        f"</head><body><h1>{html.escape(title)}</h1>",
    ]
    for chart in charts:
        parts.append(f'<section id="{chart.id}"><h2>{html.escape(chart.title)}</h2>')
        parts.append(f'<p>{html.escape(chart.caption)} <a href="{chart.id}.csv">CSV</a></p>')
        parts.append(f"<figure>{chart.svg}</figure>")
        parts.append("<table><thead><tr>")
        parts += [f"<th>{html.escape(c)}</th>" for c in chart.columns]
        parts.append("</tr></thead><tbody>")
        for row in chart.rows:
            cells = [
                f'<td class="n">{v}</td>'
                if isinstance(v, int | float)
                else f"<td>{html.escape(str(v))}</td>"
                for v in row
            ]
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write(title: str, charts: Sequence[Chart], out: Path) -> Path:
    """`index.html` and one CSV and SVG per chart in `out`; the page's path."""
    out.mkdir(parents=True, exist_ok=True)
    for chart in charts:
        (out / f"{chart.id}.csv").write_text(chart_csv(chart), encoding="utf-8-sig")
        (out / f"{chart.id}.svg").write_text(chart.svg, encoding="utf-8")
    index = out / "index.html"
    index.write_text(page(title, charts), encoding="utf-8")
    return index
