"""Write the demo through the services the app itself uses; bulk rows go through Core inserts."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlmodel import Session, select

from ..auth.service import create_user
from ..campaigns.service import GoalInput, create_brand, create_campaign, set_goals
from ..costs import CostItem, allocate
from ..currency import RateTable
from ..importers.urls import normalise_post_url
from ..influencers.service import create_influencer, join_campaign
from ..models import (
    Brand,
    Click,
    Conversion,
    CostLine,
    Influencer,
    Participation,
    User,
    Workspace,
    utcnow,
)
from ..results.service import SnapshotInput, add_post, write_snapshots
from ..slugs import slugify, unique_slug
from ..spend.service import add_cost_line, set_rate
from ..tiers import tier_for
from . import money
from .catalog import (
    BOOST_VIEWS,
    BRANDS,
    CAMPAIGNS,
    DELIVERABLES,
    DEMO_PASSWORD,
    MANUAL_SHARE,
    TIER_PROFILES,
    USERS,
    WORKSPACE_NAME,
    BrandSpec,
    CampaignSpec,
)
from .content import Placement, PostPlan, Window, hashtag_curve, plan_posts
from .events import click_rows, plan_orders
from .roster import Creator, build_roster, pick_cast

FEE_RATE = {"EUR": 1.0, "GBP": 0.86}  # creators quote in their own currency
FOLLOWER_GROWTH_PER_DAY = 0.0005  # so a campaign months ago froze a smaller audience
HASHTAG_USES_PER_VIEW = 1 / 650
ORDERS_PER_CLICK = 0.09  # promo-code orders, code-only buyers included
DELIVERABLE_LABEL = {
    "tiktok": "TikTok video",
    "instagram": "Instagram Reel",
    "youtube": "YouTube video",
}
BOOST_LABEL = {
    "tiktok": "Spark Ads boost",
    "instagram": "Meta boost",
    "youtube": "YouTube in-feed promotion",
}
ENGAGEMENT_KEYS = ("likes", "comments", "shares", "saves")


@dataclass
class Counts:
    """What the load wrote, for the summary line."""

    influencers: int = 0
    participations: int = 0
    posts: int = 0
    snapshots: int = 0
    cost_lines: int = 0
    clicks: int = 0
    conversions: int = 0
    rates: int = 0


def load_demo(session: Session, *, seed: int = 2026, today: date | None = None) -> str:
    """Load the demo workspace and say what was loaded.

    Everything follows from `seed`; campaign dates are relative to `today` (default: the real
    today) so a fresh install always shows running and ended campaigns.
    """
    today = today or date.today()
    if session.exec(select(User.id).where(User.email == USERS[0][0])).first() is not None:
        raise ValueError(f"The demo is already loaded: {USERS[0][0]} exists.")
    counts = Counts()
    workspace = _workspace(session)
    for email, role, name in USERS:
        create_user(
            session, email=email, password=DEMO_PASSWORD, role=role, workspace=workspace, name=name
        )
    first_day = today + timedelta(days=min(c.start for c in CAMPAIGNS) - 30)
    rates = _rates(session, workspace, random.Random(f"{seed}:rates"), first_day, today, counts)
    roster = build_roster(random.Random(f"{seed}:roster"))
    influencers = _influencers(session, workspace, roster, counts)
    brand_specs = {b.name: b for b in BRANDS}
    brands = {
        b.name: create_brand(session, workspace_id=workspace.id, name=b.name, primary_color=b.color)
        for b in BRANDS
    }
    for spec in CAMPAIGNS:
        build = CampaignBuild(
            session,
            spec,
            brand=brands[spec.brand],
            brand_spec=brand_specs[spec.brand],
            rates=rates,
            today=today,
            rng=random.Random(f"{seed}:{spec.name}"),
        )
        build.load(roster, influencers, counts)
    return _summary(workspace, counts)


def _workspace(session: Session) -> Workspace:
    slug = unique_slug(
        WORKSPACE_NAME,
        lambda s: session.exec(select(Workspace.id).where(Workspace.slug == s)).first() is not None,
    )
    workspace = Workspace(name=WORKSPACE_NAME, slug=slug)
    session.add(workspace)
    session.flush()
    return workspace


def _rates(
    session: Session,
    workspace: Workspace,
    rng: random.Random,
    first_day: date,
    last_day: date,
    counts: Counts,
) -> RateTable:
    rows = money.rate_rows(rng, first_day, last_day)
    for on_date, base, quote, rate in rows:
        source = "ecb" if (base, quote) == ("EUR", "GBP") else "manual"
        set_rate(
            session,
            workspace_id=workspace.id,
            on_date=on_date,
            base=base,
            quote=quote,
            rate=rate,
            source=source,
        )
    counts.rates = len(rows)
    return RateTable(rows)


def _influencers(
    session: Session, workspace: Workspace, roster: list[Creator], counts: Counts
) -> dict[str, Influencer]:
    out = {}
    for creator in roster:
        out[creator.name] = create_influencer(
            session,
            workspace_id=workspace.id,
            name=creator.name,
            accounts=creator.accounts,
            niche=creator.niche,
            country=creator.country,
            email=creator.email,
            notes=creator.note,
        )
    counts.influencers = len(out)
    return out


def nice(value: float) -> Decimal:
    """Round to two significant digits, as people write targets (48,000 or 0.052)."""
    if value <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(value)) - 1
    mantissa = round(value / 10**exponent)
    return Decimal(mantissa * 10**exponent) if exponent >= 0 else Decimal(mantissa).scaleb(exponent)


@dataclass
class Member:
    """A creator in the campaign being built, with what they published and drove."""

    creator: Creator
    participation: Participation
    placement: Placement
    posts: list[PostPlan] = field(default_factory=list)
    click_days: list[date] = field(default_factory=list)


class CampaignBuild:
    """One campaign from its spec: cast, posts and snapshots, costs, clicks, orders, goals."""

    def __init__(
        self,
        session: Session,
        spec: CampaignSpec,
        *,
        brand: Brand,
        brand_spec: BrandSpec,
        rates: RateTable,
        today: date,
        rng: random.Random,
    ) -> None:
        self.session, self.spec, self.brand_spec = session, spec, brand_spec
        self.rates, self.rng = rates, rng
        start = today + timedelta(days=spec.start)
        self.window = Window(
            start, start + timedelta(days=spec.days - 1), today, brand_spec.timezone
        )
        self.campaign = create_campaign(
            session,
            brand=brand,
            name=spec.name,
            objective=spec.objective,
            start_date=self.window.start,
            end_date=self.window.end,
            currency=spec.currency,
            budget=Decimal(spec.budget),
            hashtags=spec.hashtags,
            target_roi_ratio=Decimal(spec.target_ratio),
            destination_url=spec.destination_url,
            timezone=brand_spec.timezone,
            locale=brand_spec.locale,
        )
        self.members: list[Member] = []
        self.totals: dict[str, float] = defaultdict(float)
        self.revenue = Decimal(0)

    def load(
        self, roster: list[Creator], influencers: dict[str, Influencer], counts: Counts
    ) -> None:
        cast = pick_cast(
            self.rng, roster, self.brand_spec.segment, self.spec.cast, self.spec.featuring
        )
        for creator in cast:
            self.members.append(self._join(creator, influencers[creator.name]))
        counts.participations += len(self.members)
        counts.snapshots += self._publish() + self._track_hashtag()
        counts.posts += sum(len(m.posts) for m in self.members)
        counts.cost_lines += self._add_costs()
        if self.spec.tracked:
            counts.clicks += self._record_clicks()
            counts.conversions += self._record_orders()
        self._set_goals()

    # ------------------------------------------------------------------ cast

    def _join(self, creator: Creator, influencer: Influencer) -> Member:
        rng, window = self.rng, self.window
        joined = window.start - timedelta(days=rng.randint(4, 21))
        shrink = 1 - FOLLOWER_GROWTH_PER_DAY * (window.today - joined).days
        followers = int(round(creator.followers * shrink, -2))
        tier = tier_for(followers)
        deliverables = rng.randint(*DELIVERABLES[tier])
        fee_currency = "GBP" if creator.country == "GB" else "EUR"
        participation = join_campaign(
            self.session,
            campaign=self.campaign,
            influencer=influencer,
            platform=creator.platform,
            fee=money.fee(rng, tier, followers, deliverables, FEE_RATE[fee_currency]),
            fee_currency=fee_currency,
            deliverables=deliverables,
            deliverables_note=f"{deliverables} × {DELIVERABLE_LABEL[creator.platform]}",
            promo_code=self._promo_code(creator) if self.spec.tracked else None,
            joined_on=joined,
            followers_at_join=followers,
        )
        manual = tier in ("nano", "micro") and rng.random() < MANUAL_SHARE
        placement = Placement(
            creator.handle, creator.platform, tier, followers, deliverables, manual
        )
        return Member(creator, participation, placement)

    def _promo_code(self, creator: Creator) -> str:
        first, last = (
            slugify(part).replace("-", "").upper() for part in creator.name.split(" ", 1)
        )
        taken = {m.participation.promo_code for m in self.members}
        for code in (f"{first}{self.spec.discount}", f"{first}{last[0]}{self.spec.discount}"):
            if code not in taken:
                return code
        return f"{first}{last}{self.spec.discount}"

    # ------------------------------------------------------------------ results

    def _publish(self) -> int:
        """Add each creator's posts and their snapshot history, written in one bulk insert."""
        inputs: list[SnapshotInput] = []
        for member in self.members:
            member.posts = plan_posts(
                self.rng,
                member.placement,
                self.window,
                titles=self.brand_spec.titles,
                hashtags=self.spec.hashtags,
                boosted_share=self.spec.boosted_share,
                link_clicks=not self.spec.tracked,
            )
            for plan in member.posts:
                inputs.extend(self._post_snapshots(member.participation, plan))
        write_snapshots(self.session, inputs)
        return len(inputs)

    def _post_snapshots(self, participation: Participation, plan: PostPlan) -> list[SnapshotInput]:
        post = add_post(
            self.session,
            participation=participation,
            url=plan.url,
            url_key=normalise_post_url(plan.url),
            posted_at=plan.posted_at,
            is_paid=plan.is_paid,
            title=plan.title,
            external_id=plan.external_id,
        )
        days = plan.snapshot_days(self.window.tracked_until)
        for key, value in plan.values_on(days[-1]).items():
            self.totals[key] += value
        return [
            SnapshotInput(
                campaign_id=self.campaign.id,
                captured_on=day,
                source=plan.source,
                values=plan.values_on(day),
                participation_id=participation.id,
                post_id=post.id,
            )
            for day in days
        ]

    def _track_hashtag(self) -> int:
        """Campaign-level counts of posts using the hashtag, taken every day."""
        expected = self.totals["views"] * self.window.projection() * HASHTAG_USES_PER_VIEW
        curve = hashtag_curve(self.rng, self.window, int(expected * self.rng.uniform(0.8, 1.2)))
        write_snapshots(
            self.session,
            [
                SnapshotInput(
                    campaign_id=self.campaign.id,
                    captured_on=day,
                    source="manual",
                    values={"hashtag_uses": uses},
                )
                for day, uses in curve
            ],
        )
        self.totals["hashtag_uses"] = curve[-1][1] if curve else 0
        return len(curve)

    # ------------------------------------------------------------------ money

    def _add_costs(self) -> int:
        """Direct costs per creator, then the shared lines; returns how many lines exist."""
        direct = sum(self._direct_costs(member) for member in self.members)
        for cost in self.spec.shared_costs:
            self._cost(
                cost.category,
                cost.currency,
                self.window.start + timedelta(days=cost.day),
                cost.description,
                amount=Decimal(cost.amount) if cost.amount else None,
                hours=Decimal(cost.hours) if cost.hours else None,
                hourly_rate=Decimal(cost.hourly_rate) if cost.hourly_rate else None,
            )
        return len(self.members) + direct + len(self.spec.shared_costs)  # fees came with joining

    def _direct_costs(self, member: Member) -> int:
        """The product sent (and its parcel), and what each boosted post cost in ads."""
        pid, name = member.participation.id, member.creator.name
        sent = member.participation.joined_on + timedelta(days=3)
        currency, lines = self.spec.currency, 0
        if self.brand_spec.gift:
            value, what = self.brand_spec.gift
            self._cost("product_gifting", currency, sent, f"{what} for {name}",
                       amount=Decimal(value), participation_id=pid)  # fmt: skip
            lines += 1
        if self.brand_spec.shipping:
            self._cost("shipping", currency, sent, f"Parcel to {name}",
                       amount=Decimal(self.brand_spec.shipping), participation_id=pid)  # fmt: skip
            lines += 1
        for plan in member.posts:
            if plan.is_paid:
                extra_views = int(plan.lifetime["views"] * (1 - 1 / BOOST_VIEWS))
                day = min(plan.day + timedelta(days=1), self.window.today)
                self._cost("paid_amplification", "USD", day, BOOST_LABEL[plan.platform],
                           amount=money.boost_cost_usd(extra_views), participation_id=pid)  # fmt: skip
                lines += 1
        return lines

    def _cost(self, category: str, currency: str, on: date, description: str, **amounts) -> None:
        add_cost_line(
            self.session,
            campaign=self.campaign,
            category=category,
            currency=currency,
            incurred_on=on,
            description=description,
            **amounts,
        )

    def _cost_total(self) -> Decimal:
        lines = self.session.exec(
            select(CostLine).where(CostLine.campaign_id == self.campaign.id)
        ).all()
        items = [
            CostItem(
                line.amount, line.currency, line.incurred_on, line.category, line.participation_id
            )
            for line in lines
        ]
        return allocate(items, self.campaign.currency, self.rates).total

    # ------------------------------------------------------------------ events

    def _record_clicks(self) -> int:
        last_day = min(self.window.today - timedelta(days=1), self.window.tracked_until)
        rows = []
        for member in self.members:
            rate = TIER_PROFILES[member.placement.tier].click_rate * self.spec.link_push
            found = click_rows(self.rng, member.participation.id, member.posts, rate, last_day)
            member.click_days = [r["day"] for r in found if r["ua_class"] == "browser"]
            self.totals["link_clicks"] += len(member.click_days)
            rows.extend(found)
        if rows:
            self.session.execute(insert(Click.__table__), rows)
        return len(rows)

    def _record_orders(self) -> int:
        """Orders with promo codes; where the story fixes the ROI, enough of them to reach it."""
        weights = {
            m.participation.id: len(m.click_days)
            * TIER_PROFILES[m.placement.tier].order_weight
            * self.rng.lognormvariate(0, 0.25)
            for m in self.members
        }
        orders = plan_orders(
            self.rng,
            weights,
            {m.participation.id: m.click_days for m in self.members},
            count=self._order_count(),
            order_value=self.brand_spec.order_value,
            last_day=min(self.window.today - timedelta(days=1), self.window.tracked_until),
        )
        codes = {m.participation.id: m.participation.promo_code for m in self.members}
        prefix = f"{self.brand_spec.order_prefix}{self.window.start:%y%m}"
        now = utcnow()
        rows = [
            {
                "campaign_id": self.campaign.id,
                "participation_id": order.participation_id,
                "order_id": f"{prefix}-{n:05d}",
                "amount": order.amount,
                "currency": self.campaign.currency,
                "occurred_at": order.occurred_at,
                "attributed_by": "promo_code",
                "promo_code": codes[order.participation_id],
                "source": "endpoint",
                "created_at": now,
            }
            for n, order in enumerate(sorted(orders, key=lambda o: o.occurred_at), start=1)
        ]
        if rows:
            self.session.execute(insert(Conversion.__table__), rows)
        self.totals["conversions"] = len(rows)
        self.revenue = sum((o.amount for o in orders), Decimal(0))
        return len(rows)

    def _order_count(self) -> int:
        """Orders per click, or as many as the story's ROI needs once the other value is counted.

        Each order brings its value plus what the conversions goal says a customer is worth.
        """
        if self.spec.roi is None:
            return round(self.totals["link_clicks"] * ORDERS_PER_CLICK)
        per_order = self.brand_spec.order_value
        other_value = 0.0
        for goal in self.spec.goals:
            unit = float(goal.unit_value or 0)
            if goal.metric == "conversions":
                per_order += unit
            elif goal.metric != "revenue":
                other_value += unit * self._actual(goal.metric)
        needed = float(self._cost_total()) * self.spec.roi - other_value
        # 2 % more than the expected count, so the drawn order amounts land on the story's side.
        return math.ceil(needed / per_order * 1.02)

    # ------------------------------------------------------------------ goals

    def _actual(self, metric: str) -> float:
        if metric == "engagement_rate":
            views = self.totals["views"]
            return sum(self.totals[k] for k in ENGAGEMENT_KEYS) / views if views else 0.0
        if metric == "revenue":
            return float(self.revenue)
        return self.totals[metric]

    def _set_goals(self) -> None:
        """Targets from the results and the attainment or pacing the story needs."""
        goals = []
        for goal in self.spec.goals:
            expected = self._actual(goal.metric)
            if goal.metric != "engagement_rate":
                expected *= self.window.projection()
            goals.append(
                GoalInput(
                    metric=goal.metric,
                    target=nice(expected / goal.level),
                    unit_value=Decimal(goal.unit_value) if goal.unit_value else None,
                )
            )
        set_goals(self.session, self.campaign, goals)


def _summary(workspace: Workspace, counts: Counts) -> str:
    return (
        f"Loaded the demo workspace {workspace.name!r}: {len(BRANDS)} brands, "
        f"{len(CAMPAIGNS)} campaigns, {counts.influencers} influencers, "
        f"{counts.participations} participations, {counts.posts} posts, "
        f"{counts.snapshots:,} snapshots, {counts.cost_lines} cost lines, "
        f"{counts.rates} exchange rates, {counts.clicks:,} clicks, "
        f"{counts.conversions:,} orders.\n"
        f"Sign in as {USERS[0][0]} / {DEMO_PASSWORD} (manager); "
        f"{USERS[1][0]} (admin) and {USERS[2][0]} (viewer) use the same password."
    )
