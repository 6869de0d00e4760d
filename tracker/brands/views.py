"""The workspace's brands: list, create, rename, archive."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import select

from ..access import can_write, require_role
from ..campaigns.service import create_brand
from ..db import get_session
from ..models import Brand, Campaign
from .forms import BrandForm
from .service import set_archived, update_brand

bp = Blueprint("brands", __name__, url_prefix="/brands")

workspace_reader = require_role("admin", "manager", "viewer")


def get_brand_or_404(brand_id: int) -> Brand:
    brand = get_session().get(Brand, brand_id)
    if brand is None or brand.workspace_id != current_user.workspace_id:
        abort(404)
    return brand


@bp.get("")
@workspace_reader
def index():
    """List the brands with their number of campaigns; archived ones last."""
    db = get_session()
    counts = dict(
        db.exec(
            select(Campaign.brand_id, func.count())
            .join(Brand, Brand.id == Campaign.brand_id)
            .where(Brand.workspace_id == current_user.workspace_id)
            .group_by(Campaign.brand_id)
        ).all()
    )
    brands = db.exec(
        select(Brand)
        .where(Brand.workspace_id == current_user.workspace_id)
        .order_by(Brand.archived_at.is_not(None), func.lower(Brand.name))
    ).all()
    return render_template("brands/index.html", brands=brands, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@can_write
def new():
    form = BrandForm()
    if form.validate_on_submit():
        db = get_session()
        brand = create_brand(
            db,
            workspace_id=current_user.workspace_id,
            name=form.name.data,
            primary_color=form.primary_color.data,
        )
        db.commit()
        flash(
            _("Brand %(name)s created. Now create its first campaign.", name=brand.name), "success"
        )
        return redirect(url_for("campaigns.new", brand_id=brand.id))
    return render_template("brands/form.html", form=form, brand=None)


@bp.route("/<int:brand_id>/edit", methods=["GET", "POST"])
@can_write
def edit(brand_id: int):
    brand = get_brand_or_404(brand_id)
    form = BrandForm(obj=brand)
    if form.validate_on_submit():
        db = get_session()
        update_brand(db, brand, name=form.name.data, primary_color=form.primary_color.data)
        db.commit()
        flash(_("Brand %(name)s saved.", name=brand.name), "success")
        return redirect(url_for("brands.index"))
    return render_template("brands/form.html", form=form, brand=brand)


@bp.post("/<int:brand_id>/archive")
@can_write
def archive(brand_id: int):
    brand = get_brand_or_404(brand_id)
    archived = request.form.get("archived", "1") == "1"
    db = get_session()
    set_archived(db, brand, archived)
    db.commit()
    if archived:
        flash(
            _(
                "Brand %(name)s archived: it is no longer offered for new campaigns.",
                name=brand.name,
            ),
            "info",
        )
    else:
        flash(_("Brand %(name)s restored.", name=brand.name), "success")
    return redirect(url_for("brands.index"))
