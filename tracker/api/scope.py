"""Loading objects named in API paths, always scoped to the caller's workspace and brand.

Every path argument goes through one of these loaders (the registry refuses a route whose
argument has none), so no view can forget the scope. Anything outside the caller's
workspace, or outside their brand for a brand user, is answered 404, exactly like an id
that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlmodel import select

from ..access import visible_campaigns_query
from ..db import get_session
from ..models import (
    Brand,
    Campaign,
    CostLine,
    ExchangeRate,
    ImportBatch,
    Influencer,
    Participation,
    Post,
    Report,
    Snapshot,
)
from .blueprint import api
from .errors import not_found


def visible_campaign(campaign_id: int, field: str | None = None) -> Campaign:
    """The campaign if the caller may read it; 404 (naming `field` if given) otherwise."""
    row = get_session().exec(visible_campaigns_query().where(Campaign.id == campaign_id)).first()
    if row is None:
        raise not_found("campaign", field)
    return row[0]


def visible_brand(brand_id: int, field: str | None = None) -> Brand:
    brand = get_session().get(Brand, brand_id)
    if (
        brand is None
        or brand.workspace_id != current_user.workspace_id
        or (current_user.role == "brand" and brand.id != current_user.brand_id)
    ):
        raise not_found("brand", field)
    return brand


def workspace_influencer(influencer_id: int, field: str | None = None) -> Influencer:
    influencer = get_session().get(Influencer, influencer_id)
    if influencer is None or influencer.workspace_id != current_user.workspace_id:
        raise not_found("influencer", field)
    return influencer


def _in_visible_campaign(row: Any, what: str, field: str | None = None) -> Any:
    """`row` (anything with a campaign_id) if its campaign is visible; 404 otherwise."""
    if row is None:
        raise not_found(what, field)
    visible_campaign_row = (
        get_session().exec(visible_campaigns_query().where(Campaign.id == row.campaign_id)).first()
    )
    if visible_campaign_row is None:
        raise not_found(what, field)
    return row


def campaign_participation(
    campaign: Campaign, participation_id: int, field: str = "participation_id"
) -> Participation:
    """A participation of this very campaign (a body naming another campaign's is refused)."""
    row = get_session().get(Participation, participation_id)
    if row is None or row.campaign_id != campaign.id:
        raise not_found("participation in this campaign", field)
    return row


def campaign_post(campaign: Campaign, post_id: int, field: str = "post_id") -> Post:
    row = get_session().get(Post, post_id)
    if row is None or row.campaign_id != campaign.id:
        raise not_found("post in this campaign", field)
    return row


api.loader("campaign_id", "campaign")(visible_campaign)
api.loader("brand_id", "brand")(visible_brand)
api.loader("influencer_id", "influencer")(workspace_influencer)


@api.loader("participation_id", "participation")
def _participation(participation_id: int) -> Participation:
    return _in_visible_campaign(get_session().get(Participation, participation_id), "participation")


@api.loader("post_id", "post")
def _post(post_id: int) -> Post:
    return _in_visible_campaign(get_session().get(Post, post_id), "post")


@api.loader("cost_line_id", "line")
def _cost_line(cost_line_id: int) -> CostLine:
    return _in_visible_campaign(get_session().get(CostLine, cost_line_id), "cost line")


@api.loader("snapshot_id", "snapshot")
def _snapshot(snapshot_id: int) -> Snapshot:
    return _in_visible_campaign(get_session().get(Snapshot, snapshot_id), "snapshot")


@api.loader("report_id", "report")
def _report(report_id: int) -> Report:
    return _in_visible_campaign(get_session().get(Report, report_id), "report")


@api.loader("import_id", "batch")
def _import(import_id: int) -> ImportBatch:
    return _in_visible_campaign(get_session().get(ImportBatch, import_id), "import")


@api.loader("rate_id", "rate")
def _rate(rate_id: int) -> ExchangeRate:
    rate = get_session().get(ExchangeRate, rate_id)
    if rate is None or rate.workspace_id != current_user.workspace_id:
        raise not_found("exchange rate")
    return rate


def select_in_workspace(model: Any):
    """SELECT model rows of the caller's workspace (models with a workspace_id column)."""
    return select(model).where(model.workspace_id == current_user.workspace_id)
