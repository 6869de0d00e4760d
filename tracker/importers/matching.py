"""Match parsed records to one campaign's posts, influencers and orders: the import plan.

The parsers say what a file holds; this module decides what it means for a campaign:
which post a row is a snapshot of, which participation a handle, promo code or UTM content
belongs to, what is new, what is already there, and which rows are left out and why.
Nothing is written here: ``commit.py`` applies a plan in one transaction, and the preview
shows the same plan first. Rules (written down in docs/import-formats.md):

- posts by ``url_key`` (``urls.normalise_post_url``); a post not in the campaign whose author
  is a participant becomes a new post of that participation, pre-selected when it was
  published within the campaign's dates;
- a handle, promo code, UTM content or ad no participation claims is an *unknown*: listed,
  and left out unless the user maps it to a participation;
- GA4 rows count only when ``utm_campaign`` is the campaign's slug (any case); ``utm_content``
  is a participation's link code; rows of the campaign without one are campaign-level;
- orders go to a participation by promo code, deduplicated by order id like the conversion
  endpoint; orders without a code, or placed before the campaign started, are left out;
- TikTok Ads rows become paid-amplification cost lines, one per ad and day; their metrics
  are not stored (a Spark Ad's views and likes are counted on the boosted post itself).

Per-row work is kept to dict lookups so a million-row snapshot file plans in seconds.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import has_request_context
from flask_babel import gettext
from sqlmodel import Session, select

from ..models import Campaign, Post
from ..results.service import SnapshotInput, WriteCounts, plan_snapshots
from .errors import RowError
from .lookups import Lookups, load_lookups
from .model import (
    ACCOUNT,
    AD,
    CAMPAIGN,
    PARTICIPATION,
    UTM,
    OrderRecord,
    ParseResult,
    PostRecord,
    ScopeRecord,
)

SKIP = "skip"
CAMPAIGN_LEVEL = "campaign"
# Exports of one creator's own account: rows without a handle all belong to that account.
ACCOUNT_EXPORTS = ("tiktok_studio", "youtube_studio")
# Exports the user wrote for this campaign: every new post in them is meant to be imported.
DELIBERATE_EXPORTS = ("generic",)
# Column sizes (tracker/models): longer values are rejected rows, never cut or a failed commit.
MAX_URL_KEY = 400
MAX_ORDER_ID = 80
# Shop clocks drift; an order more than a day ahead is a wrong date (as at the endpoint).
FUTURE_TOLERANCE = timedelta(days=1)


# ---------------------------------------------------------------------------- options


@dataclass
class Options:
    """What the user decided about an upload; stored as JSON on the ImportBatch."""

    format: str | None = None
    # The day figures are dated when the file does not say; None: the day of the upload.
    as_of: date | None = None
    # Currency of money the file does not label (GA4, WooCommerce); None: the campaign's.
    currency: str | None = None
    # Unknown key → "skip", "campaign" or a participation id (as text).
    mapping: dict[str, str] = field(default_factory=dict)
    # New post url_key → import it or not (absent: the default the preview showed).
    posts: dict[str, bool] = field(default_factory=dict)

    def to_json(self) -> str:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Options:
        data = json.loads(text or "{}")
        as_of = data.get("as_of")
        return cls(
            format=data.get("format") or None,
            as_of=date.fromisoformat(as_of) if as_of else None,
            currency=data.get("currency") or None,
            mapping={str(k): str(v) for k, v in (data.get("mapping") or {}).items()},
            posts={str(k): bool(v) for k, v in (data.get("posts") or {}).items()},
        )


# ---------------------------------------------------------------------------- the plan


@dataclass
class NewPost:
    key: str
    url: str
    platform: str
    participation_id: int
    title: str
    posted_at: datetime | None
    is_paid: bool
    external_id: str | None
    row: int
    within_dates: bool
    include: bool


@dataclass
class Unknown:
    """Rows nothing in the campaign claims, grouped by what would claim them."""

    key: str  # "handle:tiktok:lea.glow", "account:youtube", "post:<url_key>", "promo:X", …
    kind: str  # handle, account, post, promo, utm_content, ad
    value: str
    platform: str | None
    rows: list[int] = field(default_factory=list)
    count: int = 0
    choice: str = SKIP
    suggestion: int | None = None
    hint: str | None = None  # an influencer of the workspace with this handle, not in the campaign
    amount: Decimal = Decimal(0)  # orders' revenue or ads' cost, to help decide


@dataclass
class LeftOut:
    """A row deliberately not imported; ``code`` says why (translated when shown)."""

    row: int
    column: str
    code: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class PendingSnapshot:
    """A snapshot of a post the commit creates first."""

    url_key: str
    participation_id: int
    captured_on: date
    values: dict[str, Any]
    revenue_currency: str | None


@dataclass
class ImportPlan:
    campaign_id: int
    format: str
    rows_read: int
    warnings: list[str]
    period: tuple[date | None, date | None]
    as_of: date
    new_posts: list[NewPost] = field(default_factory=list)
    post_fills: dict[int, dict[str, Any]] = field(default_factory=dict)
    snapshots: list[SnapshotInput] = field(default_factory=list)
    pending: list[PendingSnapshot] = field(default_factory=list)
    conversions: list[dict[str, Any]] = field(default_factory=list)
    duplicate_orders: int = 0
    new_costs: list[dict[str, Any]] = field(default_factory=list)
    changed_costs: list[dict[str, Any]] = field(default_factory=list)
    unchanged_costs: int = 0
    unknowns: dict[str, Unknown] = field(default_factory=dict)
    rejected: list[RowError] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    ignored_ad_metrics: bool = False
    # Filled by plan_writes(): what the snapshots would do to the database.
    snapshot_counts: WriteCounts | None = None

    @property
    def posts_to_create(self) -> list[NewPost]:
        return [p for p in self.new_posts if p.include]

    def pending_created(self) -> int:
        included = {p.key for p in self.posts_to_create}
        return len({(s.url_key, s.captured_on) for s in self.pending if s.url_key in included})

    def counts(self) -> dict[str, int]:
        snaps = self.snapshot_counts or WriteCounts()
        return {
            "posts_created": len(self.posts_to_create),
            "posts_updated": len(self.post_fills),
            "snapshots_created": snaps.created + self.pending_created(),
            "snapshots_updated": snaps.updated,
            "snapshots_unchanged": snaps.unchanged,
            "conversions_created": len(self.conversions),
            "conversions_duplicate": self.duplicate_orders,
            "costs_created": len(self.new_costs),
            "costs_updated": len(self.changed_costs),
            "costs_unchanged": self.unchanged_costs,
            "rejected": len(self.rejected),
            "left_out": len(self.left_out),
        }


class _Planner:
    def __init__(self, result: ParseResult, lookups: Lookups, options: Options) -> None:
        campaign = lookups.campaign
        self.result = result
        self.lk = lookups
        self.options = options
        self.campaign = campaign
        self.zone = ZoneInfo(campaign.timezone)
        self.currency = options.currency or result.revenue_currency or campaign.currency
        self.source = result.format
        self.plan = ImportPlan(
            campaign_id=campaign.id,
            format=result.format,
            rows_read=result.rows_read,
            warnings=list(result.warnings),
            period=(result.period_start, result.period_end),
            as_of=options.as_of or date.today(),
            rejected=list(result.row_errors),
        )
        self.new_by_key: dict[str, NewPost] = {}
        self.fills_wanted: dict[int, PostRecord] = {}
        self.cost_refs: set[str] = set()

    # -- unknown rows ----------------------------------------------------------------------

    def _unknown(self, key: str, kind: str, value: str, platform: str | None, row: int) -> str:
        """Count a row under its unknown group; return the user's choice for the group."""
        group = self.plan.unknowns.get(key)
        if group is None:
            group = Unknown(key=key, kind=kind, value=value, platform=platform)
            if kind == "handle" and platform:
                group.hint = self.lk.workspace_handles.get((platform, value))
            group.suggestion = self._suggest(kind, value, platform)
            default = str(group.suggestion) if group.suggestion else SKIP
            group.choice = self._valid_choice(
                self.options.mapping.get(key, default), kind, platform
            )
            self.plan.unknowns[key] = group
        group.count += 1
        if len(group.rows) < 20:
            group.rows.append(row)
        return group.choice

    def _valid_choice(self, choice: str, kind: str, platform: str | None) -> str:
        if choice == SKIP:
            return SKIP
        if choice == CAMPAIGN_LEVEL:
            return choice if kind in ("utm_content", "ad") else SKIP
        target = self.lk.targets.get(int(choice)) if choice.isdigit() else None
        if target is None or (
            platform and kind in ("handle", "account", "post") and target.platform != platform
        ):
            return SKIP
        return choice

    def _suggest(self, kind: str, value: str, platform: str | None) -> int | None:
        """For an ad, the one participant its name mentions (by handle or first name)."""
        if kind != "ad":
            return None
        words = set(_fold(value).replace("-", " ").replace("_", " ").split())
        found = {
            t.id
            for t in self.lk.targets.values()
            if (t.handle and _fold(t.handle.lstrip("@")) in words)
            or (_fold(t.name).split() or [""])[0] in words
        }
        return found.pop() if len(found) == 1 else None

    # -- posts -----------------------------------------------------------------------------

    def posts(self, records: list[PostRecord]) -> None:
        # The hot loop of a million-row snapshot file: one dict lookup and one tuple-like
        # object per row, locals only. SnapshotInput is built positionally (its field order:
        # campaign_id, captured_on, source, values, participation_id, post_id, currency).
        find = self.lk.posts.get
        by_handle = self.lk.by_handle
        as_of = self.plan.as_of
        currency = self.currency
        append = self.plan.snapshots.append
        campaign_id = self.campaign.id
        source = self.source
        fills = self.fills_wanted
        snapshot = SnapshotInput
        for record in records:
            found = find(record.url_key)
            if found is not None:
                metrics = record.metrics
                if metrics:
                    append(
                        snapshot(
                            campaign_id,
                            record.captured_on or as_of,
                            source,
                            metrics,
                            found[1],
                            found[0],
                            (record.currency or currency) if "revenue" in metrics else None,
                        )
                    )
                if record.posted_at is not None or record.title or record.external_id:
                    fills.setdefault(found[0], record)
                continue
            participation_id = (
                by_handle.get((record.platform, record.handle)) if record.handle else None
            )
            if participation_id is None:
                participation_id = self._unknown_post(record)
                if participation_id is None:
                    continue
            self._new_post(record, participation_id)

    def _unknown_post(self, record: PostRecord) -> int | None:
        if record.handle:
            key, kind, value = f"handle:{record.platform}:{record.handle}", "handle", record.handle
        elif self.source in ACCOUNT_EXPORTS:
            key, kind, value = f"account:{record.platform}", "account", record.platform
        else:
            key, kind, value = f"post:{record.url_key}", "post", record.url
        choice = self._unknown(key, kind, value, record.platform, record.source_row)
        if choice == SKIP:
            self.plan.left_out.append(
                LeftOut(record.source_row, "url", "unmatched", {"what": value})
            )
            return None
        return int(choice)

    def _new_post(self, record: PostRecord, participation_id: int) -> None:
        new = self.new_by_key.get(record.url_key)
        if new is None:
            target = self.lk.targets[participation_id]
            if target.platform != record.platform:
                self.plan.rejected.append(
                    RowError(
                        record.source_row,
                        "url",
                        record.url,
                        f"this is a {record.platform} post but {target.name} takes part on "
                        f"{target.platform}",
                    )
                )
                return
            if len(record.url_key) > MAX_URL_KEY:
                self.plan.rejected.append(
                    RowError(record.source_row, "url", record.url[:200], "this link is too long")
                )
                return
            posted_at = self._aware(record.posted_at)
            within = posted_at is None or (
                self.campaign.start_date
                <= posted_at.astimezone(self.zone).date()
                <= self.campaign.end_date
            )
            default = within or self.source in DELIBERATE_EXPORTS
            new = NewPost(
                key=record.url_key,
                url=record.url,
                platform=record.platform,
                participation_id=participation_id,
                title=(record.title or "").strip()[:500],
                posted_at=posted_at,
                is_paid=bool(record.is_paid),
                external_id=record.external_id,
                row=record.source_row,
                within_dates=within,
                include=self.options.posts.get(record.url_key, default),
            )
            self.new_by_key[record.url_key] = new
            self.plan.new_posts.append(new)
        if not new.include:
            chosen = record.url_key in self.options.posts
            code = "post_not_included" if chosen or new.within_dates else "outside_dates"
            day = new.posted_at.astimezone(self.zone).date().isoformat() if new.posted_at else ""
            self.plan.left_out.append(
                LeftOut(record.source_row, "url", code, {"what": record.url, "day": day})
            )
            return
        if record.metrics:
            self.plan.pending.append(
                PendingSnapshot(
                    url_key=record.url_key,
                    participation_id=participation_id,
                    captured_on=record.captured_on or self.plan.as_of,
                    values=record.metrics,
                    revenue_currency=(record.currency or self.currency)
                    if "revenue" in record.metrics
                    else None,
                )
            )

    def _aware(self, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC)

    # -- scopes ----------------------------------------------------------------------------

    def scopes(self, records: list[ScopeRecord]) -> None:
        utm_totals: dict[tuple[int | None, date], dict[str, Any]] = {}
        for record in records:
            if record.level == CAMPAIGN:
                self._scope_snapshot(None, record.captured_on, record.metrics, record.currency)
            elif record.level == PARTICIPATION:
                self._participation_row(record)
            elif record.level == UTM:
                self._utm_row(record, utm_totals)
            elif record.level == AD:
                self._ad_row(record)
            elif record.level == ACCOUNT:
                self.plan.left_out.append(LeftOut(record.source_row, "", "account_level", {}))
        for (participation_id, day), metrics in utm_totals.items():
            self._scope_snapshot(participation_id, day, metrics, None)

    def _scope_snapshot(
        self,
        participation_id: int | None,
        day: date | None,
        metrics: dict[str, Any],
        currency: str | None,
    ) -> None:
        if not metrics:
            return
        self.plan.snapshots.append(
            SnapshotInput(
                campaign_id=self.campaign.id,
                captured_on=day or self.plan.as_of,
                source=self.source,
                values=metrics,
                participation_id=participation_id,
                revenue_currency=(currency or self.currency) if "revenue" in metrics else None,
            )
        )

    def _participation_row(self, record: ScopeRecord) -> None:
        platform, handle = record.keys.get("platform", ""), record.keys.get("handle", "")
        participation_id = self.lk.by_handle.get((platform, handle))
        if participation_id is None:
            choice = self._unknown(
                f"handle:{platform}:{handle}", "handle", handle, platform, record.source_row
            )
            if choice == SKIP:
                self.plan.left_out.append(
                    LeftOut(record.source_row, "handle", "unmatched", {"what": handle})
                )
                return
            participation_id = int(choice)
        self._scope_snapshot(participation_id, record.captured_on, record.metrics, record.currency)

    def _utm_row(
        self, record: ScopeRecord, totals: dict[tuple[int | None, date], dict[str, Any]]
    ) -> None:
        keys = record.keys
        tagged = keys.get("utm_campaign")
        content = keys.get("utm_content", "")
        by_link = self.lk.by_link_code.get(content.casefold()) if content else None
        if tagged is not None and tagged.casefold() != self.campaign.slug.casefold():
            self.plan.left_out.append(
                LeftOut(
                    record.source_row,
                    "utm_campaign",
                    "other_campaign",
                    {"what": tagged, "slug": self.campaign.slug},
                )
            )
            return
        if tagged is None and by_link is None:
            what = " / ".join(v for k, v in keys.items() if k.startswith("utm_")) or "—"
            self.plan.left_out.append(
                LeftOut(record.source_row, "utm_campaign", "untagged", {"what": what})
            )
            return
        target: int | None
        if by_link is not None:
            target = by_link
        elif content:
            choice = self._unknown(
                f"utm_content:{content.casefold()}", "utm_content", content, None, record.source_row
            )
            if choice == SKIP:
                self.plan.left_out.append(
                    LeftOut(record.source_row, "utm_content", "unmatched", {"what": content})
                )
                return
            target = None if choice == CAMPAIGN_LEVEL else int(choice)
        else:
            target = None  # the campaign's traffic, not tied to one creator
        day = record.captured_on or record.period_end or self.plan.as_of
        bucket = totals.setdefault((target, day), {})
        for metric, value in record.metrics.items():
            bucket[metric] = bucket.get(metric, 0) + value

    def _ad_row(self, record: ScopeRecord) -> None:
        names = record.keys
        name = (
            names.get("ad_name") or names.get("ad_group_name") or names.get("campaign_name") or "—"
        )
        if record.metrics:
            self.plan.ignored_ad_metrics = True
        if record.cost is None or record.cost <= 0:
            return
        choice = self._unknown(f"ad:{name}", "ad", name, None, record.source_row)
        self.plan.unknowns[f"ad:{name}"].amount += record.cost
        if choice == SKIP:
            self.plan.left_out.append(
                LeftOut(record.source_row, "ad_name", "unmatched", {"what": name})
            )
            return
        participation_id = None if choice == CAMPAIGN_LEVEL else int(choice)
        day = record.period_start or record.captured_on or self.plan.as_of
        identity = "\x1f".join(
            names.get(k, "") for k in ("campaign_name", "ad_group_name", "ad_name", "ad_id")
        )
        digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
        ref = f"tiktok_ads:{digest}:{day.isoformat()}"
        currency = record.currency or self.currency
        line = {
            "campaign_id": self.campaign.id,
            "participation_id": participation_id,
            "category": "paid_amplification",
            "amount": record.cost,
            "currency": currency,
            "incurred_on": day,
            "description": f"TikTok Ads: {name}"[:400],
            "external_ref": ref,
        }
        if ref in self.cost_refs:
            return  # the same ad and day twice in one report: the first row counts
        self.cost_refs.add(ref)
        existing = self.lk.costs.get(ref)
        if existing is None:
            self.plan.new_costs.append(line)
        elif (existing[1], existing[2], existing[3], existing[4]) == (
            record.cost,
            currency,
            participation_id,
            day,
        ):
            self.plan.unchanged_costs += 1
        else:
            self.plan.changed_costs.append({**line, "id": existing[0]})

    # -- orders ----------------------------------------------------------------------------

    def orders(self, records: list[OrderRecord]) -> None:
        start = datetime.combine(self.campaign.start_date, time(0), self.zone)
        now = datetime.now(UTC)
        seen = set(self.lk.orders)
        for order in records:
            at = self._aware(order.occurred_at) or datetime.combine(
                self.plan.as_of, time(12), self.zone
            ).astimezone(UTC)
            if not order.promo_codes:
                self.plan.left_out.append(
                    LeftOut(order.source_row, "discount_code", "no_code", {"what": order.order_id})
                )
                continue
            participation_id, code = None, order.promo_codes[0]
            for candidate in order.promo_codes:
                if candidate.casefold() in self.lk.by_code:
                    participation_id, code = self.lk.by_code[candidate.casefold()], candidate
                    break
            if participation_id is None:
                choice = self._unknown(f"promo:{code}", "promo", code, None, order.source_row)
                self.plan.unknowns[f"promo:{code}"].amount += order.amount
                if choice == SKIP:
                    self.plan.left_out.append(
                        LeftOut(order.source_row, "discount_code", "unmatched", {"what": code})
                    )
                    continue
                participation_id = int(choice)
            if at < start:
                self.plan.left_out.append(
                    LeftOut(
                        order.source_row, "created_at", "before_start", {"what": order.order_id}
                    )
                )
                continue
            if at > now + FUTURE_TOLERANCE:
                self.plan.rejected.append(
                    RowError(
                        order.source_row,
                        "created_at",
                        at.date().isoformat(),
                        "the order is dated in the future",
                    )
                )
                continue
            if len(order.order_id) > MAX_ORDER_ID:
                self.plan.rejected.append(
                    RowError(
                        order.source_row,
                        "order",
                        order.order_id[:200],
                        f"an order id has at most {MAX_ORDER_ID} characters",
                    )
                )
                continue
            if order.order_id in seen:
                self.plan.duplicate_orders += 1
                continue
            seen.add(order.order_id)
            self.plan.conversions.append(
                {
                    "campaign_id": self.campaign.id,
                    "participation_id": participation_id,
                    "order_id": order.order_id,
                    "amount": order.amount,
                    "currency": order.currency or self.currency,
                    "occurred_at": at,
                    "attributed_by": "promo_code",
                    "promo_code": code[:40],
                    "click_id": None,
                    "source": self.source,
                }
            )


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, for matching names written by hand (Léa ~ lea)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def build_plan(
    session: Session,
    campaign: Campaign,
    result: ParseResult,
    options: Options,
    *,
    count_snapshots: bool = True,
) -> ImportPlan:
    """Match every record of a parsed file to the campaign and plan the writes (none made)."""
    lookups = load_lookups(session, campaign)
    planner = _Planner(result, lookups, options)
    records = result.records
    planner.posts([r for r in records if isinstance(r, PostRecord)])
    planner.scopes([r for r in records if isinstance(r, ScopeRecord)])
    planner.orders([r for r in records if isinstance(r, OrderRecord)])
    plan = planner.plan
    plan.post_fills = _post_fills(session, planner.fills_wanted, planner.zone)
    if plan.ignored_ad_metrics:
        plan.warnings.append(
            "The report's impressions, views, clicks and conversions are not stored: a Spark "
            "Ad's views and likes are counted on the boosted post itself, and sales come from "
            "the shop's orders. Its Cost becomes paid-amplification cost lines."
        )
    if (plan.new_costs or plan.changed_costs) and lookups.hand_paid_costs:
        plan.warnings.append(
            f"The campaign already has {lookups.hand_paid_costs} paid-amplification cost "
            "line(s) entered by hand: make sure they do not cover the same ad spend."
        )
    if count_snapshots and plan.snapshots:
        plan.snapshot_counts = plan_snapshots(session, plan.snapshots)[0]
    return plan


