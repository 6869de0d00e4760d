"""Server-rendered SVG charts (matplotlib), readable without JavaScript and printable.

matplotlib is imported lazily: it costs ~0.45 s and most requests draw nothing (PERF.md).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache

Number = int | Decimal

INK = "#1d2330"
GRID = "#dde3ea"
MUTED = "#6b7685"


@cache
def _pyplot():
    """pyplot on the Agg backend with our defaults, set up once per process."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: selectable, and extracted from PDFs
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.edgecolor": GRID,
            "axes.labelcolor": INK,
            "xtick.color": MUTED,
            "ytick.color": MUTED,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def preload() -> None:
    """Import matplotlib now (a job worker does, before it forks; see tracker/jobs/worker.py)."""
    _pyplot()


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # Inline <style> would need 'unsafe-inline' under our CSP; the defaults it sets are cosmetic.
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    # The CSP blocks inline style="" attributes too (an inline SVG would draw every shape black);
    # the same declarations as SVG presentation attributes are not styles and are applied.
    return re.sub(r' style="([^"]*)"', _presentation_attributes, svg)


def _presentation_attributes(match: re.Match[str]) -> str:
    declarations = (d.split(":", 1) for d in match.group(1).split(";") if ":" in d)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in declarations)


def timeseries_svg(
    points: Sequence[tuple[date, Number | None]],
    *,
    target: Number | None,
    title: str,
    color: str = "#1f4e79",
    target_label: str = "Target",
    value_format: Callable[[float], str] = lambda v: f"{v:,.0f}",
    width: float = 6.4,
    height: float = 2.4,
    date_format: Callable[[date], str] | None = None,
) -> str:
    """A goal metric's as-of series against its target line; `date_format` localises the x axis."""
    plt = _pyplot()
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots(figsize=(width, height))
    known = [(d, float(v)) for d, v in points if v is not None]
    if known:
        ax.plot([d for d, _ in known], [v for _, v in known], color=color, linewidth=2)
        ax.fill_between([d for d, _ in known], [v for _, v in known], color=color, alpha=0.08)
    if target is not None:
        ax.axhline(
            float(target), color="#c0392b", linestyle="--", linewidth=1.2, label=target_label
        )
        ax.legend(loc="upper left", frameon=False)
    if points:
        ax.set_xlim(points[0][0], points[-1][0])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: value_format(v)))
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_title(title, loc="left", color=INK, fontsize=10)
    if date_format is not None:
        from matplotlib.dates import num2date

        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: date_format(num2date(v).date())))
    fig.autofmt_xdate()
    return _svg(fig)


def bars_svg(
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    title: str,
    color: str = "#1f4e79",
    value_format: Callable[[float], str] = lambda v: f"{v:,.2f}",
    empty_label: str = "—",
    width: float = 6.4,
    height: float = 2.4,
) -> str:
    """Vertical bars with their value written above; an undefined value shows as a dash, not 0."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(width, height))
    heights = [0.0 if v is None else float(v) for v in values]
    bars = ax.bar(labels, heights, color=color, width=0.6)
    for bar, value in zip(bars, values, strict=True):
        text = empty_label if value is None else value_format(float(value))
        ax.annotate(
            text,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            xytext=(0, 2),
            textcoords="offset points",
            color=INK,
        )
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_title(title, loc="left", color=INK, fontsize=10)
    ax.margins(y=0.2)
    return _svg(fig)


def hbars_svg(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    color: str = "#1f4e79",
    value_format: Callable[[float], str] = lambda v: f"{v:,.2f}",
    width: float = 6.4,
) -> str:
    """Horizontal bars, largest first: cost breakdown by category."""
    plt = _pyplot()
    pairs = sorted(zip(labels, values, strict=True), key=lambda p: p[1])
    fig, ax = plt.subplots(figsize=(width, 0.45 * max(len(pairs), 1) + 0.6))
    bars = ax.barh([p[0] for p in pairs], [float(p[1]) for p in pairs], color=color, height=0.6)
    for bar, (_label, value) in zip(bars, pairs, strict=True):
        ax.annotate(
            value_format(float(value)),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            va="center",
            xytext=(4, 0),
            textcoords="offset points",
            color=INK,
        )
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.set_title(title, loc="left", color=INK, fontsize=10)
    ax.margins(x=0.25)
    return _svg(fig)
