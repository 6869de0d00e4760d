"""Brands of the workspace (a brand user sees only their own)."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import func

from ..brands import service as brand_service
from ..campaigns import service as campaign_service
from ..db import get_session
from ..models import Brand
from . import auditing
from .blueprint import api
from .pages import paginate
from .schemas.brands import BrandCreate, BrandPage, BrandPublic, BrandUpdate
from .schemas.common import ListQuery
from .scope import select_in_workspace


@api.get("/brands", query=ListQuery, response=BrandPage, summary="List brands", tag="brands")
def list_brands(query: ListQuery) -> BrandPage:
    rows = select_in_workspace(Brand).order_by(func.lower(Brand.name), Brand.id)
    if current_user.role == "brand":
        rows = rows.where(Brand.id == current_user.brand_id)
    return paginate(rows, query, BrandPage, BrandPublic.of)


@api.post(
    "/brands",
    body=BrandCreate,
    response=BrandPublic,
    status=201,
    summary="Create a brand",
    tag="brands",
)
def create_brand(body: BrandCreate) -> BrandPublic:
    brand = campaign_service.create_brand(
        get_session(),
        workspace_id=current_user.workspace_id,
        name=body.name,
        primary_color=body.primary_color,
    )
    auditing.record("create", "brand", brand.id, {"name": brand.name})
    return BrandPublic.of(brand)


@api.get("/brands/<int:brand_id>", response=BrandPublic, summary="Read a brand", tag="brands")
def get_brand(brand: Brand) -> BrandPublic:
    return BrandPublic.of(brand)


@api.patch(
    "/brands/<int:brand_id>",
    body=BrandUpdate,
    response=BrandPublic,
    summary="Rename, recolour, archive or restore a brand",
    tag="brands",
)
def update_brand(brand: Brand, body: BrandUpdate) -> BrandPublic:
    db = get_session()
    sent = body.model_dump(exclude_unset=True)
    before = {"name": brand.name, "primary_color": brand.primary_color}
    if "name" in sent or "primary_color" in sent:
        brand_service.update_brand(
            db,
            brand,
            name=sent.get("name", brand.name),
            primary_color=sent.get("primary_color", brand.primary_color),
        )
    if "archived" in sent:
        brand_service.set_archived(db, brand, bool(sent["archived"]))
    auditing.record("update", "brand", brand.id, {"before": before, "sent": sent})
    return BrandPublic.of(brand)
