"""Money of the demo: exchange rates as a random walk, fees by tier, paid boosts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from .catalog import BOOST_CPM_USD, RATES, TIER_PROFILES

RateRow = tuple[date, str, str, Decimal]


def rate_rows(rng: random.Random, first_day: date, last_day: date) -> list[RateRow]:
    """Published rates from `first_day` to `last_day`: daily pairs on business days, others weekly."""
    rows = []
    for base, quote, start, volatility, every in RATES:
        rate = start
        day = first_day - timedelta(days=first_day.weekday())  # a Monday on or before
        while day <= last_day:
            if day.weekday() < 5:
                rate += rng.gauss(0, volatility)
                rows.append((day, base, quote, Decimal(f"{rate:.4f}")))
            day += timedelta(days=every)
    return rows


def round_money(value: float) -> Decimal:
    """A price people would quote: to 10 under 1,000, else to 50."""
    step = 10 if value < 1_000 else 50
    return Decimal(max(step, int(round(value / step)) * step))


def fee(rng: random.Random, tier: str, followers: int, deliverables: int, rate: float) -> Decimal:
    """A creator's fee: per-follower price of their tier, more deliverables cost less each."""
    base = followers * TIER_PROFILES[tier].fee_per_follower * rng.uniform(0.8, 1.25)
    return round_money(base * (0.7 + 0.3 * deliverables) * rate)


def boost_cost_usd(extra_views: int) -> Decimal:
    """What the ad platform bills for the views a boost bought."""
    return round_money(extra_views * BOOST_CPM_USD / 1000)


def to_cents(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")
