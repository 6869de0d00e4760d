"""Campaigns with their goals, and their ROI."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from .. import analytics
from ..access import visible_campaigns_query
from ..campaigns import service
from ..campaigns.service import GoalInput
from ..db import get_session
from ..models import Campaign, Goal
from . import auditing
from .blueprint import api
from .errors import invalid
from .pages import paginate
from .schemas.analytics import CampaignRoi, RoiQuery
from .schemas.campaigns import (
    CampaignCreate,
    CampaignListQuery,
    CampaignPage,
    CampaignPublic,
    CampaignUpdate,
    GoalIn,
    GoalsReplace,
)
from .schemas.common import MAX_CAMPAIGN_DAYS
from .scope import visible_brand


def _goals(campaign: Campaign) -> list[Goal]:
    return list(
        get_session()
        .exec(select(Goal).where(Goal.campaign_id == campaign.id).order_by(Goal.id))
        .all()
    )


def campaign_public(campaign: Campaign) -> CampaignPublic:
    return CampaignPublic.of(campaign, _goals(campaign))


def _goal_inputs(goals: list[GoalIn]) -> list[GoalInput]:
    return [GoalInput(metric=g.metric, target=g.target, unit_value=g.unit_value) for g in goals]


def _goal_detail(goals: list[Goal] | list[GoalInput]) -> list[dict[str, str | None]]:
    return [
        {
            "metric": g.metric,
            "target": str(g.target),
            "unit_value": None if g.unit_value is None else str(g.unit_value),
        }
        for g in goals
    ]


@api.get(
    "/campaigns",
    query=CampaignListQuery,
    response=CampaignPage,
    summary="List the campaigns the token may read",
    tag="campaigns",
)
def list_campaigns(query: CampaignListQuery) -> CampaignPage:
    rows = visible_campaigns_query().order_by(Campaign.start_date.desc(), Campaign.id.desc())
    if query.brand_id is not None:
        rows = rows.where(Campaign.brand_id == query.brand_id)
    if query.status is not None:
        rows = rows.where(Campaign.status == query.status)
    return paginate(rows, query, CampaignPage, lambda row: campaign_public(row[0]))


@api.post(
    "/campaigns",
    body=CampaignCreate,
    response=CampaignPublic,
    status=201,
    summary="Create a campaign with its goals",
    tag="campaigns",
)
def create_campaign(body: CampaignCreate) -> CampaignPublic:
    brand = visible_brand(body.brand_id, field="brand_id")
    fields = body.model_dump(exclude={"brand_id", "goals"})
    goals = _goal_inputs(body.goals)
    campaign = service.create_campaign(get_session(), brand=brand, goals=goals, **fields)
    auditing.record("create", "campaign", campaign.id, {"name": campaign.name})
    auditing.record("create", "goals", campaign.id, {"after": _goal_detail(goals)})
    return campaign_public(campaign)


@api.get(
    "/campaigns/<int:campaign_id>",
    response=CampaignPublic,
    summary="Read a campaign and its goals",
    tag="campaigns",
)
def get_campaign(campaign: Campaign) -> CampaignPublic:
    return campaign_public(campaign)


@api.patch(
    "/campaigns/<int:campaign_id>",
    body=CampaignUpdate,
    response=CampaignPublic,
    summary="Change a campaign (only the fields sent; goals, when sent, replace all goals)",
    tag="campaigns",
)
def update_campaign(campaign: Campaign, body: CampaignUpdate) -> CampaignPublic:
    sent = body.model_dump(exclude_unset=True, exclude={"goals"})
    start = sent.get("start_date", campaign.start_date)
    end = sent.get("end_date", campaign.end_date)
    if end < start:
        raise invalid({"end_date": "is before start_date"})
    if (end - start).days >= MAX_CAMPAIGN_DAYS:
        raise invalid({"end_date": "makes the campaign longer than 5 years"})
    db = get_session()
    before = _goal_detail(_goals(campaign))
    goals = _goal_inputs(body.goals) if body.goals is not None else None
    service.update_campaign(db, campaign, goals=goals, **sent)
    if sent:
        auditing.record("update", "campaign", campaign.id, {"sent": sent})
    if goals is not None and _goal_detail(goals) != before:
        auditing.record(
            "update", "goals", campaign.id, {"before": before, "after": _goal_detail(goals)}
        )
    return campaign_public(campaign)


@api.put(
    "/campaigns/<int:campaign_id>/goals",
    body=GoalsReplace,
    response=CampaignPublic,
    summary="Replace the campaign's goals",
    tag="campaigns",
)
def replace_goals(campaign: Campaign, body: GoalsReplace) -> CampaignPublic:
    before = _goal_detail(_goals(campaign))
    goals = _goal_inputs(body.goals)
    service.set_goals(get_session(), campaign, goals)
    auditing.record(
        "update", "goals", campaign.id, {"before": before, "after": _goal_detail(goals)}
    )
    return campaign_public(campaign)


@api.post(
    "/campaigns/<int:campaign_id>/archive",
    response=CampaignPublic,
    summary="Archive a campaign (it stays readable)",
    tag="campaigns",
)
def archive_campaign(campaign: Campaign) -> CampaignPublic:
    service.archive_campaign(get_session(), campaign)
    auditing.record("archive", "campaign", campaign.id)
    return campaign_public(campaign)


@api.get(
    "/campaigns/<int:campaign_id>/roi",
    query=RoiQuery,
    response=CampaignRoi,
    summary="Every KPI and goal of the campaign, as on its dashboard",
    tag="analytics",
    description="Figures come from tracker.analytics.campaign_summary, the code path of the "
    "dashboard and the PDF recap. Undefined KPIs are null. A missing exchange rate answers "
    "409 naming the pair and date.",
)
def campaign_roi(campaign: Campaign, query: RoiQuery) -> CampaignRoi:
    summary = analytics.campaign_summary(
        get_session(), campaign, today=query.today or date.today(), as_of=query.as_of
    )
    return CampaignRoi.of(summary)
