"""Tracked results of a campaign: posts, and metric snapshots entered by hand.

Manual figures go through write_snapshots, like imports, so KPI.md's snapshot rules hold
whatever the source: one snapshot per (post or campaign, day, source), the latest wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import select

from .. import analytics, audit, formatting, labels
from ..access import can_write, get_campaign_or_404
from ..currency import MissingRateError
from ..db import get_session
from ..errors import missing_rate_context
from ..importers.urls import normalise_post_url, platform_of
from ..influencers.service import participation_choices
from ..kpi import METRIC_KEYS, engagement_rate, engagements
from ..models import Campaign, Influencer, Participation, Post, Snapshot
from .forms import (
    CAMPAIGN_METRICS,
    PostForm,
    campaign_snapshot_form,
    post_snapshot_form,
)
from .service import SnapshotInput, add_post, write_snapshots

bp = Blueprint("results", __name__)

MANUAL = "manual"


def _lang() -> str:
    return str(get_locale() or "en")


def _participations(campaign: Campaign) -> list[tuple[int, str]]:
    return [(pid, label) for pid, label, _ in participation_choices(get_session(), campaign.id)]


def get_post_or_404(campaign: Campaign, post_id: int) -> Post:
    post = get_session().get(Post, post_id)
    if post is None or post.campaign_id != campaign.id:
        abort(404)
    return post


def get_snapshot_or_404(campaign: Campaign, snapshot_id: int) -> Snapshot:
    snapshot = get_session().get(Snapshot, snapshot_id)
    if snapshot is None or snapshot.campaign_id != campaign.id:
        abort(404)
    return snapshot


def _snapshot_values(snapshot: Snapshot | None) -> dict[str, Any]:
    if snapshot is None:
        return {}
    return {k: getattr(snapshot, k) for k in METRIC_KEYS if getattr(snapshot, k) is not None}


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if not isinstance(v, int) else v) for k, v in values.items()}


# ---------------------------------------------------------------------------- the results page


@bp.get("/campaigns/<int:campaign_id>/results")
def index(campaign_id: int):
    """Posts by influencer with their latest figures, and the campaign-level snapshots."""
    campaign = get_campaign_or_404(campaign_id)
    db = get_session()
    posts = db.exec(
        select(Post, Influencer)
        .join(Participation, Participation.id == Post.participation_id)
        .join(Influencer, Influencer.id == Participation.influencer_id)
        .where(Post.campaign_id == campaign.id)
        .order_by(func.lower(Influencer.name), Post.posted_at, Post.id)
    ).all()
    counts = dict(
        db.exec(
            select(Snapshot.post_id, func.count())
            .where(Snapshot.campaign_id == campaign.id, Snapshot.post_id.is_not(None))
            .group_by(Snapshot.post_id)
        ).all()
    )
    last = dict(
        db.exec(
            select(Snapshot.post_id, func.max(Snapshot.captured_on))
            .where(Snapshot.campaign_id == campaign.id, Snapshot.post_id.is_not(None))
            .group_by(Snapshot.post_id)
        ).all()
    )
    totals: dict[int, dict[str, Any]] = {}
    missing = None
    try:
        totals = analytics.post_totals(db, campaign)
    except MissingRateError as exc:
        missing = missing_rate_context(exc)
    campaign_snapshots = db.exec(
        select(Snapshot)
        .where(
            Snapshot.campaign_id == campaign.id,
            Snapshot.post_id.is_(None),
            Snapshot.participation_id.is_(None),
        )
        .order_by(Snapshot.captured_on.desc(), Snapshot.recorded_at.desc())
    ).all()
    return render_template(
        "results/index.html",
        campaign=campaign,
        posts=posts,
        counts=counts,
        last=last,
        totals=totals,
        kpi_engagements=engagements,
        kpi_er=engagement_rate,
        campaign_snapshots=campaign_snapshots,
        campaign_metrics=(*CAMPAIGN_METRICS, "revenue"),
        has_participations=bool(_participations(campaign)),
        missing=missing,
    )


# ---------------------------------------------------------------------------- posts


def _posted_at(form: PostForm, campaign: Campaign) -> datetime | None:
    """The time typed is the campaign's local time; stored in UTC."""
    if form.posted_at.data is None:
        return None
    return form.posted_at.data.replace(tzinfo=ZoneInfo(campaign.timezone)).astimezone(
        ZoneInfo("UTC")
    )


