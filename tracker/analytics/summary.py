"""A campaign's summary: totals, KPIs, goals, value generated and ROI, as KPI.md defines them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from .. import kpi
from ..costs import CostAllocation, allocate
from ..models import Brand, Campaign, Goal
from .costs import _campaign_cost_items
from .loading import Events, _totals, load_results, rate_table

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class GoalResult:
    metric: str
    target: Decimal
    unit_value: Decimal | None
    actual: Decimal | int | None
    attainment: Decimal | None
    projected: Decimal | None
    pacing: str | None
    value: Decimal | None  # what this goal adds to value generated, if it carries a unit value


@dataclass
class Split:
    organic: dict[str, Any]
    paid: dict[str, Any]


@dataclass
class CampaignSummary:
    campaign_id: int
    currency: str
    phase: str
    as_of: date | None
    totals: dict[str, int | Decimal | None]
    cost: CostAllocation
    kpis: dict[str, Decimal | None]
    goals: list[GoalResult]
    value_generated: Decimal
    value_parts: list[tuple[str, Decimal]]
    roi_ratio: Decimal | None
    roi_pct: Decimal | None
    target_ratio: Decimal
    meets_target: bool | None
    split: Split
    clicks_recorded: int
    unique_clicks: int
    bot_clicks: int


def _goals(session: Session, campaign_ids: Sequence[int]) -> dict[int, list[Goal]]:
    grouped: dict[int, list[Goal]] = defaultdict(list)
    for goal in session.exec(
        select(Goal).where(Goal.campaign_id.in_(campaign_ids)).order_by(Goal.id)
    ).all():
        grouped[goal.campaign_id].append(goal)
    return grouped


def _split(scopes: pd.DataFrame, cost: Decimal | None) -> Split:
    posts = scopes[scopes["post_id"].notna()]
    organic = _totals(posts[posts["is_paid"] == False])  # noqa: E712  (pandas element-wise)
    paid = _totals(posts[posts["is_paid"] == True])  # noqa: E712
    return Split(
        organic={"totals": organic, "kpis": kpi.kpis(organic, None)},
        paid={"totals": paid, "kpis": kpi.kpis(paid, None)},
    )


def summarize(
    campaign: Campaign,
    scopes: pd.DataFrame,
    events: Events,
    cost: CostAllocation,
    goals: Sequence[Goal],
    today: date,
    as_of: date | None,
) -> CampaignSummary:
    """Everything KPI.md computes for one campaign, from its loaded scopes."""
    totals = _totals(scopes)
    figures = kpi.kpis(totals, cost.total)
    phase = campaign.phase(today)
    goal_objs = [kpi.Goal(metric=g.metric, target=g.target, unit_value=g.unit_value) for g in goals]
    breakdown = kpi.value_generated(totals.get("revenue"), goal_objs, totals)
    value_by_metric = dict(breakdown.parts)
    results = []
    for g in goal_objs:
        actual = kpi.goal_actual(g.metric, totals)
        running = phase == "running"
        results.append(
            GoalResult(
                metric=g.metric,
                target=g.target,
                unit_value=g.unit_value,
                actual=actual,
                attainment=kpi.attainment(actual, g.target),
                projected=kpi.projected(actual, campaign.start_date, campaign.end_date, today)
                if running and kpi.is_cumulative(g.metric)
                else None,
                pacing=kpi.pacing_status(
                    actual,
                    g.target,
                    campaign.start_date,
                    campaign.end_date,
                    today,
                    cumulative=kpi.is_cumulative(g.metric),
                )
                if running
                else None,
                value=value_by_metric.get(g.metric) if g.unit_value is not None else None,
            )
        )
    ratio = kpi.roi_ratio(breakdown.total, cost.total)
    pids = set(scopes["participation_id"].dropna().astype(int))
    return CampaignSummary(
        campaign_id=campaign.id,
        currency=campaign.currency,
        phase=phase,
        as_of=as_of,
        totals=totals,
        cost=cost,
        kpis=figures,
        goals=results,
        value_generated=breakdown.total,
        value_parts=breakdown.parts,
        roi_ratio=ratio,
        roi_pct=kpi.roi_pct(breakdown.total, cost.total),
        target_ratio=campaign.target_roi_ratio,
        meets_target=kpi.meets_target(ratio, campaign.target_roi_ratio),
        split=_split(scopes, cost.total),
        clicks_recorded=sum(v for p, v in events.clicks.items() if p in pids),
        unique_clicks=sum(v for p, v in events.unique_clicks.items() if p in pids),
        bot_clicks=sum(v for p, v in events.bot_clicks.items() if p in pids),
    )


def campaign_summaries(
    session: Session,
    campaigns: Sequence[Campaign],
    *,
    workspace_id: int,
    today: date,
    as_of: date | None = None,
) -> dict[int, CampaignSummary]:
    """Summaries of several campaigns with one pass over their snapshots."""
    if not campaigns:
        return {}
    rates = rate_table(session, workspace_id)
    ids = [c.id for c in campaigns]
    results = load_results(session, campaigns, rates, as_of)
    lines = _campaign_cost_items(session, ids)
    goals = _goals(session, ids)
    out = {}
    for campaign in campaigns:
        scopes = results.scopes[results.scopes["campaign_id"] == campaign.id]
        cost = allocate(lines[campaign.id], campaign.currency, rates)
        out[campaign.id] = summarize(
            campaign, scopes, results.events, cost, goals[campaign.id], today, as_of
        )
    return out


def campaign_summary(
    session: Session, campaign: Campaign, *, today: date, as_of: date | None = None
) -> CampaignSummary:
    workspace_id = session.get(Brand, campaign.brand_id).workspace_id
    return campaign_summaries(
        session, [campaign], workspace_id=workspace_id, today=today, as_of=as_of
    )[campaign.id]
