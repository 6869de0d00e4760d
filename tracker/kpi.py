"""The formulas of KPI.md as pure functions on exact numbers.

Conventions every caller can rely on:

- Counts are ``int``, money is ``Decimal``; a ``float`` is refused, so binary
  rounding never reaches a figure.
- ``None`` means *unknown or undefined*. A KPI whose denominator is zero or
  unknown is ``None``, never 0 and never infinity.
- Rates (engagement rate, CTR, conversion rate, completion rate, ER by
  followers) are fractions: 0.0523 means 5.23 %. Formatting multiplies by 100.
  The one exception is ``roi_pct``, which KPI.md defines as a percentage
  number (``(value - C) / C * 100``), so 250 means 250 %.
- Aggregates are pooled: sum the totals with ``sum_totals`` and call ``kpis``
  on the sums; never average ratios.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

Number = int | Decimal

# 28 significant digits hold any realistic count or amount exactly and give
# divisions far more precision than display rounding needs.
CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)

METRIC_KEYS: tuple[str, ...] = (
    "views",
    "reach",
    "impressions",
    "likes",
    "comments",
    "shares",
    "saves",
    "watch_time_s",
    "completed_views",
    "profile_views",
    "followers_gained",
    "hashtag_uses",
    "link_clicks",
    "sessions",
    "conversions",
    "revenue",
    "sentiment_pos",
    "sentiment_neu",
    "sentiment_neg",
)
MONEY_KEYS: tuple[str, ...] = ("revenue",)
COUNT_KEYS: tuple[str, ...] = tuple(k for k in METRIC_KEYS if k not in MONEY_KEYS)
GOAL_METRICS: tuple[str, ...] = (*METRIC_KEYS, "engagement_rate")
ENGAGEMENT_KEYS: tuple[str, ...] = ("likes", "comments", "shares", "saves")

KPI_KEYS: tuple[str, ...] = (
    "engagements",
    "engagement_rate",
    "cpm",
    "cpv",
    "cpe",
    "cpc",
    "ctr",
    "conversion_rate",
    "cpa",
    "completion_rate",
    "aov",
    "roas",
    "roi_pct",
    "sentiment_score",
)

DEFAULT_TARGET_RATIO = Decimal("5.0")
AT_RISK_SHARE = Decimal("0.8")

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"


def _dec(value: Number) -> Decimal:
    """Return an exact Decimal, refusing floats so no binary rounding slips in."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    raise TypeError(f"expected int or Decimal, got {type(value).__name__}: {value!r}")


def ratio(num: Number | None, den: Number | None) -> Decimal | None:
    """Divide exactly; undefined (None) when either side is unknown or den is 0."""
    if num is None or den is None:
        return None
    d = _dec(den)
    if d == 0:
        return None
    return CONTEXT.divide(_dec(num), d)


def _mul(a: Number | None, b: Number | None) -> Decimal | None:
    if a is None or b is None:
        return None
    return CONTEXT.multiply(_dec(a), _dec(b))


def engagements(values: Mapping[str, int | None]) -> int | None:
    """Return E = likes + comments + shares + saves.

    A missing component counts as 0 because some platforms never report it
    (TikTok has no saves) and dropping the whole sum would hide real
    interactions. If all four are missing nothing is known, so E is None.
    """
    parts = [values.get(k) for k in ENGAGEMENT_KEYS]
    known = [p for p in parts if p is not None]
    if not known:
        return None
    return sum(known)


def engagement_rate(e: int | None, views: int | None) -> Decimal | None:
    """Return E / views as a fraction."""
    return ratio(e, views)


def er_by_followers(e: int | None, followers: int | None) -> Decimal | None:
    """Return E / followers at join as a fraction."""
    return ratio(e, followers)


def cpm(cost: Decimal | None, views: int | None) -> Decimal | None:
    """Return cost per thousand views, 1000 × C / views."""
    return ratio(_mul(1000, cost), views)


def cpv(cost: Decimal | None, views: int | None) -> Decimal | None:
    """Return cost per view, C / views."""
    return ratio(cost, views)


def cpe(cost: Decimal | None, e: int | None) -> Decimal | None:
    """Return cost per engagement, C / E."""
    return ratio(cost, e)


def cpc(cost: Decimal | None, clicks: int | None) -> Decimal | None:
    """Return cost per link click, C / link_clicks."""
    return ratio(cost, clicks)


def ctr(clicks: int | None, views: int | None) -> Decimal | None:
    """Return click-through rate, link_clicks / views, as a fraction."""
    return ratio(clicks, views)


def conversion_rate(conversions: int | None, clicks: int | None) -> Decimal | None:
    """Return conversions / link_clicks as a fraction."""
    return ratio(conversions, clicks)


def cpa(cost: Decimal | None, conversions: int | None) -> Decimal | None:
    """Return cost per acquisition, C / conversions."""
    return ratio(cost, conversions)


def completion_rate(completed: int | None, views: int | None) -> Decimal | None:
    """Return completed_views / views as a fraction."""
    return ratio(completed, views)


