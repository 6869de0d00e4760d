"""The dashboard's tables as export Tables: the same rows, in the same order, as on the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlmodel import Session, select

from .. import kpi
from ..analytics import ParticipationRow, TierComparison, TierRow
from ..exports import Column, Table
from ..labels import label
from ..models import Campaign, Influencer, Participation, Post, Snapshot


def influencer_table(rows: list[ParticipationRow], currency: str) -> Table:
    """The per-influencer table (direct costs only), one row per participation."""
    columns = [
        Column(_("Influencer")),
        Column(_("Handle")),
        Column(_("Platform")),
        Column(_("Tier")),
        Column(_("Tier override")),
        Column(_("Followers at join"), "int"),
        Column(_("Promo code")),
        Column(_("Posts published"), "int"),
        Column(_("Posts contracted"), "int"),
        Column(_("Deliverables"), "percent"),
        Column(_("Direct cost"), "money", currency),
        Column(label("metric", "views"), "int"),
        Column(label("metric", "likes"), "int"),
        Column(label("metric", "comments"), "int"),
        Column(label("metric", "shares"), "int"),
        Column(label("metric", "saves"), "int"),
        Column(_("Engagements"), "int"),
        Column(_("Engagement rate"), "percent"),
        Column(_("ER by followers"), "percent"),
        Column("CPM", "money", currency),
        Column("CPE", "money", currency),
        Column(label("metric", "link_clicks"), "int"),
        Column(_("Tracked clicks"), "int"),
        Column(_("Unique clicks"), "int"),
        Column("CPC", "money", currency),
        Column(label("metric", "conversions"), "int"),
        Column(label("metric", "revenue"), "money", currency),
        Column("CPA", "money", currency),
        Column("ROAS", "ratio", ":1"),
    ]
    body = [
        [
            r.influencer,
            r.handle,
            label("platform", r.platform),
            label("tier", r.tier),
            _("yes") if r.tier_overridden else "",
            r.followers_at_join,
            r.promo_code,
            r.posts_published,
            r.deliverables,
            r.delivery,
            r.direct_cost,
            r.totals["views"],
            r.totals["likes"],
            r.totals["comments"],
            r.totals["shares"],
            r.totals["saves"],
            r.kpis["engagements"],
            r.kpis["engagement_rate"],
            r.er_by_followers,
            r.kpis["cpm"],
            r.kpis["cpe"],
            r.totals["link_clicks"],
            r.clicks_recorded,
            r.unique_clicks,
            r.kpis["cpc"],
            r.totals["conversions"],
            r.totals["revenue"],
            r.kpis["cpa"],
            r.kpis["roas"],
        ]
        for r in rows
    ]
    return Table(_("Influencers"), columns, body)


TIER_KPIS = (
    ("engagement_rate", "percent"),
    ("cpm", "money"),
    ("cpe", "money"),
    ("cpc", "money"),
    ("cpa", "money"),
    ("roas", "ratio"),
)
KPI_NAMES = {"cpm": "CPM", "cpe": "CPE", "cpc": "CPC", "cpa": "CPA", "roas": "ROAS"}


def kpi_name(key: str) -> str:
    return KPI_NAMES.get(key) or _("Engagement rate")


@dataclass(frozen=True)
class TierLine:
    """One line of the tier page's table (tiers are its columns)."""

    id: str
    key: str
    kind: str  # "count", "money", "rate" or "ratio", as the dashboard's fig() macro reads it
    median: bool = False

    @property
    def title(self) -> str:
        if self.key == "influencers":
            return _("Influencers (n)")
        if self.key == "posts":
            return _("Posts")
        if self.key == "direct_cost":
            return _("Direct cost")
        name = label("metric", self.key) if self.key in kpi.METRIC_KEYS else kpi_name(self.key)
        return _("%(kpi)s — median", kpi=name) if self.median else name


