"""Influencer tiers compared: pooled KPIs per tier with per-influencer medians, across a
workspace's campaigns or within one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlmodel import Session, select

from .. import kpi
from ..costs import allocate
from ..currency import RateTable
from ..models import Brand, Campaign, Workspace
from ..results import rollups
from ..tiers import TIERS, TierBands, effective_tier
from .costs import _campaign_cost_items
from .loading import (
    COUNTS,
    Events,
    _as_of_scopes,
    _current_answers,
    _events,
    _fetch,
    _revenue_in,
    _snapshot_frame,
    _totals_by,
    rate_table,
    tier_bands,
)
from .participations import ParticipationRow, participation_rows


@dataclass
class TierRow:
    tier: str
    min_followers: int
    max_followers: int | None
    influencers: int
    participations: int
    posts: int
    direct_cost: Decimal | None
    totals: dict[str, int | Decimal | None]
    kpis: dict[str, Decimal | None]
    medians: dict[str, Decimal | None]


@dataclass
class TierComparison:
    currency: str
    bands: list[tuple[str, int, int | None]]
    rows: list[TierRow]
    campaigns: int


MEDIAN_KPIS = ("engagement_rate", "cpm", "cpe", "cpc", "cpa", "roas")


class TierMember(NamedTuple):
    """What pooling needs of one participation (a ParticipationRow has these fields too)."""

    tier: str
    influencer_id: int
    posts_published: int
    direct_cost: Decimal | None
    totals: dict[str, int | Decimal | None]
    kpis: dict[str, Decimal | None]  # MEDIAN_KPIS only


def tier_comparison(
    session: Session,
    workspace: Workspace,
    *,
    brand_id: int | None = None,
    platform: str | None = None,
    objective: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    currency: str | None = None,
) -> TierComparison:
    """Pooled KPIs per tier across campaigns, with per-influencer medians and the n behind each.

    A workspace has thousands of participations: each table is read once for every campaign,
    as columns, and the database sums each participation's current values (the figure is
    held to 1.5x the bare SQL rollup by `make bench`).
    """
    query = (
        select(Campaign.id, Campaign.currency)
        .join(Brand, Brand.id == Campaign.brand_id)
        .where(Brand.workspace_id == workspace.id)
    )
    if brand_id is not None:
        query = query.where(Campaign.brand_id == brand_id)
    if objective:
        query = query.where(Campaign.objective == objective)
    if date_from:
        query = query.where(Campaign.end_date >= date_from)
    if date_to:
        query = query.where(Campaign.start_date <= date_to)
    currencies = dict(session.exec(query).all())
    bands = tier_bands(workspace)
    reporting = currency or _most_common_currency(currencies.values()) or "EUR"
    rates = rate_table(session, workspace.id)
    rows_by_tier: dict[str, list[TierMember]] = {t: [] for t in TIERS}
    if currencies:
        # Figures are brought to one reporting currency: costs at their own dates,
        # revenue at capture dates, exactly as for a campaign in that currency.
        ids = list(currencies)
        totals = _participation_totals(session, dict.fromkeys(ids, reporting), rates, date_to)
        lines = _campaign_cost_items(session, ids)
        direct: dict[int, Decimal] = {}
        for cid in ids:
            direct.update(allocate(lines[cid], reporting, rates).direct)
        for member in _tier_members(session, ids, totals, direct, bands, platform):
            rows_by_tier[member.tier].append(member)
    return TierComparison(
        currency=reporting,
        bands=bands.describe(),
        rows=_pool_tiers(bands, rows_by_tier),
        campaigns=len(currencies),
    )


# Each participation's current values, summed by the database: a few thousand rows, not
# one per post (campaign-wide scopes have no participation and no tier).
_PARTICIPATION_SUMS = (
    "SELECT participation_id, "
    + ", ".join(f"CAST(SUM({key}) AS BIGINT)" for key in COUNTS)
    + " FROM snapshot_current WHERE campaign_id IN ({ids}) AND participation_id IS NOT NULL"
    " GROUP BY participation_id"
)
_CURRENT_REVENUE = (
    "SELECT campaign_id, participation_id, revenue, revenue_currency, revenue_on"
    " FROM snapshot_current WHERE campaign_id IN ({ids}) AND revenue IS NOT NULL"
)


def _participation_totals(
    session: Session, currencies: dict[int, str], rates: RateTable, as_of: date | None
) -> dict[int, dict[str, int | Decimal | None]]:
    """Each participation's as-of totals, recorded events included: what
    `_totals_by(load_results(...).scopes, "participation_id")` gives, without a row per post."""
    rollups.settle(session)
    ids = list(currencies)
    current = _current_answers(session, ids, as_of)
    totals: dict[int, dict[str, int | Decimal | None]] = {}
    if current:
        for pid, *sums in _fetch(session, _PARTICIPATION_SUMS, sorted(current)):
            totals[pid] = dict.fromkeys(kpi.METRIC_KEYS)
            totals[pid].update(zip(COUNTS, sums, strict=True))
        # Every revenue is converted, a campaign-wide one too: a missing rate is an error
        # here exactly as on the campaign's own page.
        for cid, pid, amount, ccy, on in _fetch(session, _CURRENT_REVENUE, sorted(current)):
            value = rates.convert(Decimal(amount), ccy, currencies[cid], rollups.as_date(on))
            if pid is not None:
                totals[pid]["revenue"] = (totals[pid]["revenue"] or Decimal(0)) + value
    for cid in ids:
        if cid in current:
            continue
        history = _snapshot_frame(session, [cid], as_of)
        history["revenue"] = _revenue_in(history, currencies, rates)
        totals.update(_totals_by(_as_of_scopes(history), "participation_id"))
        del history
    _add_recorded(totals, _events(session, ids, as_of, currencies, rates))
    return totals


def _add_recorded(totals: dict[int, dict[str, int | Decimal | None]], events: Events) -> None:
    """Add recorded events where no imported value covers the metric (KPI.md): where the
    participation's total of that metric is still unknown (as `_event_rows` does)."""
    recorded: dict[str, list[tuple[int | None, int | Decimal]]] = {
        "link_clicks": list(events.clicks.items()),
        "conversions": [(pid, n) for (_, pid), n in events.conversions.items()],
        "revenue": [(pid, Decimal(0) + v) for (_, pid), v in events.revenue.items()],
    }
    for metric, values in recorded.items():
        for pid, value in values:
            if pid is None:  # the campaign's unattributed events have no tier
                continue
            part = totals.setdefault(pid, dict.fromkeys(kpi.METRIC_KEYS))
            if part[metric] is None:
                part[metric] = value


