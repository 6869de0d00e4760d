"""What matching needs to know of a campaign, read from the database once per plan.

Posts by ``url_key``, participations by handle, promo code and link code, the workspace's
handles (to say "this creator is not in the campaign"), orders already recorded and cost
lines an import created: plain dicts, so matching a row is a lookup, never a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import (
    Brand,
    Campaign,
    Conversion,
    CostLine,
    Influencer,
    Participation,
    Post,
    SocialAccount,
)
from .urls import normalise_handle


@dataclass(frozen=True)
class Target:
    """A participation rows can be mapped to, as the preview names it."""

    id: int
    platform: str
    name: str
    handle: str | None
    promo_code: str | None
    link_code: str


@dataclass
class Lookups:
    """Everything matching needs from the database, read once per plan."""

    campaign: Campaign
    targets: dict[int, Target]
    posts: dict[str, tuple[int, int]]  # url_key → (post id, participation id)
    by_handle: dict[tuple[str, str], int]
    by_code: dict[str, int]
    by_link_code: dict[str, int]
    workspace_handles: dict[tuple[str, str], str]  # (platform, handle) → influencer name
    orders: set[str]
    costs: dict[str, tuple[int, Decimal, str, int | None, date]]
    hand_paid_costs: int  # paid-amplification lines entered by hand (not by an import)


def load_lookups(session: Session, campaign: Campaign) -> Lookups:
    rows = session.exec(
        select(
            Participation.id,
            Participation.platform,
            Influencer.name,
            SocialAccount.handle,
            Participation.promo_code,
            Participation.link_code,
        )
        .join(Influencer, Influencer.id == Participation.influencer_id)
        .outerjoin(
            SocialAccount,
            (SocialAccount.influencer_id == Participation.influencer_id)
            & (SocialAccount.platform == Participation.platform),
        )
        .where(Participation.campaign_id == campaign.id)
    ).all()
    targets = {
        pid: Target(pid, platform, name, handle, code, link)
        for pid, platform, name, handle, code, link in rows
    }
    by_handle = {}
    for target in targets.values():
        handle = _handle(target.handle)
        if handle:
            by_handle[(target.platform, handle)] = target.id
    workspace_id = session.get(Brand, campaign.brand_id).workspace_id
    workspace_handles = {
        (platform, handle): name
        for platform, handle, name in session.exec(
            select(SocialAccount.platform, SocialAccount.handle, Influencer.name)
            .join(Influencer, Influencer.id == SocialAccount.influencer_id)
            .where(Influencer.workspace_id == workspace_id)
        ).all()
    }
    posts = {
        key: (pid, part)
        for pid, key, part in session.exec(
            select(Post.id, Post.url_key, Post.participation_id).where(
                Post.campaign_id == campaign.id
            )
        ).all()
    }
    costs = {
        ref: (cid, amount, ccy, part, day)
        for cid, ref, amount, ccy, part, day in session.exec(
            select(
                CostLine.id,
                CostLine.external_ref,
                CostLine.amount,
                CostLine.currency,
                CostLine.participation_id,
                CostLine.incurred_on,
            ).where(CostLine.campaign_id == campaign.id, CostLine.external_ref.is_not(None))
        ).all()
    }
    hand_paid = session.exec(
        select(func.count()).where(
            CostLine.campaign_id == campaign.id,
            CostLine.category == "paid_amplification",
            CostLine.external_ref.is_(None),
        )
    ).one()
    return Lookups(
        campaign=campaign,
        targets=targets,
        posts=posts,
        by_handle=by_handle,
        by_code={t.promo_code.strip().casefold(): t.id for t in targets.values() if t.promo_code},
        by_link_code={t.link_code.casefold(): t.id for t in targets.values()},
        workspace_handles=workspace_handles,
        orders=set(
            session.exec(
                select(Conversion.order_id).where(Conversion.campaign_id == campaign.id)
            ).all()
        ),
        costs=costs,
        hand_paid_costs=int(hand_paid or 0),
    )


def _handle(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return normalise_handle(text)
    except ValueError:
        return None
