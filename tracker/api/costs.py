"""Cost lines of a campaign, and the workspace's exchange rates."""

from __future__ import annotations

from flask_login import current_user
from sqlmodel import select

from ..db import get_session
from ..models import Campaign, CostLine, ExchangeRate
from ..spend import service
from ..spend.service import describe_cost_line
from . import auditing
from .blueprint import api
from .errors import invalid
from .pages import paginate
from .schemas.costs import (
    CostLineCreate,
    CostLineListQuery,
    CostLinePage,
    CostLinePublic,
    CostLineUpdate,
    ExchangeRateIn,
    ExchangeRateListQuery,
    ExchangeRatePage,
    ExchangeRatePublic,
)
from .scope import campaign_participation, select_in_workspace

STAFF = ("admin", "manager", "viewer")


@api.get(
    "/campaigns/<int:campaign_id>/cost-lines",
    query=CostLineListQuery,
    response=CostLinePage,
    summary="List a campaign's cost lines (each in its own currency)",
    tag="costs",
)
def list_cost_lines(campaign: Campaign, query: CostLineListQuery) -> CostLinePage:
    rows = (
        select(CostLine)
        .where(CostLine.campaign_id == campaign.id)
        .order_by(CostLine.incurred_on, CostLine.id)
    )
    if query.participation_id is not None:
        rows = rows.where(CostLine.participation_id == query.participation_id)
    if query.category is not None:
        rows = rows.where(CostLine.category == query.category)
    return paginate(rows, query, CostLinePage, CostLinePublic.of)


@api.post(
    "/campaigns/<int:campaign_id>/cost-lines",
    body=CostLineCreate,
    response=CostLinePublic,
    status=201,
    summary="Add a cost line (direct when it names a participation, else shared)",
    tag="costs",
)
def create_cost_line(campaign: Campaign, body: CostLineCreate) -> CostLinePublic:
    if body.participation_id is not None:
        campaign_participation(campaign, body.participation_id)
    try:
        line = service.add_cost_line(get_session(), campaign=campaign, **body.model_dump())
    except ValueError as exc:
        raise invalid({"amount": str(exc)}) from exc
    auditing.record("create", "cost_line", line.id, {"after": describe_cost_line(line)})
    return CostLinePublic.of(line)


@api.get(
    "/cost-lines/<int:cost_line_id>",
    response=CostLinePublic,
    summary="Read a cost line",
    tag="costs",
)
def get_cost_line(line: CostLine) -> CostLinePublic:
    return CostLinePublic.of(line)


@api.patch(
    "/cost-lines/<int:cost_line_id>",
    body=CostLineUpdate,
    response=CostLinePublic,
    summary="Change a cost line (only the fields sent)",
    tag="costs",
)
def update_cost_line(line: CostLine, body: CostLineUpdate) -> CostLinePublic:
    sent = body.model_dump(exclude_unset=True)
    if sent.get("participation_id") is not None:
        campaign = get_session().get(Campaign, line.campaign_id)
        campaign_participation(campaign, sent["participation_id"])
    before = describe_cost_line(line)
    try:
        service.update_cost_line(get_session(), line, **sent)
    except ValueError as exc:
        raise invalid({"hours" if line.category == "staff_time" else "amount": str(exc)}) from exc
    auditing.record(
        "update", "cost_line", line.id, {"before": before, "after": describe_cost_line(line)}
    )
    return CostLinePublic.of(line)


@api.delete("/cost-lines/<int:cost_line_id>", status=204, summary="Delete a cost line", tag="costs")
def delete_cost_line(line: CostLine) -> None:
    auditing.record("delete", "cost_line", line.id, {"before": describe_cost_line(line)})
    service.delete_cost_line(get_session(), line)


# ---------------------------------------------------------------------------- exchange rates


@api.get(
    "/exchange-rates",
    query=ExchangeRateListQuery,
    response=ExchangeRatePage,
    roles=STAFF,
    summary="List the workspace's exchange rates, newest first",
    tag="exchange rates",
)
def list_exchange_rates(query: ExchangeRateListQuery) -> ExchangeRatePage:
    rows = select_in_workspace(ExchangeRate).order_by(
        ExchangeRate.on_date.desc(), ExchangeRate.base, ExchangeRate.quote
    )
    if query.base:
        rows = rows.where(ExchangeRate.base == query.base)
    if query.quote:
        rows = rows.where(ExchangeRate.quote == query.quote)
    if query.date_from:
        rows = rows.where(ExchangeRate.on_date >= query.date_from)
    if query.date_to:
        rows = rows.where(ExchangeRate.on_date <= query.date_to)
    return paginate(rows, query, ExchangeRatePage, ExchangeRatePublic.of)


@api.post(
    "/exchange-rates",
    body=ExchangeRateIn,
    response=ExchangeRatePublic,
    summary="Set the rate of a pair on a day (creates it, or corrects the existing one)",
    tag="exchange rates",
)
def set_exchange_rate(body: ExchangeRateIn) -> ExchangeRatePublic:
    rate = service.set_rate(
        get_session(), workspace_id=current_user.workspace_id, **body.model_dump()
    )
    auditing.record(
        "set",
        "exchange_rate",
        rate.id,
        {
            "on_date": rate.on_date.isoformat(),
            "pair": f"{rate.base}/{rate.quote}",
            "rate": str(rate.rate),
        },
    )
    return ExchangeRatePublic.of(rate)


@api.get(
    "/exchange-rates/<int:rate_id>",
    response=ExchangeRatePublic,
    roles=STAFF,
    summary="Read an exchange rate",
    tag="exchange rates",
)
def get_exchange_rate(rate: ExchangeRate) -> ExchangeRatePublic:
    return ExchangeRatePublic.of(rate)