def _tier_members(
    session: Session,
    campaign_ids: Sequence[int],
    totals: dict[int, dict[str, int | Decimal | None]],
    direct: dict[int, Decimal],
    bands: TierBands,
    platform: str | None,
) -> list[TierMember]:
    """Each participation of the campaigns (on `platform`, if given) with its tier and KPIs."""
    participations = _fetch(
        session,
        "SELECT id, influencer_id, platform, followers_at_join, tier_override"
        " FROM participation WHERE campaign_id IN ({ids}) ORDER BY id",
        campaign_ids,
    )
    published = dict(
        _fetch(
            session,
            "SELECT participation_id, COUNT(*) FROM post WHERE campaign_id IN ({ids})"
            " GROUP BY participation_id",
            campaign_ids,
        )
    )
    out = []
    for pid, influencer_id, on_platform, followers, override in participations:
        if platform and on_platform != platform:
            continue
        values = totals.get(pid) or dict.fromkeys(kpi.METRIC_KEYS)
        # No direct cost line means no cost recorded yet: its KPIs are undefined, not free.
        cost = direct.get(pid)
        out.append(
            TierMember(
                tier=effective_tier(followers, override, bands)[0],
                influencer_id=influencer_id,
                posts_published=published.get(pid, 0),
                direct_cost=cost,
                totals=values,
                kpis=_median_kpis(values, cost),
            )
        )
    return out


def _median_kpis(
    totals: dict[str, int | Decimal | None], cost: Decimal | None
) -> dict[str, Decimal | None]:
    """The MEDIAN_KPIS of one participation, by kpi.py's formulas (kpi.kpis would compute
    twice as many, for thousands of participations)."""
    e = kpi.engagements(totals)
    return {
        "engagement_rate": kpi.engagement_rate(e, totals["views"]),
        "cpm": kpi.cpm(cost, totals["views"]),
        "cpe": kpi.cpe(cost, e),
        "cpc": kpi.cpc(cost, totals["link_clicks"]),
        "cpa": kpi.cpa(cost, totals["conversions"]),
        "roas": kpi.roas(totals["revenue"], cost),
    }


def _pool_tiers(
    bands: TierBands, rows_by_tier: dict[str, list[TierMember] | list[ParticipationRow]]
) -> list[TierRow]:
    """Pooled totals and KPIs per tier (direct costs only), with per-influencer medians."""
    out = []
    for (tier, low, high), members in zip(bands.describe(), rows_by_tier.values(), strict=True):
        totals = kpi.sum_totals(m.totals for m in members)
        known = [m.direct_cost for m in members if m.direct_cost is not None]
        cost = sum(known, Decimal(0)) if known else None
        out.append(
            TierRow(
                tier=tier,
                min_followers=low,
                max_followers=high,
                influencers=len({m.influencer_id for m in members}),
                participations=len(members),
                posts=sum(m.posts_published for m in members),
                direct_cost=cost,
                totals=totals,
                kpis=kpi.kpis(totals, cost),
                medians={k: _median([m.kpis[k] for m in members]) for k in MEDIAN_KPIS},
            )
        )
    return out


def _most_common_currency(currencies: Iterable[str]) -> str | None:
    counts: dict[str, int] = defaultdict(int)
    for code in currencies:
        counts[code] += 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _median(values: Sequence[Decimal | None]) -> Decimal | None:
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    mid = len(known) // 2
    return known[mid] if len(known) % 2 else (known[mid - 1] + known[mid]) / 2


def campaign_tiers(
    session: Session,
    campaign: Campaign,
    *,
    as_of: date | None = None,
    rows: Sequence[ParticipationRow] | None = None,
) -> TierComparison:
    """The tier comparison of one campaign, pooled from its participation rows.

    Pass `rows` (from participation_rows with the same as_of) to avoid loading them twice.
    """
    workspace = session.get(Workspace, session.get(Brand, campaign.brand_id).workspace_id)
    bands = tier_bands(workspace)
    rows_by_tier: dict[str, list[ParticipationRow]] = {t: [] for t in TIERS}
    if rows is None:
        rows = participation_rows(session, campaign, as_of=as_of)
    for row in rows:
        rows_by_tier[row.tier].append(row)
    return TierComparison(
        currency=campaign.currency,
        bands=bands.describe(),
        rows=_pool_tiers(bands, rows_by_tier),
        campaigns=1,
    )
