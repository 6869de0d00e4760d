from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from ...costs import COST_CATEGORIES
from ...models import CostLine, ExchangeRate
from .common import (
    Currency,
    Day,
    ExchangeRateNumber,
    Id,
    Input,
    ListQuery,
    Money,
    MoneyIn,
    Number,
    Page,
    Schema,
    decimal_input,
    text,
)

Category = Literal[COST_CATEGORIES]
Hours = decimal_input(places=2, max_digits=10)
Description = text(400)
RateIn = decimal_input(places=8, max_digits=20, exclusive=True)
RateSource = text(40, 1)


class CostLineCreate(Input):
    """A cost in any currency; staff_time gives hours and hourly_rate, and amount = their product."""

    category: Category
    currency: Currency
    incurred_on: Day = Field(description="Converted at the rate of this date.")
    amount: MoneyIn | None = Field(
        None, description="Required except for staff_time.", validate_default=True
    )
    hours: Hours | None = Field(None, description="staff_time only.", validate_default=True)
    hourly_rate: MoneyIn | None = Field(None, description="staff_time only.", validate_default=True)
    participation_id: Id | None = Field(None, description="A direct cost of one influencer.")
    description: Description = ""

    @field_validator("amount")
    @classmethod
    def _amount_unless_staff_time(cls, value, info: ValidationInfo):
        if value is None and info.data.get("category") not in (None, "staff_time"):
            raise ValueError("is required for this category")
        return value

    @field_validator("hours", "hourly_rate")
    @classmethod
    def _staff_time_needs_both(cls, value, info: ValidationInfo):
        if value is None and info.data.get("category") == "staff_time":
            raise ValueError("is required for staff_time")
        return value


class CostLineUpdate(Input):
    """Only the fields sent change."""

    category: Category = None
    currency: Currency = None
    incurred_on: Day = None
    amount: MoneyIn = None
    hours: Hours = None
    hourly_rate: MoneyIn = None
    participation_id: Id | None = None
    description: Description = None


class CostLinePublic(Schema):
    id: int
    campaign_id: int
    participation_id: int | None
    category: str
    amount: Money
    currency: str
    incurred_on: date
    hours: Number | None
    hourly_rate: Money | None
    description: str
    created_at: datetime

    @classmethod
    def of(cls, line: CostLine) -> CostLinePublic:
        return cls.model_validate(line, from_attributes=True)


class CostLineListQuery(ListQuery):
    participation_id: Id | None = None
    category: Category | None = None


class ExchangeRateIn(Input):
    """1 `base` = `rate` `quote` on `on_date`; sending the same pair and day again corrects it."""

    on_date: Day
    base: Currency
    quote: Currency
    rate: RateIn
    source: RateSource = "api"

    @field_validator("quote")
    @classmethod
    def _distinct(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("base"):
            raise ValueError("must differ from base")
        return value


class ExchangeRatePublic(Schema):
    id: int
    on_date: date
    base: str
    quote: str
    rate: ExchangeRateNumber
    source: str

    @classmethod
    def of(cls, rate: ExchangeRate) -> ExchangeRatePublic:
        return cls.model_validate(rate, from_attributes=True)


class ExchangeRateListQuery(ListQuery):
    base: Currency | None = None
    quote: Currency | None = None
    date_from: date | None = None
    date_to: date | None = None


class CostLinePage(Page[CostLinePublic]):
    """A page of cost lines."""


class ExchangeRatePage(Page[ExchangeRatePublic]):
    """A page of exchange rates."""
