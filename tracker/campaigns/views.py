from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from .. import analytics
from ..access import visible_campaigns_query
from ..db import get_session
from ..models import Campaign

bp = Blueprint("campaigns", __name__)


@bp.get("/")
def home():
    return redirect(url_for("campaigns.index"))


@bp.get("/campaigns")
def index():
    """List the campaigns the user may see, each with its ROI ratio and CPM."""
    db = get_session()
    rows = db.exec(visible_campaigns_query().order_by(Campaign.start_date.desc())).all()
    campaigns = [c for c, _ in rows]
    summaries = analytics.campaign_summaries(
        db, campaigns, workspace_id=current_user.workspace_id, today=date.today()
    )
    return render_template("campaigns/index.html", rows=rows, summaries=summaries)
