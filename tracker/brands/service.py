"""Brand changes beyond creation (which lives with campaigns: create_brand)."""

from __future__ import annotations

from sqlmodel import Session

from ..models import Brand, utcnow


def update_brand(session: Session, brand: Brand, *, name: str, primary_color: str) -> Brand:
    brand.name = name.strip()
    brand.primary_color = primary_color
    session.add(brand)
    session.flush()
    return brand


def set_archived(session: Session, brand: Brand, archived: bool) -> Brand:
    """Archive (hide from new campaigns) or restore a brand; its campaigns stay readable."""
    brand.archived_at = utcnow() if archived else None
    session.add(brand)
    session.flush()
    return brand