def _post_fills(
    session: Session, wanted: dict[int, PostRecord], zone: ZoneInfo
) -> dict[int, dict[str, Any]]:
    """Blank fields of existing posts the file can fill in (posted_at, title, external id)."""
    if not wanted:
        return {}
    fills: dict[int, dict[str, Any]] = {}
    ids = list(wanted)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for post_id, posted_at, title, external_id in session.exec(
            select(Post.id, Post.posted_at, Post.title, Post.external_id).where(Post.id.in_(chunk))
        ).all():
            record = wanted[post_id]
            values: dict[str, Any] = {}
            if posted_at is None and record.posted_at is not None:
                moment = record.posted_at
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=zone)
                values["posted_at"] = moment.astimezone(UTC)
            if not title and record.title:
                values["title"] = record.title.strip()[:500]
            if external_id is None and record.external_id:
                values["external_id"] = record.external_id[:64]
            if values:
                fills[post_id] = values
    return fills


def N_(message: str) -> str:
    """Mark a message for translation; it is translated where it is shown."""
    return message


# Why rows are left out, by LeftOut.code (``what`` and ``slug`` are filled in).
LEFT_OUT_REASONS: dict[str, str] = {
    "unmatched": N_("“%(what)s” matches nobody in the campaign and was not mapped."),
    "post_not_included": N_("A new post you chose not to import."),
    "outside_dates": N_("A post published on %(day)s, outside the campaign's dates."),
    "account_level": N_(
        "Account-level daily figures cover all of the creator's videos, not only the "
        "campaign's: not imported."
    ),
    "other_campaign": N_("utm_campaign “%(what)s” is not this campaign (%(slug)s)."),
    "untagged": N_("No utm_campaign and no known utm_content (%(what)s)."),
    "no_code": N_("Order %(what)s has no discount code, so it cannot be attributed."),
    "before_start": N_("Order %(what)s was placed before the campaign started."),
}


def describe(code: str, params: dict[str, str]) -> str:
    """The reason a row was left out: in the user's language on a page, in English in a shell."""
    message = LEFT_OUT_REASONS.get(code)
    if message is None:
        return code
    if has_request_context():
        message = gettext(message)
    return message % {"what": "", "slug": "", "day": "", **params}


def group_left_out(left_out: list[LeftOut]) -> dict[str, list[LeftOut]]:
    grouped: dict[str, list[LeftOut]] = defaultdict(list)
    for item in left_out:
        grouped[item.code].append(item)
    return dict(grouped)
