"""A campaign's cost lines, and the workspace's exchange rates."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_
from sqlmodel import select

from .. import analytics, audit
from ..access import can_write, get_campaign_or_404, require_role
from ..currency import is_valid_currency
from ..db import get_session
from ..errors import missing_rate_context
from ..influencers.service import participation_choices
from ..models import Campaign, CostLine, ExchangeRate
from .forms import CostLineForm, RateForm
from .service import (
    add_cost_line,
    delete_cost_line,
    describe_cost_line,
    set_rate,
    update_cost_line,
)

bp = Blueprint("spend", __name__)

workspace_reader = require_role("admin", "manager", "viewer")
RATES_PAGE_SIZE = 100


def _participations(campaign: Campaign) -> list[tuple[int, str]]:
    return [(pid, label) for pid, label, _ in participation_choices(get_session(), campaign.id)]


def get_line_or_404(campaign: Campaign, line_id: int) -> CostLine:
    line = get_session().get(CostLine, line_id)
    if line is None or line.campaign_id != campaign.id:
        abort(404)
    return line


def _audit(action: str, line: CostLine, before: dict[str, Any] | None = None) -> None:
    detail: dict[str, Any] = {"after": describe_cost_line(line)} if action != "delete" else {}
    if before is not None:
        detail["before"] = before
    audit.record(
        get_session(),
        workspace_id=current_user.workspace_id,
        user_id=current_user.id,
        action=action,
        entity="cost_line",
        entity_id=line.id,
        detail=detail,
    )


def _rate_missing_notice(campaign: Campaign, currency: str, on: date) -> None:
    """Warn right away when a new line's currency cannot be converted yet."""
    if currency == campaign.currency:
        return
    rates = analytics.rate_table(get_session(), current_user.workspace_id)
    try:
        rates.quote(currency, campaign.currency, on)
    except LookupError as exc:
        flash(missing_rate_context(exc)["message"], "warning")  # type: ignore[arg-type]


@bp.get("/campaigns/<int:campaign_id>/costs")
def costs(campaign_id: int):
    """Every cost line, converted to the campaign currency, with totals by category."""
    campaign = get_campaign_or_404(campaign_id)
    db = get_session()
    breakdown = analytics.cost_breakdown(db, campaign)
    names = dict(_participations(campaign))
    return render_template(
        "spend/costs.html",
        campaign=campaign,
        breakdown=breakdown,
        names=names,
        missing=[missing_rate_context(e) for e in _unique(breakdown.missing)],
    )


def _unique(errors: list[Any]) -> list[Any]:
    seen, out = set(), []
    for e in errors:
        key = (e.from_ccy, e.to_ccy)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