def aov(revenue: Decimal | None, conversions: int | None) -> Decimal | None:
    """Return average order value, revenue / conversions."""
    return ratio(revenue, conversions)


def roas(revenue: Decimal | None, cost: Decimal | None) -> Decimal | None:
    """Return return on ad spend, revenue / C (shown as "5.2:1")."""
    return ratio(revenue, cost)


def roi_pct(value: Decimal | None, cost: Decimal | None) -> Decimal | None:
    """Return (value − C) / C × 100 — a percentage number, not a fraction."""
    if value is None or cost is None:
        return None
    gain = CONTEXT.subtract(_dec(value), _dec(cost))
    return _mul(ratio(gain, cost), 100)


def sentiment_score(pos: int | None, neu: int | None, neg: int | None) -> Decimal | None:
    """Return (pos − neg) / (pos + neu + neg), from −1 to 1.

    As with engagements, a missing bucket counts as 0 (a classifier may not
    report neutral) unless all three are missing; no classified comments
    means undefined.
    """
    if pos is None and neu is None and neg is None:
        return None
    p, n, g = pos or 0, neu or 0, neg or 0
    return ratio(p - g, p + n + g)


def kpis(
    totals: Mapping[str, int | Decimal | None], cost: Decimal | None
) -> dict[str, Decimal | int | None]:
    """Compute every derived KPI of KPI.md from (pooled) totals and a cost.

    ``engagements`` stays an ``int`` (it is a count); every other value is a
    Decimal or None.
    """
    e = engagements(totals)
    views = totals.get("views")
    clicks = totals.get("link_clicks")
    conversions = totals.get("conversions")
    revenue = totals.get("revenue")
    return {
        "engagements": e,
        "engagement_rate": engagement_rate(e, views),
        "cpm": cpm(cost, views),
        "cpv": cpv(cost, views),
        "cpe": cpe(cost, e),
        "cpc": cpc(cost, clicks),
        "ctr": ctr(clicks, views),
        "conversion_rate": conversion_rate(conversions, clicks),
        "cpa": cpa(cost, conversions),
        "completion_rate": completion_rate(totals.get("completed_views"), views),
        "aov": aov(revenue, conversions),
        "roas": roas(revenue, cost),
        "roi_pct": roi_pct(revenue, cost),
        "sentiment_score": sentiment_score(
            totals.get("sentiment_pos"), totals.get("sentiment_neu"), totals.get("sentiment_neg")
        ),
    }


def _add(a: Number | None, b: Number | None) -> Number | None:
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    return CONTEXT.add(_dec(a), _dec(b))


def sum_totals(rows: Iterable[Mapping[str, Number | None]]) -> dict[str, Number | None]:
    """Sum each key over rows for pooled aggregates.

    Unknown plus unknown stays unknown (None); unknown plus a value is that
    value, so a platform that lacks a metric does not erase the others'.
    """
    out: dict[str, Number | None] = {}
    for row in rows:
        for key, value in row.items():
            out[key] = _add(out.get(key), value)
    return out


def split_totals(rows: Iterable[tuple[bool, Mapping[str, Number | None]]]) -> dict[str, dict]:
    """Pool rows into "organic", "paid" and "all" totals; the flag is *is_paid*."""
    organic: list[Mapping[str, Number | None]] = []
    paid: list[Mapping[str, Number | None]] = []
    for is_paid, values in rows:
        (paid if is_paid else organic).append(values)
    return {
        "organic": sum_totals(organic),
        "paid": sum_totals(paid),
        "all": sum_totals([*organic, *paid]),
    }


def fill_from_events(
    imported: Mapping[str, Number | None], events: Mapping[str, int]
) -> dict[str, Number | None]:
    """Use the tracker's own event counts only where no imported value exists.

    Redirect clicks and endpoint conversions are events; when an imported
    snapshot already covers the metric, adding them would count a click twice.
    """
    out = dict(imported)
    for key, count in events.items():
        if out.get(key) is None:
            out[key] = count
    return out


def deliverables_rate(published: int | None, contracted: int | None) -> Decimal | None:
    """Return posts published / posts contracted as a fraction."""
    return ratio(published, contracted)


# --- Goals -----------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """A target for one metric, optionally with what one unit is worth."""

    metric: str
    target: Decimal
    unit_value: Decimal | None = None

    def __post_init__(self) -> None:
        if self.metric not in GOAL_METRICS:
            raise ValueError(f"Unknown goal metric {self.metric!r}; expected one of {GOAL_METRICS}")
        if _dec(self.target) < 0:
            raise ValueError(f"Goal target must not be negative, got {self.target}")
        if self.unit_value is not None and _dec(self.unit_value) < 0:
            raise ValueError(f"Goal unit value must not be negative, got {self.unit_value}")


@dataclass(frozen=True)
class ValueBreakdown:
    """Value generated and what it is made of, so pages can show its parts.

    ``total`` is None when nothing carried value (no revenue and no valued
    goal with a known actual): the value is then unknown, not zero, exactly as
    ROAS is undefined without revenue.
    """

    total: Decimal | None
    parts: list[tuple[str, Decimal]] = field(default_factory=list)


