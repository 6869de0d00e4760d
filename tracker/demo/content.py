"""Posts and how their numbers grow: fast in the first days, then saturating, like real content."""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .catalog import (
    BOOST_ENGAGEMENT,
    BOOST_VIEWS,
    MANUAL_SOURCE,
    PLATFORMS,
    TIER_PROFILES,
    TRACKING_DAYS_AFTER_END,
)

TAIL_DAYS = 30  # after this a post has all the views it will get
TAIL_SHARE = 0.1  # the slow trickle after the first burst
SHARE_OF_ENGAGEMENT = {"comments": 0.055, "shares": 0.075, "saves": 0.08}
UNDER_DELIVERING = ("nano", "micro", "mid")  # bigger names are managed and deliver
POSTING_HOURS = (12, 17, 18, 18, 19, 19, 20, 21)  # local time
_CODE_ALPHABET = string.ascii_letters + string.digits + "-_"


@dataclass(frozen=True)
class Window:
    """The campaign's dates as content planning sees them."""

    start: date
    end: date
    today: date
    timezone: str

    @property
    def running(self) -> bool:
        return self.start <= self.today <= self.end

    @property
    def tracked_until(self) -> date:
        return min(self.today, self.end + timedelta(days=TRACKING_DAYS_AFTER_END))

    def projection(self) -> float:
        """Total days ÷ elapsed days: what projects a running campaign's actual to its end."""
        if not self.running:
            return 1.0
        return ((self.end - self.start).days + 1) / ((self.today - self.start).days + 1)


@dataclass(frozen=True)
class Placement:
    """One creator's part in a campaign."""

    handle: str
    platform: str
    tier: str
    followers: int
    deliverables: int
    manual: bool  # results come from weekly screenshots, not the platform's export


@dataclass
class PostPlan:
    """A published post and the lifetime totals its snapshots grow towards."""

    platform: str
    url: str
    external_id: str
    title: str
    posted_at: datetime  # UTC
    day: date  # in the campaign's time zone
    is_paid: bool
    source: str
    cadence: int  # days between snapshots
    half_life: float
    lifetime: dict[str, int] = field(default_factory=dict)

    def fraction(self, day: date) -> float:
        """Share of the lifetime totals reached by the end of `day`."""
        age = (day - self.day).days + 0.5
        if age <= 0:
            return 0.0
        burst = 1 - 2 ** (-age / self.half_life)
        return (1 - TAIL_SHARE) * burst + TAIL_SHARE * min(1.0, age / TAIL_DAYS)

    def values_on(self, day: date) -> dict[str, int]:
        share = self.fraction(day)
        return {key: int(value * share) for key, value in self.lifetime.items()}

    def snapshot_days(self, until: date) -> list[date]:
        if until < self.day:
            return []
        span = (until - self.day).days
        days = [
            self.day + timedelta(days=d) for d in range(self.cadence - 1, span + 1, self.cadence)
        ]
        if not days or days[-1] != until:
            days.append(until)
        return days


def plan_posts(
    rng: random.Random,
    placement: Placement,
    window: Window,
    *,
    titles: tuple[str, ...],
    hashtags: str,
    boosted_share: float,
    link_clicks: bool,
) -> list[PostPlan]:
    """The posts a creator published by today: all deliverables, or one fewer now and then."""
    count = placement.deliverables
    if placement.tier in UNDER_DELIVERING and count > 1 and rng.random() < 0.12:
        count -= 1  # a creator who promised three and posted two
    length = (window.end - window.start).days + 1
    plans = []
    for k in range(placement.deliverables):
        offset = int(length * (k + rng.uniform(0.1, 0.8)) / placement.deliverables)
        day = window.start + timedelta(days=min(offset, length - 2))
        if k >= count or day > window.today:
            continue
        paid = placement.tier in ("mid", "macro") and rng.random() < boosted_share
        plan = _post(rng, placement, day, window.timezone, paid, f"{rng.choice(titles)} {hashtags}")
        plan.lifetime = _lifetime(rng, placement, paid, link_clicks)
        plans.append(plan)
    return plans


