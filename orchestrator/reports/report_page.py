"""The report's page (`rota report`'s index.html and `/board/report`): each chart's SVG with its
numbers beside it as a table, and the same numbers as a CSV through the one export path
(schedules/tabular.py), so a name that starts with `=` stays text in a spreadsheet."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schedules.tabular import csv_text


@dataclass(frozen=True)
class Chart:
    id: str  # also the CSV's and the SVG's file name
    title: str
    caption: str  # what the numbers are, in a sentence
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    svg: str

    @property
    def long(self) -> bool:
        """A table too long to read beside its chart is folded (still in the page)."""
        return len(self.rows) > 40


def chart_csv(chart: Chart) -> str:
    """The chart's table as CSV through the one export path (schedules/tabular.py)."""
    return csv_text([chart.columns, *chart.rows])


STYLE = (
    "body{font-family:sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;"
    "padding:.2rem .5rem;text-align:left}td.n{text-align:right}figure{margin:0}"
    "section{margin-bottom:2.5rem}figure,table{break-inside:avoid}"
    "svg{max-width:100%;height:auto}summary{cursor:pointer;color:#5b3a8c}"
)


def _cell(value: Any) -> str:
    if value is None:
        return '<td class="n">—</td>'
    if isinstance(value, int | float):
        return f'<td class="n">{value}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def page(
    title: str,
    charts: Sequence[Chart],
    csv_href: Callable[[str], str] = lambda chart_id: f"{chart_id}.csv",
    header: str = "",
    note: str = "",
) -> str:
    """The report as one HTML page; `csv_href` gives each chart's CSV link (beside the page
    for `rota report`, under /board/report on the board), `header` is trusted HTML put
    above the charts (the board's "back" link), `note` a sentence under the title (that it
    is the day so far)."""
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)} — the day in pictures</title>",
        '<link rel="icon" href="data:,">',  # no icon to fetch: the file works offline
        f"<style>{STYLE}</style>",
        f"</head><body>{header}<h1>{html.escape(title)}: the day in pictures</h1>",
        f"<p><strong>{html.escape(note)}</strong></p>" if note else "",
        "<p>Made by Rota from the stored day. Each chart's numbers are in the table beside "
        "it and in its CSV; they are the numbers of the API and of <code>rota attendance</code>"
        " and <code>rota results</code>.</p>",
        "<nav><ul>",
        *(f'<li><a href="#{c.id}">{html.escape(c.title)}</a></li>' for c in charts),
        "</ul></nav>",
    ]
    for chart in charts:
        parts.append(f'<section id="{chart.id}"><h2>{html.escape(chart.title)}</h2>')
        link = html.escape(csv_href(chart.id))
        parts.append(f'<p>{html.escape(chart.caption)} <a href="{link}">CSV</a></p>')
        parts.append(f"<figure>{chart.svg}</figure>")
        if chart.long:
            parts.append(
                f"<details><summary>The {len(chart.rows)} rows (also in the CSV)</summary>"
            )
        parts.append(f'<table data-chart="{chart.id}"><thead><tr>')
        parts += [f'<th scope="col">{html.escape(c)}</th>' for c in chart.columns]
        parts.append("</tr></thead><tbody>")
        for row in chart.rows:
            parts.append("<tr>" + "".join(_cell(v) for v in row) + "</tr>")
        parts.append("</tbody></table>")
        if chart.long:
            parts.append("</details>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write(title: str, charts: Sequence[Chart], out: Path, note: str = "") -> Path:
    """`index.html` and one CSV and SVG per chart in `out`; the page's path."""
    out.mkdir(parents=True, exist_ok=True)
    for chart in charts:
        (out / f"{chart.id}.csv").write_text(chart_csv(chart), encoding="utf-8-sig")
        (out / f"{chart.id}.svg").write_text(chart.svg, encoding="utf-8")
    index = out / "index.html"
    index.write_text(page(title, charts, note=note), encoding="utf-8")
    return index
