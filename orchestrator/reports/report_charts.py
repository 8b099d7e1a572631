"""The drawing for `rota report` (reports/day_report.py gathers the numbers): matplotlib on
Agg, to SVG with its text kept as text (a screen reader and a search find it, a PDF copies it)
and no raster image, so no chart is an image of text. Names are drawn as typed: mathtext is
off, so a team called "$5 for 5" stays that. Each function takes plain numbers and returns
the SVG element."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

PURPLE = "#5b3a8c"
GREY = "#d4d4d4"
# one colour and one line style per presence source, strongest first, so the lines tell
# apart in grey print and for colour-blind readers too
SOURCE_STYLE = {
    "webhook": (PURPLE, "-"),
    "checked-in": ("#1b7837", "--"),
    "confirmed": ("#e08214", "-."),
    "sent": ("#2166ac", ":"),
}
WIDEST = 18  # rooms a heatmap writes its figures in; beyond, they are in the table
PANELS = 24  # rooms the presence chart draws (the busiest); every room is in the table
PALETTE = ("#5b3a8c", "#1b7837", "#e08214", "#2166ac", "#b2182b", "#4d4d4d")


def figure(width: float, height: float, rows: int = 1, cols: int = 1, **kw: Any) -> Any:
    """A figure of its own (no pyplot: no global state, so two reports may draw at once)."""
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"  # text as text, not as paths
    matplotlib.rcParams["svg.hashsalt"] = "rota"  # the same day gives the same file
    matplotlib.rcParams["text.parse_math"] = False  # "$" in a name is a dollar sign
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots(rows, cols, squeeze=False, **kw)


def svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # the XML prologue and doctype stay out of the HTML


def _nan(values: Sequence[float | None]) -> list[float]:
    return [float("nan") if v is None else v for v in values]


def short(label: str, size: int = 40) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def nothing(message: str) -> str:
    """A chart with nothing to draw says so, in words (its table is empty too)."""
    fig, [[axes]] = figure(7, 0.8)
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", color="#555")
    return svg(fig)


def heatmap(
    grid: Sequence[Sequence[float]], columns: Sequence[str], rows: Sequence[str], label: str
) -> str:
    wide = len(columns) > WIDEST  # many rooms: narrower cells, figures in the table only
    fig, [[axes]] = figure(min(max(6, len(columns) * 0.9), 16), max(2.5, len(rows) * 0.6))
    mesh = axes.pcolormesh(grid, cmap="Purples", edgecolors="white", vmin=0)  # vector, no image
    axes.invert_yaxis()
    axes.set_xticks(
        [j + 0.5 for j in range(len(columns))],
        columns,
        rotation=90 if wide else 30,
        ha="center" if wide else "right",
        size=5 if wide else None,
    )
    axes.set_yticks([i + 0.5 for i in range(len(rows))], rows)
    top = max((v for row in grid for v in row), default=0) or 1
    for i, row in enumerate([] if wide else grid):
        for j, value in enumerate(row):
            colour = "white" if value > top * 0.6 else "black"
            axes.text(j + 0.5, i + 0.5, f"{value:g}", ha="center", va="center", color=colour)
    bar = fig.colorbar(mesh, ax=axes, label=label)
    bar.solids.set_rasterized(False)
    return svg(fig)


def bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    xlabel: str,
    stacked: bool = False,
    empty: str = "Nothing was recorded.",
) -> str:
    """Horizontal bars, one row per label: `series` (name, values, colour) overlaid (each in
    front of the one before: "expected" behind "attended") or stacked."""
    if not labels:
        return nothing(empty)
    fig, [[axes]] = figure(7, max(2.2, len(labels) * 0.4 + 0.8))
    names = [short(label, 45) for label in labels]
    left = [0.0] * len(labels)
    for name, values, colour in series:
        axes.barh(names, values, left=left if stacked else None, color=colour, label=name)
        if stacked:
            left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel(xlabel)
    if len(series) > 1:
        axes.legend(loc="lower right")
    return svg(fig)


def rounds_line(rounds: Sequence[int], values: Sequence[float], ylabel: str) -> str:
    fig, [[axes]] = figure(7, 3)
    axes.plot(rounds, values, marker="o", color=PURPLE)
    axes.set_xticks(rounds, [f"Round {n}" for n in rounds])
    axes.set_ylabel(ylabel)
    axes.set_ylim(bottom=0)
    return svg(fig)


def room_lines(
    times: Sequence[Any],
    panels: Sequence[tuple[str, Mapping[str, Sequence[float | None]]]],
    slots: Mapping[str, Sequence[tuple[Any, Any, str]]],
) -> str:
    """Small multiples: one panel per room (each on its own scale: a hall holds more than a
    team room), a line per presence source over the day, the slots the room hosts shaded in
    turn and named."""
    import matplotlib.dates as mdates

    cols = 2 if len(panels) > 1 else 1
    rows = (len(panels) + cols - 1) // cols
    fig, axes = figure(9, 1.9 * rows + 0.4, rows, cols, sharex=True)
    height = 1.9 * rows + 0.4
    fig.subplots_adjust(hspace=0.55, wspace=0.15, top=1 - 0.45 / height)
    used: dict[str, Any] = {}
    tz = times[0].tzinfo
    for k, (room, lines) in enumerate(panels):
        ax = axes[k // cols][k % cols]
        for n, (start, end, name) in enumerate(slots.get(room, ())):
            ax.axvspan(start, end, color=("#ece6f4", "#f7f4fb")[n % 2], zorder=0, lw=0)
            ax.text(
                start + (end - start) / 2,
                0.97,
                short(name, 12),
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                size=6,
            )
        for source, values in lines.items():
            colour, style = SOURCE_STYLE[source]
            # the platform's count is a moment's; the others hold for their slot
            shape = "default" if source == "webhook" else "steps-post"
            (used[source],) = ax.plot(
                times, _nan(values), color=colour, linestyle=style, drawstyle=shape
            )
        ax.set_title(room, size=9, loc="left")
        ax.set_ylim(bottom=0, top=max([1.0, *(v or 0 for vs in lines.values() for v in vs)]) * 1.3)
        ax.xaxis.set_major_locator(mdates.HourLocator(tz=tz))  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=tz))  # type: ignore[no-untyped-call]
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(labelsize=7)
    for k in range(len(panels), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    for row in axes:
        row[0].set_ylabel("people", size=8)
    order = [s for s in SOURCE_STYLE if s in used]
    fig.legend([used[s] for s in order], order, loc="upper center", ncols=len(order), frameon=False)
    return svg(fig)


def keynote_lines(lines: Sequence[tuple[str, Sequence[int], Sequence[float]]]) -> str:
    """A line per keynote: people present against minutes since it started."""
    if not lines:
        return nothing("The programme has no keynotes.")
    fig, [[axes]] = figure(8, 3.5)
    styles = ("-", "--", "-.", ":")
    for k, (title, minutes, values) in enumerate(lines):
        axes.plot(
            minutes,
            values,
            color=PALETTE[k % len(PALETTE)],
            linestyle=styles[k % len(styles)],
            label=short(title, 50),
        )
    axes.set_xlabel("minutes since the keynote began")
    axes.set_ylabel("people present")
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return svg(fig)


def intervals(
    teams: Sequence[str],
    rank: Sequence[int | None],
    low: Sequence[int | None],
    high: Sequence[int | None],
    raw: Sequence[float | None],
    corrected: Sequence[float | None],
) -> str:
    """Left: each team's rank with its bootstrap interval; right: raw against corrected
    totals. Teams in rank order, top down."""
    fig, axes = figure(9, max(2.5, len(teams) * 0.45 + 1), 1, 2, sharey=True)
    left, right = axes[0]
    ys = list(range(len(teams)))
    for y, r, lo, hi in zip(ys, rank, low, high, strict=True):
        if lo is not None and hi is not None:
            left.plot([lo, hi], [y, y], color=PURPLE, linewidth=3, alpha=0.35)
        if r is not None:
            left.plot([r], [y], "o", color=PURPLE)
    left.set_yticks(ys, [short(t, 30) for t in teams])
    left.invert_yaxis()
    left.set_xlabel("rank (90 % interval)")
    left.set_xlim(len(teams) + 0.5, 0.5)
    left.xaxis.get_major_locator().set_params(integer=True)
    right.plot(_nan(raw), ys, "o", mfc="white", color="#4d4d4d", label="raw total")
    right.plot(_nan(corrected), ys, "D", color=PURPLE, label="corrected total")
    right.set_xlabel("total (0–100)")
    right.legend(loc="lower right", fontsize=8)
    return svg(fig)
