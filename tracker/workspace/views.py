"""The workspace's settings page (admins only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import require_role
from ..analytics import tier_bands
from ..db import get_session
from ..models import Workspace
from ..tiers import DEFAULT_BANDS
from .forms import TierBandsForm
from .service import BAND_FIELDS, set_tier_bands

bp = Blueprint("workspace", __name__, url_prefix="/admin/workspace")


@bp.route("", methods=["GET", "POST"])
@require_role("admin")
def settings():
    """Where each influencer tier starts, in followers at join."""
    db = get_session()
    workspace = db.get(Workspace, current_user.workspace_id)
    form = TierBandsForm(obj=workspace)
    if form.validate_on_submit():
        bands = {name: getattr(form, name).data for name in BAND_FIELDS}
        if set_tier_bands(db, workspace, bands, user_id=current_user.id):
            db.commit()
            flash(_("Tier bands saved: every tier figure now uses them."), "success")
        else:
            flash(_("The tier bands were already these."), "info")
        return redirect(url_for("workspace.settings"))
    return render_template(
        "workspace/settings.html",
        form=form,
        bands=tier_bands(workspace).describe(),
        defaults=DEFAULT_BANDS.describe(),
    )
