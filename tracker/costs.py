"""Campaign cost: every cost line converted to the campaign currency, split direct/shared."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from tracker.currency import RateTable, is_valid_currency
from tracker.kpi import CONTEXT

COST_CATEGORIES: tuple[str, ...] = (
    "influencer_fee",
    "product_gifting",
    "production",
    "agency_fee",
    "paid_amplification",
    "shipping",
    "tools",
    "staff_time",
)


@dataclass(frozen=True)
class CostItem:
    """One cost line; naming a participation makes it a direct cost."""

    amount: Decimal
    currency: str
    incurred_on: date
    category: str
    participation_id: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Cost amount must be a Decimal, got {self.amount!r}")
        if not self.amount.is_finite() or self.amount < 0:
            raise ValueError(f"Cost amount must be zero or more, got {self.amount}")
        if not is_valid_currency(self.currency):
            raise ValueError(f"Unknown currency code {self.currency!r}")
        if self.category not in COST_CATEGORIES:
            raise ValueError(
                f"Unknown cost category {self.category!r}; expected one of {COST_CATEGORIES}"
            )


class Conversion(NamedTuple):
    """A rate applied: 1 ``currency`` = ``rate`` campaign currency, published ``on``."""

    currency: str
    on: date
    rate: Decimal


@dataclass
class CostAllocation:
    """Costs in the campaign currency, exact (rounded only for display).

    ``direct`` only lists participations that have direct cost lines: a
    participation without one has an unknown direct cost (use
    ``direct.get(pid)`` and let its KPIs be undefined), not a free one.
    """

    total: Decimal
    shared: Decimal
    direct: dict[int, Decimal] = field(default_factory=dict)
    by_category: dict[str, Decimal] = field(default_factory=dict)
    conversions_used: list[Conversion] = field(default_factory=list)


def staff_time_amount(hours: Decimal | int, hourly_rate: Decimal) -> Decimal:
    """Return the cost of staff time, hours × hourly rate, exactly."""
    for name, value in (("hours", hours), ("hourly rate", hourly_rate)):
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise TypeError(f"Staff {name} must be a Decimal, got {value!r}")
        if value < 0:
            raise ValueError(f"Staff {name} must not be negative, got {value}")
    return CONTEXT.multiply(Decimal(hours), Decimal(hourly_rate))


def allocate(items: Iterable[CostItem], campaign_currency: str, rates: RateTable) -> CostAllocation:
    """Convert each line at the rate of its date and split it into direct and shared.

    Raises MissingRateError when a line's currency has no rate on or before
    its date: a silent 1:1 would make every figure downstream wrong.
    """
    if not is_valid_currency(campaign_currency):
        raise ValueError(f"Unknown currency code {campaign_currency!r}")
    shared = Decimal(0)
    direct: dict[int, Decimal] = {}
    by_category: dict[str, Decimal] = {}
    used: list[Conversion] = []
    for item in items:
        amount = rates.convert(item.amount, item.currency, campaign_currency, item.incurred_on)
        if item.currency != campaign_currency:
            quote = rates.quote(item.currency, campaign_currency, item.incurred_on)
            conversion = Conversion(item.currency, quote.published_on, quote.rate)
            if conversion not in used:
                used.append(conversion)
        if item.participation_id is None:
            shared = CONTEXT.add(shared, amount)
        else:
            pid = item.participation_id
            direct[pid] = CONTEXT.add(direct.get(pid, Decimal(0)), amount)
        by_category[item.category] = CONTEXT.add(by_category.get(item.category, Decimal(0)), amount)
    total = shared
    for amount in direct.values():
        total = CONTEXT.add(total, amount)
    ordered = {c: by_category[c] for c in COST_CATEGORIES if c in by_category}
    return CostAllocation(
        total=total, shared=shared, direct=direct, by_category=ordered, conversions_used=used
    )