def _post(
    rng: random.Random, placement: Placement, day: date, tz: str, paid: bool, title: str
) -> PostPlan:
    local = datetime.combine(day, time(rng.choice(POSTING_HOURS), rng.randrange(60)))
    posted_at = local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    profile = PLATFORMS[placement.platform]
    url, external_id = _url(rng, placement, posted_at)
    return PostPlan(
        platform=placement.platform,
        url=url,
        external_id=external_id,
        title=title,
        posted_at=posted_at,
        day=day,
        is_paid=paid,
        source=MANUAL_SOURCE if placement.manual else profile.source,
        cadence=7 if placement.manual else 1,
        half_life=profile.half_life * rng.uniform(0.8, 1.3),
    )


def _url(rng: random.Random, placement: Placement, posted_at: datetime) -> tuple[str, str]:
    if placement.platform == "tiktok":
        # TikTok ids carry the upload second in their top 32 bits.
        video = (int(posted_at.timestamp()) << 32) | rng.getrandbits(32)
        return f"https://www.tiktok.com/@{placement.handle}/video/{video}", str(video)
    code = "".join(rng.choice(_CODE_ALPHABET) for _ in range(11))
    if placement.platform == "instagram":
        return f"https://www.instagram.com/reel/{code}/", code
    return f"https://www.youtube.com/watch?v={code}", code


def _lifetime(
    rng: random.Random, placement: Placement, paid: bool, link_clicks: bool
) -> dict[str, int]:
    """Totals once the post has run its course, from the tier's and platform's typical rates."""
    tier, platform = TIER_PROFILES[placement.tier], PLATFORMS[placement.platform]
    views = placement.followers * tier.view_rate * platform.view_factor
    views *= rng.lognormvariate(0, 0.35) * (BOOST_VIEWS if paid else 1)
    rate = tier.engagement_rate * platform.engagement_factor * rng.lognormvariate(0, 0.18)
    engagements = views * rate * (BOOST_ENGAGEMENT if paid else 1)
    out = {"views": views}
    for key, share in SHARE_OF_ENGAGEMENT.items():
        if key != "saves" or platform.has_saves:
            out[key] = engagements * share * rng.uniform(0.7, 1.3)
    out["likes"] = engagements - sum(out[k] for k in SHARE_OF_ENGAGEMENT if k in out)
    if not placement.manual:
        out.update(_export_extras(rng, placement.platform, views, link_clicks))
    return {key: int(value) for key, value in out.items()}


def _export_extras(
    rng: random.Random, platform: str, views: float, link_clicks: bool
) -> dict[str, float]:
    """The columns each platform's export carries beyond views and interactions."""
    if platform == "tiktok":
        return {"reach": views * rng.uniform(0.7, 0.85)}
    if platform == "youtube":
        return {
            "watch_time_s": views * rng.uniform(55, 90),
            "completed_views": views * rng.uniform(0.22, 0.35),
            "followers_gained": views * rng.uniform(0.001, 0.003),
        }
    extras = {
        "reach": views * rng.uniform(0.65, 0.8),
        "impressions": views * rng.uniform(1.2, 1.4),
        "profile_views": views * rng.uniform(0.008, 0.014),
        "followers_gained": views * rng.uniform(0.0008, 0.0016),
        "watch_time_s": views * rng.uniform(5, 8),
    }
    if link_clicks:
        extras["link_clicks"] = views * rng.uniform(0.003, 0.006)
    return extras


def hashtag_curve(rng: random.Random, window: Window, lifetime_uses: int) -> list[tuple[date, int]]:
    """Daily running count of posts using the campaign hashtag: an S-curve over the campaign."""
    length = (window.end - window.start).days + 1
    last = min(window.today, window.end + timedelta(days=7))
    midpoint = rng.uniform(0.4, 0.55)
    out = []
    for d in range((last - window.start).days + 1):
        x = (d + 1) / length
        share = 1 / (1 + math.exp(-8 * (x - midpoint))) - 1 / (1 + math.exp(8 * midpoint))
        out.append((window.start + timedelta(days=d), int(lifetime_uses * share)))
    return out
