"""The tier comparison across campaigns, with the tier page's filters."""

from __future__ import annotations

from flask_login import current_user

from .. import analytics
from ..db import get_session
from ..models import Workspace
from .blueprint import api
from .schemas.analytics import TierComparisonPublic, TiersQuery
from .scope import visible_brand


@api.get(
    "/tiers",
    query=TiersQuery,
    response=TierComparisonPublic,
    summary="Compare influencer tiers across campaigns (pooled KPIs, medians, counts)",
    tag="analytics",
    description="Per-tier figures use direct costs only (KPI.md). A brand user sees only "
    "their brand's campaigns.",
)
def compare_tiers(query: TiersQuery) -> TierComparisonPublic:
    db = get_session()
    brand_id = query.brand_id
    if brand_id is not None:
        visible_brand(brand_id, field="brand_id")
    if current_user.role == "brand":
        brand_id = current_user.brand_id
    comparison = analytics.tier_comparison(
        db,
        db.get(Workspace, current_user.workspace_id),
        brand_id=brand_id,
        platform=query.platform,
        objective=query.objective,
        date_from=query.date_from,
        date_to=query.date_to,
        currency=query.currency,
    )
    return TierComparisonPublic.of(comparison)
