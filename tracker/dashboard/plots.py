"""The dashboard's pictures: SVG drawn on the server by tracker.charts, labelled in the user's language.

Every label passed to matplotlib is our own text or a number we formatted, and matplotlib escapes
text when it writes SVG, so the markup can be embedded as is. A "$" is escaped because two of them
would switch matplotlib to math mode.

Drawing costs a few tenths of a second per chart while a page's figures cost less, and the same
data draws the same picture, so finished SVGs are kept in a small in-process cache keyed by
everything that goes into them (points, target, labels, locale).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date
from flask_babel import gettext as _

from .. import charts, formatting
from ..analytics import CampaignSummary, TierComparison
from ..costs import CostAllocation
from ..labels import label

Number = int | Decimal
CACHE_SIZE = 256  # SVGs of 10–30 kB: a few MB at most


def _plain(text: str) -> str:
    return text.replace("$", r"\$")


def value_kind(metric: str) -> str:
    """How a goal metric's values read: a count, money or a rate."""
    if metric == "revenue":
        return "money"
    if metric == "engagement_rate":
        return "rate"
    return "count"


def _decimal(value: float, places: int | None = None) -> Decimal:
    """A matplotlib float (often numpy's) as the Decimal of its shortest repr."""
    number = float(value) if places is None else round(float(value), places)
    return Decimal(repr(number))


def _format(kind: str, currency: str, locale: str, places: int = 2) -> Callable[[float], str]:
    """Labels in the locale: counts, money, percentages, from matplotlib's floats."""
    if kind == "money":
        return lambda v: _plain(
            formatting.money(_decimal(v, places), currency, locale, places=places)
        )
    if kind == "rate":
        return lambda v: formatting.percent(_decimal(v), locale)
    return lambda v: formatting.number(int(round(float(v))), locale)


@dataclass(frozen=True)
class GoalChart:
    metric: str
    title: str
    svg: str


@lru_cache(maxsize=CACHE_SIZE)
def _goal_svg(
    points: tuple[tuple[date, Number | None], ...],
    target: Decimal,
    title: str,
    target_label: str,
    kind: str,
    currency: str,
    locale: str,
) -> str:
    return charts.timeseries_svg(
        points,
        target=target,
        title=_plain(title),
        target_label=_plain(target_label),
        value_format=_format(kind, currency, locale, places=0),
        date_format=lambda d: format_date(d, "d MMM", locale=locale),
        width=5.6,
        height=2.3,
    )


def goal_charts(
    summary: CampaignSummary,
    series: dict[str, list[tuple[date, Number | None]]],
    *,
    locale: str,
) -> list[GoalChart]:
    """One as-of line per goal against its target; goals with no data yet get no chart."""
    out = []
    for goal in summary.goals:
        points = series.get(goal.metric, [])
        if not any(v is not None for _d, v in points):
            continue
        title = label("metric", goal.metric)
        svg = _goal_svg(
            tuple(points),
            goal.target,
            title,
            _("Target"),
            value_kind(goal.metric),
            summary.currency,
            locale,
        )
        out.append(GoalChart(goal.metric, title, svg))
    return out


@lru_cache(maxsize=CACHE_SIZE)
def _hbars(items: tuple[tuple[str, Decimal], ...], title: str, currency: str, locale: str) -> str:
    return charts.hbars_svg(
        [_plain(name) for name, _v in items],
        [value for _n, value in items],
        title=_plain(title),
        value_format=_format("money", currency, locale),
        width=3.3,
    )


def cost_chart(cost: CostAllocation, currency: str, locale: str) -> str | None:
    """Cost by category, largest first."""
    if not cost.by_category:
        return None
    items = tuple((label("category", c), amount) for c, amount in cost.by_category.items())
    return _hbars(items, _("Cost by category (%(ccy)s)", ccy=currency), currency, locale)


TIER_CHART_KPIS = ("cpm", "engagement_rate")


@lru_cache(maxsize=CACHE_SIZE)
def _bars(
    labels: tuple[str, ...],
    values: tuple[Decimal | None, ...],
    title: str,
    kind: str,
    currency: str,
    locale: str,
) -> str:
    return charts.bars_svg(
        [_plain(name) for name in labels],
        list(values),
        title=_plain(title),
        value_format=_format(kind, currency, locale),
        width=5.2,
        height=2.4,
    )


def tier_charts(comparison: TierComparison, locale: str) -> list[tuple[str, str]]:
    """(title, svg) of the pooled CPM and engagement rate of each tier."""
    tiers = tuple(label("tier", r.tier) for r in comparison.rows)
    ccy = comparison.currency
    out = []
    for key in TIER_CHART_KPIS:
        values: Sequence[Decimal | None] = tuple(r.kpis[key] for r in comparison.rows)
        if all(v is None for v in values):
            continue
        if key == "cpm":
            title, kind = _("CPM by tier (%(ccy)s, pooled)", ccy=ccy), "money"
        else:
            title, kind = _("Engagement rate by tier (pooled)"), "rate"
        out.append((title, _bars(tiers, values, title, kind, ccy, locale)))
    return out
