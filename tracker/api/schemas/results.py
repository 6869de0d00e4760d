from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, create_model

from ...kpi import METRIC_KEYS, MONEY_KEYS
from ...models import Post, Snapshot
from .campaigns import Url
from .common import (
    Count,
    Currency,
    Day,
    Id,
    Input,
    ListQuery,
    Money,
    MoneyIn,
    Page,
    Schema,
    UtcDateTime,
    text,
)

Source = Annotated[
    str,
    StringConstraints(max_length=32, pattern=r"^[a-z0-9][a-z0-9_.-]{0,31}$"),
    Field(description="Where the figures come from, e.g. manual, tiktok_studio, api."),
]

# One optional field per KPI.md metric key, built from kpi.METRIC_KEYS so the API always
# carries exactly the canonical keys. A missing or null metric means "this source does not
# carry it", never zero.
MetricsIn = create_model(
    "MetricsIn",
    __base__=Input,
    __doc__="Running totals on the capture day; leave out what the source does not report.",
    **{key: ((MoneyIn if key in MONEY_KEYS else Count) | None, None) for key in METRIC_KEYS},
)
Metrics = create_model(
    "Metrics",
    __base__=Schema,
    __doc__="One value per KPI.md metric key; null when unknown. revenue is money.",
    **{key: ((Money if key in MONEY_KEYS else int) | None, None) for key in METRIC_KEYS},
)


def metrics_of(values: Any) -> Any:
    """Metrics from anything holding the metric keys (a Snapshot row or a totals dict)."""
    get = values.get if isinstance(values, dict) else lambda k: getattr(values, k)
    return Metrics(**{key: get(key) for key in METRIC_KEYS})


class PostCreate(Input):
    participation_id: Id
    url: Url
    posted_at: UtcDateTime | None = Field(None, description="ISO 8601; without an offset, UTC.")
    is_paid: bool = Field(False, description="Boosted / paid amplification.")
    title: text(500) = ""
    external_id: text(64) | None = None


class PostPublic(Schema):
    id: int
    campaign_id: int
    participation_id: int
    platform: str
    url: str
    title: str
    posted_at: datetime | None
    is_paid: bool
    external_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, post: Post) -> PostPublic:
        return cls.model_validate(post, from_attributes=True)


class PostListQuery(ListQuery):
    participation_id: Id | None = None


class SnapshotIn(Input):
    """Running totals of a post (post_id), an influencer (participation_id only) or the
    campaign (neither) on `captured_on`, from `source`.

    Same scope, day and source as an earlier snapshot: this one replaces it; the same values
    again change nothing; another source or day adds to the history (KPI.md).
    """

    captured_on: Day
    source: Source = "api"
    post_id: Id | None = None
    participation_id: Id | None = None
    metrics: MetricsIn
    revenue_currency: Currency | None = Field(
        None, description="Currency of metrics.revenue; default: the campaign currency."
    )


class SnapshotBulk(Input):
    snapshots: Annotated[list[SnapshotIn], Field(min_length=1, max_length=5000)]


class SnapshotWriteResult(Schema):
    created: int
    updated: int
    unchanged: int


class SnapshotPublic(Schema):
    id: int
    campaign_id: int
    participation_id: int | None
    post_id: int | None
    captured_on: date
    source: str
    recorded_at: datetime
    import_id: int | None
    metrics: Metrics
    revenue_currency: str | None

    @classmethod
    def of(cls, row: Snapshot) -> SnapshotPublic:
        values = row.model_dump(include=set(cls.model_fields) - {"metrics"})
        return cls.model_validate({**values, "metrics": metrics_of(row)})


class SnapshotListQuery(ListQuery):
    post_id: Id | None = None
    participation_id: Id | None = None
    source: Source | None = None
    date_from: date | None = None
    date_to: date | None = None


class PostPage(Page[PostPublic]):
    """A page of posts."""


class SnapshotPage(Page[SnapshotPublic]):
    """A page of snapshots."""