def goal_actual(metric: str, totals: Mapping[str, Number | None]) -> Number | None:
    """Return the actual value of a goal metric from totals."""
    if metric == "engagement_rate":
        return engagement_rate(engagements(totals), totals.get("views"))
    if metric not in METRIC_KEYS:
        raise ValueError(f"Unknown goal metric {metric!r}")
    return totals.get(metric)


def attainment(actual: Number | None, target: Number | None) -> Decimal | None:
    """Return actual / target as a fraction; it may exceed 1."""
    return ratio(actual, target)


def value_generated(
    revenue: Decimal | None, goals: Sequence[Goal], totals: Mapping[str, Number | None]
) -> ValueBreakdown:
    """Return revenue plus actual × unit value of each valued non-revenue goal."""
    parts: list[tuple[str, Decimal]] = []
    if revenue is not None:
        parts.append(("revenue", _dec(revenue)))
    for goal in goals:
        if goal.unit_value is None or goal.metric == "revenue":
            continue
        part = _mul(goal_actual(goal.metric, totals), goal.unit_value)
        if part is not None:
            parts.append((goal.metric, part))
    if not parts:
        return ValueBreakdown(total=None, parts=[])
    total = Decimal(0)
    for _, amount in parts:
        total = CONTEXT.add(total, amount)
    return ValueBreakdown(total=total, parts=parts)


def roi_ratio(value: Decimal | None, cost: Decimal | None) -> Decimal | None:
    """Return value generated / C (equals ROAS when no goal carries value)."""
    return ratio(value, cost)


def meets_target(
    roi_ratio: Decimal | None, target_ratio: Decimal = DEFAULT_TARGET_RATIO
) -> bool | None:
    """Tell whether the ROI ratio reaches the target ratio; None if unknown."""
    if roi_ratio is None or target_ratio is None:
        return None
    return _dec(roi_ratio) >= _dec(target_ratio)


# --- Pacing ----------------------------------------------------------------


def _running_days(start: date, end: date, day: date) -> tuple[int, int] | None:
    """Return (elapsed days, total days), inclusive, while the campaign runs."""
    if not start <= day <= end:
        return None
    return (day - start).days + 1, (end - start).days + 1


def elapsed_fraction(start: date, end: date, day: date) -> Decimal | None:
    """Return (day − start + 1) / (end − start + 1); None unless start ≤ day ≤ end."""
    days = _running_days(start, end, day)
    if days is None:
        return None
    return ratio(*days)


def projected(actual: Number | None, start: date, end: date, day: date) -> Decimal | None:
    """Return actual / elapsed fraction: where the metric ends at today's pace."""
    days = _running_days(start, end, day)
    if days is None or actual is None:
        return None
    elapsed, total = days
    # actual × total / elapsed is one rounding, where actual / (elapsed / total) is two.
    return ratio(_mul(actual, total), elapsed)


def pacing_status(
    actual: Number | None,
    target: Number | None,
    start: date,
    end: date,
    day: date,
    *,
    cumulative: bool = True,
) -> str | None:
    """Return ON_TRACK, AT_RISK or OFF_TRACK for a running campaign, else None.

    ``cumulative=False`` is for rates such as engagement_rate, which do not
    grow with time: the actual is compared as is instead of being projected.
    The comparison is cross-multiplied so the 80 % and 100 % boundaries are
    exact rather than subject to a rounded division.
    """
    days = _running_days(start, end, day)
    if days is None or actual is None or target is None:
        return None
    elapsed, total = days
    if not cumulative:
        elapsed = total = 1
    # projected ≥ x·target  ⇔  actual·total ≥ x·target·elapsed  (elapsed > 0)
    lhs = _mul(actual, total)
    if lhs >= _mul(target, elapsed):
        return ON_TRACK
    if lhs >= _mul(_mul(AT_RISK_SHARE, target), elapsed):
        return AT_RISK
    return OFF_TRACK


def is_cumulative(metric: str) -> bool:
    """Tell whether a goal metric accumulates over time (rates do not)."""
    return metric != "engagement_rate"


# --- Snapshots -------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Running totals read from one export (or entry) on one day."""

    captured_on: date
    recorded_at: datetime
    values: Mapping[str, Number | None]
    source: str = "manual"


def as_of(snapshots: Iterable[Snapshot], day: date) -> dict[str, Number | None]:
    """Return each metric's value as of ``day``.

    For every metric: the latest snapshot captured on or before ``day`` that
    carries it (a missing key or None does not carry it); on the same day the
    one recorded last wins. Every canonical key is present, None if unknown.
    """
    eligible = sorted(
        (s for s in snapshots if s.captured_on <= day),
        key=lambda s: (s.captured_on, s.recorded_at),
    )
    out: dict[str, Number | None] = dict.fromkeys(METRIC_KEYS)
    for snap in eligible:
        for key, value in snap.values.items():
            if value is not None:
                out[key] = value
    return out


def totals_as_of(groups: Iterable[Iterable[Snapshot]], day: date) -> dict[str, Number | None]:
    """Sum the as-of values of several posts (and campaign-level snapshots)."""
    return sum_totals(as_of(group, day) for group in groups)
