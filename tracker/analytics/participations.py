"""One row per influencer of a campaign: their totals, direct cost, KPIs and delivery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, select

from .. import kpi
from ..costs import CostAllocation, allocate
from ..models import Brand, Campaign, Influencer, Participation, Post, Workspace
from ..tiers import TierBands, effective_tier
from .costs import _campaign_cost_items
from .loading import Results, _totals_by, load_results, rate_table, tier_bands


@dataclass
class ParticipationRow:
    participation_id: int
    influencer_id: int
    influencer: str
    handle: str
    platform: str
    followers_at_join: int
    tier: str
    tier_overridden: bool
    fee: Decimal | None
    direct_cost: Decimal | None
    posts_published: int
    deliverables: int
    delivery: Decimal | None
    totals: dict[str, int | Decimal | None]
    kpis: dict[str, Decimal | None]
    er_by_followers: Decimal | None
    clicks_recorded: int
    unique_clicks: int
    promo_code: str | None
    link_code: str


def participation_rows(
    session: Session, campaign: Campaign, *, as_of: date | None = None
) -> list[ParticipationRow]:
    """One row per influencer in the campaign; costs here are direct costs only (KPI.md)."""
    workspace = session.get(Workspace, session.get(Brand, campaign.brand_id).workspace_id)
    rates = rate_table(session, workspace.id)
    results = load_results(session, [campaign], rates, as_of)
    cost = allocate(
        _campaign_cost_items(session, [campaign.id])[campaign.id], campaign.currency, rates
    )
    return _participation_rows(
        session, [campaign], results, {campaign.id: cost}, tier_bands(workspace)
    )


def _participation_rows(
    session: Session,
    campaigns: Sequence[Campaign],
    results: Results,
    costs: dict[int, CostAllocation],
    bands: TierBands,
) -> list[ParticipationRow]:
    ids = [c.id for c in campaigns]
    # Columns, not ORM objects: a campaign may have hundreds of influencers.
    rows = session.exec(
        select(
            Participation.id,
            Participation.campaign_id,
            Participation.platform,
            Participation.followers_at_join,
            Participation.tier_override,
            Participation.fee,
            Participation.deliverables,
            Participation.promo_code,
            Participation.link_code,
            Influencer.id,
            Influencer.name,
        )
        .join(Influencer, Influencer.id == Participation.influencer_id)
        .where(Participation.campaign_id.in_(ids))
        .order_by(Participation.id)
    ).all()
    handles = _handles(session, [row[9] for row in rows])
    post_counts = dict(
        session.exec(
            select(Post.participation_id, func.count())
            .where(Post.campaign_id.in_(ids))
            .group_by(Post.participation_id)
        ).all()
    )
    by_participation = _totals_by(results.scopes, "participation_id")
    out = []
    for row in rows:
        part, influencer = _PartColumns(*row[:9]), _InfluencerColumns(*row[9:])
        totals = by_participation.get(part.id) or {k: None for k in kpi.METRIC_KEYS}
        # No direct cost line means no cost recorded yet: its KPIs are undefined, not free.
        direct = costs[part.campaign_id].direct.get(part.id)
        tier, overridden = effective_tier(part.followers_at_join, part.tier_override, bands)
        published = post_counts.get(part.id, 0)
        figures = kpi.kpis(totals, direct)
        out.append(
            ParticipationRow(
                participation_id=part.id,
                influencer_id=influencer.id,
                influencer=influencer.name,
                handle=handles.get((influencer.id, part.platform), ""),
                platform=part.platform,
                followers_at_join=part.followers_at_join,
                tier=tier,
                tier_overridden=overridden,
                fee=part.fee,
                direct_cost=direct,
                posts_published=published,
                deliverables=part.deliverables,
                delivery=kpi.ratio(published, part.deliverables),
                totals=totals,
                kpis=figures,
                er_by_followers=kpi.er_by_followers(figures["engagements"], part.followers_at_join),
                clicks_recorded=results.events.clicks.get(part.id, 0),
                unique_clicks=results.events.unique_clicks.get(part.id, 0),
                promo_code=part.promo_code,
                link_code=part.link_code,
            )
        )
    return out


class _PartColumns(NamedTuple):
    id: int
    campaign_id: int
    platform: str
    followers_at_join: int
    tier_override: str | None
    fee: Decimal | None
    deliverables: int
    promo_code: str | None
    link_code: str


class _InfluencerColumns(NamedTuple):
    id: int
    name: str


def _handles(session: Session, influencer_ids: Sequence[int]) -> dict[tuple[int, str], str]:
    from ..models import SocialAccount

    rows = session.exec(
        select(SocialAccount.influencer_id, SocialAccount.platform, SocialAccount.handle).where(
            SocialAccount.influencer_id.in_(influencer_ids)
        )
    ).all()
    return {(i, p): h for i, p, h in rows}
