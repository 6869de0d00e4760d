"""The campaign ROI and the tier comparison, as tracker.analytics computes them for pages."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from ...analytics import CampaignSummary, TierComparison
from ...models import OBJECTIVES, PLATFORMS
from .common import Currency, Id, Money, Number, Schema
from .results import Metrics, metrics_of


class Kpis(Schema):
    """KPI.md's derived KPIs; null when undefined (zero or unknown denominator)."""

    engagements: int | None = Field(description="likes + comments + shares + saves")
    engagement_rate: Number | None = Field(description="E / views, a fraction")
    cpm: Money | None = Field(description="1000 × cost / views")
    cpv: Money | None = Field(description="cost / views")
    cpe: Money | None = Field(description="cost / engagements")
    cpc: Money | None = Field(description="cost / link_clicks")
    ctr: Number | None = Field(description="link_clicks / views, a fraction")
    conversion_rate: Number | None = Field(description="conversions / link_clicks, a fraction")
    cpa: Money | None = Field(description="cost / conversions")
    completion_rate: Number | None = Field(description="completed_views / views, a fraction")
    aov: Money | None = Field(description="revenue / conversions")
    roas: Number | None = Field(description="revenue / cost, x:1")
    roi_pct: Number | None = Field(description="(revenue − cost) / cost × 100")
    sentiment_score: Number | None = Field(description="(pos − neg) / (pos + neu + neg)")


class Figures(Schema):
    totals: Metrics
    kpis: Kpis


class GoalResultPublic(Schema):
    metric: str
    target: Number
    unit_value: Money | None
    actual: Number | None
    attainment: Number | None = Field(description="actual / target, a fraction (may exceed 1)")
    projected: Number | None = Field(description="actual / elapsed share, while running")
    pacing: Literal["on_track", "at_risk", "off_track"] | None
    value: Money | None = Field(description="What this goal adds to value generated")


class ValuePart(Schema):
    metric: str
    amount: Money


class Roi(Schema):
    value_generated: Money | None = Field(
        description="revenue + Σ actual × unit value of valued goals (KPI.md)"
    )
    value_parts: list[ValuePart]
    ratio: Number | None = Field(description="value generated / cost, x:1")
    pct: Number | None = Field(description="(value generated − cost) / cost × 100")
    target_ratio: Number
    meets_target: bool | None


class DirectCost(Schema):
    participation_id: int
    amount: Money


class Cost(Schema):
    total: Money
    shared: Money
    direct: list[DirectCost]
    by_category: dict[str, Money]


class Clicks(Schema):
    recorded: int = Field(description="Browser clicks on tracked links")
    unique: int = Field(description="Unique visitor-days")
    bots: int = Field(description="Bot and prefetch hits, not counted")


class CampaignRoi(Schema):
    """Every figure of the campaign dashboard, from tracker.analytics.campaign_summary."""

    campaign_id: int
    currency: str = Field(description="Every money figure below is in this currency.")
    phase: Literal["upcoming", "running", "ended"]
    as_of: date | None
    totals: Metrics
    cost: Cost
    kpis: Kpis
    goals: list[GoalResultPublic]
    roi: Roi
    organic: Figures = Field(description="Posts not flagged paid (KPIs without cost)")
    paid: Figures = Field(description="Paid posts (KPIs without cost)")
    clicks: Clicks

    @classmethod
    def of(cls, s: CampaignSummary) -> CampaignRoi:
        return cls(
            campaign_id=s.campaign_id,
            currency=s.currency,
            phase=s.phase,
            as_of=s.as_of,
            totals=metrics_of(s.totals),
            cost=Cost(
                total=s.cost.total,
                shared=s.cost.shared,
                direct=[
                    DirectCost(participation_id=pid, amount=amount)
                    for pid, amount in sorted(s.cost.direct.items())
                ],
                by_category=dict(sorted(s.cost.by_category.items())),
            ),
            kpis=Kpis(**s.kpis),
            goals=[
                GoalResultPublic(
                    metric=g.metric,
                    target=g.target,
                    unit_value=g.unit_value,
                    actual=g.actual,
                    attainment=g.attainment,
                    projected=g.projected,
                    pacing=g.pacing,
                    value=g.value,
                )
                for g in s.goals
            ],
            roi=Roi(
                value_generated=s.value_generated,
                value_parts=[ValuePart(metric=m, amount=a) for m, a in s.value_parts],
                ratio=s.roi_ratio,
                pct=s.roi_pct,
                target_ratio=s.target_ratio,
                meets_target=s.meets_target,
            ),
            organic=_figures(s.split.organic),
            paid=_figures(s.split.paid),
            clicks=Clicks(recorded=s.clicks_recorded, unique=s.unique_clicks, bots=s.bot_clicks),
        )


def _figures(part: dict) -> Figures:
    return Figures(totals=metrics_of(part["totals"]), kpis=Kpis(**part["kpis"]))


class RoiQuery(Schema):
    as_of: date | None = Field(None, description="Figures as of this day (default: all data).")
    today: date | None = Field(None, description="The day pacing is judged on (default: today).")


class Medians(Schema):
    """Per-influencer medians (not pooled), labelled as such on pages."""

    engagement_rate: Number | None
    cpm: Money | None
    cpe: Money | None
    cpc: Money | None
    cpa: Money | None
    roas: Number | None


class TierRowPublic(Schema):
    tier: str
    min_followers: int
    max_followers: int | None
    influencers: int
    participations: int
    posts: int
    direct_cost: Money | None = Field(description="Direct costs only (KPI.md)")
    totals: Metrics
    kpis: Kpis
    medians: Medians


class TierBand(Schema):
    tier: str
    min_followers: int
    max_followers: int | None


class TierComparisonPublic(Schema):
    """Pooled KPIs per tier across the campaigns matching the filters, in one currency."""

    currency: str
    campaigns: int
    bands: list[TierBand]
    rows: list[TierRowPublic]

    @classmethod
    def of(cls, t: TierComparison) -> TierComparisonPublic:
        return cls(
            currency=t.currency,
            campaigns=t.campaigns,
            bands=[TierBand(tier=n, min_followers=lo, max_followers=hi) for n, lo, hi in t.bands],
            rows=[
                TierRowPublic(
                    tier=r.tier,
                    min_followers=r.min_followers,
                    max_followers=r.max_followers,
                    influencers=r.influencers,
                    participations=r.participations,
                    posts=r.posts,
                    direct_cost=r.direct_cost,
                    totals=metrics_of(r.totals),
                    kpis=Kpis(**r.kpis),
                    medians=Medians(**r.medians),
                )
                for r in t.rows
            ],
        )


class TiersQuery(Schema):
    brand_id: Id | None = None
    platform: Literal[PLATFORMS] | None = None
    objective: Literal[OBJECTIVES] | None = None
    date_from: date | None = Field(None, description="Campaigns ending on or after this day.")
    date_to: date | None = Field(None, description="Campaigns starting on or before this day.")
    currency: Currency | None = Field(None, description="Default: the most common one.")
