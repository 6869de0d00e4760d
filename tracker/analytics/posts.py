"""Each post of a campaign with its as-of totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from .. import kpi
from ..models import Brand, Campaign, Post
from .loading import _totals_by, load_results, rate_table


@dataclass
class PostRow:
    post_id: int
    participation_id: int
    platform: str
    url: str
    title: str
    posted_at: datetime | None
    is_paid: bool
    totals: dict[str, int | Decimal | None]
    kpis: dict[str, Decimal | None]  # cost-free KPIs only (ER, CTR…): costs are not per post


def post_rows(session: Session, campaign: Campaign, *, as_of: date | None = None) -> list[PostRow]:
    """Each post of the campaign with its as-of totals, most viewed first."""
    by_post = post_totals(session, campaign, as_of=as_of)
    out = []
    columns = (Post.id, Post.participation_id, Post.platform, Post.url, Post.title)
    for pid, part, platform, url, title, posted_at, is_paid in session.exec(
        select(*columns, Post.posted_at, Post.is_paid).where(Post.campaign_id == campaign.id)
    ).all():  # columns, not ORM objects: a campaign may have thousands of posts
        totals = by_post.get(pid) or {k: None for k in kpi.METRIC_KEYS}
        out.append(
            PostRow(
                post_id=pid,
                participation_id=part,
                platform=platform,
                url=url,
                title=title,
                posted_at=posted_at,
                is_paid=is_paid,
                totals=totals,
                kpis=kpi.kpis(totals, None),
            )
        )
    out.sort(key=lambda r: (-(r.totals["views"] or 0), r.post_id))
    return out


def post_totals(
    session: Session, campaign: Campaign, *, as_of: date | None = None
) -> dict[int, dict[str, int | Decimal | None]]:
    """Each post's as-of values (latest snapshot carrying each metric), keyed by post id."""
    rates = rate_table(session, session.get(Brand, campaign.brand_id).workspace_id)
    scopes = load_results(session, [campaign], rates, as_of).scopes
    return _totals_by(scopes, "post_id")
