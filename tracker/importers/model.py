"""The normalised records every importer returns, whatever the platform.

The lead's matching and commit code reads only these types, so each format
module is free to read its file however it must. Metrics use the canonical
keys of KPI.md and hold only what the file actually has: a missing column or
an empty cell leaves the key out, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ..kpi import METRIC_KEYS, MONEY_KEYS
from .errors import RowError

Metric = int | Decimal
PLATFORMS = ("tiktok", "instagram", "youtube")

# ScopeRecord.level values.
CAMPAIGN = "campaign"  # the whole tracker campaign (e.g. hashtag uses)
PARTICIPATION = "participation"  # one creator's handle on one platform
ACCOUNT = "account"  # a creator's whole account, day by day (TikTok Overview)
UTM = "utm"  # a GA4 row keyed by utm_source / utm_medium / utm_campaign / utm_content
AD = "ad"  # an Ads Manager row keyed by campaign / ad group / ad name


def _check_metrics(metrics: dict[str, Metric]) -> None:
    for key, value in metrics.items():
        if key not in METRIC_KEYS:
            raise ValueError(f"{key!r} is not a canonical metric key")
        expected = Decimal if key in MONEY_KEYS else int
        if not isinstance(value, expected) or isinstance(value, bool):
            raise TypeError(f"metric {key!r} must be {expected.__name__}, got {value!r}")


@dataclass
class PostRecord:
    """A snapshot of one post's running totals, as found in one file row."""

    platform: str
    url: str
    url_key: str
    handle: str | None = None
    external_id: str | None = None
    title: str = ""
    posted_at: datetime | None = None
    # True when the file's post date had no year and it was recovered (TikTok video id).
    posted_at_inferred: bool = False
    # None when the file does not say when the totals were read: use the import day.
    captured_on: date | None = None
    is_paid: bool | None = None
    metrics: dict[str, Metric] = field(default_factory=dict)
    # ISO 4217 code of the money metrics (revenue), when the file states it.
    currency: str | None = None
    source_row: int = 0

    def __post_init__(self) -> None:
        _check_metrics(self.metrics)


@dataclass
class ScopeRecord:
    """Metrics of something larger than a post: a campaign, a UTM row, an ad, an account day.

    ``keys`` says what the row is about (``{"utm_campaign": "printemps", ...}``,
    ``{"ad_name": "Spark - Léa", ...}``); the metrics cover
    ``period_start``..``period_end`` inclusive (one day for daily rows).
    """

    level: str
    keys: dict[str, str]
    period_start: date | None = None
    period_end: date | None = None
    captured_on: date | None = None
    metrics: dict[str, Metric] = field(default_factory=dict)
    # Money spent (Ads Manager); in ``currency`` like the revenue.
    cost: Decimal | None = None
    currency: str | None = None
    is_paid: bool | None = None
    # True when the file's dates had no year and the year was worked out.
    dates_inferred: bool = False
    source_row: int = 0

    def __post_init__(self) -> None:
        if self.level not in (CAMPAIGN, PARTICIPATION, ACCOUNT, UTM, AD):
            raise ValueError(f"unknown scope level {self.level!r}")
        _check_metrics(self.metrics)


@dataclass
class OrderRecord:
    """One shop order, with the amount that counts as revenue (see docs/import-formats.md)."""

    order_id: str
    occurred_at: datetime | None
    amount: Decimal
    currency: str | None
    promo_codes: list[str] = field(default_factory=list)
    status: str = ""
    source_row: int = 0


Record = PostRecord | ScopeRecord | OrderRecord


@dataclass
class ParseResult:
    """Everything one file gave: records, the rows that failed, and what to tell the user.

    Rows with an error produce no record, so a caller that commits only when
    ``row_errors`` is empty never writes half a file.
    """

    format: str
    records: list[Record] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0
    period_start: date | None = None
    period_end: date | None = None
    revenue_currency: str | None = None

    @property
    def posts(self) -> list[PostRecord]:
        return [r for r in self.records if isinstance(r, PostRecord)]

    @property
    def scopes(self) -> list[ScopeRecord]:
        return [r for r in self.records if isinstance(r, ScopeRecord)]

    @property
    def orders(self) -> list[OrderRecord]:
        return [r for r in self.records if isinstance(r, OrderRecord)]


def single_currency(codes: list[str | None]) -> str | None:
    """Return the one currency all records share, or None when there are none or several."""
    found = {code for code in codes if code}
    return found.pop() if len(found) == 1 else None
