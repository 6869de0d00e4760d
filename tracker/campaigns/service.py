"""Brands and campaigns: creation and changes, with their goals in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, delete, select

from ..models import Brand, Campaign, Goal
from ..slugs import unique_slug


@dataclass(frozen=True)
class GoalInput:
    metric: str
    target: Decimal
    unit_value: Decimal | None = None


def create_brand(
    session: Session, *, workspace_id: int, name: str, primary_color: str = "#1f4e79"
) -> Brand:
    slug = unique_slug(
        name,
        lambda s: (
            session.exec(
                select(Brand.id).where(Brand.workspace_id == workspace_id, Brand.slug == s)
            ).first()
            is not None
        ),
    )
    brand = Brand(
        workspace_id=workspace_id, name=name.strip(), slug=slug, primary_color=primary_color
    )
    session.add(brand)
    session.flush()
    return brand


def create_campaign(
    session: Session,
    *,
    brand: Brand,
    name: str,
    objective: str,
    start_date: date,
    end_date: date,
    currency: str,
    goals: Sequence[GoalInput] = (),
    budget: Decimal | None = None,
    hashtags: str = "",
    target_roi_ratio: Decimal = Decimal("5"),
    destination_url: str | None = None,
    timezone: str = "Europe/Paris",
    locale: str = "en",
) -> Campaign:
    slug = unique_slug(
        name,
        lambda s: (
            session.exec(
                select(Campaign.id).where(Campaign.brand_id == brand.id, Campaign.slug == s)
            ).first()
            is not None
        ),
    )
    campaign = Campaign(
        brand_id=brand.id,
        name=name.strip(),
        slug=slug,
        objective=objective,
        start_date=start_date,
        end_date=end_date,
        currency=currency.upper(),
        budget=budget,
        hashtags=hashtags.strip(),
        target_roi_ratio=target_roi_ratio,
        destination_url=destination_url or None,
        timezone=timezone,
        locale=locale,
        conversion_secret=secrets.token_urlsafe(24),
    )
    session.add(campaign)
    session.flush()
    set_goals(session, campaign, goals)
    return campaign


def update_campaign(
    session: Session, campaign: Campaign, *, goals: Sequence[GoalInput] | None = None, **fields
) -> Campaign:
    for name, value in fields.items():
        if not hasattr(campaign, name) or name in {"id", "brand_id", "slug", "conversion_secret"}:
            raise AttributeError(f"campaign field {name!r} cannot be set")
        setattr(campaign, name, value)
    session.add(campaign)
    if goals is not None:
        set_goals(session, campaign, goals)
    session.flush()
    return campaign


def set_goals(session: Session, campaign: Campaign, goals: Sequence[GoalInput]) -> list[Goal]:
    """Replace the campaign's goals with `goals` (one per metric)."""
    metrics = [g.metric for g in goals]
    if len(set(metrics)) != len(metrics):
        raise ValueError("Each metric can have only one goal.")
    session.exec(delete(Goal).where(Goal.campaign_id == campaign.id))
    rows = [
        Goal(campaign_id=campaign.id, metric=g.metric, target=g.target, unit_value=g.unit_value)
        for g in goals
    ]
    session.add_all(rows)
    session.flush()
    return rows


def archive_campaign(session: Session, campaign: Campaign) -> None:
    campaign.status = "archived"
    session.add(campaign)
    session.flush()
