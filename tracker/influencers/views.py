"""Influencers: the workspace's directory, and who takes part in each campaign."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, func, or_
from sqlmodel import select

from .. import analytics, audit
from ..access import can_write, get_campaign_or_404, require_role
from ..currency import MissingRateError
from ..db import get_session
from ..errors import missing_rate_context
from ..models import (
    PLATFORMS,
    Campaign,
    Influencer,
    Participation,
    SocialAccount,
    Workspace,
    utcnow,
)
from ..spend.service import describe_cost_line
from ..tiers import TIERS, effective_tier, tier_for
from .forms import EditParticipationForm, InfluencerForm, JoinForm
from .service import (
    create_influencer,
    fee_lines,
    join_campaign,
    remove_participation,
    update_influencer,
    update_participation,
)

bp = Blueprint("influencers", __name__)

workspace_reader = require_role("admin", "manager", "viewer")
PAGE_SIZE = 50


def get_influencer_or_404(influencer_id: int) -> Influencer:
    influencer = get_session().get(Influencer, influencer_id)
    if influencer is None or influencer.workspace_id != current_user.workspace_id:
        abort(404)
    return influencer


def get_participation_or_404(campaign: Campaign, participation_id: int) -> Participation:
    participation = get_session().get(Participation, participation_id)
    if participation is None or participation.campaign_id != campaign.id:
        abort(404)
    return participation


def _workspace() -> Workspace:
    return get_session().get(Workspace, current_user.workspace_id)


def _accounts(influencer_ids: list[int]) -> dict[int, list[SocialAccount]]:
    out: dict[int, list[SocialAccount]] = {i: [] for i in influencer_ids}
    if influencer_ids:
        for account in get_session().exec(
            select(SocialAccount)
            .where(SocialAccount.influencer_id.in_(influencer_ids))
            .order_by(SocialAccount.platform)
        ):
            out[account.influencer_id].append(account)
    return out


# ---------------------------------------------------------------------------- directory


@bp.get("/influencers")
@workspace_reader
def index():
    """Search and filter the workspace's influencers; tiers are derived from today's followers.

    Archived influencers are listed apart (`status=archived`), where they can be restored.
    """
    db = get_session()
    bands = analytics.tier_bands(_workspace())
    args = {
        "q": request.args.get("q", "").strip(),
        "tier": request.args.get("tier", ""),
        "platform": request.args.get("platform", ""),
        "niche": request.args.get("niche", ""),
        "country": request.args.get("country", ""),
    }
    archived = request.args.get("status") == "archived"
    query = select(Influencer).where(
        Influencer.workspace_id == current_user.workspace_id,
        Influencer.archived_at.is_not(None) if archived else Influencer.archived_at.is_(None),
    )
    if args["q"]:
        pattern = f"%{args['q'].lower().lstrip('@')}%"
        handle_match = select(SocialAccount.influencer_id).where(
            func.lower(SocialAccount.handle).like(pattern)
        )
        query = query.where(
            or_(func.lower(Influencer.name).like(pattern), Influencer.id.in_(handle_match))
        )
    account_filters = []
    if args["platform"] in PLATFORMS:
        account_filters.append(SocialAccount.platform == args["platform"])
    if args["tier"] in TIERS:
        lows = dict(zip(TIERS, bands.lower_bounds(), strict=True))
        index_ = TIERS.index(args["tier"])
        account_filters.append(SocialAccount.followers >= lows[args["tier"]])
        if index_ + 1 < len(TIERS):
            account_filters.append(SocialAccount.followers < lows[TIERS[index_ + 1]])
    if account_filters:
        query = query.where(
            Influencer.id.in_(select(SocialAccount.influencer_id).where(and_(*account_filters)))
        )
    if args["niche"]:
        query = query.where(Influencer.niche == args["niche"])
    if args["country"]:
        query = query.where(Influencer.country == args["country"])
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    page = max(request.args.get("page", 1, type=int), 1)
    influencers = db.exec(
        query.order_by(func.lower(Influencer.name), Influencer.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    ids = [i.id for i in influencers]
    campaign_counts = (
        dict(
            db.exec(
                select(
                    Participation.influencer_id,
                    func.count(func.distinct(Participation.campaign_id)),
                )
                .where(Participation.influencer_id.in_(ids))
                .group_by(Participation.influencer_id)
            ).all()
        )
        if ids
        else {}
    )
    facets = _facets(db)
    archived_count = db.exec(
        select(func.count()).where(
            Influencer.workspace_id == current_user.workspace_id,
            Influencer.archived_at.is_not(None),
        )
    ).one()
    return render_template(
        "influencers/index.html",
        influencers=influencers,
        accounts=_accounts(ids),
        campaign_counts=campaign_counts,
        tier_of=lambda followers: tier_for(followers, bands),
        args=args,
        archived=archived,
        archived_count=archived_count,
        query_args={k: v for k, v in args.items() if v}
        | ({"status": "archived"} if archived else {}),
        filtered=any(args.values()),
        facets=facets,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        total=total,
        bands=bands.describe(),
    )


def _facets(db: Any) -> dict[str, list[str]]:
    niches = db.exec(
        select(func.distinct(Influencer.niche)).where(
            Influencer.workspace_id == current_user.workspace_id, Influencer.niche != ""
        )
    ).all()
    countries = db.exec(
        select(func.distinct(Influencer.country)).where(
            Influencer.workspace_id == current_user.workspace_id, Influencer.country.is_not(None)
        )
    ).all()
    return {"niches": sorted(niches, key=str.lower), "countries": sorted(countries)}


@bp.route("/influencers/new", methods=["GET", "POST"])
@can_write
def new():
    form = InfluencerForm()
    if form.validate_on_submit():
        db = get_session()
        influencer = create_influencer(
            db, workspace_id=current_user.workspace_id, accounts=form.accounts(), **form.profile()
        )
        db.commit()
        flash(_("%(name)s added to your influencers.", name=influencer.name), "success")
        return redirect(
            request.args.get("next_campaign")
            and url_for(
                "influencers.join",
                campaign_id=request.args.get("next_campaign", type=int),
                influencer_id=influencer.id,
            )
            or url_for("influencers.index")
        )
    return render_template("influencers/form.html", form=form, influencer=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/influencers/<int:influencer_id>/edit", methods=["GET", "POST"])
@can_write
def edit(influencer_id: int):
    influencer = get_influencer_or_404(influencer_id)
    db = get_session()
    form = InfluencerForm(obj=influencer)
    if request.method == "GET":
        for account in _accounts([influencer.id])[influencer.id]:
            sub = getattr(form, account.platform).form
            sub.handle.data, sub.followers.data = account.handle, account.followers
    if form.validate_on_submit():
        update_influencer(db, influencer, accounts=form.accounts(), **form.profile())
        db.commit()
        flash(_("%(name)s saved.", name=influencer.name), "success")
        return redirect(url_for("influencers.index"))
    participations = db.exec(
        select(Participation, Campaign)
        .join(Campaign, Campaign.id == Participation.campaign_id)
        .where(Participation.influencer_id == influencer.id)
        .order_by(Campaign.start_date.desc())
    ).all()
    bands = analytics.tier_bands(_workspace())
    return render_template(
        "influencers/form.html",
        form=form,
        influencer=influencer,
        participations=participations,
        tier_of=lambda p: effective_tier(p.followers_at_join, p.tier_override, bands),
    ), (422 if request.method == "POST" else 200)


@bp.post("/influencers/<int:influencer_id>/archive")
@can_write
def archive(influencer_id: int):
    """Archive an influencer (off the list and the join form) or restore one (archived=0).

    Their campaigns, figures and tracked links stay as they are: archiving only tidies the roster.
    """
    influencer = get_influencer_or_404(influencer_id)
    archived = request.form.get("archived", "1") == "1"
    db = get_session()
    if (influencer.archived_at is not None) != archived:
        influencer.archived_at = utcnow() if archived else None
        db.add(influencer)
        audit.record(
            db,
            workspace_id=current_user.workspace_id,
            user_id=current_user.id,
            action="archive" if archived else "restore",
            entity="influencer",
            entity_id=influencer.id,
            detail={"name": influencer.name},
        )
        db.commit()
    if archived:
        flash(
            _(
                "%(name)s archived: no longer listed nor offered for new campaigns.",
                name=influencer.name,
            ),
            "info",
        )
        return redirect(url_for("influencers.index"))
    flash(_("%(name)s restored.", name=influencer.name), "success")
    return redirect(url_for("influencers.edit", influencer_id=influencer.id))


# ---------------------------------------------------------------------------- a campaign's influencers


@bp.get("/campaigns/<int:campaign_id>/influencers")
def campaign(campaign_id: int):
    """Who takes part, on which terms, with their tracked link and promo code."""
    campaign = get_campaign_or_404(campaign_id)
    db = get_session()
    bands = analytics.tier_bands(_workspace())
    rows = db.exec(
        select(Participation, Influencer)
        .join(Influencer, Influencer.id == Participation.influencer_id)
        .where(Participation.campaign_id == campaign.id)
        .order_by(func.lower(Influencer.name), Participation.id)
    ).all()
    handles = {
        (a.influencer_id, a.platform): a.handle
        for accounts in _accounts([i.id for _, i in rows]).values()
        for a in accounts
    }
    figures: dict[int, analytics.ParticipationRow] = {}
    missing = None
    try:
        figures = {r.participation_id: r for r in analytics.participation_rows(db, campaign)}
    except MissingRateError as exc:
        missing = missing_rate_context(exc)
    return render_template(
        "influencers/campaign.html",
        campaign=campaign,
        rows=rows,
        handles=handles,
        figures=figures,
        missing=missing,
        tier_of=lambda p: effective_tier(p.followers_at_join, p.tier_override, bands),
    )


def _influencer_choices(campaign: Campaign) -> list[tuple[int, str]]:
    db = get_session()
    influencers = db.exec(
        select(Influencer)
        .where(
            Influencer.workspace_id == current_user.workspace_id, Influencer.archived_at.is_(None)
        )
        .order_by(func.lower(Influencer.name))
    ).all()
    accounts = _accounts([i.id for i in influencers])
    return [
        (i.id, f"{i.name} ({', '.join('@' + a.handle for a in accounts[i.id])})")
        for i in influencers
    ]


def _promo_taken(campaign: Campaign, code: str | None, except_id: int | None = None) -> bool:
    if not code:
        return False
    query = select(Participation.id).where(
        Participation.campaign_id == campaign.id,
        func.upper(Participation.promo_code) == code.strip().upper(),
    )
    if except_id is not None:
        query = query.where(Participation.id != except_id)
    return get_session().exec(query).first() is not None


@bp.route("/campaigns/<int:campaign_id>/influencers/add", methods=["GET", "POST"])
@can_write
def join(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    db = get_session()
    choices = _influencer_choices(campaign)
    form = JoinForm(influencers=choices)
    if request.method == "GET":
        form.fee_currency.data = campaign.currency
        form.influencer_id.data = request.args.get("influencer_id", type=int)
    if form.validate_on_submit() and _join_checks(form, campaign):
        influencer = db.get(Influencer, form.influencer_id.data)
        participation = join_campaign(
            db,
            campaign=campaign,
            influencer=influencer,
            platform=form.platform.data,
            fee=form.fee.data,
            fee_currency=form.fee_currency.data,
            deliverables=form.deliverables.data,
            deliverables_note=(form.deliverables_note.data or "").strip(),
            promo_code=form.promo_code.data or None,
            joined_on=form.joined_on.data,
            tier_override=form.tier_override.data or None,
        )
        for line in fee_lines(db, participation):
            audit.record(
                db,
                workspace_id=current_user.workspace_id,
                user_id=current_user.id,
                action="create",
                entity="cost_line",
                entity_id=line.id,
                detail=describe_cost_line(line),
            )
        db.commit()
        flash(_("%(name)s joined the campaign.", name=influencer.name), "success")
        return redirect(url_for("influencers.campaign", campaign_id=campaign.id))
    return render_template(
        "influencers/join.html", form=form, campaign=campaign, has_influencers=bool(choices)
    ), (422 if request.method == "POST" else 200)


def _join_checks(form: JoinForm, campaign: Campaign) -> bool:
    """Checks that need the database; each failure is shown on its field."""
    db = get_session()
    ok = True
    account = db.exec(
        select(SocialAccount).where(
            SocialAccount.influencer_id == form.influencer_id.data,
            SocialAccount.platform == form.platform.data,
        )
    ).first()
    if account is None:
        form.platform.errors.append(
            _("This influencer has no account on this platform: add the handle first.")
        )
        ok = False
    elif db.exec(
        select(Participation.id).where(
            Participation.campaign_id == campaign.id,
            Participation.influencer_id == form.influencer_id.data,
            Participation.platform == form.platform.data,
        )
    ).first():
        form.influencer_id.errors.append(
            _("This influencer is already in the campaign on this platform.")
        )
        ok = False
    if _promo_taken(campaign, form.promo_code.data):
        form.promo_code.errors.append(_("Another influencer of this campaign has this promo code."))
        ok = False
    return ok


@bp.route(
    "/campaigns/<int:campaign_id>/influencers/<int:participation_id>/edit", methods=["GET", "POST"]
)
@can_write
def edit_participation(campaign_id: int, participation_id: int):
    campaign = get_campaign_or_404(campaign_id)
    participation = get_participation_or_404(campaign, participation_id)
    db = get_session()
    influencer = db.get(Influencer, participation.influencer_id)
    form = EditParticipationForm(obj=participation)
    if request.method == "GET":
        form.tier_override.data = participation.tier_override or ""
        form.fee_currency.data = participation.fee_currency or campaign.currency
    promo_ok = not _promo_taken(campaign, form.promo_code.data, except_id=participation.id)
    if form.validate_on_submit() and promo_ok:
        line, before = update_participation(
            db,
            participation,
            campaign=campaign,
            influencer_name=influencer.name,
            fee=form.fee.data,
            fee_currency=form.fee_currency.data,
            deliverables=form.deliverables.data,
            deliverables_note=(form.deliverables_note.data or "").strip(),
            promo_code=form.promo_code.data or None,
            tier_override=form.tier_override.data or None,
            followers_at_join=form.followers_at_join.data,
        )
        if line is not None:
            audit.record(
                db,
                workspace_id=current_user.workspace_id,
                user_id=current_user.id,
                action="update" if before else "create",
                entity="cost_line",
                entity_id=line.id,
                detail={
                    "before": before,
                    "after": describe_cost_line(line) if form.fee.data is not None else None,
                },
            )
        db.commit()
        flash(_("Terms of %(name)s saved.", name=influencer.name), "success")
        return redirect(url_for("influencers.campaign", campaign_id=campaign.id))
    if request.method == "POST" and not promo_ok:
        form.promo_code.errors = [
            *form.promo_code.errors,
            _("Another influencer of this campaign has this promo code."),
        ]
    bands = analytics.tier_bands(_workspace())
    return render_template(
        "influencers/participation.html",
        form=form,
        campaign=campaign,
        participation=participation,
        influencer=influencer,
        derived_tier=tier_for(participation.followers_at_join, bands),
    ), (422 if request.method == "POST" else 200)


@bp.post("/campaigns/<int:campaign_id>/influencers/<int:participation_id>/remove")
@can_write
def remove(campaign_id: int, participation_id: int):
    campaign = get_campaign_or_404(campaign_id)
    participation = get_participation_or_404(campaign, participation_id)
    db = get_session()
    influencer = db.get(Influencer, participation.influencer_id)
    try:
        lines = remove_participation(db, participation)
    except ValueError:
        flash(
            _(
                "%(name)s has posts in this campaign: delete them on the Results tab first.",
                name=influencer.name,
            ),
            "error",
        )
        return redirect(url_for("influencers.campaign", campaign_id=campaign.id))
    for line in lines:
        audit.record(
            db,
            workspace_id=current_user.workspace_id,
            user_id=current_user.id,
            action="delete",
            entity="cost_line",
            entity_id=line.id,
            detail={
                "category": line.category,
                "amount": str(line.amount),
                "currency": line.currency,
                "reason": "participation removed",
            },
        )
    db.commit()
    flash(_("%(name)s was removed from the campaign.", name=influencer.name), "info")
    return redirect(url_for("influencers.campaign", campaign_id=campaign.id))
