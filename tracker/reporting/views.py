"""Recap pages: download the PDF (en/fr), keep generated files, preview the web version; brand styling."""

from __future__ import annotations

import re
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ..access import can_write, get_campaign_or_404, public
from ..db import get_session
from ..models import Brand, Report
from . import build_recap, recap_filename, recap_pdf
from .branding import MAX_LOGO_BYTES, Logo, StylingError, brand_css, set_brand_styling
from .fetcher import ASSET_TYPES, RefusedURL, asset_path
from .files import report_path
from .forms import GenerateRecapForm, StylingForm, language_choices
from .i18n import recap_locale
from .jobs import enqueue_recap, recap_jobs
from .web import logo_data_uri, pdf_response, recap_page

bp = Blueprint("reporting", __name__)


def _lang(campaign) -> str:
    """The language asked for (?lang=), else the campaign's own."""
    return recap_locale(request.values.get("lang"), campaign.locale)


@bp.get("/campaigns/<int:campaign_id>/recap")
def recap(campaign_id: int):
    """The campaign's recap page: download in each language, generated files, preview."""
    campaign = get_campaign_or_404(campaign_id)
    reports = (
        get_session()
        .exec(
            select(Report)
            .where(Report.campaign_id == campaign.id)
            .order_by(Report.created_at.desc(), Report.id.desc())
        )
        .all()
    )
    form = GenerateRecapForm(lang=campaign.locale)
    return render_template(
        "reporting/recap.html",
        campaign=campaign,
        reports=reports,
        jobs=recap_jobs(get_session(), campaign, current_user.workspace_id),
        form=form,
        recap_languages=language_choices(),
    )


@bp.get("/campaigns/<int:campaign_id>/recap.pdf")
def download(campaign_id: int):
    """Render the recap PDF now and send it (nothing is stored)."""
    db = get_session()
    campaign = get_campaign_or_404(campaign_id)
    lang = _lang(campaign)
    today = date.today()
    recap_data = build_recap(db, campaign, lang, today=today)
    name = recap_filename(recap_data.brand, campaign, lang, today)
    return pdf_response(recap_pdf(recap_data), name)


@bp.get("/campaigns/<int:campaign_id>/recap/preview")
def preview(campaign_id: int):
    """The web version of the recap, as a brand would see it through a share link."""
    campaign = get_campaign_or_404(campaign_id)
    lang = _lang(campaign)
    recap_data = build_recap(get_session(), campaign, lang, today=date.today())
    pdf_url = url_for("reporting.download", campaign_id=campaign.id, lang=lang)
    return recap_page(recap_data, pdf_url=pdf_url)


@bp.post("/campaigns/<int:campaign_id>/recap/reports")
@can_write
def generate(campaign_id: int):
    """Queue a `recap` job that renders the recap and keeps the file; show its job page.

    A recap of a large campaign takes many seconds, too long for a request: with REDIS_URL a
    `tracker worker` renders it, without Redis the in-process job runner does (docs/recaps.md).
    """
    db = get_session()
    campaign = get_campaign_or_404(campaign_id)
    form = GenerateRecapForm()
    if not form.validate_on_submit():
        flash(_("Choose a language for the recap."), "error")
        return redirect(url_for("reporting.recap", campaign_id=campaign.id))
    job = enqueue_recap(
        db,
        campaign,
        form.lang.data,
        workspace_id=current_user.workspace_id,
        user_id=current_user.id,
    )
    db.commit()
    flash(_("The recap is being rendered: this page shows when it is ready."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/reports/<int:report_id>")
def report(report_id: int):
    """Download a recap generated earlier (only from a campaign the user may see)."""
    found = get_session().get(Report, report_id)
    if found is None:
        abort(404)
    get_campaign_or_404(found.campaign_id)
    path = report_path(current_app.config["TRACKER_REPORTS_DIR"], found)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True, max_age=0)


# ---------------------------------------------------------------------------- assets (public)

_HEX = re.compile(r"[0-9a-fA-F]{6}")


@bp.get("/recap-assets/<path:name>")
@public
def asset(name: str):
    """The recap stylesheet (and fonts) for web recaps, share pages included."""
    try:
        path = asset_path(name)
    except RefusedURL:
        abort(404)
    return send_file(path, mimetype=ASSET_TYPES[path.suffix].split(";")[0], max_age=3600)


@bp.get("/recap-assets/brand/<colour>.css", endpoint="brand_css")
@public
def brand_css_file(colour: str):
    """The brand colour as CSS custom properties: pages may not carry inline styles (CSP)."""
    if not _HEX.fullmatch(colour):
        abort(404)
    response = current_app.response_class(brand_css("#" + colour), mimetype="text/css")
    response.cache_control.max_age = 86400
    return response


# ---------------------------------------------------------------------------- brand styling


def _brand_or_404(brand_id: int) -> Brand:
    brand = get_session().get(Brand, brand_id)
    if brand is None or brand.workspace_id != current_user.workspace_id:
        abort(404)
    return brand


@bp.route("/brands/<int:brand_id>/styling", methods=["GET", "POST"])
@can_write
def styling(brand_id: int):
    """The brand's logo and primary colour, as its recaps show them."""
    db = get_session()
    brand = _brand_or_404(brand_id)
    form = StylingForm(primary_color=brand.primary_color)
    status = 200
    if form.validate_on_submit():
        upload = form.logo.data
        data = upload.read(MAX_LOGO_BYTES + 1) if upload else None
        try:
            set_brand_styling(
                db,
                brand,
                primary_color=form.primary_color.data,
                logo=data or None,
                remove_logo=form.remove_logo.data,
            )
        except StylingError as exc:
            db.rollback()
            form.logo.errors.append(_(exc.msgid, **exc.params))
            status = 400
        else:
            db.commit()
            flash(_("Brand styling saved."), "success")
            return redirect(url_for("reporting.styling", brand_id=brand.id))
    elif request.method == "POST":
        status = 400
    logo = Logo(brand.logo, brand.logo_mime or "") if brand.logo else None
    return render_template(
        "reporting/styling.html",
        brand=brand,
        form=form,
        logo_src=logo_data_uri(logo),
        max_kb=MAX_LOGO_BYTES // 1024,
    ), status
