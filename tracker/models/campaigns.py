"""Brands, their campaigns, and the goals a campaign is judged against."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..kpi import GOAL_METRICS
from .base import ExactDecimal, currency_check, non_negative, one_of, utcnow

OBJECTIVES = ("awareness", "engagement", "traffic", "sales")
CAMPAIGN_STATUSES = ("active", "archived")


class Brand(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    slug: str = Field(max_length=80)
    primary_color: str = Field(default="#1f4e79", max_length=7)
    logo: bytes | None = Field(default=None, sa_type=LargeBinary)
    logo_mime: str | None = Field(default=None, max_length=40)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Campaign(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("brand_id", "slug"),
        one_of("objective", OBJECTIVES, "objective"),
        one_of("status", CAMPAIGN_STATUSES, "status"),
        currency_check("currency", "currency"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint("CAST(target_roi_ratio AS NUMERIC) > 0", name="target_ratio_positive"),
        non_negative("budget", money=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=160)
    slug: str = Field(max_length=80)
    objective: str = Field(max_length=16)
    start_date: date
    end_date: date
    currency: str = Field(max_length=3)
    budget: Decimal | None = Field(default=None, sa_type=ExactDecimal(18, 4))
    hashtags: str = Field(default="", max_length=400)
    target_roi_ratio: Decimal = Field(default=Decimal("5"), sa_type=ExactDecimal(10, 4))
    status: str = Field(default="active", max_length=16)
    destination_url: str | None = Field(default=None, max_length=2000)
    timezone: str = Field(default="Europe/Paris", max_length=64)
    locale: str = Field(default="en", max_length=5)
    # Unique: the secret alone identifies the campaign a shop reports conversions to.
    conversion_secret: str | None = Field(default=None, max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def hashtag_list(self) -> list[str]:
        return [
            t if t.startswith("#") else f"#{t}" for t in self.hashtags.replace(",", " ").split()
        ]

    def phase(self, today: date) -> str:
        """Upcoming, running or ended on `today` (archiving is separate)."""
        if today < self.start_date:
            return "upcoming"
        return "running" if today <= self.end_date else "ended"


class Goal(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("campaign_id", "metric"),
        one_of("metric", GOAL_METRICS, "metric"),
        CheckConstraint("CAST(target AS NUMERIC) > 0", name="target_positive"),
        non_negative("unit_value", money=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    metric: str = Field(max_length=32)
    target: Decimal = Field(sa_type=ExactDecimal(20, 4))
    unit_value: Decimal | None = Field(default=None, sa_type=ExactDecimal(18, 4))
