"""Tracked results: posts, metric snapshots over time, and the events the tracker records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from ..kpi import COUNT_KEYS
from .base import PLATFORMS, BigId, ExactDecimal, currency_check, non_negative, one_of, utcnow


class Post(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("campaign_id", "url_key"),
        one_of("platform", PLATFORMS, "platform"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    participation_id: int = Field(foreign_key="participation.id", index=True, ondelete="CASCADE")
    platform: str = Field(max_length=16)
    url: str = Field(max_length=2000)
    url_key: str = Field(max_length=400)
    external_id: str | None = Field(default=None, max_length=64)
    title: str = Field(default="", max_length=500)
    posted_at: datetime | None = None
    is_paid: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


def _count_column() -> int | None:
    return Field(default=None, sa_type=BigInteger)


_SNAPSHOT_SCOPE_INDEXES = (
    # Three scopes, three partial unique indexes: NULLs are distinct in a plain unique key.
    Index(
        "uq_snapshot_post_day_source",
        "post_id",
        "captured_on",
        "source",
        unique=True,
        sqlite_where=text("post_id IS NOT NULL"),
        postgresql_where=text("post_id IS NOT NULL"),
    ),
    Index(
        "uq_snapshot_participation_day_source",
        "participation_id",
        "captured_on",
        "source",
        unique=True,
        sqlite_where=text("post_id IS NULL AND participation_id IS NOT NULL"),
        postgresql_where=text("post_id IS NULL AND participation_id IS NOT NULL"),
    ),
    Index(
        "uq_snapshot_campaign_day_source",
        "campaign_id",
        "captured_on",
        "source",
        unique=True,
        sqlite_where=text("post_id IS NULL AND participation_id IS NULL"),
        postgresql_where=text("post_id IS NULL AND participation_id IS NULL"),
    ),
)


class Snapshot(SQLModel, table=True):
    """Running totals of a post, a participation or a campaign on `captured_on`, from `source`.

    A NULL metric means "this source does not carry it", never zero (KPI.md).
    """

    __table_args__ = (
        *_SNAPSHOT_SCOPE_INDEXES,
        # Source before day: a campaign's sources with their first and last days (the data
        # sources of a page or recap) are read from this index alone, never the table.
        Index("ix_snapshot_campaign_source_day", "campaign_id", "source", "captured_on"),
        CheckConstraint(
            "post_id IS NULL OR participation_id IS NOT NULL", name="post_has_participation"
        ),
        *(non_negative(key) for key in COUNT_KEYS),
        non_negative("revenue", money=True),
        currency_check("revenue_currency", "revenue_currency", nullable=True),
        CheckConstraint(
            "revenue IS NULL OR revenue_currency IS NOT NULL", name="revenue_has_currency"
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    participation_id: int | None = Field(
        default=None, foreign_key="participation.id", ondelete="CASCADE"
    )
    post_id: int | None = Field(default=None, foreign_key="post.id", ondelete="CASCADE")
    captured_on: date
    source: str = Field(max_length=32)
    recorded_at: datetime = Field(default_factory=utcnow)
    import_id: int | None = Field(default=None, foreign_key="import_batch.id", ondelete="SET NULL")

    views: int | None = _count_column()
    reach: int | None = _count_column()
    impressions: int | None = _count_column()
    likes: int | None = _count_column()
    comments: int | None = _count_column()
    shares: int | None = _count_column()
    saves: int | None = _count_column()
    watch_time_s: int | None = _count_column()
    completed_views: int | None = _count_column()
    profile_views: int | None = _count_column()
    followers_gained: int | None = _count_column()
    hashtag_uses: int | None = _count_column()
    link_clicks: int | None = _count_column()
    sessions: int | None = _count_column()
    conversions: int | None = _count_column()
    revenue: Decimal | None = Field(default=None, sa_type=ExactDecimal(18, 4))
    revenue_currency: str | None = Field(default=None, max_length=3)
    sentiment_pos: int | None = _count_column()
    sentiment_neu: int | None = _count_column()
    sentiment_neg: int | None = _count_column()


class ImportBatch(SQLModel, table=True):
    """One uploaded file: previewed first, committed whole or not at all.

    `options` (JSON) holds the user's choices (format, "data as of" day, currency, how unknown
    rows map); `summary` (JSON) what the preview found, then what the commit wrote.
    """

    __tablename__ = "import_batch"
    __table_args__ = (one_of("status", ("previewed", "committed", "failed"), "status"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    filename: str = Field(max_length=255)
    format: str = Field(max_length=32)
    sha256: str = Field(max_length=64)
    status: str = Field(default="previewed", max_length=16)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)
    committed_at: datetime | None = None
    options: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    size_bytes: int = Field(default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"})
    rows_read: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The day figures are dated when the file does not say (default: the day of the upload).
    captured_on: date | None = None
    # The job committing a large file (tracker/jobs); not a foreign key, jobs live elsewhere.
    job_id: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ImportFile(SQLModel, table=True):
    """The uploaded bytes of a batch still to commit, kept in the database (not on one server's
    disk) so any app server or worker can commit it; deleted once the batch is committed."""

    __tablename__ = "import_file"

    import_id: int = Field(foreign_key="import_batch.id", primary_key=True, ondelete="CASCADE")
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # JSON: what the preview's first pass over the bytes learned (generic.Survey.stored), so
    # the commit reads a large file once, not twice; empty when it could not be kept.
    survey: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Click(SQLModel, table=True):
    """A redirect through a tracked link; bots and prefetchers are kept apart, not counted."""

    __table_args__ = (
        Index("ix_click_participation_day", "participation_id", "day"),
        one_of("ua_class", ("browser", "bot", "prefetch"), "ua_class"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    participation_id: int = Field(foreign_key="participation.id", ondelete="CASCADE")
    clicked_at: datetime = Field(default_factory=utcnow)
    day: date
    visitor_hash: str = Field(max_length=64)
    ua_class: str = Field(default="browser", max_length=16)


class Conversion(SQLModel, table=True):
    """An order or sign-up reported by the shop or imported from its export; one per order id."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "order_id"),
        non_negative("amount", money=True),
        currency_check("currency", "currency"),
        one_of("attributed_by", ("promo_code", "click", "none"), "attributed_by"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    participation_id: int | None = Field(
        default=None, foreign_key="participation.id", index=True, ondelete="SET NULL"
    )
    order_id: str = Field(max_length=80)
    amount: Decimal = Field(sa_type=ExactDecimal(18, 4))
    currency: str = Field(max_length=3)
    occurred_at: datetime
    attributed_by: str = Field(default="none", max_length=16)
    promo_code: str | None = Field(default=None, max_length=40)
    click_id: int | None = Field(default=None, foreign_key="click.id", ondelete="SET NULL")
    source: str = Field(default="endpoint", max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
