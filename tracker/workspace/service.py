"""Changing the workspace's tier bands, with its audit entry."""

from __future__ import annotations

from sqlmodel import Session

from .. import audit
from ..models import Workspace

BAND_FIELDS = ("tier_micro_min", "tier_mid_min", "tier_macro_min", "tier_mega_min")


def set_tier_bands(
    session: Session, workspace: Workspace, bands: dict[str, int], *, user_id: int | None
) -> bool:
    """Store new lower bounds of the tiers; False (and nothing written) when they are the same.

    Tiers are computed when figures are read, from followers at join: every campaign's tier
    figures follow the new bands, except participations whose tier a manager set by hand.
    """
    before = {name: getattr(workspace, name) for name in BAND_FIELDS}
    after = {name: int(bands[name]) for name in BAND_FIELDS}
    if before == after:
        return False
    for name, value in after.items():
        setattr(workspace, name, value)
    session.add(workspace)
    audit.record(
        session,
        workspace_id=workspace.id,
        user_id=user_id,
        action="update",
        entity="workspace",
        entity_id=workspace.id,
        detail={"before": before, "after": after},
    )
    session.flush()
    return True
