"""Cost lines read for analytics: as items to allocate, and one by one with their conversion."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from ..costs import CostAllocation, CostItem, allocate
from ..currency import MissingRateError
from ..models import Brand, Campaign, CostLine
from ..results import rollups
from .loading import _fetch, rate_table


@dataclass
class CostLineRow:
    line: CostLine
    converted: Decimal | None  # in the campaign currency; None when its rate is missing
    rate: (
        Decimal | None
    )  # 1 line currency = rate campaign currency (None: same currency or missing)
    rate_on: date | None
    missing: MissingRateError | None


@dataclass
class CostBreakdown:
    lines: list[CostLineRow]
    allocation: CostAllocation | None  # None while any line lacks a rate
    missing: list[MissingRateError]


def cost_breakdown(session: Session, campaign: Campaign) -> CostBreakdown:
    """Every cost line with its amount in the campaign currency; a missing rate is reported, not raised."""
    rates = rate_table(session, session.get(Brand, campaign.brand_id).workspace_id)
    lines = sorted(
        _cost_lines(session, [campaign.id])[campaign.id], key=lambda c: (c.incurred_on, c.id)
    )
    rows, missing = [], []
    for line in lines:
        try:
            converted = rates.convert(
                line.amount, line.currency, campaign.currency, line.incurred_on
            )
            quote = (
                rates.quote(line.currency, campaign.currency, line.incurred_on)
                if line.currency != campaign.currency
                else None
            )
            rows.append(
                CostLineRow(
                    line, converted, quote and quote.rate, quote and quote.published_on, None
                )
            )
        except MissingRateError as exc:
            missing.append(exc)
            rows.append(CostLineRow(line, None, None, None, exc))
    allocation = None if missing else allocate(_cost_items(lines), campaign.currency, rates)
    return CostBreakdown(lines=rows, allocation=allocation, missing=missing)


def _cost_items(lines: Iterable[CostLine]) -> list[CostItem]:
    return [
        CostItem(
            amount=line.amount,
            currency=line.currency,
            incurred_on=line.incurred_on,
            category=line.category,
            participation_id=line.participation_id,
        )
        for line in lines
    ]


def _cost_lines(session: Session, campaign_ids: Sequence[int]) -> dict[int, list[CostLine]]:
    grouped: dict[int, list[CostLine]] = defaultdict(list)
    for line in session.exec(select(CostLine).where(CostLine.campaign_id.in_(campaign_ids))).all():
        grouped[line.campaign_id].append(line)
    return grouped


def _campaign_cost_items(
    session: Session, campaign_ids: Sequence[int]
) -> dict[int, list[CostItem]]:
    """Each campaign's cost lines as plain items: raw columns, not ORM objects or rows (a
    campaign has a fee line per influencer, and a page allocates them more than once)."""
    grouped: dict[int, list[CostItem]] = defaultdict(list)
    sql = (
        "SELECT campaign_id, amount, currency, incurred_on, category, participation_id"
        " FROM cost_line WHERE campaign_id IN ({ids})"
    )
    for cid, amount, currency, on, category, pid in _fetch(session, sql, campaign_ids):
        # SQLite keeps exact amounts and days as text (models/base.py ExactDecimal).
        on = rollups.as_date(on)
        grouped[cid].append(CostItem(Decimal(amount), currency, on, category, pid))
    return grouped
