"""The analytical pages: a campaign's dashboard, the tier comparison, and their exports.

Figures come from tracker.analytics only; a missing exchange rate propagates to the app's
MissingRateError handler (tracker.errors), which names the pair and links to the rates page.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from io import BytesIO
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select

from .. import analytics, exports, formatting
from ..access import get_campaign_or_404
from ..db import get_session
from ..labels import choices, label
from ..models import OBJECTIVES, PLATFORMS, Brand, Campaign, ExchangeRate, Workspace
from . import cache, plots, tables
from .forms import AsOfForm, TierFilterForm
from .pages import Ordering, campaign_page

bp = Blueprint("dashboard", __name__)
# The query arguments the campaign dashboard reads (its kept copies are keyed by them).
PAGE_ARGUMENTS = ("as_of", "sort", "order")


def _locale() -> str:
    return str(get_locale() or "en")


def _as_of() -> tuple[AsOfForm, date | None]:
    form = AsOfForm(formdata=request.args)
    form.validate()
    return form, None if form.as_of.errors else form.as_of.data


@bp.record_once
def _page_cache(state: Any) -> None:
    cache.init_app(state.app)


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    """Show a campaign's ROI against its goals, per influencer, over time and by cost."""
    db = get_session()
    record = get_campaign_or_404(campaign_id)
    today = date.today()
    # The arguments the page reads, and only those: any other argument shows the same page.
    query = tuple((name, tuple(request.args.getlist(name))) for name in PAGE_ARGUMENTS)
    body = cache.rendered(
        db,
        ("campaign", record.id, today, _locale(), query),
        lambda: _campaign_body(db, record, today),
    )
    return render_template("dashboard/campaign.html", campaign=record, body=body)


def _campaign_body(db: Any, record: Campaign, today: date) -> str:
    form, as_of = _as_of()
    ordering = Ordering.from_args(request.args.get("sort"), request.args.get("order"))
    page = campaign_page(db, record, today=today, as_of=as_of, ordering=ordering)
    goal_charts = []
    if page.has_results and page.summary.goals:
        series = analytics.daily_series(
            db, record, metrics=[g.metric for g in page.summary.goals], until=page.chart_until
        )
        goal_charts = plots.goal_charts(page.summary, series, locale=_locale())
    return render_template(
        "dashboard/_campaign_body.html",
        page=page,
        form=form,
        goal_charts=goal_charts,
        cost_chart=plots.cost_chart(page.summary.cost, record.currency, _locale()),
    )


def _send(table: exports.Table, stem: str, fmt: str) -> Response:
    """The table as a CSV or XLSX download named after what it holds."""
    if fmt == "csv":
        data, mimetype = exports.to_csv(table, _locale()), exports.CSV_MIMETYPE
    else:
        data, mimetype = exports.to_xlsx([table]), exports.XLSX_MIMETYPE
    return send_file(
        BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=f"{stem}.{fmt}"
    )


@bp.get(
    "/campaigns/<int:campaign_id>/export/<any(influencers, snapshots):table>.<any(csv, xlsx):fmt>"
)
def campaign_export(campaign_id: int, table: str, fmt: str):
    """Download the per-influencer table or the raw snapshots, as on the dashboard."""
    db = get_session()
    record = get_campaign_or_404(campaign_id)
    _form, as_of = _as_of()
    if table == "snapshots":
        sheet = tables.snapshot_table(db, record, as_of=as_of)
    else:
        ordering = Ordering.from_args(request.args.get("sort"), request.args.get("order"))
        rows = ordering.apply(analytics.participation_rows(db, record, as_of=as_of))
        sheet = tables.influencer_table(rows, record.currency)
    suffix = f"-{as_of.isoformat()}" if as_of else ""
    return _send(sheet, f"{record.slug}-{table}{suffix}", fmt)


