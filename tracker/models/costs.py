"""Every cost line of a campaign, and the exchange rates that bring them to its currency."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..costs import COST_CATEGORIES
from .base import ExactDecimal, currency_check, non_negative, one_of, utcnow


class CostLine(SQLModel, table=True):
    __tablename__ = "cost_line"
    __table_args__ = (
        UniqueConstraint("campaign_id", "external_ref"),
        one_of("category", COST_CATEGORIES, "category"),
        currency_check("currency", "currency"),
        non_negative("amount", money=True),
        non_negative("hours", money=True),
        non_negative("hourly_rate", money=True),
        CheckConstraint(
            "category != 'staff_time' OR (hours IS NOT NULL AND hourly_rate IS NOT NULL)",
            name="staff_time_has_hours",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    participation_id: int | None = Field(
        default=None, foreign_key="participation.id", index=True, ondelete="RESTRICT"
    )
    category: str = Field(max_length=24)
    amount: Decimal = Field(sa_type=ExactDecimal(18, 4))
    currency: str = Field(max_length=3)
    incurred_on: date
    hours: Decimal | None = Field(default=None, sa_type=ExactDecimal(10, 2))
    hourly_rate: Decimal | None = Field(default=None, sa_type=ExactDecimal(18, 4))
    description: str = Field(default="", max_length=400)
    # Set on lines an import created (e.g. "tiktok_ads:<ad>:<day>"), so importing the same
    # report again updates the line instead of adding a second one.
    external_ref: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class ExchangeRate(SQLModel, table=True):
    """1 `base` = `rate` `quote` on `on_date`."""

    __tablename__ = "exchange_rate"
    __table_args__ = (
        UniqueConstraint("workspace_id", "on_date", "base", "quote"),
        currency_check("base", "base"),
        currency_check("quote", "quote"),
        CheckConstraint("base != quote", name="distinct_currencies"),
        CheckConstraint("CAST(rate AS NUMERIC) > 0", name="rate_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    on_date: date
    base: str = Field(max_length=3)
    quote: str = Field(max_length=3)
    rate: Decimal = Field(sa_type=ExactDecimal(20, 8))
    source: str = Field(default="manual", max_length=40)
