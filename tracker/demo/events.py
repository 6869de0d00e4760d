"""What the tracker records itself: clicks on tracked links and orders with promo codes."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from .content import PostPlan
from .money import to_cents

REPEAT_VISITOR_SHARE = 0.08
BOT_SHARE = 0.04
PREFETCH_SHARE = 0.015


@dataclass(frozen=True)
class Order:
    participation_id: int
    occurred_at: datetime
    amount: Decimal


def click_rows(
    rng: random.Random,
    participation_id: int,
    posts: Sequence[PostPlan],
    click_rate: float,
    last_day: date,
) -> list[dict]:
    """Redirects through one creator's tracked link, day by day as their posts gather views."""
    if not posts:
        return []
    rate = click_rate * rng.lognormvariate(0, 0.25)
    visitors: list[str] = []
    rows = []
    first = min(p.day for p in posts)
    for n in range((last_day - first).days + 1):
        day = first + timedelta(days=n)
        midnight = datetime.combine(day, time(), tzinfo=UTC)
        expected = sum(_new_views(p, day) for p in posts) * rate
        for ua_class, share in (("browser", 1.0), ("bot", BOT_SHARE), ("prefetch", PREFETCH_SHARE)):
            for _ in range(int(expected * share + rng.random())):
                rows.append(
                    {
                        "participation_id": participation_id,
                        "clicked_at": midnight + timedelta(seconds=rng.randrange(86_400)),
                        "day": day,
                        "visitor_hash": _visitor(rng, visitors, ua_class),
                        "ua_class": ua_class,
                    }
                )
    return rows


def _new_views(post: PostPlan, day: date) -> float:
    before = post.fraction(day - timedelta(days=1))
    return post.lifetime["views"] * (post.fraction(day) - before)


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=rng.randrange(86_400))


def _visitor(rng: random.Random, seen: list[str], ua_class: str) -> str:
    if ua_class == "browser" and seen and rng.random() < REPEAT_VISITOR_SHARE:
        return rng.choice(seen)
    visitor = f"{rng.getrandbits(128):032x}"
    if ua_class == "browser":
        seen.append(visitor)
    return visitor


def plan_orders(
    rng: random.Random,
    weights: dict[int, float],
    click_days: dict[int, list[date]],
    *,
    count: int,
    order_value: float,
    last_day: date,
) -> list[Order]:
    """`count` orders with the creators' promo codes, in proportion to their weights."""
    people = [pid for pid, w in weights.items() if w > 0]
    if not people or count <= 0:
        return []
    orders = []
    for pid in rng.choices(people, weights=[weights[p] for p in people], k=count):
        lag = timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        day = min(last_day, rng.choice(click_days[pid]) + lag)
        amount = max(8.0, order_value * rng.lognormvariate(-0.06, 0.35))
        orders.append(Order(pid, _moment(rng, day), to_cents(amount)))
    return orders