def _tier_form() -> TierFilterForm:
    """The filter form with the choices this user may pick from."""
    db = get_session()
    form = TierFilterForm(formdata=request.args)
    brands = db.exec(
        select(Brand).where(Brand.workspace_id == current_user.workspace_id).order_by(Brand.name)
    ).all()
    if current_user.role == "brand":
        brands = [b for b in brands if b.id == current_user.brand_id]
        form.brand.choices = [(str(b.id), b.name) for b in brands]
        form.brand.data = str(current_user.brand_id)
    else:
        form.brand.choices = [("", _("All brands"))] + [(str(b.id), b.name) for b in brands]
    form.platform.choices = [("", _("All platforms"))] + choices("platform", PLATFORMS)
    form.objective.choices = [("", _("All objectives"))] + choices("objective", OBJECTIVES)
    form.currency.choices = [("", _("Most used"))] + [(c, c) for c in _currencies()]
    return form


def _currencies() -> list[str]:
    """Currencies the workspace's campaigns use or has rates for."""
    db = get_session()
    used = set(
        db.exec(
            select(Campaign.currency)
            .join(Brand, Brand.id == Campaign.brand_id)
            .where(Brand.workspace_id == current_user.workspace_id)
        ).all()
    )
    for base, quote in db.exec(
        select(ExchangeRate.base, ExchangeRate.quote).where(
            ExchangeRate.workspace_id == current_user.workspace_id
        )
    ).all():
        used |= {base, quote}
    return sorted(used)


def _comparison(form: TierFilterForm) -> analytics.TierComparison:
    form.validate()
    filters = form.filters()
    if current_user.role == "brand":  # a brand's users compare within their own campaigns only
        filters["brand_id"] = current_user.brand_id
    db = get_session()
    workspace = db.get(Workspace, current_user.workspace_id)
    return analytics.tier_comparison(db, workspace, **filters)


@bp.get("/tiers")
def tiers():
    """Compare influencer tiers across campaigns: pooled and median KPIs, with their n."""
    form = _tier_form()
    comparison = _comparison(form)
    return render_template(
        "dashboard/tiers.html",
        form=form,
        comparison=comparison,
        tier_lines=tables.TIER_LINES,
        tier_value=tables.tier_value,
        charts=plots.tier_charts(comparison, _locale()),
    )


@bp.get("/tiers/export.<any(csv, xlsx):fmt>")
def tiers_export(fmt: str):
    """Download the tier table with the same filters as the page."""
    form = _tier_form()
    comparison = _comparison(form)
    return _send(tables.tier_table(comparison), "tiers", fmt)


def _whole(value: int | Decimal | None) -> int | None:
    """A count to show: projections of counts are rounded half-even to a whole number."""
    if value is None or isinstance(value, int):
        return value
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _band(low: int, high: int | None) -> str:
    """A tier's follower band as the tables state it: "< 10,000", "10,000–49,999", "≥ 1,000,000"."""
    if high is None:
        return f"≥ {formatting.number(low, _locale())}"
    if low == 0:
        return f"< {formatting.number(high + 1, _locale())}"
    return f"{formatting.number(low, _locale())}–{formatting.number(high, _locale())}"


SPLIT_LABELS = {
    "engagements": _l("Engagements"),
    "ctr": _l("Click-through rate"),
}
ATTRIBUTION_LABELS = {
    "promo_code": _l("Promo code"),
    "click": _l("Tracked link click"),
    "none": _l("Not attributed"),
}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """Small display helpers for this blueprint's templates."""
    return {
        "kind": plots.value_kind,
        "whole": _whole,
        "bar": lambda fraction: "0" if fraction is None else str(min(fraction, 1)),
        "split_label": lambda key: str(SPLIT_LABELS.get(key) or label("metric", key)),
        "attribution_label": lambda key: str(ATTRIBUTION_LABELS.get(key, key)),
        "percent_points": lambda value: formatting.percent_points(value, _locale()),
        "band": _band,
        "app_endpoints": current_app.view_functions,
    }
