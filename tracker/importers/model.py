"""The normalised records every importer returns, whatever the platform.

The lead's matching and commit code reads only these types, so each format
module is free to read its file however it must. Metrics use the canonical
keys of KPI.md and hold only what the file actually has: a missing column or
an empty cell leaves the key out, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ..kpi import METRIC_KEYS, MONEY_KEYS
from .errors import RowError
from .urls import PostLink

Metric = int | Decimal
PLATFORMS = ("tiktok", "instagram", "youtube")

# ScopeRecord.level values.
CAMPAIGN = "campaign"  # the whole tracker campaign (e.g. hashtag uses)
PARTICIPATION = "participation"  # one creator's handle on one platform
ACCOUNT = "account"  # a creator's whole account, day by day (TikTok Overview)
UTM = "utm"  # a GA4 row keyed by utm_source / utm_medium / utm_campaign / utm_content
AD = "ad"  # an Ads Manager row keyed by campaign / ad group / ad name


_METRIC_TYPES = {key: Decimal if key in MONEY_KEYS else int for key in METRIC_KEYS}


def check_metrics(metrics: dict[str, Metric]) -> None:
    """Catch a parser bug early: an unknown key, a float, a bool or a money count.

    ``columns.ColumnReader.metrics`` builds metrics typed by column, so records do not run
    this per row (it was a tenth of a million-row import); a parser that writes metrics by
    hand calls it.
    """
    for key, value in metrics.items():
        expected = _METRIC_TYPES.get(key)
        if expected is None:
            raise ValueError(f"{key!r} is not a canonical metric key")
        if type(value) is not expected:
            raise TypeError(f"metric {key!r} must be {expected.__name__}, got {value!r}")


@dataclass(slots=True)
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
    # True when the file gives the day only (YouTube): posted_at is midnight, so
    # "best time to post" must leave the post out.
    posted_date_only: bool = False
    # None when the file does not say when the totals were read: use the import day.
    captured_on: date | None = None
    is_paid: bool | None = None
    metrics: dict[str, Metric] = field(default_factory=dict)
    # ISO 4217 code of the money metrics (revenue), when the file states it.
    currency: str | None = None
    source_row: int = 0

    def __post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise ValueError(f"unknown platform {self.platform!r}")


@dataclass(slots=True)
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


@dataclass(slots=True)
class OrderRecord:
    """One shop order, with the amount that counts as revenue (see docs/import-formats.md)."""

    order_id: str
    occurred_at: datetime | None
    amount: Decimal
    currency: str | None
    promo_codes: list[str] = field(default_factory=list)
    status: str = ""
    source_row: int = 0


def promo_codes(cell: str) -> list[str]:
    """Split a cell of comma-separated codes; codes compare case-insensitively, so upper-case them."""
    codes = [code.strip().upper() for code in cell.split(",")]
    return list(dict.fromkeys(code for code in codes if code))


@dataclass(slots=True)
class PostColumns:
    """Rows of post snapshots as columns: a part of the tracker's CSV that holds nothing
    but post links, capture days and counts, every cell valid (``generic.parse_parts``).

    A million-row file is mostly such parts; they go to the database as columns, without
    a record per row. ``links`` reads each distinct URL once.
    """

    url: list[str]
    links: dict[str, PostLink]
    captured_on: list[date]
    metrics: dict[str, list[int | None]]  # count key → one value per row (None: empty cell)
    source_row: list[int]

    def __len__(self) -> int:
        return len(self.url)

    def records(self, rows: Iterable[int] | None = None) -> list[PostRecord]:
        """The same rows as records (all, or these positions), for the row-by-row path."""
        positions = range(len(self.url)) if rows is None else rows
        out = []
        for i in positions:
            link = self.links[self.url[i]]
            metrics = {k: v[i] for k, v in self.metrics.items() if v[i] is not None}
            out.append(
                PostRecord(
                    link.platform,
                    self.url[i],
                    link.url_key,
                    handle=link.handle,
                    captured_on=self.captured_on[i],
                    metrics=metrics,
                    source_row=self.source_row[i],
                )
            )
        return out


Record = PostRecord | ScopeRecord | OrderRecord


@dataclass(slots=True)
class ParseResult:
    """Everything one file gave: records, the rows that failed, and what to tell the user.

    Rows with an error produce no record, so a caller that commits only when
    ``row_errors`` is empty never writes half a file.
    """

    format: str
    records: list[Record] = field(default_factory=list)
    # A part of the tracker's CSV read as columns instead of records (parse_parts only).
    columns: PostColumns | None = None
    row_errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0
    period_start: date | None = None
    period_end: date | None = None
    revenue_currency: str | None = None

    def include_period(self, days: Iterable[date]) -> None:
        """Widen the file's period to cover these days."""
        known = [d for d in (self.period_start, self.period_end, *days) if d is not None]
        if known:
            self.period_start, self.period_end = min(known), max(known)

    def note_orders_left_out(self, left_out: list[str]) -> None:
        """Tell the user which orders were not counted, and why (a few, then "…")."""
        if left_out:
            shown = ", ".join(left_out[:10]) + (", …" if len(left_out) > 10 else "")
            self.warnings.append(f"Left out {len(left_out)} order(s) that kept no money: {shown}.")

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
