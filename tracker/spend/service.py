"""Cost lines and exchange rates: the money side of a campaign."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from ..costs import staff_time_amount
from ..models import Campaign, CostLine, ExchangeRate


def add_cost_line(
    session: Session,
    *,
    campaign: Campaign,
    category: str,
    currency: str,
    incurred_on: date,
    amount: Decimal | None = None,
    hours: Decimal | None = None,
    hourly_rate: Decimal | None = None,
    participation_id: int | None = None,
    description: str = "",
) -> CostLine:
    """Add a cost line; staff time is hours × hourly rate, computed here so it is never typed twice."""
    line = CostLine(
        campaign_id=campaign.id,
        category=category,
        currency=currency.upper(),
        incurred_on=incurred_on,
    )
    _fill(line, amount=amount, hours=hours, hourly_rate=hourly_rate)
    line.participation_id = participation_id
    line.description = description.strip()
    session.add(line)
    session.flush()
    return line


def update_cost_line(session: Session, line: CostLine, **fields) -> CostLine:
    money = {k: fields.pop(k) for k in ("amount", "hours", "hourly_rate") if k in fields}
    for name, value in fields.items():
        setattr(line, name, value)
    if money or line.category == "staff_time":
        _fill(
            line,
            amount=money.get("amount", line.amount),
            hours=money.get("hours", line.hours),
            hourly_rate=money.get("hourly_rate", line.hourly_rate),
        )
    session.add(line)
    session.flush()
    return line


def _fill(
    line: CostLine, *, amount: Decimal | None, hours: Decimal | None, hourly_rate: Decimal | None
) -> None:
    if line.category == "staff_time":
        if hours is None or hourly_rate is None:
            raise ValueError("Staff time needs hours and an hourly rate.")
        line.hours, line.hourly_rate = hours, hourly_rate
        line.amount = staff_time_amount(hours, hourly_rate)
    else:
        if amount is None:
            raise ValueError("A cost line needs an amount.")
        line.amount, line.hours, line.hourly_rate = amount, None, None


def set_rate(
    session: Session,
    *,
    workspace_id: int,
    on_date: date,
    base: str,
    quote: str,
    rate: Decimal,
    source: str = "manual",
) -> ExchangeRate:
    """Create or correct the rate of a currency pair on a day (1 base = rate quote)."""
    base, quote = base.upper(), quote.upper()
    row = session.exec(
        select(ExchangeRate).where(
            ExchangeRate.workspace_id == workspace_id,
            ExchangeRate.on_date == on_date,
            ExchangeRate.base == base,
            ExchangeRate.quote == quote,
        )
    ).first() or ExchangeRate(
        workspace_id=workspace_id, on_date=on_date, base=base, quote=quote, rate=rate
    )
    row.rate, row.source = rate, source
    session.add(row)
    session.flush()
    return row


def describe_cost_line(line: CostLine) -> dict:
    """The values of a cost line as the audit log keeps them."""
    return {
        "campaign_id": line.campaign_id,
        "participation_id": line.participation_id,
        "category": line.category,
        "amount": str(line.amount),
        "currency": line.currency,
        "incurred_on": line.incurred_on.isoformat(),
        "hours": None if line.hours is None else str(line.hours),
        "hourly_rate": None if line.hourly_rate is None else str(line.hourly_rate),
        "description": line.description,
    }


def delete_cost_line(session: Session, line: CostLine) -> None:
    session.delete(line)
    session.flush()
