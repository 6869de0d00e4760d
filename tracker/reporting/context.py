"""Everything a recap shows, gathered from tracker.analytics: the dashboard's figures, unchanged.

Nothing here computes a KPI. It picks the analytics results a recap needs, draws
the charts (SVG, through tracker.charts) and lists what is undefined and why.
Formatting happens in the templates, in the recap's locale.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.dates import format_skeleton
from sqlmodel import Session

from .. import analytics, charts, formatting
from ..analytics import (
    CampaignSummary,
    DataSource,
    GoalResult,
    ParticipationRow,
    PostRow,
    TierComparison,
)
from ..models import Brand, Campaign, Workspace
from . import labels
from .branding import Logo, safe_colour
from .i18n import translations


@dataclass
class Chart:
    title: str
    svg: str

    @property
    def data_uri(self) -> str:
        """The chart as an <img> source: a page's CSP forbids the inline styles SVG carries."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


@dataclass
class GoalChart:
    goal: GoalResult
    chart: Chart | None  # None: no daily history for this metric


@dataclass
class InfluencerEntry:
    row: ParticipationRow
    top_post: PostRow | None


@dataclass
class Undefined:
    kpi: str
    reason: str


@dataclass
class Recap:
    locale: str
    today: date
    campaign: Campaign
    brand: Brand
    agency: str
    colour: str
    logo: Logo | None
    summary: CampaignSummary
    headline: GoalResult | None
    goal_charts: list[GoalChart]
    influencers: list[InfluencerEntry]
    posts: list[PostRow]
    tiers: TierComparison
    sources: list[DataSource]
    cost_chart: Chart | None
    undefined: list[Undefined] = field(default_factory=list)

    @property
    def has_results(self) -> bool:
        return any(v is not None for v in self.summary.totals.values())

    @property
    def tier_rows(self) -> list[analytics.TierRow]:
        return [row for row in self.tiers.rows if row.participations]

    @property
    def organic_posts(self) -> int:
        return sum(1 for p in self.posts if not p.is_paid)

    @property
    def paid_posts(self) -> int:
        return sum(1 for p in self.posts if p.is_paid)

    @property
    def direct_total(self) -> Decimal:
        return sum(self.summary.cost.direct.values(), Decimal(0))


def build_recap(session: Session, campaign: Campaign, locale: str, *, today: date) -> Recap:
    """Gather the recap of one campaign as of `today`, in `locale` ("en" or "fr")."""
    brand = session.get(Brand, campaign.brand_id)
    workspace = session.get(Workspace, brand.workspace_id)
    colour = safe_colour(brand.primary_color)
    summary = analytics.campaign_summary(session, campaign, today=today)
    rows = analytics.participation_rows(session, campaign)
    posts = analytics.post_rows(session, campaign)
    sources = analytics.data_sources(session, campaign)
    top: dict[int, PostRow] = {}
    for post in posts:  # most viewed first
        top.setdefault(post.participation_id, post)
    gettext = translations(locale).gettext
    return Recap(
        locale=locale,
        today=today,
        campaign=campaign,
        brand=brand,
        agency=workspace.name,
        colour=colour,
        logo=Logo(brand.logo, brand.logo_mime or "") if brand.logo else None,
        summary=summary,
        headline=_headline(campaign.objective, summary.goals),
        goal_charts=_goal_charts(session, campaign, summary, sources, locale, colour, today),
        influencers=[InfluencerEntry(row, top.get(row.participation_id)) for row in rows],
        posts=posts,
        tiers=analytics.campaign_tiers(session, campaign, rows=rows),
        sources=sources,
        cost_chart=_cost_chart(summary, locale, colour, gettext),
        undefined=_undefined(summary, gettext),
    )


def _headline(objective: str, goals: list[GoalResult]) -> GoalResult | None:
    """The goal that speaks to the campaign's objective, else its first goal."""
    for metric in labels.OBJECTIVE_METRICS.get(objective, ()):
        for goal in goals:
            if goal.metric == metric:
                return goal
    return goals[0] if goals else None


