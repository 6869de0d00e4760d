"""The workspace's influencers, and their participation in campaigns.

The influencer roster (with contact details) is workspace data: brand users read
participations of their own campaigns instead.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import func, or_
from sqlmodel import select

from .. import analytics
from ..db import get_session
from ..influencers import service
from ..models import Campaign, Influencer, Participation, SocialAccount, Workspace
from ..spend.service import describe_cost_line
from ..tiers import effective_tier
from . import auditing
from .blueprint import api
from .errors import ApiError, invalid
from .pages import paginate
from .schemas.common import ListQuery
from .schemas.influencers import (
    InfluencerCreate,
    InfluencerListQuery,
    InfluencerPage,
    InfluencerPublic,
    InfluencerUpdate,
    ParticipationCreate,
    ParticipationPage,
    ParticipationPublic,
    ParticipationUpdate,
)
from .scope import select_in_workspace, workspace_influencer

STAFF = ("admin", "manager", "viewer")


def _accounts(influencer: Influencer) -> list[SocialAccount]:
    return list(
        get_session().exec(
            select(SocialAccount).where(SocialAccount.influencer_id == influencer.id)
        )
    )


def influencer_public(influencer: Influencer) -> InfluencerPublic:
    return InfluencerPublic.of(influencer, _accounts(influencer))


def _accounts_map(body_accounts) -> dict[str, tuple[str, int]]:
    return {a.platform: (a.handle, a.followers) for a in body_accounts}


@api.get(
    "/influencers",
    query=InfluencerListQuery,
    response=InfluencerPage,
    roles=STAFF,
    summary="List the workspace's influencers",
    tag="influencers",
)
def list_influencers(query: InfluencerListQuery) -> InfluencerPage:
    rows = select_in_workspace(Influencer).order_by(func.lower(Influencer.name), Influencer.id)
    if query.q:
        escaped = (
            query.q.lower()
            .lstrip("@")
            .replace("\\", "\\\\")
            .replace("%", "\\%")
            .replace("_", "\\_")
        )
        pattern = f"%{escaped}%"
        handles = select(SocialAccount.influencer_id).where(
            func.lower(SocialAccount.handle).like(pattern, escape="\\")
        )
        rows = rows.where(
            or_(func.lower(Influencer.name).like(pattern, escape="\\"), Influencer.id.in_(handles))
        )
    if query.platform:
        rows = rows.where(
            Influencer.id.in_(
                select(SocialAccount.influencer_id).where(SocialAccount.platform == query.platform)
            )
        )
    return paginate(rows, query, InfluencerPage, influencer_public)


@api.post(
    "/influencers",
    body=InfluencerCreate,
    response=InfluencerPublic,
    status=201,
    summary="Create an influencer with a handle per platform",
    tag="influencers",
)
def create_influencer(body: InfluencerCreate) -> InfluencerPublic:
    fields = body.model_dump(exclude={"accounts"})
    influencer = service.create_influencer(
        get_session(),
        workspace_id=current_user.workspace_id,
        accounts=_accounts_map(body.accounts),
        **fields,
    )
    auditing.record("create", "influencer", influencer.id, {"name": influencer.name})
    return influencer_public(influencer)


@api.get(
    "/influencers/<int:influencer_id>",
    response=InfluencerPublic,
    roles=STAFF,
    summary="Read an influencer",
    tag="influencers",
)
def get_influencer(influencer: Influencer) -> InfluencerPublic:
    return influencer_public(influencer)


@api.patch(
    "/influencers/<int:influencer_id>",
    body=InfluencerUpdate,
    response=InfluencerPublic,
    summary="Change an influencer (accounts, when sent, replace all accounts)",
    tag="influencers",
)
def update_influencer(influencer: Influencer, body: InfluencerUpdate) -> InfluencerPublic:
    sent = body.model_dump(exclude_unset=True, exclude={"accounts"})
    if "country" in sent and sent["country"]:
        sent["country"] = sent["country"].upper()
    if body.accounts is not None:
        accounts = _accounts_map(body.accounts)
    else:
        accounts = {a.platform: (a.handle, a.followers) for a in _accounts(influencer)}
    service.update_influencer(get_session(), influencer, accounts=accounts, **sent)
    auditing.record("update", "influencer", influencer.id, {"sent": sent})
    return influencer_public(influencer)


# ---------------------------------------------------------------------------- participations


def participation_public(row: Participation) -> ParticipationPublic:
    db = get_session()
    name = db.exec(select(Influencer.name).where(Influencer.id == row.influencer_id)).one()
    workspace = db.get(Workspace, current_user.workspace_id)
    tier = effective_tier(row.followers_at_join, row.tier_override, analytics.tier_bands(workspace))
    return ParticipationPublic.of(row, name, tier)


def _promo_taken(campaign: Campaign, code: str | None, except_id: int | None = None) -> bool:
    if not code:
        return False
    query = select(Participation.id).where(
        Participation.campaign_id == campaign.id,
        func.upper(Participation.promo_code) == code.upper(),
    )
    if except_id is not None:
        query = query.where(Participation.id != except_id)
    return get_session().exec(query).first() is not None


@api.get(
    "/campaigns/<int:campaign_id>/participations",
    query=ListQuery,
    response=ParticipationPage,
    summary="List the influencers taking part in a campaign",
    tag="participations",
)
def list_participations(campaign: Campaign, query: ListQuery) -> ParticipationPage:
    rows = (
        select(Participation)
        .where(Participation.campaign_id == campaign.id)
        .order_by(Participation.id)
    )
    return paginate(rows, query, ParticipationPage, participation_public)


@api.post(
    "/campaigns/<int:campaign_id>/participations",
    body=ParticipationCreate,
    response=ParticipationPublic,
    status=201,
    summary="Add an influencer to a campaign (the fee becomes a direct cost line)",
    tag="participations",
)
def create_participation(campaign: Campaign, body: ParticipationCreate) -> ParticipationPublic:
    db = get_session()
    influencer = workspace_influencer(body.influencer_id, field="influencer_id")
    taken = db.exec(
        select(Participation.id).where(
            Participation.campaign_id == campaign.id,
            Participation.influencer_id == influencer.id,
            Participation.platform == body.platform,
        )
    ).first()
    if taken:
        raise ApiError(
            409,
            "This influencer is already in the campaign on this platform.",
            {"influencer_id": "already in the campaign on this platform"},
        )
    if _promo_taken(campaign, body.promo_code):
        raise ApiError(
            409,
            "Another influencer of this campaign has this promo code.",
            {"promo_code": "already used in this campaign"},
        )
    try:
        row = service.join_campaign(
            db,
            campaign=campaign,
            influencer=influencer,
            **body.model_dump(exclude={"influencer_id"}),
        )
    except ValueError as exc:
        raise invalid({"platform": str(exc)}) from exc
    auditing.record(
        "create",
        "participation",
        row.id,
        {"influencer_id": influencer.id, "platform": row.platform},
    )
    for line in service.fee_lines(db, row):
        auditing.record("create", "cost_line", line.id, {"after": describe_cost_line(line)})
    return participation_public(row)


@api.get(
    "/participations/<int:participation_id>",
    response=ParticipationPublic,
    summary="Read a participation",
    tag="participations",
)
def get_participation(participation: Participation) -> ParticipationPublic:
    return participation_public(participation)


@api.patch(
    "/participations/<int:participation_id>",
    body=ParticipationUpdate,
    response=ParticipationPublic,
    summary="Change a participation's terms (a changed fee moves its fee cost line)",
    tag="participations",
)
def update_participation(
    participation: Participation, body: ParticipationUpdate
) -> ParticipationPublic:
    db = get_session()
    campaign = db.get(Campaign, participation.campaign_id)
    sent = body.model_dump(exclude_unset=True)
    if _promo_taken(campaign, sent.get("promo_code"), except_id=participation.id):
        raise ApiError(
            409,
            "Another influencer of this campaign has this promo code.",
            {"promo_code": "already used in this campaign"},
        )
    fee = sent.pop("fee", participation.fee)
    fee_currency = sent.pop("fee_currency", participation.fee_currency)
    name = db.exec(
        select(Influencer.name).where(Influencer.id == participation.influencer_id)
    ).one()
    line, before = service.update_participation(
        db,
        participation,
        campaign=campaign,
        influencer_name=name,
        fee=fee,
        fee_currency=fee_currency,
        **sent,
    )
    auditing.record(
        "update",
        "participation",
        participation.id,
        {"sent": body.model_dump(mode="json", exclude_unset=True)},
    )
    if line is not None:
        detail = {"before": before}
        if line in db:  # still there: the fee changed; gone: the fee was removed
            detail["after"] = describe_cost_line(line)
        auditing.record("update" if "after" in detail else "delete", "cost_line", line.id, detail)
    return participation_public(participation)


@api.delete(
    "/participations/<int:participation_id>",
    status=204,
    summary="Take an influencer out of a campaign with no post of theirs yet",
    tag="participations",
)
def delete_participation(participation: Participation) -> None:
    try:
        lines = service.remove_participation(get_session(), participation)
    except ValueError as exc:
        raise ApiError(409, str(exc), {"participation_id": "has posts"}) from exc
    for line in lines:
        auditing.record("delete", "cost_line", line.id, {"before": describe_cost_line(line)})
    auditing.record(
        "delete", "participation", participation.id, {"influencer_id": participation.influencer_id}
    )
