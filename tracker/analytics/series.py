"""Campaign totals day by day, and the conversions the tracker recorded by attribution."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import Session, select

from .. import kpi
from ..currency import RateTable
from ..models import (
    Brand,
    Campaign,
    Click,
    Conversion,
    Participation,
    SnapshotCurrent,
    SnapshotDay,
    SnapshotDayRevenue,
)
from ..results import rollups
from .loading import COUNTS, EVENT_METRICS, rate_table

if TYPE_CHECKING:
    import pandas as pd


def daily_series(
    session: Session,
    campaign: Campaign,
    *,
    metrics: Sequence[str],
    until: date | None = None,
    events: bool = True,
) -> dict[str, list[tuple[date, int | Decimal | None]]]:
    """As-of campaign totals for each day from the start to `until` (default: the end).

    A day's total is the running sum of the day changes the rollups keep (a few hundred
    rows, whatever the campaign's history). With `events`, clicks and conversions the
    tracker recorded itself are added exactly as in campaign_summary (only where no imported
    value covers the participation that day), so the last point of a series equals the
    campaign total shown beside it.
    """
    import pandas as pd

    rollups.settle(session)
    rates = rate_table(session, session.get(Brand, campaign.brand_id).workspace_id)
    last_day = until or campaign.end_date
    days = pd.date_range(campaign.start_date, last_day, freq="D")
    recorded = _daily_events(session, campaign, days, rates) if events else {}
    needed = set(metrics)
    if "engagement_rate" in needed:
        needed |= {"likes", "comments", "shares", "saves", "views"}
    counts = sorted(needed & set(COUNTS))
    changes = session.exec(
        select(SnapshotDay.day, *(getattr(SnapshotDay, m) for m in counts))
        .where(SnapshotDay.campaign_id == campaign.id, SnapshotDay.day <= last_day)
        .order_by(SnapshotDay.day)
    ).all()
    series: dict[str, list[int | Decimal | None]] = {}
    for i, metric in enumerate(counts):
        series[metric] = _running(
            days, [(row[0], row[i + 1]) for row in changes if row[i + 1] is not None], 0
        )
    if "revenue" in needed:
        parts = session.exec(
            select(
                SnapshotDayRevenue.day,
                SnapshotDayRevenue.amount,
                SnapshotDayRevenue.currency,
                SnapshotDayRevenue.rate_on,
            )
            .where(
                SnapshotDayRevenue.campaign_id == campaign.id, SnapshotDayRevenue.day <= last_day
            )
            .order_by(SnapshotDayRevenue.day)
        ).all()
        converted = [
            (on, rates.convert(amount, ccy, campaign.currency, rate_on))
            for on, amount, ccy, rate_on in parts
        ]
        series["revenue"] = _running(days, converted, Decimal(0))
    if recorded:
        covered = _covered_since(session, campaign)
        for metric, running in recorded.items():
            if metric in series:
                series[metric] = _add_events(series[metric], covered[metric], running, days)
    out: dict[str, list[tuple[date, int | Decimal | None]]] = {}
    for metric in metrics:
        points = []
        for i, day in enumerate(days):
            if metric == "engagement_rate":
                totals = {
                    k: series[k][i] for k in ("likes", "comments", "shares", "saves", "views")
                }
                value = kpi.engagement_rate(kpi.engagements(totals), totals["views"])
            else:
                value = series[metric][i]
            points.append((day.date(), value))
        out[metric] = points
    return out


def _running(
    days: pd.DatetimeIndex, changes: Sequence[tuple[date, int | Decimal]], zero: int | Decimal
) -> list[int | Decimal | None]:
    """The running sum of day changes on each day; unknown (None) before the first change."""
    out: list[int | Decimal | None] = []
    i, total, seen = 0, zero, False
    for day in days:
        on = day.date()
        while i < len(changes) and changes[i][0] <= on:
            total += changes[i][1]
            seen = True
            i += 1
        out.append(total if seen else None)
    return out


def _covered_since(session: Session, campaign: Campaign) -> dict[str, dict[int, date]]:
    """Per event metric, the first day an imported value covers each participation (-1: the
    campaign's unattributed events, covered by campaign-wide snapshots)."""
    rows = session.exec(
        select(
            SnapshotCurrent.participation_id,
            *(func.min(getattr(SnapshotCurrent, c)) for c in rollups.SINCE.values()),
        )
        .where(SnapshotCurrent.campaign_id == campaign.id)
        .group_by(SnapshotCurrent.participation_id)
    ).all()
    out: dict[str, dict[int, date]] = {m: {} for m in rollups.SINCE}
    for pid, *firsts in rows:
        for metric, first in zip(rollups.SINCE, firsts, strict=True):
            if first is not None:
                out[metric][-1 if pid is None else pid] = rollups.as_date(first)
    return out


def _daily_events(
    session: Session, campaign: Campaign, days: pd.DatetimeIndex, rates: RateTable
) -> dict[str, dict[int, list[int | Decimal | None]]]:
    """Running totals of recorded events on each day, per participation (-1: unattributed)."""
    if len(days) == 0:
        return {}
    last = days[-1].date()
    daily: dict[str, dict[int, dict[date, int | Decimal]]] = {
        m: defaultdict(dict) for m in EVENT_METRICS
    }
    for pid, day, count in session.exec(
        select(Click.participation_id, Click.day, func.count())
        .join(Participation, Participation.id == Click.participation_id)
        .where(
            Participation.campaign_id == campaign.id,
            Click.ua_class == "browser",
            Click.day <= last,
        )
        .group_by(Click.participation_id, Click.day)
    ).all():
        daily["link_clicks"][pid][day] = count
    for pid, at, amount, ccy in session.exec(
        select(
            Conversion.participation_id,
            Conversion.occurred_at,
            Conversion.amount,
            Conversion.currency,
        ).where(Conversion.campaign_id == campaign.id)
    ).all():
        day = at.date()
        if day > last:
            continue
        key = -1 if pid is None else pid
        counts, revenue = daily["conversions"][key], daily["revenue"][key]
        counts[day] = counts.get(day, 0) + 1
        value = rates.convert(amount, ccy, campaign.currency, day)
        revenue[day] = revenue.get(day, Decimal(0)) + value
    out: dict[str, dict[int, list[int | Decimal | None]]] = {}
    for metric, per_key in daily.items():
        out[metric] = {}
        for key, by_day in per_key.items():
            ordered = sorted(by_day.items())
            running: int | Decimal = Decimal(0) if metric in kpi.MONEY_KEYS else 0
            i, cumulative = 0, []
            for day in days:
                while i < len(ordered) and ordered[i][0] <= day.date():
                    running += ordered[i][1]
                    i += 1
                cumulative.append(running if i else None)
            out[metric][key] = cumulative
    return out


def _add_events(
    values: Sequence[int | Decimal | None],
    covered: dict[int, date],
    cumulative: dict[int, list[int | Decimal | None]],
    days: pd.DatetimeIndex,
) -> list[int | Decimal | None]:
    """Add each participation's recorded events on the days no imported value covers it."""
    out: list[int | Decimal | None] = []
    for i, day in enumerate(days):
        total = values[i]
        for key, running in cumulative.items():
            if running[i] is None or (key in covered and covered[key] <= day.date()):
                continue
            total = running[i] if total is None else total + running[i]
        out.append(total)
    return out


@dataclass
class Attribution:
    """Conversions the tracker received, by how each was tied to an influencer."""

    attributed_by: str  # "promo_code", "click" or "none"
    conversions: int
    revenue: Decimal  # in the campaign currency


def recorded_conversions(
    session: Session, campaign: Campaign, *, as_of: date | None = None
) -> list[Attribution]:
    """Recorded conversions and their revenue per attribution method, promo code first."""
    rates = rate_table(session, session.get(Brand, campaign.brand_id).workspace_id)
    grouped: dict[str, Attribution] = {}
    for method, at, amount, ccy in session.exec(
        select(
            Conversion.attributed_by,
            Conversion.occurred_at,
            Conversion.amount,
            Conversion.currency,
        ).where(Conversion.campaign_id == campaign.id)
    ).all():
        if as_of is not None and at.date() > as_of:
            continue
        row = grouped.setdefault(method, Attribution(method, 0, Decimal(0)))
        row.conversions += 1
        row.revenue += rates.convert(amount, ccy, campaign.currency, at.date())
    order = ("promo_code", "click", "none")
    return sorted(grouped.values(), key=lambda a: order.index(a.attributed_by))


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