def _goal_charts(
    session: Session,
    campaign: Campaign,
    summary: CampaignSummary,
    sources: list[DataSource],
    locale: str,
    colour: str,
    today: date,
) -> list[GoalChart]:
    if not summary.goals:
        return []
    if today < campaign.start_date:
        return [GoalChart(goal, None) for goal in summary.goals]
    # Up to the last capture (exports often arrive after the end), never past today.
    last = max([s.last for s in sources if s.last] + [campaign.end_date])
    until = min(last, today)
    series = analytics.daily_series(
        session, campaign, metrics=[g.metric for g in summary.goals], until=until
    )
    gettext = translations(locale).gettext
    out = []
    for goal in summary.goals:
        points = series[goal.metric]
        if not any(v is not None for _, v in points):
            out.append(GoalChart(goal, None))
            continue
        title = gettext(labels.METRICS[goal.metric])
        svg = charts.timeseries_svg(
            points,
            target=goal.target,
            title=title,
            color=colour,
            target_label=gettext("Target"),
            value_format=_axis_format(goal.metric, campaign.currency, locale),
            date_format=lambda d: format_skeleton("MMMd", d, locale=locale),
            width=4.3,
            height=2.6,
        )
        out.append(GoalChart(goal, Chart(title, svg)))
    return out


def _axis_format(metric: str, currency: str, locale: str):
    if metric == "engagement_rate":
        return lambda v: formatting.percent(Decimal(repr(v)), locale)
    if metric == "revenue":
        return lambda v: formatting.money(Decimal(round(v)), currency, locale, places=0)
    return lambda v: formatting.number(int(round(v)), locale)


def _cost_chart(summary: CampaignSummary, locale: str, colour: str, gettext) -> Chart | None:
    parts = [(c, v) for c, v in summary.cost.by_category.items() if v > 0]
    if len(parts) < 2:  # one bar says nothing the table does not
        return None
    title = gettext("Cost by category")
    svg = charts.hbars_svg(
        [gettext(labels.CATEGORIES[c]) for c, _ in parts],
        [v for _, v in parts],
        title=title,
        color=colour,
        value_format=lambda v: formatting.money(
            Decimal(round(v)), summary.currency, locale, places=0
        ),
        width=6.6,
    )
    return Chart(title, svg)


# Each campaign KPI as (numerator, denominator): undefined when either is missing, or the
# denominator is zero (KPI.md).
_PARTS = {
    "engagement_rate": ("engagements", "views"),
    "cpm": ("cost", "views"),
    "cpv": ("cost", "views"),
    "cpe": ("cost", "engagements"),
    "cpc": ("cost", "link_clicks"),
    "ctr": ("link_clicks", "views"),
    "conversion_rate": ("conversions", "link_clicks"),
    "cpa": ("cost", "conversions"),
    "aov": ("revenue", "conversions"),
    "roas": ("revenue", "cost"),
}


def _undefined(summary: CampaignSummary, gettext) -> list[Undefined]:
    """Campaign KPIs shown as "—", each with the reason a reader needs."""
    reasons = {
        "views": gettext("no views were recorded"),
        "engagements": gettext("no likes, comments, shares or saves were recorded"),
        "link_clicks": gettext("no link clicks were recorded"),
        "conversions": gettext("no conversions were recorded"),
        "cost": gettext("no costs were recorded"),
        "revenue": gettext("no revenue was recorded"),
    }
    known = {
        **summary.totals,
        "engagements": summary.kpis["engagements"],
        "cost": summary.cost.total,
    }
    out = []
    for key, (numerator, denominator) in _PARTS.items():
        if summary.kpis[key] is not None:
            continue
        missing = denominator if not known.get(denominator) else numerator
        out.append(Undefined(gettext(labels.KPIS[key]), reasons[missing]))
    if summary.roi_ratio is None:
        reason = (
            reasons["cost"]
            if not summary.cost.total
            else gettext("no revenue was recorded and no goal carries a unit value")
        )
        out.append(Undefined(gettext("ROI ratio"), reason))
    return out