def _post_checks(form: PostForm, campaign: Campaign, post: Post | None = None) -> str | None:
    """The URL's key, or None after putting the reason on the field."""
    try:
        key = normalise_post_url(form.url.data)
    except ValueError:
        form.url.errors.append(_("Enter a full link, starting with https://"))
        return None
    db = get_session()
    participation = db.get(
        Participation, post.participation_id if post else form.participation_id.data
    )
    platform = platform_of(form.url.data)
    if platform in labels.PLATFORMS and platform != participation.platform:
        form.url.errors.append(
            _(
                "This link points to %(link)s, but this influencer takes part on %(platform)s.",
                link=labels.label("platform", platform),
                platform=labels.label("platform", participation.platform),
            )
        )
        return None
    clash = select(Post.id).where(Post.campaign_id == campaign.id, Post.url_key == key)
    if post is not None:
        clash = clash.where(Post.id != post.id)
    if db.exec(clash).first():
        form.url.errors.append(_("This post is already in the campaign."))
        return None
    return key


@bp.route("/campaigns/<int:campaign_id>/posts/new", methods=["GET", "POST"])
@can_write
def new_post(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    choices = _participations(campaign)
    if not choices:
        flash(_("Add an influencer to the campaign first: every post belongs to one."), "info")
        return redirect(url_for("influencers.campaign", campaign_id=campaign.id))
    form = PostForm(participations=choices)
    if request.method == "GET":
        form.participation_id.data = request.args.get("participation_id", type=int)
    if form.validate_on_submit() and (key := _post_checks(form, campaign)):
        db = get_session()
        post = add_post(
            db,
            participation=db.get(Participation, form.participation_id.data),
            url=form.url.data,
            url_key=key,
            posted_at=_posted_at(form, campaign),
            is_paid=form.is_paid.data == "paid",
            title=form.title.data or "",
        )
        db.commit()
        flash(_("Post added. Enter its figures now, or import them later."), "success")
        return redirect(url_for("results.new_snapshot", campaign_id=campaign.id, post_id=post.id))
    return render_template("results/post_form.html", form=form, campaign=campaign, post=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/campaigns/<int:campaign_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@can_write
def edit_post(campaign_id: int, post_id: int):
    campaign = get_campaign_or_404(campaign_id)
    post = get_post_or_404(campaign, post_id)
    form = PostForm(obj=post, participations=_participations(campaign))
    del form.participation_id  # a post stays with its influencer; delete and re-add to move it
    if request.method == "GET":
        form.is_paid.data = "paid" if post.is_paid else "organic"
        if post.posted_at:
            form.posted_at.data = post.posted_at.astimezone(ZoneInfo(campaign.timezone)).replace(
                tzinfo=None
            )
    if form.validate_on_submit() and (key := _post_checks(form, campaign, post)):
        db = get_session()
        post.url, post.url_key = form.url.data.strip(), key
        post.posted_at = _posted_at(form, campaign)
        post.is_paid = form.is_paid.data == "paid"
        post.title = (form.title.data or "").strip()
        db.add(post)
        db.commit()
        flash(_("Post saved."), "success")
        return redirect(url_for("results.post", campaign_id=campaign.id, post_id=post.id))
    return render_template("results/post_form.html", form=form, campaign=campaign, post=post), (
        422 if request.method == "POST" else 200
    )


@bp.post("/campaigns/<int:campaign_id>/posts/<int:post_id>/delete")
@can_write
def delete_post(campaign_id: int, post_id: int):
    campaign = get_campaign_or_404(campaign_id)
    post = get_post_or_404(campaign, post_id)
    db = get_session()
    snapshots = db.exec(select(Snapshot).where(Snapshot.post_id == post.id)).all()
    for snapshot in snapshots:
        _audit("delete", snapshot, before=_snapshot_values(snapshot))
        db.delete(snapshot)
    audit.record(
        db,
        workspace_id=current_user.workspace_id,
        user_id=current_user.id,
        action="delete",
        entity="post",
        entity_id=post.id,
        detail={"url": post.url, "snapshots": len(snapshots)},
    )
    db.delete(post)
    db.commit()
    flash(_("Post deleted, with its %(n)s snapshots.", n=len(snapshots)), "info")
    return redirect(url_for("results.index", campaign_id=campaign.id))


@bp.get("/campaigns/<int:campaign_id>/posts/<int:post_id>")
def post(campaign_id: int, post_id: int):
    """One post: its latest figures and every snapshot ever recorded for it."""
    campaign = get_campaign_or_404(campaign_id)
    post = get_post_or_404(campaign, post_id)
    db = get_session()
    participation = db.get(Participation, post.participation_id)
    influencer = db.get(Influencer, participation.influencer_id)
    history = db.exec(
        select(Snapshot)
        .where(Snapshot.post_id == post.id)
        .order_by(Snapshot.captured_on.desc(), Snapshot.recorded_at.desc(), Snapshot.id.desc())
    ).all()
    shown = [k for k in METRIC_KEYS if any(getattr(s, k) is not None for s in history)]
    totals, missing = None, None
    try:
        totals = analytics.post_totals(db, campaign).get(post.id)
    except MissingRateError as exc:
        missing = missing_rate_context(exc)
    return render_template(
        "results/post.html",
        campaign=campaign,
        post=post,
        participation=participation,
        influencer=influencer,
        history=history,
        shown=shown,
        totals=totals,
        missing=missing,
        kpi_engagements=engagements,
        kpi_er=engagement_rate,
    )


# ---------------------------------------------------------------------------- manual snapshots


def _audit(
    action: str,
    snapshot: Snapshot | SnapshotInput,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    audit.record(
        get_session(),
        workspace_id=current_user.workspace_id,
        user_id=current_user.id,
        action=action,
        entity="snapshot",
        entity_id=getattr(snapshot, "id", None),
        detail={
            "campaign_id": snapshot.campaign_id,
            "post_id": snapshot.post_id,
            "captured_on": snapshot.captured_on.isoformat(),
            "source": snapshot.source,
            "before": _jsonable(before) if before is not None else None,
            "after": _jsonable(after) if after is not None else None,
        },
    )


def _existing_manual(campaign: Campaign, post: Post | None, day: Any) -> Snapshot | None:
    query = select(Snapshot).where(
        Snapshot.campaign_id == campaign.id, Snapshot.captured_on == day, Snapshot.source == MANUAL
    )
    if post is not None:
        query = query.where(Snapshot.post_id == post.id)
    else:
        query = query.where(Snapshot.post_id.is_(None), Snapshot.participation_id.is_(None))
    return get_session().exec(query).first()


def _save_snapshot(
    campaign: Campaign, post: Post | None, form: Any, replace: Snapshot | None
) -> None:
    """Write one manual snapshot; adding to a day that has one merges, editing replaces."""
    db = get_session()
    day = replace.captured_on if replace is not None else form.captured_on.data
    existing = replace or _existing_manual(campaign, post, day)
    before = _snapshot_values(existing) if existing else None
    typed = form.values()
    values = typed if replace is not None else {**(before or {}), **typed}
    currency = (
        form.revenue_currency.data
        if "revenue" in typed
        else (existing.revenue_currency if existing else None)
    )
    item = SnapshotInput(
        campaign_id=campaign.id,
        participation_id=post.participation_id if post else None,
        post_id=post.id if post else None,
        captured_on=day,
        source=MANUAL,
        values=values,
        revenue_currency=currency if "revenue" in values else None,
    )
    counts = write_snapshots(db, [item])
    if counts.created or counts.updated:
        saved = _existing_manual(campaign, post, day)
        _audit("update" if existing else "create", saved, before=before, after=values)


@bp.route("/campaigns/<int:campaign_id>/posts/<int:post_id>/snapshots/new", methods=["GET", "POST"])
@can_write
def new_snapshot(campaign_id: int, post_id: int):
    campaign = get_campaign_or_404(campaign_id)
    post = get_post_or_404(campaign, post_id)
    form = post_snapshot_form()
    if request.method == "GET":
        form.revenue_currency.data = campaign.currency
    if form.validate_on_submit():
        _save_snapshot(campaign, post, form, None)
        get_session().commit()
        flash(
            _("Figures of %(day)s saved.", day=formatting.date_(form.captured_on.data, _lang())),
            "success",
        )
        return redirect(url_for("results.post", campaign_id=campaign.id, post_id=post.id))
    return render_template(
        "results/snapshot_form.html", form=form, campaign=campaign, post=post, snapshot=None
    ), (422 if request.method == "POST" else 200)


@bp.route("/campaigns/<int:campaign_id>/snapshots/new", methods=["GET", "POST"])
@can_write
def new_campaign_snapshot(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    form = campaign_snapshot_form()
    if request.method == "GET":
        form.revenue_currency.data = campaign.currency
    if form.validate_on_submit():
        _save_snapshot(campaign, None, form, None)
        get_session().commit()
        flash(
            _("Figures of %(day)s saved.", day=formatting.date_(form.captured_on.data, _lang())),
            "success",
        )
        return redirect(url_for("results.index", campaign_id=campaign.id))
    return render_template(
        "results/snapshot_form.html", form=form, campaign=campaign, post=None, snapshot=None
    ), (422 if request.method == "POST" else 200)


@bp.route("/campaigns/<int:campaign_id>/snapshots/<int:snapshot_id>/edit", methods=["GET", "POST"])
@can_write
def edit_snapshot(campaign_id: int, snapshot_id: int):
    campaign = get_campaign_or_404(campaign_id)
    snapshot = get_snapshot_or_404(campaign, snapshot_id)
    if snapshot.source != MANUAL:
        abort(404)  # imported figures are corrected by importing again, not by hand
    post = get_session().get(Post, snapshot.post_id) if snapshot.post_id else None
    form = post_snapshot_form(obj=snapshot) if post else campaign_snapshot_form(obj=snapshot)
    if request.method == "GET":
        form.revenue_currency.data = snapshot.revenue_currency or campaign.currency
    if form.validate_on_submit():
        _save_snapshot(campaign, post, form, snapshot)
        get_session().commit()
        flash(
            _("Figures of %(day)s saved.", day=formatting.date_(snapshot.captured_on, _lang())),
            "success",
        )
        return redirect(_back(campaign, post))
    return render_template(
        "results/snapshot_form.html", form=form, campaign=campaign, post=post, snapshot=snapshot
    ), (422 if request.method == "POST" else 200)


@bp.post("/campaigns/<int:campaign_id>/snapshots/<int:snapshot_id>/delete")
@can_write
def delete_snapshot(campaign_id: int, snapshot_id: int):
    campaign = get_campaign_or_404(campaign_id)
    snapshot = get_snapshot_or_404(campaign, snapshot_id)
    if snapshot.source != MANUAL:
        abort(404)
    db = get_session()
    post = db.get(Post, snapshot.post_id) if snapshot.post_id else None
    _audit("delete", snapshot, before=_snapshot_values(snapshot))
    db.delete(snapshot)
    db.commit()
    flash(_("Snapshot deleted."), "info")
    return redirect(_back(campaign, post))


def _back(campaign: Campaign, post: Post | None) -> str:
    if post is not None:
        return url_for("results.post", campaign_id=campaign.id, post_id=post.id)
    return url_for("results.index", campaign_id=campaign.id)
