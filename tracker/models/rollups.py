"""Result rollups, kept up to date by every snapshot write (tracker/results/rollups.py).

KPI.md's "latest snapshot that carries the metric" needs a scope's whole history; these
tables hold its answer so a dashboard reads one row per post instead of every snapshot.
They are derived data: `tracker db rebuild-rollups` recomputes them from the snapshots.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from ..kpi import COUNT_KEYS
from .base import BigId, ExactDecimal


def _count() -> int | None:
    return Field(default=None, sa_type=BigInteger)


class SnapshotCurrent(SQLModel, table=True):
    """Each scope's as-of values today: per metric, the latest value a snapshot carries.

    Revenue keeps its own currency and the day it was captured, because it is converted to
    the campaign's currency at that day's rate when read (the campaign's currency and the
    rates may change after the write).
    """

    __tablename__ = "snapshot_current"
    __table_args__ = (
        Index(
            "uq_snapshot_current_post",
            "post_id",
            unique=True,
            sqlite_where=text("post_id IS NOT NULL"),
            postgresql_where=text("post_id IS NOT NULL"),
        ),
        Index(
            "uq_snapshot_current_participation",
            "participation_id",
            unique=True,
            sqlite_where=text("post_id IS NULL AND participation_id IS NOT NULL"),
            postgresql_where=text("post_id IS NULL AND participation_id IS NOT NULL"),
        ),
        Index(
            "uq_snapshot_current_campaign",
            "campaign_id",
            unique=True,
            sqlite_where=text("post_id IS NULL AND participation_id IS NULL"),
            postgresql_where=text("post_id IS NULL AND participation_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    participation_id: int | None = Field(
        default=None, foreign_key="participation.id", ondelete="CASCADE"
    )
    post_id: int | None = Field(default=None, foreign_key="post.id", ondelete="CASCADE")
    # The scope's last capture day: a new snapshot on or after it only moves values forward.
    last_captured_on: date

    views: int | None = _count()
    reach: int | None = _count()
    impressions: int | None = _count()
    likes: int | None = _count()
    comments: int | None = _count()
    shares: int | None = _count()
    saves: int | None = _count()
    watch_time_s: int | None = _count()
    completed_views: int | None = _count()
    profile_views: int | None = _count()
    followers_gained: int | None = _count()
    hashtag_uses: int | None = _count()
    link_clicks: int | None = _count()
    sessions: int | None = _count()
    conversions: int | None = _count()
    revenue: Decimal | None = Field(default=None, sa_type=ExactDecimal(18, 4))
    revenue_currency: str | None = Field(default=None, max_length=3)
    revenue_on: date | None = None
    sentiment_pos: int | None = _count()
    sentiment_neu: int | None = _count()
    sentiment_neg: int | None = _count()

    # First day an imported value covers the metrics the tracker also records itself: from
    # then on, recorded clicks and conversions no longer count for the scope (KPI.md).
    link_clicks_since: date | None = None
    conversions_since: date | None = None
    revenue_since: date | None = None


class SnapshotDay(SQLModel, table=True):
    """How a campaign's as-of totals changed on each day, per count metric.

    The total of a metric on day D is the sum of its changes up to D; a NULL change means
    no scope carried the metric that day (a metric no scope has carried yet stays unknown).
    """

    __tablename__ = "snapshot_day"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(primary_key=True)

    views: int | None = _count()
    reach: int | None = _count()
    impressions: int | None = _count()
    likes: int | None = _count()
    comments: int | None = _count()
    shares: int | None = _count()
    saves: int | None = _count()
    watch_time_s: int | None = _count()
    completed_views: int | None = _count()
    profile_views: int | None = _count()
    followers_gained: int | None = _count()
    hashtag_uses: int | None = _count()
    link_clicks: int | None = _count()
    sessions: int | None = _count()
    conversions: int | None = _count()
    sentiment_pos: int | None = _count()
    sentiment_neu: int | None = _count()
    sentiment_neg: int | None = _count()


class SnapshotDayRevenue(SQLModel, table=True):
    """Changes of a campaign's as-of revenue on each day, by currency and rate day.

    A scope's revenue moving from 100 USD captured on the 3rd to 150 USD captured on the 9th
    is +150 USD at the 9th's rate and -100 USD at the 3rd's rate, both on the 9th, so the
    series converts exactly as the campaign total does.
    """

    __tablename__ = "snapshot_day_revenue"
    __table_args__ = (UniqueConstraint("campaign_id", "day", "currency", "rate_on"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    day: date
    currency: str = Field(max_length=3)
    rate_on: date
    amount: Decimal = Field(sa_type=ExactDecimal(18, 4))


assert set(COUNT_KEYS) <= set(SnapshotDay.model_fields), "a count metric lacks a day column"
