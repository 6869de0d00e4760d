"""Campaigns: the list, creating and editing one with its goals, archiving."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import select

from .. import analytics, audit
from ..access import can_write, get_campaign_or_404, visible_campaigns_query
from ..currency import MissingRateError
from ..db import get_session
from ..errors import missing_rate_context
from ..models import Brand, Campaign, Goal
from .forms import CampaignForm
from .service import archive_campaign, create_campaign, update_campaign

bp = Blueprint("campaigns", __name__)

PHASE_FILTERS = ("running", "upcoming", "ended", "archived", "all")


@bp.get("/")
def home():
    return redirect(url_for("campaigns.index"))


@bp.get("/campaigns")
def index():
    """List the campaigns the user may see, each with its status, ROI ratio and CPM."""
    db = get_session()
    today = date.today()
    brand_filter = request.args.get("brand", type=int)
    phase_filter = request.args.get("status", "")
    if phase_filter not in PHASE_FILTERS:
        phase_filter = ""
    query = visible_campaigns_query()
    if brand_filter:
        query = query.where(Campaign.brand_id == brand_filter)
    rows = db.exec(query.order_by(Campaign.start_date.desc(), Campaign.id.desc())).all()
    all_rows = rows
    rows = [(c, b) for c, b in rows if _matches(c, phase_filter, today)]
    summaries, missing = _summaries(db, [c for c, _ in rows], today)
    brands = _brands()
    return render_template(
        "campaigns/index.html",
        rows=rows,
        summaries=summaries,
        missing=missing,
        brands=brands,
        brand_filter=brand_filter,
        phase_filter=phase_filter,
        today=today,
        has_any=bool(all_rows) or _workspace_has_campaigns(db),
    )


def _matches(campaign: Campaign, phase_filter: str, today: date) -> bool:
    if phase_filter == "all":
        return True
    if phase_filter == "archived":
        return campaign.status == "archived"
    if campaign.status == "archived":
        return False
    return not phase_filter or campaign.phase(today) == phase_filter


def _summaries(
    db: Any, campaigns: list[Campaign], today: date
) -> tuple[dict[int, analytics.CampaignSummary], dict[int, dict[str, Any]]]:
    """Summaries of the listed campaigns; one campaign missing a rate does not hide the others."""
    try:
        return (
            analytics.campaign_summaries(
                db, campaigns, workspace_id=current_user.workspace_id, today=today
            ),
            {},
        )
    except MissingRateError:
        pass
    summaries, missing = {}, {}
    for campaign in campaigns:
        try:
            summaries.update(
                analytics.campaign_summaries(
                    db, [campaign], workspace_id=current_user.workspace_id, today=today
                )
            )
        except MissingRateError as exc:
            missing[campaign.id] = missing_rate_context(exc)
    return summaries, missing


def _brands(include_archived: bool = True) -> list[Brand]:
    query = select(Brand).where(Brand.workspace_id == current_user.workspace_id)
    if current_user.role == "brand":
        query = query.where(Brand.id == current_user.brand_id)
    if not include_archived:
        query = query.where(Brand.archived_at.is_(None))
    return list(get_session().exec(query.order_by(func.lower(Brand.name))).all())


def _workspace_has_campaigns(db: Any) -> bool:
    return db.exec(visible_campaigns_query().limit(1)).first() is not None


def _brand_choices() -> list[tuple[int, str]]:
    return [(b.id, b.name) for b in _brands(include_archived=False)]


def _goals(db: Any, campaign: Campaign) -> list[Goal]:
    return list(
        db.exec(select(Goal).where(Goal.campaign_id == campaign.id).order_by(Goal.id)).all()
    )


def _goal_detail(goals: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "metric": g.metric,
            "target": str(g.target),
            "unit_value": None if g.unit_value is None else str(g.unit_value),
        }
        for g in goals
    ]


@bp.route("/campaigns/new", methods=["GET", "POST"])
@can_write
def new():
    choices = _brand_choices()
    if not choices:
        flash(_("Create a brand first: every campaign belongs to a brand."), "info")
        return redirect(url_for("brands.new"))
    form = CampaignForm(brands=choices)
    if request.method == "GET":
        form.brand_id.data = request.args.get("brand_id", type=int) or choices[0][0]
    if "add_goal" in request.form:
        form.add_goal_row()
        return render_template("campaigns/form.html", form=form, campaign=None)
    if form.validate_on_submit():
        db = get_session()
        brand = db.get(Brand, form.brand_id.data)
        goals = form.goal_inputs()
        campaign = create_campaign(db, brand=brand, goals=goals, **form.campaign_fields())
        audit.record(
            db,
            workspace_id=current_user.workspace_id,
            user_id=current_user.id,
            action="create",
            entity="goals",
            entity_id=campaign.id,
            detail={"campaign": campaign.name, "after": _goal_detail(goals)},
        )
        db.commit()
        flash(
            _("Campaign %(name)s created. Add its influencers next.", name=campaign.name), "success"
        )
        return redirect(url_for("influencers.campaign", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@can_write
def edit(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    db = get_session()
    goals = _goals(db, campaign)
    form = CampaignForm(obj=campaign, brands=[])
    del form.brand_id  # a campaign stays with its brand (slugs, share links and recaps name it)
    if request.method == "GET":
        form.fill_goals(goals)
    if "add_goal" in request.form:
        form.add_goal_row()
        return render_template("campaigns/form.html", form=form, campaign=campaign)
    if form.validate_on_submit():
        new_goals = form.goal_inputs()
        before, after = _goal_detail(goals), _goal_detail(new_goals)
        update_campaign(db, campaign, goals=new_goals, **form.campaign_fields())
        if before != after:
            audit.record(
                db,
                workspace_id=current_user.workspace_id,
                user_id=current_user.id,
                action="update",
                entity="goals",
                entity_id=campaign.id,
                detail={"campaign": campaign.name, "before": before, "after": after},
            )
        db.commit()
        flash(_("Campaign %(name)s saved.", name=campaign.name), "success")
        return redirect(url_for("campaigns.edit", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign), (
        422 if request.method == "POST" else 200
    )


@bp.post("/campaigns/<int:campaign_id>/archive")
@can_write
def archive(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    db = get_session()
    if request.form.get("restore") == "1":
        update_campaign(db, campaign, status="active")
        flash(_("Campaign %(name)s restored.", name=campaign.name), "success")
    else:
        archive_campaign(db, campaign)
        flash(
            _("Campaign %(name)s archived. Its figures stay readable.", name=campaign.name), "info"
        )
    db.commit()
    return redirect(url_for("campaigns.index"))