@bp.route("/campaigns/<int:campaign_id>/costs/new", methods=["GET", "POST"])
@can_write
def new_cost(campaign_id: int):
    campaign = get_campaign_or_404(campaign_id)
    form = CostLineForm(participations=_participations(campaign))
    if request.method == "GET":
        form.currency.data = campaign.currency
        form.incurred_on.data = min(max(date.today(), campaign.start_date), campaign.end_date)
        form.category.data = request.args.get("category", "production")
    if form.validate_on_submit():
        db = get_session()
        line = add_cost_line(db, campaign=campaign, **form.values())
        _audit("create", line)
        db.commit()
        flash(_("Cost line added."), "success")
        _rate_missing_notice(campaign, line.currency, line.incurred_on)
        return redirect(url_for("spend.costs", campaign_id=campaign.id))
    return render_template("spend/cost_form.html", form=form, campaign=campaign, line=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/campaigns/<int:campaign_id>/costs/<int:line_id>/edit", methods=["GET", "POST"])
@can_write
def edit_cost(campaign_id: int, line_id: int):
    campaign = get_campaign_or_404(campaign_id)
    line = get_line_or_404(campaign, line_id)
    form = CostLineForm(obj=line, participations=_participations(campaign))
    if form.validate_on_submit():
        db = get_session()
        before = describe_cost_line(line)
        update_cost_line(db, line, **form.values())
        _audit("update", line, before)
        db.commit()
        flash(_("Cost line saved."), "success")
        _rate_missing_notice(campaign, line.currency, line.incurred_on)
        return redirect(url_for("spend.costs", campaign_id=campaign.id))
    return render_template("spend/cost_form.html", form=form, campaign=campaign, line=line), (
        422 if request.method == "POST" else 200
    )


@bp.post("/campaigns/<int:campaign_id>/costs/<int:line_id>/delete")
@can_write
def delete_cost(campaign_id: int, line_id: int):
    campaign = get_campaign_or_404(campaign_id)
    line = get_line_or_404(campaign, line_id)
    db = get_session()
    _audit("delete", line, describe_cost_line(line))
    delete_cost_line(db, line)
    db.commit()
    flash(_("Cost line deleted."), "info")
    return redirect(url_for("spend.costs", campaign_id=campaign.id))


# ---------------------------------------------------------------------------- exchange rates


def get_rate_or_404(rate_id: int) -> ExchangeRate:
    rate = get_session().get(ExchangeRate, rate_id)
    if rate is None or rate.workspace_id != current_user.workspace_id:
        abort(404)
    return rate


def _rate_audit(action: str, rate: ExchangeRate, before: str | None = None) -> None:
    audit.record(
        get_session(),
        workspace_id=current_user.workspace_id,
        user_id=current_user.id,
        action=action,
        entity="exchange_rate",
        entity_id=rate.id,
        detail={
            "on_date": rate.on_date.isoformat(),
            "pair": f"{rate.base}/{rate.quote}",
            "rate": str(rate.rate),
            "before": before,
        },
    )


@bp.route("/rates", methods=["GET", "POST"])
@workspace_reader
def rates():
    """The workspace's exchange rates, newest first, with a form to add or correct one."""
    db = get_session()
    form = RateForm()
    if request.method == "GET":
        form.base.data = request.args.get("base", "").upper() or None
        form.quote.data = request.args.get("quote", "").upper() or None
        with contextlib.suppress(ValueError):
            form.on_date.data = date.fromisoformat(request.args.get("on", ""))
    if request.method == "POST":
        if not current_user.can_write:
            abort(403)
        if form.validate_on_submit():
            existing = db.exec(
                select(ExchangeRate).where(
                    ExchangeRate.workspace_id == current_user.workspace_id,
                    ExchangeRate.on_date == form.on_date.data,
                    ExchangeRate.base == form.base.data,
                    ExchangeRate.quote == form.quote.data,
                )
            ).first()
            before = str(existing.rate) if existing else None
            rate = set_rate(
                db,
                workspace_id=current_user.workspace_id,
                on_date=form.on_date.data,
                base=form.base.data,
                quote=form.quote.data,
                rate=form.rate.data,
            )
            _rate_audit("update" if existing else "create", rate, before)
            db.commit()
            if existing:
                flash(_("The rate of that day was corrected."), "success")
            else:
                flash(_("Rate added."), "success")
            return redirect(url_for("spend.rates"))
    currency = request.args.get("currency", "").strip().upper()
    query = select(ExchangeRate).where(ExchangeRate.workspace_id == current_user.workspace_id)
    if is_valid_currency(currency):
        query = query.where(or_(ExchangeRate.base == currency, ExchangeRate.quote == currency))
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.exec(
        query.order_by(ExchangeRate.on_date.desc(), ExchangeRate.base, ExchangeRate.quote)
        .offset((page - 1) * RATES_PAGE_SIZE)
        .limit(RATES_PAGE_SIZE)
    ).all()
    return render_template(
        "spend/rates.html",
        form=form,
        rows=rows,
        currency=currency,
        page=page,
        pages=max((total + RATES_PAGE_SIZE - 1) // RATES_PAGE_SIZE, 1),
        total=total,
    ), (422 if request.method == "POST" else 200)


@bp.route("/rates/<int:rate_id>/edit", methods=["GET", "POST"])
@can_write
def edit_rate(rate_id: int):
    rate = get_rate_or_404(rate_id)
    form = RateForm(obj=rate)
    if form.validate_on_submit():
        db = get_session()
        before = str(rate.rate)
        clash = db.exec(
            select(ExchangeRate.id).where(
                ExchangeRate.workspace_id == current_user.workspace_id,
                ExchangeRate.on_date == form.on_date.data,
                ExchangeRate.base == form.base.data,
                ExchangeRate.quote == form.quote.data,
                ExchangeRate.id != rate.id,
            )
        ).first()
        if clash:
            form.on_date.errors.append(
                _("There is already a rate for this pair on this day: correct that one.")
            )
        else:
            rate.on_date, rate.base, rate.quote = form.on_date.data, form.base.data, form.quote.data
            rate.rate, rate.source = form.rate.data, "manual"
            db.add(rate)
            db.flush()
            _rate_audit("update", rate, before)
            db.commit()
            flash(_("Rate corrected."), "success")
            return redirect(url_for("spend.rates"))
    return render_template("spend/rate_form.html", form=form, rate=rate), (
        422 if request.method == "POST" else 200
    )


@bp.post("/rates/<int:rate_id>/delete")
@can_write
def delete_rate(rate_id: int):
    rate = get_rate_or_404(rate_id)
    db = get_session()
    _rate_audit("delete", rate, str(rate.rate))
    db.delete(rate)
    db.commit()
    flash(_("Rate deleted."), "info")
    return redirect(url_for("spend.rates"))
