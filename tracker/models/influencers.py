"""Creators, their accounts on each platform, and their part in a campaign."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..tiers import TIERS
from .base import PLATFORMS, ExactDecimal, currency_check, non_negative, one_of, utcnow


class Influencer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    niche: str = Field(default="", max_length=80)
    country: str | None = Field(default=None, max_length=2)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SocialAccount(SQLModel, table=True):
    """One handle on one platform, with its latest known follower count."""

    __tablename__ = "social_account"
    __table_args__ = (
        UniqueConstraint("influencer_id", "platform"),
        one_of("platform", PLATFORMS, "platform"),
        non_negative("followers"),
    )

    id: int | None = Field(default=None, primary_key=True)
    influencer_id: int = Field(foreign_key="influencer.id", index=True, ondelete="CASCADE")
    platform: str = Field(max_length=16)
    handle: str = Field(max_length=100, index=True)
    followers: int = Field(default=0, sa_type=BigInteger)
    followers_updated_on: date | None = None


class Participation(SQLModel, table=True):
    """An influencer in a campaign; followers are frozen at join so tiers never move."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "influencer_id", "platform"),
        UniqueConstraint("campaign_id", "promo_code"),
        one_of("platform", PLATFORMS, "platform"),
        one_of("tier_override", TIERS, "tier_override"),
        non_negative("followers_at_join"),
        non_negative("deliverables"),
        non_negative("fee", money=True),
        currency_check("fee_currency", "fee_currency", nullable=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    influencer_id: int = Field(foreign_key="influencer.id", index=True, ondelete="RESTRICT")
    platform: str = Field(max_length=16)
    followers_at_join: int = Field(sa_type=BigInteger)
    tier_override: str | None = Field(default=None, max_length=8)
    fee: Decimal | None = Field(default=None, sa_type=ExactDecimal(18, 4))
    fee_currency: str | None = Field(default=None, max_length=3)
    deliverables: int = Field(default=1)
    deliverables_note: str = Field(default="", max_length=400)
    promo_code: str | None = Field(default=None, max_length=40)
    link_code: str = Field(max_length=16, unique=True)
    joined_on: date
    created_at: datetime = Field(default_factory=utcnow)