TIER_LINES = (
    TierLine("influencers", "influencers", "count"),
    TierLine("posts", "posts", "count"),
    TierLine("direct_cost", "direct_cost", "money"),
    TierLine("views", "views", "count"),
    *(
        line
        for key, kind in TIER_KPIS
        for line in (
            TierLine(key, key, "rate" if kind == "percent" else kind),
            TierLine(f"{key}_median", key, "rate" if kind == "percent" else kind, median=True),
        )
    ),
)


def tier_value(row: TierRow, line: TierLine) -> int | Decimal | None:
    """The figure of one tier on one line of the table."""
    if line.median:
        return row.medians[line.key]
    if line.key in ("influencers", "posts", "direct_cost"):
        return getattr(row, line.key)
    if line.key in row.kpis:
        return row.kpis[line.key]
    return row.totals.get(line.key)


def tier_table(comparison: TierComparison) -> Table:
    """One row per tier: the n behind it, pooled KPIs and per-influencer medians."""
    ccy = comparison.currency
    columns = [
        Column(_("Tier")),
        Column(_("Followers from"), "int"),
        Column(_("Followers to"), "int"),
        Column(_("Influencers"), "int"),
        Column(_("Participations"), "int"),
        Column(_("Posts"), "int"),
        Column(_("Direct cost"), "money", ccy),
        Column(label("metric", "views"), "int"),
        Column(_("Engagements"), "int"),
    ]
    for key, kind in TIER_KPIS:
        unit = ccy if kind == "money" else (":1" if kind == "ratio" else None)
        columns.append(Column(kpi_name(key), kind, unit))
        columns.append(Column(_("%(kpi)s — median", kpi=kpi_name(key)), kind, unit))
    body = []
    for row in comparison.rows:
        line = [
            label("tier", row.tier),
            row.min_followers,
            row.max_followers,
            row.influencers,
            row.participations,
            row.posts,
            row.direct_cost,
            row.totals.get("views"),
            row.kpis["engagements"],
        ]
        for key, _kind in TIER_KPIS:
            line += [row.kpis[key], row.medians[key]]
        body.append(line)
    return Table(_("Tiers"), columns, body)


SNAPSHOT_HEADERS = (
    "captured_on",
    "source",
    "scope",
    "influencer",
    "platform",
    "post_url",
    "post_title",
    "is_paid",
    "recorded_at_utc",
)


def snapshot_table(session: Session, campaign: Campaign, *, as_of: date | None = None) -> Table:
    """Every snapshot of the campaign as recorded, oldest first, with canonical metric keys."""
    query = (
        select(
            Snapshot, Post.url, Post.title, Post.is_paid, Influencer.name, Participation.platform
        )
        .outerjoin(Post, Post.id == Snapshot.post_id)
        .outerjoin(Participation, Participation.id == Snapshot.participation_id)
        .outerjoin(Influencer, Influencer.id == Participation.influencer_id)
        .where(Snapshot.campaign_id == campaign.id)
        .order_by(Snapshot.captured_on, Snapshot.recorded_at, Snapshot.id)
    )
    if as_of is not None:
        query = query.where(Snapshot.captured_on <= as_of)
    kinds = ["date", "text", "text", "text", "text", "text", "text", "text", "datetime"]
    columns = [Column(h, k) for h, k in zip(SNAPSHOT_HEADERS, kinds, strict=True)]
    columns += [
        Column(key, "decimal" if key in kpi.MONEY_KEYS else "int") for key in kpi.METRIC_KEYS
    ]
    columns.append(Column("revenue_currency"))
    body = []
    for snap, url, title, is_paid, influencer, platform in session.exec(query).all():
        scope = (
            "post" if snap.post_id else ("participation" if snap.participation_id else "campaign")
        )
        body.append(
            [
                snap.captured_on,
                snap.source,
                scope,
                influencer,
                platform,
                url,
                title,
                None if is_paid is None else ("paid" if is_paid else "organic"),
                snap.recorded_at,
                *(getattr(snap, key) for key in kpi.METRIC_KEYS),
                snap.revenue_currency,
            ]
        )
    return Table("snapshots", columns, body)
